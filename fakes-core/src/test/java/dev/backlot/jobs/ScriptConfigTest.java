package dev.backlot.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backlot.time.Clock;
import dev.backlot.wire.Json;
import dev.backlot.time.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ScriptConfigTest {

  private final ManualClock clock = Clock.manual();
  private final JobEngine jobs = JobEngine.builder().clock(clock).maxRunning(4).build();

  @Test
  void rulesFromConfigScriptJobsAsTheJavaApiWould() {
    ScriptConfig.apply(jobs.script(), Json.parse("""
        [{"next": 1, "fail": "moderated", "details": 1027},
         {"all": true, "durationMs": 1000, "steps": 2}]"""));
    Job failing = jobs.submit("a");
    ScriptConfig.apply(jobs.script(), Json.parse("""
        [{"next": 1, "fail": "flagged", "details": "SAFETY.INPUT.TEXT"}]"""));
    Job coded = jobs.submit("b");
    ScriptConfig.apply(jobs.script(), Json.parse("[{\"next\": 1, \"throttleMs\": 500}]"));
    Job throttled = jobs.submit("c");
    ScriptConfig.apply(jobs.script(), Json.parse("[{\"next\": 1, \"stallAfter\": 1}]"));
    Job stalls = jobs.submit("d");
    ScriptConfig.apply(jobs.script(), Json.parse("[{\"next\": 1, \"cancel\": true}]"));
    Job cancels = jobs.submit("e");

    assertThat(failing.script().failure().details()).isEqualTo(1027);
    assertThat(coded.script().failure().details()).isEqualTo("SAFETY.INPUT.TEXT");
    assertThat(failing.script().duration()).isEqualTo(Duration.ofSeconds(1));
    assertThat(throttled.state()).isEqualTo(JobState.THROTTLED);
    assertThat(stalls.script().stallAfterSteps()).isEqualTo(1);
    assertThat(cancels.script().outcome()).isEqualTo(JobScript.Outcome.CANCEL);
    clock.advance(Duration.ofSeconds(3));
    assertThat(jobs.job(failing.id()).orElseThrow().state()).isEqualTo(JobState.FAILED);
    assertThat(jobs.job(stalls.id()).orElseThrow().isStalled()).isTrue();
    assertThat(jobs.job(cancels.id()).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
  }

  @Test
  void badRulesAreRefusedNamingTheProblem() {
    assertThatThrownBy(() -> ScriptConfig.check(Json.parse("{\"next\": 1}"))).hasMessageContaining("list");
    assertThatThrownBy(() -> ScriptConfig.check(Json.parse("[3]"))).hasMessageContaining("object");
    assertThatThrownBy(() -> ScriptConfig.check(Json.parse("[{\"next\": 1, \"boom\": 1}]"))).hasMessageContaining("boom");
    assertThatThrownBy(() -> ScriptConfig.check(Json.parse("[{\"durationMs\": 1}]"))).hasMessageContaining("next");
    assertThatThrownBy(() -> ScriptConfig.check(Json.parse("[{\"all\": true, \"durationMs\": \"1s\"}]")))
        .hasMessageContaining("durationMs");
    assertThatThrownBy(() -> ScriptConfig.check(Json.parse("[{\"all\": true, \"fail\": 5}]"))).hasMessageContaining("fail");
    ScriptConfig.check(null);
    assertThat(jobs.script().rules()).isEmpty();
  }
}
