package dev.backlot.jobs;

import static dev.backlot.jobs.LongRunningOperations.DONE_ERROR;
import static dev.backlot.jobs.LongRunningOperations.DONE_RESPONSE;
import static dev.backlot.jobs.LongRunningOperations.NOT_DONE;
import static dev.backlot.jobs.LongRunningOperations.VOCABULARY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backlot.time.Clock;
import dev.backlot.wire.Json;
import dev.backlot.time.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LongRunningOperationsTest {

  @Test
  void everyEngineStateHasAName() {
    assertThat(VOCABULARY.nameOf(JobState.QUEUED)).isEqualTo(NOT_DONE);
    assertThat(VOCABULARY.nameOf(JobState.THROTTLED)).isEqualTo(NOT_DONE);
    assertThat(VOCABULARY.nameOf(JobState.RUNNING)).isEqualTo(NOT_DONE);
    assertThat(VOCABULARY.nameOf(JobState.SUCCEEDED)).isEqualTo(DONE_RESPONSE);
    assertThat(VOCABULARY.nameOf(JobState.FAILED)).isEqualTo(DONE_ERROR);
    assertThat(VOCABULARY.nameOf(JobState.CANCELLED)).isEqualTo(DONE_ERROR);
  }

  @Test
  void doneIsTerminalAndNothingGoesBack() {
    VOCABULARY.check(NOT_DONE, NOT_DONE, DONE_RESPONSE).assertLegal();
    VOCABULARY.checkPolled(DONE_ERROR).assertLegal();
    assertThat(VOCABULARY.check(NOT_DONE, DONE_RESPONSE, NOT_DONE).isLegal()).isFalse();
    assertThat(VOCABULARY.check(DONE_RESPONSE, DONE_ERROR).isLegal()).isFalse();
    assertThat(VOCABULARY.isTerminal(DONE_RESPONSE)).isTrue();
    assertThat(VOCABULARY.isTerminal(DONE_ERROR)).isTrue();
  }

  @Test
  void aJobsHistoryRendersAsTheOperationShowedIt() {
    ManualClock clock = Clock.manual();
    try (JobEngine jobs = JobEngine.builder().clock(clock).build()) {
      jobs.script().next(1).fail("boom");
      Job failed = jobs.submit("a");
      Job ok = jobs.submit("b");
      clock.advance(Duration.ofSeconds(1));
      assertThat(VOCABULARY.render(jobs.job(failed.id()).orElseThrow())).containsExactly(NOT_DONE, DONE_ERROR);
      assertThat(VOCABULARY.render(jobs.job(ok.id()).orElseThrow())).containsExactly(NOT_DONE, DONE_RESPONSE);
    }
  }

  @Test
  void nameOfReadsAPolledOperation() {
    assertThat(LongRunningOperations.nameOf(Json.parse("{\"name\":\"op\"}"))).isEqualTo(NOT_DONE);
    assertThat(LongRunningOperations.nameOf(Json.parse("{\"name\":\"op\",\"done\":false}"))).isEqualTo(NOT_DONE);
    assertThat(LongRunningOperations.nameOf(Json.parse("{\"done\":true,\"response\":{}}"))).isEqualTo(DONE_RESPONSE);
    assertThat(LongRunningOperations.nameOf(Json.parse("{\"done\":true,\"error\":{\"code\":13}}"))).isEqualTo(DONE_ERROR);
    assertThatThrownBy(() -> LongRunningOperations.nameOf(Json.parse("[]")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
