package dev.backlot.jobs;

import dev.backlot.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
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

  private final Object lock = new Object();
  private final Clock clock;
  private final int maxRunning;
  private final JobWorker worker;
  private final Duration defaultDuration;
  private final int defaultSteps;
  private final ToIntFunction<Object> defaultStepsOf;
  private final Comparator<Object> queueOrder;
  private final JobState interruptedState;
  private final String interruptMessage;
  private final Supplier<String> ids;
  private final JobScripts scripts;
  private final List<JobListener> listeners = new CopyOnWriteArrayList<>();

  // Everything below is guarded by lock.
  private final Map<String, Rec> jobs = new LinkedHashMap<>();
  private final Set<Rec> queue = new LinkedHashSet<>(); // QUEUED, FIFO
  private final Set<Rec> throttled = new LinkedHashSet<>();
  private final Set<Rec> running = new LinkedHashSet<>();
  private final List<Violation> violations = new ArrayList<>();
  private final ArrayDeque<Event> events = new ArrayDeque<>();
  private boolean draining;
  private long submitted;
  private long idCounter;
  private long epoch;
  private Clock.Cancellable dispatchTask;
  private boolean closed;

  private JobEngine(Builder b) {
    this.clock = b.clock;
    this.maxRunning = b.maxRunning;
    this.worker = b.worker;
    this.defaultDuration = b.defaultDuration;
    this.defaultSteps = b.defaultSteps;
    this.defaultStepsOf = b.defaultStepsOf;
    this.queueOrder = b.queueOrder;
    this.interruptedState = b.interruptedState;
    this.interruptMessage = b.interruptMessage;
    this.ids = b.ids;
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
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("the job engine is closed");
      }
      String jobId = id != null ? id : nextIdLocked();
      if (jobs.containsKey(jobId)) {
        throw new IllegalArgumentException("a job with id " + jobId + " already exists");
      }
      int steps = defaultStepsOf == null ? defaultSteps : Math.max(0, defaultStepsOf.applyAsInt(input));
      JobScripts.Draft d = scripts.bindLocked(jobId, input, defaultDuration, steps);
      Rec rec = new Rec(jobId, ++submitted, input, d.build(), d.stallRule, epoch);
      Instant now = clock.instant();
      rec.history.add(new StateChange(JobState.QUEUED, now));
      rec.setProgress(new Progress(0, rec.script.steps()));
      jobs.put(jobId, rec);
      Job submittedSnap = rec.snapshot(now);
      events.add(new Event(submittedSnap, null, JobState.QUEUED, l -> l.onSubmit(submittedSnap), epoch));
      if (rec.script.throttle().isZero()) {
        queue.add(rec);
        requestDispatchLocked();
      } else {
        transitionLocked(rec, JobState.THROTTLED, "submit() with a scripted throttle");
        throttled.add(rec);
        long token = rec.token;
        rec.task = clock.schedule(rec.script.throttle(), () -> unthrottle(rec, token));
      }
      snap = rec.snapshot(now);
    }
    drain();
    return snap;
  }

  /** A snapshot of the job with this id, if it was submitted since the last reset. */
  public Optional<Job> job(String id) {
    synchronized (lock) {
      Rec rec = jobs.get(id);
      return rec == null ? Optional.empty() : Optional.of(rec.snapshot(clock.instant()));
    }
  }

  /** Snapshots of every job, in submission order. */
  public List<Job> jobs() {
    synchronized (lock) {
      return snapshotsLocked(jobs.values());
    }
  }

  /** Snapshots of the jobs in {@code state}, in submission order. */
  public List<Job> jobs(JobState state) {
    synchronized (lock) {
      List<Rec> in = new ArrayList<>();
      for (Rec r : jobs.values()) {
        if (r.state == state) {
          in.add(r);
        }
      }
      return snapshotsLocked(in);
    }
  }

  /** Snapshots of the QUEUED jobs in the order they will start (ComfyUI's {@code queue_pending}). */
  public List<Job> queue() {
    synchronized (lock) {
      return snapshotsLocked(queueOrder == null ? queue : inRunOrderLocked());
    }
  }

  /** Snapshots of the RUNNING jobs, oldest start first (ComfyUI's {@code queue_running}). */
  public List<Job> running() {
    synchronized (lock) {
      return snapshotsLocked(running);
    }
  }

  /** How many jobs are in {@code state}. */
  public int count(JobState state) {
    return counts().get(state);
  }

  /** How many jobs are in each state (every state is a key). */
  public Map<JobState, Integer> counts() {
    synchronized (lock) {
      Map<JobState, Integer> c = new EnumMap<>(JobState.class);
      for (JobState s : JobState.values()) {
        c.put(s, 0);
      }
      for (Rec r : jobs.values()) {
        c.merge(r.state, 1, Integer::sum);
      }
      return c;
    }
  }

  /** How many jobs were submitted since the last reset. */
  public long submittedCount() {
    synchronized (lock) {
      return submitted;
    }
  }

  /** The most jobs that may be RUNNING at once. */
  public int maxRunning() {
    return maxRunning;
  }

  /** The clock jobs are timed on. */
  public Clock clock() {
    return clock;
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
    synchronized (lock) {
      Rec rec = jobs.get(id);
      done = rec != null && rec.state.isWaiting() && cancelWaitingLocked(rec, "cancel()");
    }
    drain();
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
    synchronized (lock) {
      Rec rec = jobs.get(id);
      done = rec != null && rec.state == JobState.RUNNING && interruptLocked(rec, "interrupt()");
    }
    drain();
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
    synchronized (lock) {
      Rec rec = jobs.get(id);
      if (rec == null || rec.state.isTerminal()) {
        done = false;
      } else if (rec.state == JobState.RUNNING) {
        done = interruptLocked(rec, "abort()");
      } else {
        done = cancelWaitingLocked(rec, "abort()");
      }
    }
    drain();
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
    synchronized (lock) {
      for (Rec rec : new ArrayList<>(jobs.values())) {
        if (rec.state.isWaiting() && cancelWaitingLocked(rec, "clearQueue()")) {
          out.add(rec.snapshot(clock.instant()));
        }
      }
    }
    drain();
    return out;
  }

  /**
   * Interrupts every RUNNING job, as ComfyUI's {@code POST /interrupt}.
   *
   * @return snapshots of the jobs interrupted
   */
  public List<Job> interruptRunning() {
    List<Job> out = new ArrayList<>();
    synchronized (lock) {
      for (Rec rec : new ArrayList<>(running)) {
        if (interruptLocked(rec, "interruptRunning()")) {
          out.add(rec.snapshot(clock.instant()));
        }
      }
    }
    drain();
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
    synchronized (lock) {
      Rec rec = jobs.get(id);
      done = rec != null && releaseLocked(rec);
    }
    drain();
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
    return finish(id, JobState.SUCCEEDED, output, null, "succeed()");
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
    return finish(id, JobState.FAILED, null, new JobFailure(message, details), "fail()");
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
    synchronized (lock) {
      done = setProgressLocked(requireLocked(id), next, "progress()");
    }
    drain();
    return done;
  }

  // ------------------------------------------------------------------ listeners

  /** Adds a listener; see {@link JobListener} for order and threads. Kept across {@link #reset()}. */
  public void addListener(JobListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Removes a listener added earlier. */
  public void removeListener(JobListener listener) {
    listeners.remove(listener);
  }

  // ------------------------------------------------------------------ violations and invariants

  /** The violations recorded since the last reset, oldest first. */
  public List<Violation> violations() {
    synchronized (lock) {
      return List.copyOf(violations);
    }
  }

  /** Throws an {@link AssertionError} listing every violation, if there is any. */
  public void assertNoViolations() {
    List<Violation> v = violations();
    if (!v.isEmpty()) {
      throw new AssertionError(numbered("the job engine recorded " + v.size() + " violation(s)", v));
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
    synchronized (lock) {
      List<String> p = new ArrayList<>();
      int waiting = 0;
      int terminal = 0;
      for (Map.Entry<String, Rec> e : jobs.entrySet()) {
        Rec r = e.getValue();
        String id = e.getKey();
        if (!id.equals(r.id)) {
          p.add(id + " is filed under another job's id " + r.id);
        }
        boolean inQueue = queue.contains(r);
        boolean inThrottled = throttled.contains(r);
        boolean inRunning = running.contains(r);
        int places = (inQueue ? 1 : 0) + (inThrottled ? 1 : 0) + (inRunning ? 1 : 0);
        boolean placed =
            switch (r.state) {
              case QUEUED -> inQueue && places == 1;
              case THROTTLED -> inThrottled && places == 1;
              case RUNNING -> inRunning && places == 1;
              default -> places == 0;
            };
        if (!placed) {
          p.add(id + " is " + r.state + " but queued=" + inQueue + " throttled=" + inThrottled
              + " running=" + inRunning);
        }
        if (r.state.isTerminal()) {
          terminal++;
        } else if (r.state.isWaiting()) {
          waiting++;
        }
        checkHistory(r, p);
        for (int i = 1; i < r.progressLog.size(); i++) {
          if (r.progressLog.get(i - 1).wouldGoBackTo(r.progressLog.get(i))) {
            p.add(id + " progress went back: " + r.progressLog);
            break;
          }
        }
        if (r.state == JobState.SUCCEEDED && r.failure != null) {
          p.add(id + " SUCCEEDED with a failure " + r.failure);
        }
        if (r.state == JobState.FAILED && r.failure == null) {
          p.add(id + " FAILED without a failure");
        }
      }
      for (Set<Rec> s : List.of(queue, throttled, running)) {
        for (Rec r : s) {
          if (jobs.get(r.id) != r) {
            p.add(r.id + " is held by the engine but not among its jobs");
          }
        }
      }
      if (submitted != jobs.size()) {
        p.add("lost jobs: " + submitted + " submitted but " + jobs.size() + " known");
      }
      if (waiting + running.size() + terminal != jobs.size()) {
        p.add("jobs in no state: " + waiting + " waiting + " + running.size() + " running + "
            + terminal + " terminal != " + jobs.size());
      }
      if (running.size() > maxRunning) {
        p.add(running.size() + " jobs RUNNING, more than the " + maxRunning + " allowed");
      }
      return p;
    }
  }

  /** Throws an {@link AssertionError} listing every broken invariant, if there is any. */
  public void assertInvariants() {
    List<String> p = invariantProblems();
    if (!p.isEmpty()) {
      throw new AssertionError(numbered("job engine invariants broken (" + this + ")", p));
    }
  }

  /** {@link #assertNoViolations()} and {@link #assertInvariants()} in one, reporting both. */
  public void assertHealthy() {
    List<Violation> v = violations();
    List<String> p = invariantProblems();
    if (!v.isEmpty() || !p.isEmpty()) {
      StringBuilder b = new StringBuilder();
      if (!v.isEmpty()) {
        b.append(numbered("the job engine recorded " + v.size() + " violation(s)", v));
      }
      if (!p.isEmpty()) {
        b.append(b.length() > 0 ? "\n" : "").append(numbered("invariants broken", p));
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
    synchronized (lock) {
      cancelAllTasksLocked();
      jobs.clear();
      queue.clear();
      throttled.clear();
      running.clear();
      violations.clear();
      events.clear();
      scripts.clearLocked();
      submitted = 0;
      idCounter = 0;
      epoch++;
    }
  }

  /**
   * Cancels all scheduled work; jobs keep their current states. Later submissions are refused;
   * queries still answer. Idempotent.
   */
  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      cancelAllTasksLocked();
      events.clear();
      epoch++;
    }
  }

  @Override
  public String toString() {
    Map<JobState, Integer> c = counts();
    return "JobEngine[" + c + ", max " + maxRunning + " running, " + clock + "]";
  }

  // ================================================================== internals

  Object lock() {
    return lock;
  }

  /** Called by a rule's release(): frees its held jobs and stops it stalling more. */
  void releaseRule(ScriptRule rule) {
    synchronized (lock) {
      rule.markReleasedLocked();
      for (Rec rec : jobs.values()) {
        if (rec.stallRule == rule) {
          releaseLocked(rec);
        }
      }
    }
    drain();
  }

  void releaseAllJobs() {
    synchronized (lock) {
      for (Rec rec : jobs.values()) {
        releaseLocked(rec);
      }
    }
    drain();
  }

  private boolean releaseLocked(Rec rec) {
    if (rec.state.isTerminal() || !rec.script.stalls() || rec.released) {
      return false;
    }
    rec.released = true;
    if (rec.stalled) {
      rec.stalled = false;
      rec.paused = rec.paused.plus(Duration.between(rec.stalledSince, clock.instant()));
      scheduleNextLocked(rec);
    }
    return true;
  }

  /** The QUEUED jobs in the order they will start under the builder's {@code queueOrder}. */
  private List<Rec> inRunOrderLocked() {
    List<Rec> order = new ArrayList<>(queue);
    // List.sort is stable, so equal jobs keep their FIFO order.
    order.sort((a, b) -> queueOrder.compare(a.input, b.input));
    return order;
  }

  private String nextIdLocked() {
    while (true) {
      String id = ids != null ? ids.get() : "job-" + (++idCounter);
      if (!jobs.containsKey(id) || ids != null) {
        return id;
      }
    }
  }

  private Rec requireLocked(String id) {
    Rec rec = jobs.get(id);
    if (rec == null) {
      throw new IllegalArgumentException("no job with id " + id);
    }
    return rec;
  }

  private boolean isCurrentLocked(Rec rec, long token) {
    return !closed && rec.epoch == epoch && rec.token == token;
  }

  /** The single place where a job changes state: checks the table, records, emits. */
  private boolean transitionLocked(Rec rec, JobState to, String cause) {
    return transitionLocked(rec, to, cause, null, null);
  }

  private boolean transitionLocked(Rec rec, JobState to, String cause, Object output, JobFailure failure) {
    JobState from = rec.state;
    String why = JobTransitions.whyIllegal(from, to);
    Instant now = clock.instant();
    if (why != null) {
      violations.add(new Violation(Violation.Kind.TRANSITION, rec.id, from, to, "refused " + cause + ": " + why, now));
      return false;
    }
    rec.state = to;
    rec.history.add(new StateChange(to, now));
    if (to == JobState.SUCCEEDED) {
      rec.output = output;
    } else if (to == JobState.FAILED) {
      rec.failure = failure;
    }
    Job snap = rec.snapshot(now);
    events.add(new Event(snap, from, to, l -> l.onTransition(snap, from, to), rec.epoch));
    return true;
  }

  private boolean setProgressLocked(Rec rec, Progress next, String cause) {
    Instant now = clock.instant();
    if (rec.state != JobState.RUNNING) {
      violations.add(new Violation(Violation.Kind.PROGRESS, rec.id, rec.state, rec.state,
          "refused " + cause + " " + next + ": the job is not RUNNING", now));
      return false;
    }
    if (rec.progress.wouldGoBackTo(next)) {
      violations.add(new Violation(Violation.Kind.PROGRESS, rec.id, rec.state, rec.state,
          "refused " + cause + ": progress would go back from " + rec.progress + " to " + next, now));
      return false;
    }
    rec.setProgress(next);
    Job snap = rec.snapshot(now);
    events.add(new Event(snap, JobState.RUNNING, JobState.RUNNING, l -> l.onProgress(snap, next), rec.epoch));
    return true;
  }

  private boolean cancelWaitingLocked(Rec rec, String cause) {
    JobState from = rec.state;
    if (!transitionLocked(rec, JobState.CANCELLED, cause)) {
      return false;
    }
    (from == JobState.QUEUED ? queue : throttled).remove(rec);
    invalidateLocked(rec);
    return true;
  }

  private boolean interruptLocked(Rec rec, String cause) {
    JobFailure f = interruptedState == JobState.FAILED ? JobFailure.of(interruptMessage) : null;
    return endRunningLocked(rec, interruptedState, null, f, cause);
  }

  /** Ends a RUNNING job: the only way out of the running set. */
  private boolean endRunningLocked(Rec rec, JobState to, Object output, JobFailure failure, String cause) {
    if (!transitionLocked(rec, to, cause, output, failure)) {
      return false;
    }
    running.remove(rec);
    invalidateLocked(rec);
    rec.stalled = false;
    requestDispatchLocked();
    return true;
  }

  private boolean finish(String id, JobState to, Object output, JobFailure failure, String cause) {
    boolean done;
    synchronized (lock) {
      done = endRunningLocked(requireLocked(id), to, output, failure, cause);
    }
    drain();
    return done;
  }

  /** Stops the job's pending task and makes any in-flight one stale. */
  private void invalidateLocked(Rec rec) {
    rec.token++;
    if (rec.task != null) {
      rec.task.cancel();
      rec.task = null;
    }
  }

  private void cancelAllTasksLocked() {
    for (Rec rec : jobs.values()) {
      invalidateLocked(rec);
    }
    if (dispatchTask != null) {
      dispatchTask.cancel();
      dispatchTask = null;
    }
  }

  private void requestDispatchLocked() {
    if (dispatchTask == null && !closed && !queue.isEmpty() && running.size() < maxRunning) {
      long e = epoch;
      dispatchTask = clock.schedule(Duration.ZERO, () -> dispatch(e));
    }
  }

  private void dispatch(long forEpoch) {
    synchronized (lock) {
      if (forEpoch != epoch || closed) {
        return;
      }
      dispatchTask = null;
      while (running.size() < maxRunning && !queue.isEmpty()) {
        Rec rec = queueOrder == null ? queue.iterator().next() : inRunOrderLocked().get(0);
        if (!transitionLocked(rec, JobState.RUNNING, "dispatch")) {
          break; // cannot happen: queue holds only QUEUED jobs (checked by the invariants)
        }
        queue.remove(rec);
        running.add(rec);
        rec.runStart = clock.instant();
        scheduleNextLocked(rec);
      }
    }
    drain();
  }

  private void unthrottle(Rec rec, long token) {
    synchronized (lock) {
      if (!isCurrentLocked(rec, token)) {
        return;
      }
      rec.task = null;
      if (transitionLocked(rec, JobState.QUEUED, "end of scripted throttle")) {
        throttled.remove(rec);
        queue.add(rec);
        requestDispatchLocked();
      }
    }
    drain();
  }

  /** Schedules the next step of a RUNNING job, or holds it if it stalls here. */
  private void scheduleNextLocked(Rec rec) {
    JobScript s = rec.script;
    int k = rec.stepsDone;
    if (s.stallAfterSteps() == k && !rec.released) {
      rec.stalled = true;
      rec.stalledSince = clock.instant();
      return;
    }
    Instant due = k < s.steps() ? rec.dueOfStep(k + 1) : rec.dueOfEnd();
    Duration delay = Duration.between(clock.instant(), due);
    long token = rec.token;
    rec.task = clock.schedule(delay.isNegative() ? Duration.ZERO : delay, () -> step(rec, token));
  }

  private void step(Rec rec, long token) {
    boolean finish = false;
    synchronized (lock) {
      if (!isCurrentLocked(rec, token)) {
        return;
      }
      rec.task = null;
      int steps = rec.script.steps();
      if (rec.stepsDone < steps) {
        rec.stepsDone++;
        setProgressLocked(rec, new Progress(rec.stepsDone, steps), "scripted step");
      }
      if (rec.stepsDone == steps && (rec.script.stallAfterSteps() != steps || rec.released)) {
        finish = true;
      } else {
        scheduleNextLocked(rec);
      }
    }
    drain();
    if (finish) {
      complete(rec, token);
    }
  }

  /** The end of a job's run: the outcome, calling the worker outside the lock. */
  private void complete(Rec rec, long token) {
    JobScript s = rec.script;
    Object output = null;
    JobFailure failure = null;
    JobState end;
    switch (s.outcome()) {
      case FAIL -> {
        end = JobState.FAILED;
        failure = s.failure();
      }
      case CANCEL -> end = JobState.CANCELLED;
      default -> {
        end = JobState.SUCCEEDED;
        if (s.fixedOutput()) {
          output = s.output();
        } else {
          Job snap;
          synchronized (lock) {
            if (!isCurrentLocked(rec, token)) {
              return;
            }
            snap = rec.snapshot(clock.instant());
          }
          try {
            output = worker.work(snap);
          } catch (Throwable t) { // a worker bug must not leave the job RUNNING forever
            end = JobState.FAILED;
            String m = t.getMessage();
            failure = new JobFailure(m != null ? m : t.getClass().getName(), t);
          }
        }
      }
    }
    synchronized (lock) {
      if (!isCurrentLocked(rec, token)) {
        return; // interrupted, reset or closed while the worker ran
      }
      endRunningLocked(rec, end, output, failure, "end of script");
    }
    drain();
  }

  /**
   * Delivers queued events to the listeners, one at a time, in order. Whoever finds no drainer
   * active becomes it; others return at once (their events are delivered by the active drainer,
   * which checks for more under the lock before it stops).
   */
  private void drain() {
    synchronized (lock) {
      if (draining || events.isEmpty()) {
        return;
      }
      draining = true;
    }
    boolean stopped = false;
    try {
      while (true) {
        Event e;
        synchronized (lock) {
          e = events.poll();
          if (e == null) {
            draining = false;
            stopped = true;
            return;
          }
        }
        for (JobListener l : listeners) {
          try {
            e.call.accept(l);
          } catch (RuntimeException | Error t) {
            synchronized (lock) {
              if (e.epoch == epoch) {
                violations.add(new Violation(Violation.Kind.LISTENER, e.job.id(), e.job.state(), e.job.state(),
                    "listener " + l + " threw on " + e.describe() + ": " + t, clock.instant()));
              }
            }
          }
        }
      }
    } finally {
      if (!stopped) {
        synchronized (lock) {
          draining = false;
        }
      }
    }
  }

  private List<Job> snapshotsLocked(Iterable<Rec> recs) {
    Instant now = clock.instant();
    List<Job> out = new ArrayList<>();
    for (Rec r : recs) {
      out.add(r.snapshot(now));
    }
    return Collections.unmodifiableList(out);
  }

  private void checkHistory(Rec r, List<String> p) {
    List<StateChange> h = r.history;
    if (h.isEmpty() || h.get(0).state() != JobState.QUEUED) {
      p.add(r.id + " history does not start QUEUED: " + h);
      return;
    }
    for (int i = 1; i < h.size(); i++) {
      if (!JobTransitions.isLegal(h.get(i - 1).state(), h.get(i).state())) {
        p.add(r.id + " history has an illegal step " + h.get(i - 1).state() + " -> " + h.get(i).state() + ": " + h);
      }
      if (h.get(i).at().isBefore(h.get(i - 1).at())) {
        p.add(r.id + " history goes back in time: " + h);
      }
    }
    if (h.get(h.size() - 1).state() != r.state) {
      p.add(r.id + " is " + r.state + " but its history ends " + h.get(h.size() - 1).state());
    }
  }

  private static String numbered(String title, List<?> items) {
    StringBuilder b = new StringBuilder(title).append(':');
    for (int i = 0; i < items.size(); i++) {
      b.append("\n  ").append(i + 1).append(". ").append(items.get(i));
    }
    return b.toString();
  }

  /** An event waiting to be delivered. {@code from} is null for a submission. */
  private record Event(Job job, JobState from, JobState to, Consumer<JobListener> call, long epoch) {
    String describe() {
      if (from == null) {
        return "onSubmit(" + job.id() + ")";
      }
      return from == to ? "onProgress(" + job.id() + " " + job.progress() + ")"
          : "onTransition(" + job.id() + " " + from + " -> " + to + ")";
    }
  }

  /** The engine's mutable record of one job; guarded by the engine's lock. */
  private static final class Rec {
    final String id;
    final long sequence;
    final Object input;
    final JobScript script;
    final ScriptRule stallRule;
    final long epoch;
    final List<StateChange> history = new ArrayList<>(4);
    final List<Progress> progressLog = new ArrayList<>();
    JobState state = JobState.QUEUED;
    Progress progress;
    Object output;
    JobFailure failure;
    long token;
    Clock.Cancellable task;
    Instant runStart;
    Duration paused = Duration.ZERO;
    int stepsDone;
    boolean stalled;
    boolean released;
    Instant stalledSince;

    Rec(String id, long sequence, Object input, JobScript script, ScriptRule stallRule, long epoch) {
      this.id = id;
      this.sequence = sequence;
      this.input = input;
      this.script = script;
      this.stallRule = stallRule;
      this.epoch = epoch;
    }

    void setProgress(Progress p) {
      progress = p;
      progressLog.add(p);
    }

    Instant dueOfStep(int k) {
      return runStart.plus(paused).plus(script.duration().multipliedBy(k).dividedBy(script.steps()));
    }

    Instant dueOfEnd() {
      return runStart.plus(paused).plus(script.duration());
    }

    Job snapshot(Instant asOf) {
      return new Job(id, sequence, input, state, List.copyOf(history), progress, output, failure,
          script, stalled, asOf);
    }
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
