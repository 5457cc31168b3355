package dev.backlot.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backlot.time.Clock;
import dev.backlot.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobEngineOrderingTest {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  final ManualClock clock = Clock.manual(T0);

  static Instant at(long ms) {
    return T0.plusMillis(ms);
  }

  @Test
  void aSubmittedJobWaitsForTheClockThenRunsItsDefaultScript() {
    JobEngine jobs = JobEngine.builder().clock(clock).worker(job -> "out-" + job.input()).build();
    Job job = jobs.submit("a");
    assertThat(job.id()).isEqualTo("job-1");
    assertThat(job.state()).isEqualTo(JobState.QUEUED);
    assertThat(job.progress()).isEqualTo(new Progress(0, 5));
    assertThat(job.script()).isEqualTo(JobScript.of(Duration.ofMillis(50), 5));

    // Nothing moves until time does.
    assertThat(jobs.job("job-1").orElseThrow().state()).isEqualTo(JobState.QUEUED);
    clock.advance(Duration.ZERO);
    assertThat(jobs.job("job-1").orElseThrow().state()).isEqualTo(JobState.RUNNING);
    clock.advance(Duration.ofMillis(49));
    assertThat(jobs.job("job-1").orElseThrow().progress()).isEqualTo(new Progress(4, 5));
    clock.advance(Duration.ofMillis(1));
    Job done = jobs.job("job-1").orElseThrow();
    assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(done.output()).contains("out-a");
    assertThat(done.history())
        .containsExactly(
            new StateChange(JobState.QUEUED, at(0)),
            new StateChange(JobState.RUNNING, at(0)),
            new StateChange(JobState.SUCCEEDED, at(50)));
    jobs.assertHealthy();
  }

  @Test
  void withOneSlotJobsRunOneAtATimeInSubmissionOrder() {
    JobEngine jobs = JobEngine.builder().clock(clock).build();
    Recorder rec = new Recorder(T0);
    jobs.addListener(rec);
    jobs.submit("a");
    jobs.submit("b");
    jobs.submit("c");
    clock.advance(Duration.ZERO);
    assertThat(jobs.running()).extracting(Job::id).containsExactly("job-1");
    assertThat(jobs.queue()).extracting(Job::id).containsExactly("job-2", "job-3");

    clock.advance(Duration.ofMillis(200));

    assertThat(rec.lines())
        .filteredOn(l -> l.contains("->"))
        .containsExactly(
            "job-1 QUEUED->RUNNING @0",
            "job-1 RUNNING->SUCCEEDED @50",
            "job-2 QUEUED->RUNNING @50",
            "job-2 RUNNING->SUCCEEDED @100",
            "job-3 QUEUED->RUNNING @100",
            "job-3 RUNNING->SUCCEEDED @150");
    assertThat(jobs.count(JobState.SUCCEEDED)).isEqualTo(3);
    jobs.assertHealthy();
  }

  @Test
  void withTwoSlotsTheNextQueuedJobTakesWhicheverSlotFreesFirst() {
    JobEngine jobs = JobEngine.builder().clock(clock).maxRunning(2).build();
    Recorder rec = new Recorder(T0);
    jobs.addListener(rec);
    jobs.script().withId("a").duration(Duration.ofMillis(100));
    jobs.script().withId("b").duration(Duration.ofMillis(30));
    for (String id : List.of("a", "b", "c", "d")) { // c and d: default 50 ms
      jobs.submit(id, null);
    }
    clock.advance(Duration.ZERO);
    assertThat(jobs.running()).extracting(Job::id).containsExactly("a", "b");
    assertThat(jobs.queue()).extracting(Job::id).containsExactly("c", "d");

    clock.advance(Duration.ofMillis(30));
    assertThat(jobs.running()).extracting(Job::id).containsExactly("a", "c");
    assertThat(jobs.queue()).extracting(Job::id).containsExactly("d");
    clock.advance(Duration.ofMillis(50));
    assertThat(jobs.running()).extracting(Job::id).containsExactly("a", "d");
    clock.advance(Duration.ofMillis(100));

    assertThat(rec.lines())
        .filteredOn(l -> l.contains("->"))
        .containsExactly(
            "a QUEUED->RUNNING @0",
            "b QUEUED->RUNNING @0",
            "b RUNNING->SUCCEEDED @30",
            "c QUEUED->RUNNING @30",
            "c RUNNING->SUCCEEDED @80",
            "d QUEUED->RUNNING @80",
            "a RUNNING->SUCCEEDED @100",
            "d RUNNING->SUCCEEDED @130");
    jobs.assertHealthy();
  }

  @Test
  void neverMoreThanMaxRunningAtOnce() {
    JobEngine jobs = JobEngine.builder().clock(clock).maxRunning(2).build();
    int[] runningNow = {0};
    int[] maxSeen = {0};
    jobs.addListener(
        new JobListener() {
          @Override
          public void onTransition(Job job, JobState from, JobState to) {
            if (to == JobState.RUNNING) {
              maxSeen[0] = Math.max(maxSeen[0], ++runningNow[0]);
            } else if (from == JobState.RUNNING) {
              runningNow[0]--;
            }
          }
        });
    for (int i = 0; i < 20; i++) {
      jobs.submit(i);
    }
    for (int t = 0; t < 60; t++) {
      clock.advance(Duration.ofMillis(10));
      assertThat(jobs.running()).hasSizeLessThanOrEqualTo(2);
    }
    assertThat(maxSeen[0]).isEqualTo(2);
    assertThat(jobs.count(JobState.SUCCEEDED)).isEqualTo(20);
    // 20 jobs of 50 ms, two at a time: the last ends at 500 ms.
    assertThat(jobs.jobs().get(19).enteredAt(JobState.SUCCEEDED)).contains(at(500));
    jobs.assertHealthy();
  }

  @Test
  void callerIdsAreKeptAndDuplicatesRefused() {
    JobEngine jobs = JobEngine.builder().clock(clock).build();
    Job a = jobs.submit("4f1c-prompt", List.of(1, 2));
    assertThat(a.id()).isEqualTo("4f1c-prompt");
    assertThat(a.input()).isEqualTo(List.of(1, 2));
    assertThat(a.sequence()).isEqualTo(1);
    assertThat(jobs.submit("job-1", null).id()).isEqualTo("job-1");
    assertThat(jobs.submit(null).id()).isEqualTo("job-2"); // skips the id a caller took
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> jobs.submit("4f1c-prompt", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("4f1c-prompt");
    assertThat(jobs.submittedCount()).isEqualTo(3);
    jobs.assertHealthy();
  }

  @Test
  void customIdGenerator() {
    int[] n = {100};
    JobEngine jobs = JobEngine.builder().clock(clock).ids(() -> String.valueOf(n[0]++)).build();
    assertThat(jobs.submit("x").id()).isEqualTo("100");
    assertThat(jobs.submit("y").id()).isEqualTo("101");
  }
}
