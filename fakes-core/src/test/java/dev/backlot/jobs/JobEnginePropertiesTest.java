package dev.backlot.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backlot.engine.Clock;
import dev.backlot.engine.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Random sequences of submit / cancel / interrupt / abort / clear / script / release / advance /
 * reset on a manual clock, with injected illegal moves (finishing or moving back the progress of a
 * job that is not in a state for it). After every operation: every invariant holds, and the
 * violations are exactly the injected illegal moves. The listener's event stream is replayed
 * against a model to check per-job order, FIFO starts and the running limit.
 */
class JobEnginePropertiesTest {

  sealed interface Op {}

  record Submit(boolean ownId) implements Op {}

  record Cancel(int pick) implements Op {}

  record Interrupt(int pick) implements Op {}

  record Abort(int pick) implements Op {}

  record Release(int pick) implements Op {}

  record Advance(int millis) implements Op {}

  record ClearQueue() implements Op {}

  record InterruptRunning() implements Op {}

  record ReleaseAll() implements Op {}

  record Reset() implements Op {}

  enum Effect { FAIL, STALL, STALL_AFTER_2, CANCEL, SLOW, STEPS, THROTTLE, SUCCEED_WITH }

  record Script(Effect effect, int n, boolean evenInputsOnly, int millis, int steps) implements Op {}

  /** Injected: succeed()/fail() a job; illegal unless it is RUNNING. */
  record Finish(int pick, boolean succeed) implements Op {}

  /** Injected: progress backwards on a running job, or any progress on a job not running. */
  record BackwardProgress(int pick) implements Op {}

  @Provide
  Arbitrary<List<Op>> operations() {
    Arbitrary<Integer> pick = Arbitraries.integers().between(0, 1000);
    Arbitrary<Op> script =
        Combinators.combine(
                Arbitraries.of(Effect.class),
                Arbitraries.integers().between(1, 3),
                Arbitraries.of(true, false),
                Arbitraries.integers().between(0, 200),
                Arbitraries.integers().between(0, 6))
            .as(Script::new);
    Arbitrary<Op> op =
        Arbitraries.frequencyOf(
            Tuple.of(12, Arbitraries.of(true, false).map(Submit::new)),
            Tuple.of(10, Arbitraries.integers().between(0, 120).map(Advance::new)),
            Tuple.of(4, pick.map(Cancel::new)),
            Tuple.of(3, pick.map(Interrupt::new)),
            Tuple.of(2, pick.map(Abort::new)),
            Tuple.of(2, pick.map(Release::new)),
            Tuple.of(4, script),
            Tuple.of(1, Arbitraries.just(new ClearQueue())),
            Tuple.of(1, Arbitraries.just(new InterruptRunning())),
            Tuple.of(1, Arbitraries.just(new ReleaseAll())),
            Tuple.of(1, Arbitraries.just(new Reset())),
            Tuple.of(2, Combinators.combine(pick, Arbitraries.of(true, false)).as(Finish::new)),
            Tuple.of(2, pick.map(BackwardProgress::new)));
    return op.list().ofMinSize(8).ofMaxSize(80);
  }

  @Property(tries = 2000)
  void randomOperationsKeepEveryInvariantAndOnlyInjectedMovesAreViolations(
      @ForAll("operations") List<Op> ops,
      @ForAll @IntRange(min = 1, max = 3) int maxRunning,
      @ForAll boolean interruptFails) {
    ManualClock clock = Clock.manual(Instant.parse("2026-01-01T00:00:00Z"));
    JobEngine.Builder b =
        JobEngine.builder().clock(clock).maxRunning(maxRunning).worker(job -> "out:" + job.id());
    if (interruptFails) {
      b.interruptAs(JobState.FAILED);
    }
    JobEngine jobs = b.build();
    Model model = new Model(maxRunning);
    jobs.addListener(model);
    List<String> ids = new ArrayList<>();
    int expectedViolations = 0;
    int input = 0;

    for (Op op : ops) {
      if (op instanceof Submit s) {
        int in = input++;
        ids.add(jobs.submit(s.ownId() ? "own-" + in : null, in).id());
      } else if (op instanceof Advance a) {
        clock.advance(Duration.ofMillis(a.millis()));
      } else if (op instanceof Cancel c && !ids.isEmpty()) {
        String id = pick(ids, c.pick());
        JobState before = state(jobs, id);
        assertThat(jobs.cancel(id)).isEqualTo(before.isWaiting());
      } else if (op instanceof Interrupt i && !ids.isEmpty()) {
        String id = pick(ids, i.pick());
        JobState before = state(jobs, id);
        assertThat(jobs.interrupt(id)).isEqualTo(before == JobState.RUNNING);
        if (before == JobState.RUNNING) {
          assertThat(state(jobs, id)).isEqualTo(interruptFails ? JobState.FAILED : JobState.CANCELLED);
        }
      } else if (op instanceof Abort a && !ids.isEmpty()) {
        String id = pick(ids, a.pick());
        JobState before = state(jobs, id);
        assertThat(jobs.abort(id)).isEqualTo(!before.isTerminal());
        assertThat(state(jobs, id).isTerminal()).isTrue();
      } else if (op instanceof Release r && !ids.isEmpty()) {
        jobs.release(pick(ids, r.pick()));
      } else if (op instanceof ClearQueue) {
        int waiting = jobs.count(JobState.QUEUED) + jobs.count(JobState.THROTTLED);
        assertThat(jobs.clearQueue()).hasSize(waiting);
      } else if (op instanceof InterruptRunning) {
        int running = jobs.count(JobState.RUNNING);
        assertThat(jobs.interruptRunning()).hasSize(running);
      } else if (op instanceof ReleaseAll) {
        jobs.script().releaseAll();
      } else if (op instanceof Reset) {
        jobs.reset();
        model.reset();
        ids.clear();
        expectedViolations = 0;
      } else if (op instanceof Script s) {
        applyScript(jobs, s);
      } else if (op instanceof Finish f && !ids.isEmpty()) {
        String id = pick(ids, f.pick());
        boolean legal = state(jobs, id) == JobState.RUNNING;
        boolean done = f.succeed() ? jobs.succeed(id, "forced") : jobs.fail(id, "forced", null);
        assertThat(done).isEqualTo(legal);
        expectedViolations += legal ? 0 : 1;
      } else if (op instanceof BackwardProgress p && !ids.isEmpty()) {
        String id = pick(ids, p.pick());
        Job job = jobs.job(id).orElseThrow();
        Progress now = job.progress();
        if (job.state() != JobState.RUNNING) {
          assertThat(jobs.progress(id, 0, now.max())).isFalse();
          expectedViolations++;
        } else if (now.value() > 0) {
          assertThat(jobs.progress(id, now.value() - 1, now.max())).isFalse();
          expectedViolations++;
        }
      }
      assertThat(jobs.invariantProblems()).as("after %s", op).isEmpty();
      assertThat(jobs.violations()).as("after %s", op).hasSize(expectedViolations);
      assertThat(jobs.violations()).extracting(Violation::kind).doesNotContain(Violation.Kind.LISTENER);
    }

    // Drain: with every stall released and time enough, every job ends, and nothing is lost.
    jobs.script().releaseAll();
    jobs.script().clear();
    clock.advance(Duration.ofHours(1));
    assertThat(jobs.jobs()).allSatisfy(j -> assertThat(j.isTerminal()).as("%s", j).isTrue());
    assertThat(jobs.jobs()).hasSize(ids.size());
    assertThat(jobs.submittedCount()).isEqualTo(ids.size());
    jobs.assertInvariants();
    assertThat(jobs.violations()).hasSize(expectedViolations);
    for (Job j : jobs.jobs()) {
      assertThat(model.states(j.id()))
          .as("listener saw the job's history")
          .isEqualTo(j.history().stream().map(StateChange::state).toList());
      Vocabularies.RUNWAY.check(Vocabularies.RUNWAY.render(j)).assertLegal();
    }
    assertThat(model.maxRunningSeen).isLessThanOrEqualTo(maxRunning);

    // Not assertions: evidence, in the report, that the sequences reach every state.
    Statistics.label("violations injected").collect(expectedViolations > 0);
    Statistics.label("jobs at the end").collect(ids.isEmpty() ? "0" : ids.size() < 5 ? "1-4" : ids.size() < 15 ? "5-14" : "15+");
    Statistics.label("ran a stall or throttle").collect(model.sawStall || model.sawThrottle);
    for (JobState s : JobState.values()) {
      Statistics.label("some job was " + s).collect(model.seen.contains(s));
    }
  }

  private static void applyScript(JobEngine jobs, Script s) {
    ScriptRule r =
        s.evenInputsOnly()
            ? jobs.script().matching(Integer.class, i -> i % 2 == 0).times(s.n())
            : jobs.script().next(s.n());
    switch (s.effect()) {
      case FAIL -> r.fail("scripted failure");
      case STALL -> r.stall();
      case STALL_AFTER_2 -> r.stallAfter(2);
      case CANCEL -> r.cancel();
      case SLOW -> r.duration(Duration.ofMillis(s.millis() * 5L));
      case STEPS -> r.steps(s.steps());
      case THROTTLE -> r.throttle(Duration.ofMillis(s.millis()));
      case SUCCEED_WITH -> r.succeedWith("fixed");
    }
  }

  private static String pick(List<String> ids, int pick) {
    return ids.get(pick % ids.size());
  }

  private static JobState state(JobEngine jobs, String id) {
    return jobs.job(id).orElseThrow().state();
  }

  /**
   * Replays the event stream: per-job order (submit first, each transition from the last state,
   * nothing after a terminal state, progress only forwards and only while RUNNING), FIFO starts,
   * and the running count. A failed check throws inside the listener, which the engine records as
   * a LISTENER violation, which the property rejects.
   */
  static final class Model implements JobListener {
    final int maxRunning;
    final Map<String, List<JobState>> states = new HashMap<>();
    final Map<String, Progress> progress = new HashMap<>();
    final Deque<String> fifo = new ArrayDeque<>();
    final java.util.Set<JobState> seen = java.util.EnumSet.of(JobState.QUEUED);
    int running;
    int maxRunningSeen;
    boolean sawStall;
    boolean sawThrottle;

    Model(int maxRunning) {
      this.maxRunning = maxRunning;
    }

    void reset() {
      states.clear();
      progress.clear();
      fifo.clear();
      running = 0;
    }

    List<JobState> states(String id) {
      return states.get(id);
    }

    @Override
    public void onSubmit(Job job) {
      assertThat(states).doesNotContainKey(job.id());
      states.put(job.id(), new ArrayList<>(List.of(JobState.QUEUED)));
      progress.put(job.id(), job.progress());
      fifo.addLast(job.id());
    }

    @Override
    public void onTransition(Job job, JobState from, JobState to) {
      List<JobState> h = states.get(job.id());
      assertThat(h).as("submit came first").isNotNull();
      assertThat(h.get(h.size() - 1)).as("from is the last state").isEqualTo(from);
      assertThat(from.canMoveTo(to)).isTrue();
      h.add(to);
      seen.add(to);
      sawStall |= job.script().stalls();
      sawThrottle |= to == JobState.THROTTLED;
      if (from == JobState.QUEUED) {
        if (to == JobState.RUNNING) {
          assertThat(fifo.peekFirst()).as("FIFO start").isEqualTo(job.id());
        }
        fifo.remove(job.id());
      }
      if (to == JobState.QUEUED) {
        fifo.addLast(job.id());
      }
      if (to == JobState.RUNNING) {
        maxRunningSeen = Math.max(maxRunningSeen, ++running);
        assertThat(running).isLessThanOrEqualTo(maxRunning);
      } else if (from == JobState.RUNNING) {
        running--;
      }
    }

    @Override
    public void onProgress(Job job, Progress p) {
      List<JobState> h = states.get(job.id());
      assertThat(h.get(h.size() - 1)).isEqualTo(JobState.RUNNING);
      assertThat(progress.get(job.id()).wouldGoBackTo(p)).isFalse();
      progress.put(job.id(), p);
    }
  }
}
