package dev.backlot.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backlot.time.Clock;
import dev.backlot.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class JobScriptTest {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  final ManualClock clock = Clock.manual(T0);
  final Recorder rec = new Recorder(T0);
  final AtomicInteger workerCalls = new AtomicInteger();
  final JobEngine jobs =
      JobEngine.builder()
          .clock(clock)
          .worker(job -> "out-" + workerCalls.incrementAndGet())
          .build();

  {
    jobs.addListener(rec);
  }

  Job job(String id) {
    return jobs.job(id).orElseThrow();
  }

  @Test
  void theNextTwoJobsFailThenJobsSucceedAgain() {
    ScriptRule oom = jobs.script().next(2).fail("CUDA out of memory");
    jobs.submit("a");
    jobs.submit("b");
    jobs.submit("c");
    clock.advance(Duration.ofSeconds(1));

    assertThat(jobs.jobs()).extracting(Job::state)
        .containsExactly(JobState.FAILED, JobState.FAILED, JobState.SUCCEEDED);
    assertThat(job("job-1").failure()).contains(JobFailure.of("CUDA out of memory"));
    assertThat(job("job-1").output()).isEmpty();
    assertThat(job("job-3").output()).contains("out-1");
    assertThat(workerCalls).hasValue(1); // the worker runs only for the success
    assertThat(oom.matched()).isEqualTo(2);
    assertThat(oom.isExhausted()).isTrue();
    // A scripted failure still runs its steps first, then fails at the end of its duration.
    assertThat(rec.of("job-1")).contains("job-1 5/5 @50").last().isEqualTo("job-1 RUNNING->FAILED @50");
    jobs.assertHealthy();
  }

  @Test
  void failureDetailsAreKeptForTheFakeToRender() {
    jobs.script().next(1).fail("Content moderation", "SAFETY.INPUT.TEXT").duration(Duration.ZERO);
    jobs.submit("a");
    clock.advance(Duration.ZERO);
    assertThat(job("job-1").failure()).contains(new JobFailure("Content moderation", "SAFETY.INPUT.TEXT"));
    assertThat(job("job-1").enteredAt(JobState.FAILED)).contains(T0);
  }

  @Test
  void aStalledJobHoldsItsSlotUntilReleasedThenFinishesItsRemainingTime() {
    ScriptRule hold = jobs.script().next(1).stall();
    jobs.submit("a");
    jobs.submit("b");
    clock.advance(Duration.ofHours(1));

    Job a = job("job-1");
    assertThat(a.state()).isEqualTo(JobState.RUNNING);
    assertThat(a.isStalled()).isTrue();
    assertThat(a.progress()).isEqualTo(new Progress(0, 5));
    assertThat(job("job-2").state()).isEqualTo(JobState.QUEUED);

    hold.release();
    assertThat(job("job-1").isStalled()).isFalse();
    clock.advance(Duration.ofMillis(100));

    long h = Duration.ofHours(1).toMillis();
    assertThat(rec.of("job-1"))
        .containsExactly(
            "job-1 submit @0",
            "job-1 QUEUED->RUNNING @0",
            "job-1 1/5 @" + (h + 10),
            "job-1 2/5 @" + (h + 20),
            "job-1 3/5 @" + (h + 30),
            "job-1 4/5 @" + (h + 40),
            "job-1 5/5 @" + (h + 50),
            "job-1 RUNNING->SUCCEEDED @" + (h + 50));
    assertThat(job("job-2").state()).isEqualTo(JobState.SUCCEEDED);
    // A released rule stalls no more jobs.
    jobs.submit("c");
    clock.advance(Duration.ofSeconds(1));
    assertThat(job("job-3").state()).isEqualTo(JobState.SUCCEEDED);
    jobs.assertHealthy();
  }

  @Test
  void aJobCanStallPartWayAndBeReleasedByItsId() {
    jobs.script().next(1).stallAfter(3);
    jobs.submit("a");
    clock.advance(Duration.ofSeconds(10));
    assertThat(job("job-1").progress()).isEqualTo(new Progress(3, 5));
    assertThat(job("job-1").isStalled()).isTrue();

    assertThat(jobs.release("job-1")).isTrue();
    assertThat(jobs.release("job-1")).isFalse();
    clock.advance(Duration.ofMillis(19));
    assertThat(job("job-1").progress()).isEqualTo(new Progress(4, 5));
    clock.advance(Duration.ofMillis(1));
    assertThat(job("job-1").state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(job("job-1").enteredAt(JobState.SUCCEEDED)).contains(T0.plusMillis(10_020));
    jobs.assertHealthy();
  }

  @Test
  void aJobCanHangAtOneHundredPercentAndFinishOnRelease() {
    jobs.script().next(1).stallAfter(1000); // capped at the job's 5 steps
    jobs.submit("a");
    clock.advance(Duration.ofSeconds(5));
    assertThat(job("job-1").script().stallAfterSteps()).isEqualTo(5);
    assertThat(job("job-1").progress()).isEqualTo(new Progress(5, 5));
    assertThat(job("job-1").state()).isEqualTo(JobState.RUNNING);

    jobs.script().releaseAll();
    assertThat(job("job-1").state()).as("resumes on the clock, not inside release()").isEqualTo(JobState.RUNNING);
    clock.advance(Duration.ZERO);
    assertThat(job("job-1").state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(job("job-1").enteredAt(JobState.SUCCEEDED)).contains(T0.plusSeconds(5));
    jobs.assertHealthy();
  }

  @Test
  void aStalledJobCanBeInterrupted() {
    jobs.script().next(1).stall();
    jobs.submit("a");
    clock.advance(Duration.ofMinutes(10));
    assertThat(jobs.interrupt("job-1")).isTrue();
    assertThat(job("job-1").state()).isEqualTo(JobState.CANCELLED);
    assertThat(job("job-1").isStalled()).isFalse();
    assertThat(jobs.release("job-1")).isFalse();
    jobs.assertHealthy();
  }

  @Test
  void aSlowJobReportsExactProgressAtExactInstants() {
    jobs.script()
        .matching(Map.class, m -> "gen4".equals(m.get("model")))
        .duration(Duration.ofSeconds(30))
        .steps(20);
    jobs.submit("slow", Map.of("model", "gen4"));
    clock.advance(Duration.ZERO);

    clock.advance(Duration.ofMillis(1499));
    assertThat(job("slow").progress()).isEqualTo(new Progress(0, 20));
    clock.advance(Duration.ofMillis(1));
    assertThat(job("slow").progress()).isEqualTo(new Progress(1, 20));
    clock.advanceTo(T0.plusMillis(14_999));
    assertThat(job("slow").progress()).isEqualTo(new Progress(9, 20));
    clock.advanceTo(T0.plusSeconds(15));
    assertThat(job("slow").progress()).isEqualTo(new Progress(10, 20));
    assertThat(job("slow").progress().fraction()).isEqualTo(0.5);
    clock.advanceTo(T0.plusMillis(29_999));
    assertThat(job("slow").state()).isEqualTo(JobState.RUNNING);
    clock.advanceTo(T0.plusSeconds(30));
    assertThat(job("slow").state()).isEqualTo(JobState.SUCCEEDED);

    assertThat(rec.of("slow")).filteredOn(l -> l.contains("/20 "))
        .hasSize(20)
        .startsWith("slow 1/20 @1500", "slow 2/20 @3000")
        .endsWith("slow 20/20 @30000");
    jobs.assertHealthy();
  }

  @Test
  void predicateRulesOnlyTouchMatchingInputs() {
    ScriptRule rule = jobs.script().matching(Map.class, m -> "gen4".equals(m.get("model"))).fail("nope");
    jobs.submit(Map.of("model", "gen3"));
    jobs.submit("not a map");
    jobs.submit(Map.of("model", "gen4"));
    jobs.script().matching(in -> in instanceof String s && s.startsWith("x")).succeedWith("fixed");
    jobs.submit("xyz");
    clock.advance(Duration.ofSeconds(1));
    assertThat(jobs.jobs()).extracting(Job::state)
        .containsExactly(JobState.SUCCEEDED, JobState.SUCCEEDED, JobState.FAILED, JobState.SUCCEEDED);
    assertThat(job("job-4").output()).contains("fixed");
    assertThat(rule.matched()).isEqualTo(1);
    assertThat(workerCalls).hasValue(2);
  }

  @Test
  void rulesCombineALaterRuleOverridingOnlyWhatItSets() {
    jobs.script().all().duration(Duration.ofSeconds(1)).steps(2);
    jobs.script().next(1).fail("first one fails");
    jobs.submit("a");
    jobs.submit("b");
    assertThat(job("job-1").script())
        .isEqualTo(new JobScript(Duration.ofSeconds(1), 2, JobScript.Outcome.FAIL, null, false,
            JobFailure.of("first one fails"), -1, Duration.ZERO));
    assertThat(job("job-2").script()).isEqualTo(JobScript.of(Duration.ofSeconds(1), 2));
    clock.advance(Duration.ofSeconds(2));
    assertThat(job("job-1").enteredAt(JobState.FAILED)).contains(T0.plusSeconds(1));
    assertThat(job("job-2").enteredAt(JobState.SUCCEEDED)).contains(T0.plusSeconds(2));
  }

  @Test
  void aThrottledJobWaitsThenJoinsTheTailOfTheQueue() {
    jobs.script().withId("t").throttle(Duration.ofMillis(60));
    jobs.submit("t", null);
    jobs.submit("a", null);
    jobs.submit("b", null);
    assertThat(job("t").state()).isEqualTo(JobState.THROTTLED);
    clock.advance(Duration.ofMillis(60)); // a ran 0-50, b started at 50; t re-queued at 60
    assertThat(job("t").state()).isEqualTo(JobState.QUEUED);
    assertThat(jobs.queue()).extracting(Job::id).containsExactly("t");
    clock.advance(Duration.ofMillis(100));
    assertThat(job("t").history())
        .containsExactly(
            new StateChange(JobState.QUEUED, T0),
            new StateChange(JobState.THROTTLED, T0),
            new StateChange(JobState.QUEUED, T0.plusMillis(60)),
            new StateChange(JobState.RUNNING, T0.plusMillis(100)),
            new StateChange(JobState.SUCCEEDED, T0.plusMillis(150)));
    assertThat(Vocabularies.RUNWAY.render(job("t")))
        .containsExactly("PENDING", "THROTTLED", "PENDING", "RUNNING", "SUCCEEDED");
    jobs.assertHealthy();
  }

  @Test
  void aJobCanBeScriptedToEndCancelled() {
    jobs.script().next(1).cancel().steps(0);
    jobs.submit("a");
    clock.advance(Duration.ofSeconds(1));
    assertThat(rec.of("job-1"))
        .containsExactly("job-1 submit @0", "job-1 QUEUED->RUNNING @0", "job-1 RUNNING->CANCELLED @50");
    assertThat(workerCalls).hasValue(0);
  }

  @Test
  void aWorkerThatThrowsFailsTheJobWithTheException() {
    IllegalStateException boom = new IllegalStateException("renderer exploded");
    JobEngine failing = JobEngine.builder().clock(clock).worker(job -> { throw boom; }).build();
    failing.submit("a");
    clock.advance(Duration.ofSeconds(1));
    Job a = failing.job("job-1").orElseThrow();
    assertThat(a.state()).isEqualTo(JobState.FAILED);
    assertThat(a.failure()).contains(new JobFailure("renderer exploded", boom));
    failing.assertHealthy();
  }

  @Test
  void timesRemoveAndClearLimitRules() {
    ScriptRule twice = jobs.script().all().fail("x").times(2);
    ScriptRule removed = jobs.script().all().steps(9);
    removed.remove();
    for (int i = 0; i < 3; i++) {
      jobs.submit(i);
    }
    assertThat(jobs.jobs()).extracting(j -> j.script().outcome())
        .containsExactly(JobScript.Outcome.FAIL, JobScript.Outcome.FAIL, JobScript.Outcome.SUCCEED);
    assertThat(jobs.jobs()).extracting(j -> j.script().steps()).containsOnly(5);
    assertThat(jobs.script().rules()).containsExactly(twice);
    assertThat(twice.toString()).contains("all()", "FAIL", "usesLeft=0", "matched=2");
    jobs.script().clear();
    assertThat(jobs.script().rules()).isEmpty();
  }

  @Test
  void zeroDurationAndZeroStepsFinishAtTheStartTick() {
    jobs.script().all().duration(Duration.ZERO).steps(0);
    jobs.submit("a");
    jobs.submit("b");
    clock.advance(Duration.ZERO);
    assertThat(rec.lines())
        .containsExactly(
            "job-1 submit @0",
            "job-2 submit @0",
            "job-1 QUEUED->RUNNING @0",
            "job-1 RUNNING->SUCCEEDED @0",
            "job-2 QUEUED->RUNNING @0",
            "job-2 RUNNING->SUCCEEDED @0");
  }
}
