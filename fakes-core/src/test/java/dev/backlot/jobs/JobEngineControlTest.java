package dev.backlot.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backlot.time.Clock;
import dev.backlot.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class JobEngineControlTest {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  final ManualClock clock = Clock.manual(T0);
  final Recorder rec = new Recorder(T0);

  JobEngine engine(JobEngine.Builder b) {
    JobEngine jobs = b.clock(clock).build();
    jobs.addListener(rec);
    return jobs;
  }

  @Test
  void cancellingAQueuedJobRemovesItFromTheQueueAndItNeverRuns() {
    JobEngine jobs = engine(JobEngine.builder());
    jobs.submit("a");
    jobs.submit("b");
    jobs.submit("c");
    clock.advance(Duration.ofMillis(10));

    assertThat(jobs.cancel("job-2")).isTrue();

    assertThat(jobs.job("job-2").orElseThrow().state()).isEqualTo(JobState.CANCELLED);
    assertThat(jobs.queue()).extracting(Job::id).containsExactly("job-3");
    clock.advance(Duration.ofSeconds(1));
    assertThat(rec.of("job-2")).containsExactly("job-2 submit @0", "job-2 QUEUED->CANCELLED @10");
    assertThat(jobs.job("job-3").orElseThrow().enteredAt(JobState.RUNNING)).contains(T0.plusMillis(50));
    jobs.assertHealthy();
  }

  @Test
  void cancelIsATryOperation() {
    JobEngine jobs = engine(JobEngine.builder());
    jobs.submit("a");
    clock.advance(Duration.ZERO);
    assertThat(jobs.cancel("job-1")).as("running").isFalse();
    assertThat(jobs.cancel("nope")).as("unknown").isFalse();
    clock.advance(Duration.ofSeconds(1));
    assertThat(jobs.cancel("job-1")).as("terminal").isFalse();
    assertThat(jobs.job("job-1").orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
    jobs.assertHealthy(); // client races are not violations
  }

  @Test
  void interruptingARunningJobCancelsItFreesTheSlotAndSilencesItsSteps() {
    JobEngine jobs = engine(JobEngine.builder().worker(job -> "out"));
    jobs.submit("a");
    jobs.submit("b");
    clock.advance(Duration.ofMillis(25)); // job-1 at 2/5

    assertThat(jobs.interrupt("job-1")).isTrue();
    assertThat(jobs.interrupt("job-1")).as("twice").isFalse();
    assertThat(jobs.interrupt("job-2")).as("queued").isFalse();

    Job a = jobs.job("job-1").orElseThrow();
    assertThat(a.state()).isEqualTo(JobState.CANCELLED);
    assertThat(a.progress()).isEqualTo(new Progress(2, 5));
    assertThat(a.output()).isEmpty();
    clock.advance(Duration.ofSeconds(1));
    assertThat(rec.of("job-1"))
        .containsExactly(
            "job-1 submit @0",
            "job-1 QUEUED->RUNNING @0",
            "job-1 1/5 @10",
            "job-1 2/5 @20",
            "job-1 RUNNING->CANCELLED @25");
    // job-2 started at the tick of the interrupt, not later.
    assertThat(jobs.job("job-2").orElseThrow().history())
        .containsExactly(
            new StateChange(JobState.QUEUED, T0),
            new StateChange(JobState.RUNNING, T0.plusMillis(25)),
            new StateChange(JobState.SUCCEEDED, T0.plusMillis(75)));
    jobs.assertHealthy();
  }

  @Test
  void anEngineCanEndInterruptedJobsAsFailedInstead() {
    JobEngine jobs = engine(JobEngine.builder().interruptAs(JobState.FAILED, "Interrupted by user"));
    jobs.submit("a");
    clock.advance(Duration.ofMillis(5));
    assertThat(jobs.interrupt("job-1")).isTrue();
    Job a = jobs.job("job-1").orElseThrow();
    assertThat(a.state()).isEqualTo(JobState.FAILED);
    assertThat(a.failure()).contains(JobFailure.of("Interrupted by user"));
    jobs.assertHealthy();
  }

  @Test
  void aWorkerResultArrivingAfterAnInterruptIsDropped() {
    AtomicReference<JobEngine> self = new AtomicReference<>();
    JobEngine jobs =
        engine(
            JobEngine.builder()
                .worker(
                    job -> {
                      self.get().interrupt(job.id()); // a client interrupts while we render
                      return "late output";
                    }));
    self.set(jobs);
    jobs.submit("a");
    clock.advance(Duration.ofSeconds(1));
    Job a = jobs.job("job-1").orElseThrow();
    assertThat(a.state()).isEqualTo(JobState.CANCELLED);
    assertThat(a.output()).isEmpty();
    assertThat(rec.of("job-1")).last().isEqualTo("job-1 RUNNING->CANCELLED @50");
    jobs.assertHealthy();
  }

  @Test
  void abortEndsAJobWhateverItIsDoing() {
    JobEngine jobs = engine(JobEngine.builder());
    jobs.script().withId("t").throttle(Duration.ofSeconds(5));
    jobs.submit("r", null);
    jobs.submit("q", null);
    jobs.submit("t", null);
    clock.advance(Duration.ofMillis(1));

    assertThat(jobs.abort("r")).isTrue();
    // r's slot is free, but q starts only at the next clock tick: it is still waiting.
    assertThat(jobs.job("q").orElseThrow().state()).isEqualTo(JobState.QUEUED);
    assertThat(jobs.abort("q")).isTrue();
    assertThat(jobs.job("q").orElseThrow().state()).isEqualTo(JobState.CANCELLED);
    assertThat(jobs.abort("t")).isTrue();
    assertThat(jobs.abort("t")).isFalse();
    assertThat(jobs.abort("nope")).isFalse();

    assertThat(jobs.jobs()).extracting(Job::state).containsOnly(JobState.CANCELLED);
    assertThat(rec.of("t")).containsExactly("t submit @0", "t QUEUED->THROTTLED @0", "t THROTTLED->CANCELLED @1");
    jobs.assertHealthy();
  }

  @Test
  void clearingTheQueueCancelsWaitingJobsButNotTheRunningOne() {
    JobEngine jobs = engine(JobEngine.builder());
    jobs.script().withId("t").throttle(Duration.ofSeconds(5));
    for (String id : new String[] {"r", "q1", "t", "q2"}) {
      jobs.submit(id, null);
    }
    clock.advance(Duration.ofMillis(1));

    assertThat(jobs.clearQueue()).extracting(Job::id).containsExactly("q1", "t", "q2");

    assertThat(jobs.queue()).isEmpty();
    assertThat(jobs.running()).extracting(Job::id).containsExactly("r");
    assertThat(jobs.count(JobState.CANCELLED)).isEqualTo(3);
    clock.advance(Duration.ofSeconds(10));
    assertThat(jobs.job("r").orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(jobs.count(JobState.CANCELLED)).isEqualTo(3);
    jobs.assertHealthy();
  }

  @Test
  void interruptRunningInterruptsEveryRunningJob() {
    JobEngine jobs = engine(JobEngine.builder().maxRunning(2));
    jobs.submit("a");
    jobs.submit("b");
    jobs.submit("c");
    clock.advance(Duration.ofMillis(1));
    assertThat(jobs.interruptRunning()).extracting(Job::id).containsExactly("job-1", "job-2");
    assertThat(jobs.queue()).extracting(Job::id).containsExactly("job-3");
    clock.advance(Duration.ZERO);
    assertThat(jobs.running()).extracting(Job::id).containsExactly("job-3");
    jobs.assertHealthy();
  }
}
