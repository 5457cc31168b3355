package dev.backlot.jobs;

import dev.backlot.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * Runs the asynchronous work of a fake (ComfyUI prompts, Gradio queue events, Runway tasks, Veo
 * operations, MiniMax tasks) as jobs that move through a checked state machine on the fake's
 * {@link Clock}.
 *
 * <p><b>A fake</b> builds one engine with its worker and listens to it:
 *
 * <pre>{@code
 * JobEngine jobs = JobEngine.builder()
 *     .clock(clock)                       // the fake's clock; Clock.system() by default
 *     .maxRunning(1)                      // one GPU
 *     .worker(job -> renderPng(job.input(Prompt.class)))
 *     .build();
 * jobs.addListener(comfyWebSocketListener);
 * Job job = jobs.submit(promptId, prompt); // QUEUED; runs on the clock, FIFO, at most 1 at once
 * jobs.cancel(id);                         // a waiting job -> CANCELLED
 * jobs.interrupt(id);                      // a running job -> CANCELLED (or FAILED, see builder)
 * }</pre>
 *
 * <p><b>A test</b> scripts jobs and asserts on them:
 *
 * <pre>{@code
 * fake.jobs().script().next(2).fail("CUDA out of memory");
 * fake.jobs().script().matching(p).duration(Duration.ofSeconds(30)).steps(20);
 * ... exercise the client ...
 * fake.jobs().assertHealthy(); // no violations, every invariant holds
 * }</pre>
 *
 * <p><b>Lifecycle of a job.</b> {@link #submit} puts it in the FIFO queue as QUEUED (or THROTTLED
 * for a scripted throttle). At the next tick of the clock (a zero-delay task: under a {@link
 * dev.backlot.time.ManualClock}, the next {@code advance}, even by zero) queued jobs start, oldest
 * first, while fewer than {@code maxRunning} are RUNNING. A running job follows its {@link
 * JobScript}: progress steps at even intervals over its duration, then its outcome; a success
 * calls the worker. Under a manual clock nothing moves unless the test advances time, so progress
 * and timeouts are exact and instant; on the system clock everything is scheduled with {@link
 * Clock#schedule}, nothing sleeps and no thread is held per job.
 *
 * <p><b>Checked.</b> Every state change goes through {@link JobTransitions}. The operations a
 * client drives ({@link #cancel}, {@link #interrupt}, {@link #abort}, {@link #clearQueue}) are
 * "try" operations: they race with jobs finishing, so they return false when the job is no longer
 * in a state they apply to. The operations a fake or a test uses to decide a job itself ({@link
 * #succeed}, {@link #fail}, {@link #progress}) assert: an illegal one is refused and recorded as a
 * {@link Violation}. Invariants can be checked at any time: {@link #invariantProblems()}.
 *
 * <p><b>Threads.</b> All methods are thread-safe. Listeners and the worker are called outside the
 * engine's lock; see {@link JobListener} for which thread calls them.
 */
public final class JobEngine implements AutoCloseable {

  /** The default running time of a job. */
  public static final Duration DEFAULT_DURATION = Duration.ofMillis(50);

  /** The default number of progress steps of a job. */
  public static final int DEFAULT_STEPS = 5;

  private final Duration defaultDuration;
  private final int defaultSteps;
  private final ToIntFunction<Object> defaultStepsOf;
  private final JobScripts scripts;
  // the state and the machinery; every operation below runs under core.lock
  private final JobCore core;

  private JobEngine(Builder b) {
    this.core = new JobCore(b.clock, b.maxRunning, b.worker, b.queueOrder, b.interruptedState,
        b.interruptMessage, b.ids);
    this.defaultDuration = b.defaultDuration;
    this.defaultSteps = b.defaultSteps;
    this.defaultStepsOf = b.defaultStepsOf;
    this.scripts = new JobScripts(this);
  }

  /** A builder with the defaults: system clock, 1 running, 5 steps over 50 ms, null output. */
  public static Builder builder() {
    return new Builder();
  }

  // ------------------------------------------------------------------ submission and queries

  /** Submits a job with a generated id ({@code job-1}, {@code job-2}, ... unless configured). */
  public Job submit(Object input) {
    return submit(null, input);
  }

  /**
   * Submits a job: it enters QUEUED (then THROTTLED, if its script says so) and starts at the next
   * clock tick if a running slot is free. Its script is fixed now, from the rules in {@link
   * #script()}.
   *
   * @param id the caller's id, or null to generate one
   * @param input the payload (may be null); rules and the worker see it
   * @return a snapshot of the job just after submission
   * @throws IllegalArgumentException if a job with this id exists (until {@link #reset()})
   * @throws IllegalStateException if the engine is closed
   */
  public Job submit(String id, Object input) {
    Job snap;
    synchronized (core.lock) {
      if (core.closed) {
        throw new IllegalStateException("the job engine is closed");
      }
      String jobId = id != null ? id : core.nextIdLocked();
      if (core.jobs.containsKey(jobId)) {
        throw new IllegalArgumentException("a job with id " + jobId + " already exists");
      }
      int steps = defaultStepsOf == null ? defaultSteps : Math.max(0, defaultStepsOf.applyAsInt(input));
      JobScripts.Draft d = scripts.bindLocked(jobId, input, defaultDuration, steps);
      JobRecord rec = new JobRecord(jobId, ++core.submitted, input, d.build(), d.stallRule, core.epoch);
      Instant now = core.clock.instant();
      rec.history.add(new StateChange(JobState.QUEUED, now));
      rec.setProgress(new Progress(0, rec.script.steps()));
      core.jobs.put(jobId, rec);
      Job submittedSnap = rec.snapshot(now);
      core.events.add(new JobCore.Event(submittedSnap, null, JobState.QUEUED, l -> l.onSubmit(submittedSnap), core.epoch));
      if (rec.script.throttle().isZero()) {
        core.queue.add(rec);
        core.requestDispatchLocked();
      } else {
        core.transitionLocked(rec, JobState.THROTTLED, "submit() with a scripted throttle");
        core.throttled.add(rec);
        long token = rec.token;
        rec.task = core.clock.schedule(rec.script.throttle(), () -> core.unthrottle(rec, token));
      }
      snap = rec.snapshot(now);
    }
    core.drain();
    return snap;
  }

  /** A snapshot of the job with this id, if it was submitted since the last reset. */
  public Optional<Job> job(String id) {
    synchronized (core.lock) {
      JobRecord rec = core.jobs.get(id);
      return rec == null ? Optional.empty() : Optional.of(rec.snapshot(core.clock.instant()));
    }
  }

  /** Snapshots of every job, in submission order. */
  public List<Job> jobs() {
    synchronized (core.lock) {
      return core.snapshotsLocked(core.jobs.values());
    }
  }

  /** Snapshots of the jobs in {@code state}, in submission order. */
  public List<Job> jobs(JobState state) {
    synchronized (core.lock) {
      List<JobRecord> in = new ArrayList<>();
      for (JobRecord r : core.jobs.values()) {
        if (r.state == state) {
          in.add(r);
        }
      }
      return core.snapshotsLocked(in);
    }
  }

  /** Snapshots of the QUEUED jobs in the order they will start (ComfyUI's {@code queue_pending}). */
  public List<Job> queue() {
    synchronized (core.lock) {
      return core.snapshotsLocked(core.queueOrder == null ? core.queue : core.inRunOrderLocked());
    }
  }

  /** Snapshots of the RUNNING jobs, oldest start first (ComfyUI's {@code queue_running}). */
  public List<Job> running() {
    synchronized (core.lock) {
      return core.snapshotsLocked(core.running);
    }
  }

  /** How many jobs are in {@code state}. */
  public int count(JobState state) {
    return counts().get(state);
  }

  /** How many jobs are in each state (every state is a key). */
  public Map<JobState, Integer> counts() {
    synchronized (core.lock) {
      Map<JobState, Integer> c = new EnumMap<>(JobState.class);
      for (JobState s : JobState.values()) {
        c.put(s, 0);
      }
      for (JobRecord r : core.jobs.values()) {
        c.merge(r.state, 1, Integer::sum);
      }
      return c;
    }
  }

  /** How many jobs were submitted since the last reset. */
  public long submittedCount() {
    synchronized (core.lock) {
      return core.submitted;
    }
  }

  /** The most jobs that may be RUNNING at once. */
  public int maxRunning() {
    return core.maxRunning;
  }

  /** The clock jobs are timed on. */
  public Clock clock() {
    return core.clock;
  }

  /** The test's script book for this engine's jobs. */
  public JobScripts script() {
    return scripts;
  }

  // ------------------------------------------------------------------ client-driven ("try") ops

  /**
   * Cancels a waiting (QUEUED or THROTTLED) job: it becomes CANCELLED and leaves the queue.
   *
   * @return whether this call cancelled it (false for an unknown id or a job not waiting)
   */
  public boolean cancel(String id) {
    boolean done;
    synchronized (core.lock) {
      JobRecord rec = core.jobs.get(id);
      done = rec != null && rec.state.isWaiting() && core.cancelWaitingLocked(rec, "cancel()");
    }
    core.drain();
    return done;
  }

  /**
   * Interrupts a RUNNING job: it ends in the builder's {@linkplain Builder#interruptAs interrupted
   * state} (CANCELLED by default; FAILED with the interrupt message if so configured), its slot is
   * freed, and a worker still computing its output is ignored.
   *
   * @return whether this call interrupted it (false for an unknown id or a job not running)
   */
  public boolean interrupt(String id) {
    boolean done;
    synchronized (core.lock) {
      JobRecord rec = core.jobs.get(id);
      done = rec != null && rec.state == JobState.RUNNING && core.interruptLocked(rec, "interrupt()");
    }
    core.drain();
    return done;
  }

  /**
   * Ends a job whatever it is doing: cancels it if waiting, interrupts it if running (Runway's
   * {@code DELETE /v1/tasks/{id}}).
   *
   * @return whether this call ended it (false for an unknown id or a terminal job)
   */
  public boolean abort(String id) {
    boolean done;
    synchronized (core.lock) {
      JobRecord rec = core.jobs.get(id);
      if (rec == null || rec.state.isTerminal()) {
        done = false;
      } else if (rec.state == JobState.RUNNING) {
        done = core.interruptLocked(rec, "abort()");
      } else {
        done = core.cancelWaitingLocked(rec, "abort()");
      }
    }
    core.drain();
    return done;
  }

  /**
   * Cancels every waiting (QUEUED and THROTTLED) job, as ComfyUI's {@code POST /queue {"clear":
   * true}}; running jobs go on.
   *
   * @return snapshots of the jobs cancelled, in submission order
   */
  public List<Job> clearQueue() {
    List<Job> out = new ArrayList<>();
    synchronized (core.lock) {
      for (JobRecord rec : new ArrayList<>(core.jobs.values())) {
        if (rec.state.isWaiting() && core.cancelWaitingLocked(rec, "clearQueue()")) {
          out.add(rec.snapshot(core.clock.instant()));
        }
      }
    }
    core.drain();
    return out;
  }

  /**
   * Interrupts every RUNNING job, as ComfyUI's {@code POST /interrupt}.
   *
   * @return snapshots of the jobs interrupted
   */
  public List<Job> interruptRunning() {
    List<Job> out = new ArrayList<>();
    synchronized (core.lock) {
      for (JobRecord rec : new ArrayList<>(core.running)) {
        if (core.interruptLocked(rec, "interruptRunning()")) {
          out.add(rec.snapshot(core.clock.instant()));
        }
      }
    }
    core.drain();
    return out;
  }

  /**
   * Releases one job from its stall (or from a stall it has not reached yet). A held job resumes on
   * the clock: its remaining steps take their remaining time from now.
   *
   * @return whether the job was stalled or due to stall
   */
  public boolean release(String id) {
    boolean done;
    synchronized (core.lock) {
      JobRecord rec = core.jobs.get(id);
      done = rec != null && core.releaseLocked(rec);
    }
    core.drain();
    return done;
  }

  // ------------------------------------------------------------------ fake-driven (asserting) ops

  /**
   * Ends a RUNNING job now with {@code output}, whatever its script says. Asserting: on a job that
   * is not RUNNING the move is refused and recorded as a violation.
   *
   * @return whether the job SUCCEEDED by this call
   * @throws IllegalArgumentException for an unknown id
   */
  public boolean succeed(String id, Object output) {
    return core.finish(id, JobState.SUCCEEDED, output, null, "succeed()");
  }

  /**
   * Ends a RUNNING job now as FAILED, whatever its script says. Asserting: on a job that is not
   * RUNNING the move is refused and recorded as a violation.
   *
   * @return whether the job FAILED by this call
   * @throws IllegalArgumentException for an unknown id
   */
  public boolean fail(String id, String message, Object details) {
    Objects.requireNonNull(message, "message");
    return core.finish(id, JobState.FAILED, null, new JobFailure(message, details), "fail()");
  }

  /**
   * Reports progress for a RUNNING job (for fakes that drive progress themselves; script such jobs
   * with {@code steps(0)} so the two do not mix). Asserting: progress that goes backwards, or on a
   * job that is not RUNNING, is refused and recorded as a violation.
   *
   * @return whether the progress was accepted
   * @throws IllegalArgumentException for an unknown id or {@code value > max}
   */
  public boolean progress(String id, int value, int max) {
    Progress next = new Progress(value, max);
    boolean done;
    synchronized (core.lock) {
      done = core.setProgressLocked(core.requireLocked(id), next, "progress()");
    }
    core.drain();
    return done;
  }

  // ------------------------------------------------------------------ listeners

  /** Adds a listener; see {@link JobListener} for order and threads. Kept across {@link #reset()}. */
  public void addListener(JobListener listener) {
    core.listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Removes a listener added earlier. */
  public void removeListener(JobListener listener) {
    core.listeners.remove(listener);
  }

  // ------------------------------------------------------------------ violations and invariants

  /** The violations recorded since the last reset, oldest first. */
  public List<Violation> violations() {
    synchronized (core.lock) {
      return List.copyOf(core.violations);
    }
  }

  /** Throws an {@link AssertionError} listing every violation, if there is any. */
  public void assertNoViolations() {
    List<Violation> v = violations();
    if (!v.isEmpty()) {
      throw new AssertionError(Invariants.numbered("the job engine recorded " + v.size() + " violation(s)", v));
    }
  }

  /**
   * Checks, right now, that every submitted job is in exactly one state and in the structure that
   * state implies (none lost: submitted = queued + throttled + running + terminal), that histories
   * follow the transition table and end in the current state (so terminal states stayed final),
   * that progress never went backwards, and that no more than {@code maxRunning} jobs run.
   *
   * @return the broken invariants, in words; empty when all hold
   */
  public List<String> invariantProblems() {
    synchronized (core.lock) {
      return Invariants.problems(core);
    }
  }


  /** Throws an {@link AssertionError} listing every broken invariant, if there is any. */
  public void assertInvariants() {
    List<String> p = invariantProblems();
    if (!p.isEmpty()) {
      throw new AssertionError(Invariants.numbered("job engine invariants broken (" + this + ")", p));
    }
  }

  /** {@link #assertNoViolations()} and {@link #assertInvariants()} in one, reporting both. */
  public void assertHealthy() {
    List<Violation> v = violations();
    List<String> p = invariantProblems();
    if (!v.isEmpty() || !p.isEmpty()) {
      StringBuilder b = new StringBuilder();
      if (!v.isEmpty()) {
        b.append(Invariants.numbered("the job engine recorded " + v.size() + " violation(s)", v));
      }
      if (!p.isEmpty()) {
        b.append(b.length() > 0 ? "\n" : "").append(Invariants.numbered("invariants broken", p));
      }
      throw new AssertionError(b.toString());
    }
  }

  // ------------------------------------------------------------------ lifecycle

  /**
   * Forgets every job, rule and violation, cancels scheduled work and drops undelivered events;
   * generated ids start again at {@code job-1}. Configuration and listeners stay. Work already in
   * flight on another thread (a worker computing) is ignored when it returns.
   */
  public void reset() {
    synchronized (core.lock) {
      core.cancelAllTasksLocked();
      core.jobs.clear();
      core.queue.clear();
      core.throttled.clear();
      core.running.clear();
      core.violations.clear();
      core.events.clear();
      scripts.clearLocked();
      core.submitted = 0;
      core.idCounter = 0;
      core.epoch++;
    }
  }

  /**
   * Cancels all scheduled work; jobs keep their current states. Later submissions are refused;
   * queries still answer. Idempotent.
   */
  @Override
  public void close() {
    synchronized (core.lock) {
      core.closed = true;
      core.cancelAllTasksLocked();
      core.events.clear();
      core.epoch++;
    }
  }

  @Override
  public String toString() {
    Map<JobState, Integer> c = counts();
    return "JobEngine[" + c + ", max " + core.maxRunning + " running, " + core.clock + "]";
  }

  // ================================================================== internals

  Object lock() {
    return core.lock;
  }

  /** Called by a rule's release(): frees its held jobs and stops it stalling more. */
  void releaseRule(ScriptRule rule) {
    synchronized (core.lock) {
      rule.markReleasedLocked();
      for (JobRecord rec : core.jobs.values()) {
        if (rec.stallRule == rule) {
          core.releaseLocked(rec);
        }
      }
    }
    core.drain();
  }

  void releaseAllJobs() {
    synchronized (core.lock) {
      for (JobRecord rec : core.jobs.values()) {
        core.releaseLocked(rec);
      }
    }
    core.drain();
  }

  /** Builds a {@link JobEngine}; every setting has a default. */
  public static final class Builder {
    private Clock clock = Clock.system();
    private int maxRunning = 1;
    private JobWorker worker = job -> null;
    private Duration defaultDuration = DEFAULT_DURATION;
    private int defaultSteps = DEFAULT_STEPS;
    private ToIntFunction<Object> defaultStepsOf;
    private Comparator<Object> queueOrder;
    private JobState interruptedState = JobState.CANCELLED;
    private String interruptMessage = "Interrupted";
    private Supplier<String> ids;

    private Builder() {}

    /** The clock jobs are timed on (the fake's clock). Default {@link Clock#system()}. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** At most {@code n} jobs RUNNING at once (GPUs, an org's concurrency limit). Default 1. */
    public Builder maxRunning(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxRunning must be at least 1: " + n);
      }
      this.maxRunning = n;
      return this;
    }

    /** Computes the output of a job that succeeds. Default: a null output. */
    public Builder worker(JobWorker worker) {
      this.worker = Objects.requireNonNull(worker, "worker");
      return this;
    }

    /** How long an unscripted job runs. Default {@link #DEFAULT_DURATION} (50 ms). */
    public Builder defaultDuration(Duration duration) {
      if (duration.isNegative()) {
        throw new IllegalArgumentException("duration must not be negative: " + duration);
      }
      this.defaultDuration = duration;
      return this;
    }

    /** How many progress steps an unscripted job reports. Default {@link #DEFAULT_STEPS} (5). */
    public Builder defaultSteps(int steps) {
      if (steps < 0) {
        throw new IllegalArgumentException("steps must not be negative: " + steps);
      }
      this.defaultSteps = steps;
      return this;
    }

    /**
     * How many progress steps an unscripted job reports, from its input (a ComfyUI prompt's
     * sampler steps, say); rules in {@link JobEngine#script()} still override it. Replaces {@link
     * #defaultSteps(int)}; a negative answer counts as 0.
     *
     * <pre>{@code
     * JobEngine.builder().defaultSteps(input -> ((Prompt) input).samplerSteps());
     * }</pre>
     */
    public Builder defaultSteps(ToIntFunction<Object> stepsOfInput) {
      this.defaultStepsOf = Objects.requireNonNull(stepsOfInput, "stepsOfInput");
      return this;
    }

    /**
     * The order in which QUEUED jobs start, comparing their inputs (ComfyUI runs its queue by the
     * prompt's {@code number}, so a prompt queued with {@code front: true} jumps ahead). Jobs that
     * compare equal keep FIFO order. Default: FIFO. {@link JobEngine#queue()} lists jobs in this
     * order.
     */
    public Builder queueOrder(Comparator<Object> byInput) {
      this.queueOrder = Objects.requireNonNull(byInput, "byInput");
      return this;
    }

    /**
     * How an {@linkplain JobEngine#interrupt interrupted} job ends: {@link JobState#CANCELLED}
     * (the default; Runway, Celery REVOKED) or {@link JobState#FAILED} with message "Interrupted".
     */
    public Builder interruptAs(JobState state) {
      return interruptAs(state, interruptMessage);
    }

    /** As {@link #interruptAs(JobState)}, with the failure message a FAILED interrupt carries. */
    public Builder interruptAs(JobState state, String message) {
      if (state != JobState.CANCELLED && state != JobState.FAILED) {
        throw new IllegalArgumentException("an interrupted job ends CANCELLED or FAILED, not " + state);
      }
      this.interruptedState = state;
      this.interruptMessage = Objects.requireNonNull(message, "message");
      return this;
    }

    /**
     * Generates ids for jobs submitted without one (default {@code job-1}, {@code job-2}...,
     * restarting at each reset). A supplied id that clashes makes {@code submit} throw.
     */
    public Builder ids(Supplier<String> ids) {
      this.ids = Objects.requireNonNull(ids, "ids");
      return this;
    }

    /** The engine. */
    public JobEngine build() {
      return new JobEngine(this);
    }
  }
}
