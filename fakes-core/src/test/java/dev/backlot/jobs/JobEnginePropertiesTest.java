package dev.backlot.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backlot.time.Clock;
import dev.backlot.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/**
 * Random sequences of submit / cancel / interrupt / abort / clear / script / release / advance /
 * reset on a manual clock, with injected illegal moves (finishing or moving back the progress of a
 * job that is not in a state for it). After every operation: every invariant holds, and the
 * violations are exactly the injected illegal moves. The listener's event stream is replayed
 * against a model to check per-job order, FIFO starts and the running limit.
 *
 * <p>A seeded loop rather than a property-testing library: try {@code k} uses seed {@code BASE +
 * k}, and a failure names its seed and operations, so it replays exactly.
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

  private static final long BASE_SEED = 20261122L;
  private static final int TRIES = 1000;

  /** One random operation, with the same weights the sequences have always had. */
  static Op randomOp(Random r) {
    int w = r.nextInt(45);
    if (w < 12) return new Submit(r.nextBoolean());
    if (w < 22) return new Advance(r.nextInt(121));
    if (w < 26) return new Cancel(r.nextInt(1001));
    if (w < 29) return new Interrupt(r.nextInt(1001));
    if (w < 31) return new Abort(r.nextInt(1001));
    if (w < 33) return new Release(r.nextInt(1001));
    if (w < 37) {
      Effect[] effects = Effect.values();
      return new Script(effects[r.nextInt(effects.length)], 1 + r.nextInt(3), r.nextBoolean(),
          r.nextInt(201), r.nextInt(7));
    }
    if (w < 38) return new ClearQueue();
    if (w < 39) return new InterruptRunning();
    if (w < 40) return new ReleaseAll();
    if (w < 41) return new Reset();
    if (w < 43) return new Finish(r.nextInt(1001), r.nextBoolean());
    return new BackwardProgress(r.nextInt(1001));
  }

  @Test
  void randomOperationsKeepEveryInvariantAndOnlyInjectedMovesAreViolations() {
    Set<JobState> reached = EnumSet.noneOf(JobState.class);
    int withInjected = 0;
    int withStalls = 0;
    for (int k = 0; k < TRIES; k++) {
      long seed = BASE_SEED + k;
      Random r = new Random(seed);
      List<Op> ops = new ArrayList<>();
      int n = 8 + r.nextInt(73);
      for (int i = 0; i < n; i++) {
        ops.add(randomOp(r));
      }
      int maxRunning = 1 + r.nextInt(3);
      boolean interruptFails = r.nextBoolean();
      Outcome o;
      try {
        o = run(ops, maxRunning, interruptFails);
      } catch (AssertionError e) {
        throw new AssertionError(
            "seed " + seed + " (maxRunning=" + maxRunning + ", interruptFails=" + interruptFails
                + ") failed with operations " + ops + ": " + e.getMessage(), e);
      }
      reached.addAll(o.model.seen);
      withInjected += o.injected > 0 ? 1 : 0;
      withStalls += o.model.sawStall || o.model.sawThrottle ? 1 : 0;
    }
    // The generator must actually exercise the engine, or the loop above proves little.
    assertThat(reached).containsExactlyInAnyOrder(JobState.values());
    assertThat(withInjected).as("tries with injected illegal moves").isGreaterThan(TRIES / 4);
    assertThat(withStalls).as("tries with a stall or throttle").isGreaterThan(TRIES / 10);
  }

  record Outcome(Model model, int injected) {}

  private static Outcome run(List<Op> ops, int maxRunning, boolean interruptFails) {
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

    return new Outcome(model, expectedViolations);
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
