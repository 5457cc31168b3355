package dev.backlot.jobs;

import static dev.backlot.jobs.JobState.CANCELLED;
import static dev.backlot.jobs.JobState.FAILED;
import static dev.backlot.jobs.JobState.QUEUED;
import static dev.backlot.jobs.JobState.RUNNING;
import static dev.backlot.jobs.JobState.SUCCEEDED;
import static dev.backlot.jobs.JobState.THROTTLED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.backlot.time.Clock;
import dev.backlot.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class JobTransitionsTest {

  /** The table as the design states it, written independently of the implementation. */
  private static final Set<String> LEGAL =
      Set.of(
          "QUEUED->RUNNING", "QUEUED->THROTTLED", "QUEUED->CANCELLED",
          "THROTTLED->QUEUED", "THROTTLED->CANCELLED",
          "RUNNING->SUCCEEDED", "RUNNING->FAILED", "RUNNING->CANCELLED");

  static Stream<Arguments> everyPair() {
    List<Arguments> pairs = new ArrayList<>();
    for (JobState from : JobState.values()) {
      for (JobState to : JobState.values()) {
        pairs.add(Arguments.of(from, to, LEGAL.contains(from + "->" + to)));
      }
    }
    return pairs.stream();
  }

  @ParameterizedTest(name = "{0} -> {1} legal={2}")
  @MethodSource("everyPair")
  void everyPairIsLegalExactlyWhenTheDesignSaysSo(JobState from, JobState to, boolean legal) {
    assertThat(JobTransitions.isLegal(from, to)).isEqualTo(legal);
    assertThat(from.canMoveTo(to)).isEqualTo(legal);
    assertThat(JobTransitions.targets(from).contains(to)).isEqualTo(legal);
    if (legal) {
      assertThat(JobTransitions.whyIllegal(from, to)).isNull();
    } else {
      assertThat(JobTransitions.whyIllegal(from, to)).isNotBlank().contains(from.name());
    }
  }

  @Test
  void thereAreThirtySixPairsAndEightLegalOnes() {
    assertThat(everyPair().count()).isEqualTo(36);
    assertThat(everyPair().filter(a -> (boolean) a.get()[2]).count()).isEqualTo(8);
  }

  @ParameterizedTest
  @EnumSource(value = JobState.class, names = {"SUCCEEDED", "FAILED", "CANCELLED"})
  void terminalStatesAreFinal(JobState terminal) {
    assertThat(terminal.isTerminal()).isTrue();
    assertThat(JobTransitions.targets(terminal)).isEmpty();
    assertThat(JobTransitions.whyIllegal(terminal, QUEUED)).contains("terminal");
  }

  @Test
  void waitingAndTerminalClassification() {
    assertThat(QUEUED.isWaiting()).isTrue();
    assertThat(THROTTLED.isWaiting()).isTrue();
    assertThat(RUNNING.isWaiting()).isFalse();
    assertThat(RUNNING.isTerminal()).isFalse();
    assertThat(JobTransitions.whyIllegal(RUNNING, RUNNING)).contains("already RUNNING");
    assertThat(JobTransitions.whyIllegal(QUEUED, SUCCEEDED)).contains("QUEUED may only move to");
  }

  /** The engine refuses every illegal move into SUCCEEDED/FAILED, from every non-RUNNING state. */
  @ParameterizedTest
  @EnumSource(value = JobState.class, names = {"QUEUED", "THROTTLED", "SUCCEEDED", "FAILED", "CANCELLED"})
  void theEngineRefusesFinishingAJobThatIsNotRunning(JobState start) {
    ManualClock clock = Clock.manual(Instant.parse("2026-01-01T00:00:00Z"));
    JobEngine jobs = JobEngine.builder().clock(clock).build();
    String id = jobInState(jobs, clock, start);
    assertThat(jobs.job(id).orElseThrow().state()).isEqualTo(start);

    assertThat(jobs.succeed(id, "x")).isFalse();
    assertThat(jobs.fail(id, "boom", null)).isFalse();

    assertThat(jobs.job(id).orElseThrow().state()).isEqualTo(start);
    assertThat(jobs.violations())
        .extracting(Violation::kind, Violation::jobId, Violation::from, Violation::to)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(Violation.Kind.TRANSITION, id, start, SUCCEEDED),
            org.assertj.core.groups.Tuple.tuple(Violation.Kind.TRANSITION, id, start, FAILED));
    jobs.assertInvariants();
  }

  /** Drives a fresh job into {@code state} through legal operations only. */
  static String jobInState(JobEngine jobs, ManualClock clock, JobState state) {
    switch (state) {
      case QUEUED -> {
        jobs.script().next(1).stall();
        jobs.submit("blocker");
        clock.advance(Duration.ZERO);
        return jobs.submit("x").id();
      }
      case THROTTLED -> {
        jobs.script().next(1).throttle(Duration.ofSeconds(10));
        return jobs.submit("x").id();
      }
      case RUNNING -> {
        jobs.script().next(1).stall();
        String id = jobs.submit("x").id();
        clock.advance(Duration.ZERO);
        return id;
      }
      case SUCCEEDED -> {
        String id = jobs.submit("x").id();
        clock.advance(Duration.ofSeconds(1));
        return id;
      }
      case FAILED -> {
        jobs.script().next(1).fail("no");
        String id = jobs.submit("x").id();
        clock.advance(Duration.ofSeconds(1));
        return id;
      }
      case CANCELLED -> {
        String id = jobs.submit("x").id();
        jobs.cancel(id);
        return id;
      }
      default -> throw new AssertionError(state);
    }
  }

  @Test
  void legalFinishingOfARunningJobIsAccepted() {
    ManualClock clock = Clock.manual(Instant.parse("2026-01-01T00:00:00Z"));
    JobEngine jobs = JobEngine.builder().clock(clock).build();
    String a = jobInState(jobs, clock, RUNNING);
    assertThat(jobs.succeed(a, "done")).isTrue();
    assertThat(jobs.job(a).orElseThrow().output()).contains("done");
    jobs.script().next(1).stall();
    String b = jobs.submit("y").id();
    clock.advance(Duration.ZERO);
    assertThat(jobs.fail(b, "boom", 42)).isTrue();
    assertThat(jobs.job(b).orElseThrow().failure()).contains(new JobFailure("boom", 42));
    assertThat(jobs.job(b).orElseThrow().state()).isEqualTo(FAILED);
    jobs.assertHealthy();
    assertThat(CANCELLED.isTerminal()).isTrue();
  }
}
