package dev.backlot.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backlot.time.Clock;
import dev.backlot.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobListenerTest {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  final ManualClock clock = Clock.manual(T0);
  final JobEngine jobs = JobEngine.builder().clock(clock).worker(job -> "png").maxRunning(2).build();
  final Recorder rec = new Recorder(T0);

  @Test
  void eventsForOneJobArriveInOrderWithSnapshotsOfThatMoment() {
    List<Job> snapshots = new ArrayList<>();
    jobs.addListener(rec);
    jobs.addListener(
        new JobListener() {
          @Override
          public void onSubmit(Job job) {
            snapshots.add(job);
          }

          @Override
          public void onTransition(Job job, JobState from, JobState to) {
            assertThat(job.state()).isEqualTo(to);
            snapshots.add(job);
          }

          @Override
          public void onProgress(Job job, Progress progress) {
            assertThat(job.progress()).isEqualTo(progress);
            snapshots.add(job);
          }
        });
    jobs.submit("a");
    clock.advance(Duration.ofSeconds(1));

    assertThat(rec.lines())
        .containsExactly(
            "job-1 submit @0",
            "job-1 QUEUED->RUNNING @0",
            "job-1 1/5 @10",
            "job-1 2/5 @20",
            "job-1 3/5 @30",
            "job-1 4/5 @40",
            "job-1 5/5 @50",
            "job-1 RUNNING->SUCCEEDED @50");
    assertThat(snapshots).extracting(Job::state)
        .containsExactly(JobState.QUEUED, JobState.RUNNING, JobState.RUNNING, JobState.RUNNING,
            JobState.RUNNING, JobState.RUNNING, JobState.RUNNING, JobState.SUCCEEDED);
    assertThat(snapshots.get(0).output()).isEmpty();
    assertThat(snapshots.get(7).output()).contains("png"); // the output is there when SUCCEEDED is told
    jobs.assertHealthy(); // the assertions inside the listener passed (a failure would be a violation)
  }

  @Test
  void eventsOfSeveralJobsInterleaveInTheOrderTheyHappened() {
    jobs.addListener(rec);
    jobs.script().all().steps(2).duration(Duration.ofMillis(20));
    jobs.script().withId("b").duration(Duration.ofMillis(10));
    jobs.submit("a", null);
    jobs.submit("b", null);
    clock.advance(Duration.ofSeconds(1));
    assertThat(rec.lines())
        .containsExactly(
            "a submit @0",
            "b submit @0",
            "a QUEUED->RUNNING @0",
            "b QUEUED->RUNNING @0",
            "b 1/2 @5",
            "a 1/2 @10",
            "b 2/2 @10",
            "b RUNNING->SUCCEEDED @10",
            "a 2/2 @20",
            "a RUNNING->SUCCEEDED @20");
  }

  @Test
  void aListenerThatThrowsIsRecordedAndDeliveryGoesOn() {
    jobs.addListener(
        new JobListener() {
          @Override
          public void onTransition(Job job, JobState from, JobState to) {
            if (to == JobState.RUNNING) {
              throw new IllegalStateException("socket closed");
            }
          }
        });
    jobs.addListener(rec);
    jobs.submit("a");
    clock.advance(Duration.ofSeconds(1));

    assertThat(rec.lines()).contains("job-1 QUEUED->RUNNING @0", "job-1 RUNNING->SUCCEEDED @50");
    assertThat(jobs.job("job-1").orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(jobs.violations()).singleElement().satisfies(v -> {
      assertThat(v.kind()).isEqualTo(Violation.Kind.LISTENER);
      assertThat(v.jobId()).isEqualTo("job-1");
      assertThat(v.reason()).contains("onTransition(job-1 QUEUED -> RUNNING)", "socket closed");
    });
  }

  @Test
  void aListenerMayCallBackIntoTheEngineAndItsEventsFollowInOrder() {
    jobs.addListener(
        new JobListener() {
          @Override
          public void onTransition(Job job, JobState from, JobState to) {
            if (job.id().equals("a") && to == JobState.SUCCEEDED) {
              jobs.submit("follow-up", job.output().orElseThrow()); // a pipeline's next stage
            }
          }
        });
    jobs.addListener(rec);
    jobs.submit("a", null);
    clock.advance(Duration.ofMillis(50));
    assertThat(rec.lines())
        .containsSequence("a RUNNING->SUCCEEDED @50", "follow-up submit @50", "follow-up QUEUED->RUNNING @50");
    assertThat(jobs.job("follow-up").orElseThrow().input()).isEqualTo("png");
    jobs.assertHealthy();
  }

  @Test
  void aRemovedListenerHearsNothingMore() {
    jobs.addListener(rec);
    jobs.submit("a");
    jobs.removeListener(rec);
    clock.advance(Duration.ofSeconds(1));
    assertThat(rec.lines()).containsExactly("job-1 submit @0");
  }
}
