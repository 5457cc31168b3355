package dev.backlot.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backlot.time.Clock;
import dev.backlot.wire.ErrorShape;
import dev.backlot.time.ManualClock;
import dev.backlot.journal.Journal;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Command rules (for command protocols such as Redis's) decided by the plan alone. */
class FaultPlanCommandTest {

  private final ManualClock clock = Clock.manual(Instant.parse("2026-01-01T00:00:00Z"));
  private final FaultPlan plan =
      new FaultPlan(7, clock, new Journal(), () -> ErrorShape.DEFAULT);

  private CommandFault decide(String command, String key) {
    return plan.decideCommand(command, key, clock.instant());
  }

  @Test
  void noRulesNoFaultAndNoCommandRulesFlag() {
    plan.on("GET", "/x").status(503);
    assertThat(plan.hasCommandRules()).isFalse();
    assertThat(decide("GET", "k")).isNull();
  }

  @Test
  void delaysAddUpAndTheFirstOtherActionDecides() {
    plan.onAnyCommand().delay(Duration.ofMillis(10));
    plan.onCommand("get").delay(Duration.ofMillis(5));
    plan.onCommand("GET").key("session:*").error("ERR first");
    plan.onCommand("GET").error("ERR second");
    assertThat(plan.hasCommandRules()).isTrue();

    CommandFault f = decide("GET", "session:1");
    assertThat(f.delay()).isEqualTo(Duration.ofMillis(15));
    assertThat(f.error()).isEqualTo("ERR first");
    assertThat(f.close()).isFalse();
    assertThat(f.description()).contains("#1 any command -> delay 10ms (match 1, seed 7)")
        .contains("#3 GET key=session:* -> error ERR first");

    assertThat(decide("GET", "user:1").error()).isEqualTo("ERR second");
    CommandFault set = decide("SET", "k");
    assertThat(set.delay()).isEqualTo(Duration.ofMillis(10));
    assertThat(set.error()).isNull();
    assertThat(set.close()).isFalse(); // a delay only: the command runs
  }

  @Test
  void closeBeforeOrAfterHandling() {
    plan.onCommand("BLMOVE").nth(2).close();
    plan.onCommand("INCR").afterHandling().close();
    assertThat(decide("BLMOVE", "q")).isNull();
    CommandFault drop = decide("BLMOVE", "q");
    assertThat(drop.close()).isTrue();
    assertThat(drop.afterHandling()).isFalse();
    assertThat(decide("BLMOVE", "q")).isNull();
    CommandFault lost = decide("INCR", "n");
    assertThat(lost.close()).isTrue();
    assertThat(lost.afterHandling()).isTrue();
    assertThat(plan.rules().get(1)).hasToString("#2 INCR -> after handling: close connection");
  }

  @Test
  void timeWindowsGlobsAndDiagnostics() {
    plan.onCommand("GET").between(clock.instant().plusSeconds(10), clock.instant().plusSeconds(20))
        .error("ERR window");
    plan.onCommand("HGET").key("user:[12]").error("ERR glob");
    assertThat(decide("GET", "k")).isNull();
    clock.advance(Duration.ofSeconds(10));
    assertThat(decide("GET", "k").error()).isEqualTo("ERR window");
    assertThat(decide("HGET", "user:3")).isNull();
    assertThat(decide("HGET", "user:2").error()).isEqualTo("ERR glob");
    assertThat(decide("HGET", null)).isNull();

    plan.onCommand("DEL").error("ERR never");
    assertThatThrownBy(plan::assertAllFired).hasMessageContaining("#3 DEL -> error ERR never")
        .hasMessageContaining("matched 0 commands");
    assertThatThrownBy(() -> plan.onCommand()).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> plan.onCommand("GET").error("x").key("k"))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void theSeedDecidesProbabilities() {
    plan.onCommand("GET").probability(0.5).error("ERR coin");
    StringBuilder first = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      first.append(decide("GET", "k") == null ? '.' : 'x');
    }
    plan.clear();
    plan.seed(7);
    plan.onCommand("GET").probability(0.5).error("ERR coin");
    StringBuilder again = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      again.append(decide("GET", "k") == null ? '.' : 'x');
    }
    assertThat(again.toString()).isEqualTo(first.toString()).contains("x").contains(".");
  }
}
