package dev.backlot.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backlot.time.Clock;
import dev.backlot.wire.ErrorShape;
import dev.backlot.wire.Request;
import dev.backlot.journal.Journal;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A rule switched off stays in the plan with its counters but neither matches nor fires. */
class RuleEnabledTest {

  private final FaultPlan plan = new FaultPlan(1, Clock.manual(), new Journal(), () -> ErrorShape.DEFAULT);

  private static Request get(String path) {
    return Request.of("GET", path, Map.of(), null);
  }

  @Test
  void aDisabledRuleLetsTrafficThroughUntilEnabledAgain() {
    HttpRule rule = plan.on("GET", "/x").every(2).status(503);
    assertThat(rule.isEnabled()).isTrue();
    assertThat(plan.decide(get("/x"), null)).isNull(); // match 1
    assertThat(plan.decide(get("/x"), null)).isNotNull(); // match 2 fires

    assertThat(rule.enabled(false)).isSameAs(rule);
    assertThat(rule.isEnabled()).isFalse();
    assertThat(rule.toString()).endsWith("(disabled)");
    for (int i = 0; i < 5; i++) {
      assertThat(plan.decide(get("/x"), null)).isNull();
    }
    assertThat(rule.matched()).as("not counted while off").isEqualTo(2);
    assertThat(rule.fired()).isEqualTo(1);
    assertThat(plan.rules()).containsExactly(rule);

    rule.enabled(true);
    assertThat(rule.toString()).doesNotContain("disabled");
    assertThat(plan.decide(get("/x"), null)).isNull(); // match 3
    assertThat(plan.decide(get("/x"), null)).isNotNull(); // match 4 fires: every(2) resumes where it was
  }

  @Test
  void aDisabledRuleDoesNotShadowTheRulesAfterIt() {
    HttpRule first = plan.on("GET", "/x").status(503);
    plan.on("GET", "/x").status(429);
    first.enabled(false);
    assertThat(plan.decide(get("/x"), null).replacement().status()).isEqualTo(429);
  }
}
