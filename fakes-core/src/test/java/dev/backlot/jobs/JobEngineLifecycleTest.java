package dev.backlot.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backlot.time.Clock;
import dev.backlot.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** reset(), close(), and how violations and invariants are surfaced. */
class JobEngineLifecycleTest {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  final ManualClock clock = Clock.manual(T0);
  final JobEngine jobs = JobEngine.builder().clock(clock).build();
  final Recorder rec = new Recorder(T0);

  @Test
  void resetForgetsJobsRulesAndViolationsButKeepsListeners() {
    jobs.addListener(rec);
    ScriptRule stall = jobs.script().next(1).stall();
    jobs.script().all().fail("x");
    jobs.submit("a");
    jobs.submit("b");
    clock.advance(Duration.ofMillis(10));
    jobs.fail("job-2", "queued job failed by hand", null); // a violation
    assertThat(jobs.violations()).hasSize(1);
    assertThat(clock.pendingTasks()).isZero(); // job-1 stalled, job-2 queued: nothing scheduled

    jobs.reset();

    assertThat(jobs.jobs()).isEmpty();
    assertThat(jobs.submittedCount()).isZero();
    assertThat(jobs.violations()).isEmpty();
    assertThat(jobs.script().rules()).isEmpty();
    assertThat(jobs.counts()).containsOnlyKeys(JobState.values()).allSatisfy((s, n) -> assertThat(n).isZero());
    stall.release(); // a stale rule handle is harmless
    rec.clear();

    Job fresh = jobs.submit("c");
    assertThat(fresh.id()).isEqualTo("job-1");
    assertThat(fresh.script()).isEqualTo(JobScript.of(Duration.ofMillis(50), 5));
    clock.advance(Duration.ofSeconds(1));
    assertThat(jobs.job("job-1").orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(rec.lines()).first().isEqualTo("job-1 submit @10");
    jobs.assertHealthy();
  }

  @Test
  void resetCancelsScheduledWorkSoOldJobsNeverComeBack() {
    jobs.addListener(rec);
    jobs.submit("a");
    jobs.submit("b");
    clock.advance(Duration.ofMillis(25));
    assertThat(clock.pendingTasks()).isPositive();
    jobs.reset();
    assertThat(clock.pendingTasks()).isZero();
    rec.clear();
    clock.advance(Duration.ofSeconds(1));
    assertThat(rec.lines()).isEmpty();
    assertThat(jobs.jobs()).isEmpty();
  }

  @Test
  void resetIsFast() {
    for (int i = 0; i < 1000; i++) {
      jobs.submit(i);
    }
    clock.advance(Duration.ofMillis(25));
    jobs.reset();
    assertThat(jobs.jobs()).isEmpty();
    // No timing assertion here (noisy machine); the JMH module measures reset.
  }

  @Test
  void closeCancelsScheduledWorkAndRefusesNewJobs() {
    jobs.submit("a");
    jobs.submit("b");
    clock.advance(Duration.ofMillis(25));
    jobs.close();
    assertThat(clock.pendingTasks()).isZero();
    clock.advance(Duration.ofSeconds(1));
    assertThat(jobs.job("job-1").orElseThrow().state()).isEqualTo(JobState.RUNNING);
    assertThatThrownBy(() -> jobs.submit("c"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    jobs.close(); // idempotent
    jobs.assertInvariants();
  }

  @Test
  void violationsAreSurfacedWithAReadableMessage() {
    jobs.submit("a");
    clock.advance(Duration.ofSeconds(1)); // job-1 SUCCEEDED at +50ms
    jobs.script().next(1).stallAfter(3);
    jobs.submit("b");
    clock.advance(Duration.ofSeconds(1)); // job-2 stalled at 3/5

    assertThat(jobs.fail("job-1", "late failure", null)).isFalse();
    assertThat(jobs.progress("job-2", 1, 5)).isFalse();
    assertThat(jobs.progress("job-1", 5, 5)).isFalse();
    assertThat(jobs.progress("job-2", 4, 5)).isTrue(); // forwards is fine

    assertThat(jobs.violations()).extracting(Violation::kind)
        .containsExactly(Violation.Kind.TRANSITION, Violation.Kind.PROGRESS, Violation.Kind.PROGRESS);
    assertThatThrownBy(jobs::assertNoViolations)
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            "the job engine recorded 3 violation(s):\n"
                + "  1. [TRANSITION] job-1 SUCCEEDED -> FAILED at 2026-01-01T00:00:02Z: refused fail(): "
                + "SUCCEEDED is terminal and terminal states are final\n"
                + "  2. [PROGRESS] job-2 in RUNNING at 2026-01-01T00:00:02Z: refused progress(): "
                + "progress would go back from 3/5 to 1/5\n"
                + "  3. [PROGRESS] job-1 in SUCCEEDED at 2026-01-01T00:00:02Z: refused progress() 5/5: "
                + "the job is not RUNNING");
    assertThatThrownBy(jobs::assertHealthy).hasMessageContaining("3 violation(s)");
    assertThat(jobs.job("job-1").orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(jobs.job("job-2").orElseThrow().progress()).isEqualTo(new Progress(4, 5));
    jobs.assertInvariants(); // refused moves leave every invariant intact
  }

  @Test
  void assertingOperationsOnUnknownIdsThrow() {
    assertThatThrownBy(() -> jobs.succeed("nope", null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> jobs.progress("nope", 1, 2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> jobs.progress("nope", 3, 2)).hasMessageContaining("0 <= value <= max");
    assertThat(jobs.job("nope")).isEmpty();
  }

  @Test
  void invariantsHoldAndDescribeTheEngineWhenQueried() {
    jobs.script().withId("t").throttle(Duration.ofSeconds(1));
    jobs.script().withId("s").stall();
    jobs.submit("s", null);
    jobs.submit("q", null);
    jobs.submit("t", null);
    jobs.submit("c", null);
    jobs.cancel("c");
    clock.advance(Duration.ZERO);
    assertThat(jobs.invariantProblems()).isEmpty();
    assertThat(jobs.counts())
        .containsEntry(JobState.RUNNING, 1)
        .containsEntry(JobState.QUEUED, 1)
        .containsEntry(JobState.THROTTLED, 1)
        .containsEntry(JobState.CANCELLED, 1);
    assertThat(jobs.jobs(JobState.THROTTLED)).extracting(Job::id).containsExactly("t");
    assertThat(jobs.toString()).contains("RUNNING=1", "max 1 running");
    assertThat(jobs.job("s").orElseThrow().toString()).contains("s RUNNING 0/5 stalled");
  }
}
