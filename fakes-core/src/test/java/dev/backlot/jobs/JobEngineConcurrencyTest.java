package dev.backlot.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.backlot.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The engine on the system clock, hammered from many threads at once. */
class JobEngineConcurrencyTest {

  static final int THREADS = 50;
  static final int JOBS_PER_THREAD = 20;
  static final int MAX_RUNNING = 4;
  /** Each submitter picks its victims and calls from its own seeded stream. */
  static final long SEED = 20261205L;

  final JobEngine jobs =
      JobEngine.builder()
          .clock(Clock.system())
          .maxRunning(MAX_RUNNING)
          .defaultDuration(Duration.ofMillis(2))
          .defaultSteps(2)
          .worker(job -> "out:" + job.id())
          .build();

  @AfterEach
  void close() {
    jobs.close();
  }

  @Test
  void fiftyThreadsSubmittingAndCancellingEndWithEveryJobTerminalAndNoViolation() throws Exception {
    Map<String, List<JobState>> seen = new ConcurrentHashMap<>();
    AtomicInteger runningNow = new AtomicInteger();
    AtomicInteger maxRunningSeen = new AtomicInteger();
    List<String> listenerProblems = new CopyOnWriteArrayList<>();
    jobs.addListener(
        new JobListener() {
          @Override
          public void onSubmit(Job job) {
            if (seen.putIfAbsent(job.id(), new CopyOnWriteArrayList<>(List.of(JobState.QUEUED))) != null) {
              listenerProblems.add("submitted twice: " + job.id());
            }
          }

          @Override
          public void onTransition(Job job, JobState from, JobState to) {
            List<JobState> h = seen.get(job.id());
            if (h == null || h.get(h.size() - 1) != from) {
              listenerProblems.add("out of order: " + job.id() + " " + from + "->" + to + " after " + h);
              return;
            }
            h.add(to);
            if (to == JobState.RUNNING) {
              maxRunningSeen.accumulateAndGet(runningNow.incrementAndGet(), Math::max);
            } else if (from == JobState.RUNNING) {
              runningNow.decrementAndGet();
            }
          }
        });
    jobs.script().matching(Integer.class, i -> i % 7 == 0).fail("every seventh fails");
    jobs.script().matching(Integer.class, i -> i % 11 == 0).throttle(Duration.ofMillis(3));

    List<String> ids = new CopyOnWriteArrayList<>();
    AtomicInteger cancelled = new AtomicInteger();
    AtomicInteger interrupted = new AtomicInteger();
    AtomicInteger aborted = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      Thread th =
          new Thread(
              () -> {
                try {
                  start.await();
                  Random rnd = new Random(SEED + thread);
                  for (int i = 0; i < JOBS_PER_THREAD; i++) {
                    ids.add(jobs.submit("t" + thread + "-" + i, thread * JOBS_PER_THREAD + i).id());
                    String victim = ids.get(rnd.nextInt(ids.size()));
                    switch (rnd.nextInt(4)) {
                      case 0 -> { if (jobs.cancel(victim)) cancelled.incrementAndGet(); }
                      case 1 -> { if (jobs.interrupt(victim)) interrupted.incrementAndGet(); }
                      case 2 -> { if (jobs.abort(victim)) aborted.incrementAndGet(); }
                      default -> jobs.job(victim).orElseThrow();
                    }
                  }
                } catch (Throwable e) {
                  errors.add(e);
                }
              },
              "submitter-" + t);
      threads.add(th);
      th.start();
    }
    start.countDown();
    for (Thread th : threads) {
      th.join(Duration.ofSeconds(60).toMillis());
    }
    assertThat(errors).isEmpty();
    assertThat(ids).hasSize(THREADS * JOBS_PER_THREAD).doesNotHaveDuplicates();

    await("every job terminal and every event delivered")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(20))
        .untilAsserted(
            () -> {
              assertThat(jobs.jobs()).allMatch(Job::isTerminal);
              assertThat(seen.values()).allMatch(h -> h.get(h.size() - 1).isTerminal());
            });

    jobs.assertHealthy();
    assertThat(listenerProblems).isEmpty();
    assertThat(seen).hasSize(ids.size());
    assertThat(jobs.submittedCount()).isEqualTo(ids.size());
    assertThat(maxRunningSeen.get()).isBetween(1, MAX_RUNNING);
    for (Job job : jobs.jobs()) {
      assertThat(seen.get(job.id())).as(job.id()).isEqualTo(job.history().stream().map(StateChange::state).toList());
    }
    assertThat(cancelled.get() + aborted.get() + interrupted.get()).as("some calls won their race").isPositive();
    // Each successful call made exactly one transition, and nothing else made those transitions.
    long waitingCancelled = jobs.jobs().stream().filter(j -> endedFromWaiting(j)).count();
    long runningCancelled = jobs.jobs().stream().filter(j -> endedFrom(j, JobState.RUNNING, JobState.CANCELLED)).count();
    assertThat(cancelled.get() + aborted.get() + interrupted.get()).isEqualTo(waitingCancelled + runningCancelled);
    assertThat(jobs.count(JobState.SUCCEEDED) + jobs.count(JobState.FAILED) + jobs.count(JobState.CANCELLED))
        .isEqualTo(ids.size());
    assertThat(jobs.count(JobState.SUCCEEDED)).isPositive();
  }

  private static boolean endedFromWaiting(Job j) {
    return endedFrom(j, JobState.QUEUED, JobState.CANCELLED) || endedFrom(j, JobState.THROTTLED, JobState.CANCELLED);
  }

  private static boolean endedFrom(Job j, JobState from, JobState to) {
    List<StateChange> h = j.history();
    return h.size() >= 2 && h.get(h.size() - 2).state() == from && h.get(h.size() - 1).state() == to;
  }

  @Test
  void onTheSystemClockJobsRunBySchedulingAndAStallHoldsItsSlotUntilReleased() {
    try (JobEngine gpu = JobEngine.builder().worker(job -> "out:" + job.id()).build()) { // 1 slot
      List<String> events = new CopyOnWriteArrayList<>();
      gpu.addListener(
          new JobListener() {
            @Override
            public void onTransition(Job job, JobState from, JobState to) {
              events.add(job.id() + " " + to);
            }

            @Override
            public void onProgress(Job job, Progress p) {
              events.add(job.id() + " " + p);
            }
          });
      ScriptRule hold = gpu.script().withId("held").stallAfter(1).steps(3);
      gpu.submit("held", null);
      gpu.submit("behind", null);

      await().atMost(Duration.ofSeconds(30)).until(() -> events.contains("held 1/3"));
      assertThat(gpu.job("held").orElseThrow().isStalled()).isTrue();
      assertThat(gpu.job("behind").orElseThrow().state()).isEqualTo(JobState.QUEUED);
      hold.release();

      await().atMost(Duration.ofSeconds(30))
          .until(() -> events.contains("behind SUCCEEDED"));
      assertThat(events)
          .containsSubsequence("held RUNNING", "held 1/3", "held 2/3", "held 3/3", "held SUCCEEDED", "behind RUNNING");
      assertThat(gpu.job("held").orElseThrow().output()).contains("out:held");
      gpu.assertHealthy();
    }
  }
}
