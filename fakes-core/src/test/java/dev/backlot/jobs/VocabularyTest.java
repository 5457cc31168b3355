package dev.backlot.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backlot.time.Clock;
import dev.backlot.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class VocabularyTest {

  @Test
  void runwayNamesEveryEngineStateAndReadsThemBack() {
    Vocabulary runway = Vocabularies.RUNWAY;
    for (JobState s : JobState.values()) {
      assertThat(runway.stateOf(runway.nameOf(s))).isEqualTo(s);
    }
    assertThat(runway.nameOf(JobState.QUEUED)).isEqualTo("PENDING");
    assertThat(runway.isTerminal("SUCCEEDED")).isTrue();
    assertThat(runway.isTerminal("THROTTLED")).isFalse();
  }

  @Test
  void miniMaxHasAliasesAndShowsStatesItLacksUnderOtherNames() {
    Vocabulary mm = Vocabularies.MINIMAX;
    assertThat(mm.stateOf("Preparing")).isEqualTo(JobState.QUEUED);
    assertThat(mm.stateOf("Queueing")).isEqualTo(JobState.QUEUED);
    assertThat(mm.nameOf(JobState.QUEUED)).isEqualTo("Queueing");
    assertThat(mm.nameOf(JobState.THROTTLED)).isEqualTo("Queueing");
    assertThat(mm.nameOf(JobState.CANCELLED)).isEqualTo("Fail");
    assertThat(mm.stateOf("Fail")).isEqualTo(JobState.FAILED);
    assertThat(mm.check("Preparing", "Queueing", "Processing", "Success").isLegal()).isTrue();
    assertThat(mm.check("Queueing", "Preparing", "Processing", "Processing", "Fail").isLegal()).isTrue();
    assertThat(mm.check("Processing", "Success").problems()).singleElement()
        .satisfies(p -> assertThat(p.reason()).contains("not where a MiniMax job starts"));
  }

  @Test
  void rqAndCeleryHappyPathsAreLegal() {
    Vocabularies.RQ.check("queued", "started", "finished").assertLegal();
    Vocabularies.RQ.check("created", "deferred", "ready_to_enqueue", "queued", "started", "failed", "queued")
        .assertLegal();
    Vocabularies.CELERY.check("PENDING", "STARTED", "SUCCESS").assertLegal();
    Vocabularies.CELERY.check("PENDING", "RECEIVED", "STARTED", "RETRY", "STARTED", "FAILURE").assertLegal();
    Vocabularies.CELERY.check("PENDING", "SUCCESS").assertLegal(); // task_track_started off
  }

  @Test
  void illegalSequencesAreReportedWithPositionsAndReasons() {
    Vocabulary.SequenceCheck rq = Vocabularies.RQ.check("queued", "finished", "started");
    assertThat(rq.isLegal()).isFalse();
    assertThat(rq.problems()).extracting(Vocabulary.Problem::index).containsExactly(1, 2);
    assertThat(rq.toString())
        .isEqualTo(
            "RQ sequence [queued, finished, started] has 2 problem(s):\n"
                + "  #1 queued -> finished: queued may only move to [started, canceled]\n"
                + "  #2 finished -> started: finished is terminal");

    // SUCCESS is sticky in Celery.
    assertThatThrownBy(() -> Vocabularies.CELERY.check("PENDING", "SUCCESS", "FAILURE").assertLegal())
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("#2 SUCCESS -> FAILURE: SUCCESS is terminal");

    assertThat(Vocabularies.CELERY.check("PENDING", "DONE").problems()).singleElement()
        .satisfies(p -> assertThat(p.reason()).startsWith("unknown Celery state"));
    assertThat(Vocabularies.RQ.check().isLegal()).isTrue();
  }

  @Test
  void polledSequencesMayMissStatesBetweenPolls() {
    Vocabulary runway = Vocabularies.RUNWAY;
    assertThat(runway.check("THROTTLED", "RUNNING").isLegal()).isFalse();
    assertThat(runway.checkPolled("THROTTLED", "RUNNING").isLegal()).isTrue();
    assertThat(runway.checkPolled("PENDING", "SUCCEEDED").isLegal()).isTrue();
    assertThat(runway.checkPolled("RUNNING", "PENDING").problems()).singleElement()
        .satisfies(p -> assertThat(p.reason()).contains("RUNNING cannot lead to PENDING"));
    assertThat(runway.checkPolled("SUCCEEDED", "FAILED").isLegal()).isFalse();
  }

  @Test
  void renderingAnEngineHistoryGivesALegalBackendSequence() {
    ManualClock clock = Clock.manual(Instant.parse("2026-01-01T00:00:00Z"));
    JobEngine jobs = JobEngine.builder().clock(clock).build();
    jobs.script().next(1).throttle(Duration.ofMillis(10));
    jobs.script().next(1).fail("x");
    jobs.submit("a");
    jobs.submit("b");
    jobs.submit("c");
    jobs.cancel("job-3");
    clock.advance(Duration.ofSeconds(1));
    for (Job job : jobs.jobs()) {
      Vocabularies.RUNWAY.check(Vocabularies.RUNWAY.render(job)).assertLegal();
      Vocabularies.MINIMAX.check(Vocabularies.MINIMAX.render(job)).assertLegal();
      Vocabularies.CELERY.check(Vocabularies.CELERY.render(job)).assertLegal();
    }
    assertThat(Vocabularies.MINIMAX.render(jobs.job("job-1").orElseThrow()))
        .containsExactly("Queueing", "Processing", "Fail"); // QUEUED, THROTTLED, QUEUED merge
    assertThat(Vocabularies.CELERY.render(jobs.job("job-3").orElseThrow())).containsExactly("PENDING", "REVOKED");
  }

  @Test
  void unmappedNamesAndStatesAreRefusedClearly() {
    assertThatThrownBy(() -> Vocabularies.CELERY.stateOf("REJECTED"))
        .hasMessageContaining("maps onto no job state");
    Vocabulary tiny = Vocabulary.builder("Tiny").state(JobState.QUEUED, "waiting").initial("waiting").build();
    assertThatThrownBy(() -> tiny.nameOf(JobState.RUNNING)).hasMessageContaining("Tiny has no name for RUNNING");
    assertThat(tiny.findState("nope")).isEmpty();
    assertThat(tiny.names()).containsExactly("waiting");
  }

  @Test
  void theBuilderRefusesInconsistentTables() {
    assertThatThrownBy(() -> Vocabulary.builder("X").state(JobState.QUEUED, "a").build())
        .hasMessageContaining("initial");
    assertThatThrownBy(() -> Vocabulary.builder("X").state(JobState.QUEUED, "a").initial("a")
            .transitions("a", "b").build())
        .hasMessageContaining("undefined state names [b]");
    assertThatThrownBy(() -> Vocabulary.builder("X").state(JobState.QUEUED, "a").state(JobState.RUNNING, "a"))
        .hasMessageContaining("defined twice");
    assertThatThrownBy(() -> Vocabulary.builder("X").render(JobState.QUEUED, "a"))
        .hasMessageContaining("define 'a'");
  }

  /**
   * Every move of the engine's table, rendered in a backend's words, is a move (or a repeat) in the
   * backend's own table, so a fake can show any engine history. RQ is the known exception: it
   * rate-limits a job instead of queueing it, so QUEUED -> THROTTLED has no RQ equivalent.
   */
  @Test
  void everyEngineMoveRendersAsALegalBackendMove() {
    for (Vocabulary v : List.of(Vocabularies.RUNWAY, Vocabularies.MINIMAX, Vocabularies.CELERY, Vocabularies.RQ)) {
      for (JobState from : JobState.values()) {
        for (JobState to : JobTransitions.targets(from)) {
          String a = v.nameOf(from);
          String b = v.nameOf(to);
          boolean ok = a.equals(b) || v.isLegal(a, b);
          boolean knownGap = v == Vocabularies.RQ && from == JobState.QUEUED && to == JobState.THROTTLED;
          assertThat(ok)
              .as("%s renders %s -> %s as %s -> %s", v.backend(), from, to, a, b)
              .isEqualTo(!knownGap);
        }
      }
    }
  }
}
