package dev.backlot.jobs;

import dev.backlot.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The machinery behind {@link JobEngine}: the guarded job table (records, queue, throttled and
 * running sets, violations, pending events), the single place where a job changes state, the
 * clock-driven dispatch, steps and completion, and the in-order delivery of events to
 * listeners. {@link JobEngine} is its public face and takes {@link #lock} for every operation.
 */
final class JobCore {

  final Object lock = new Object();
  final Clock clock;
  final int maxRunning;
  final JobWorker worker;
  final Comparator<Object> queueOrder;
  final JobState interruptedState;
  final String interruptMessage;
  final Supplier<String> ids;
  final List<JobListener> listeners = new CopyOnWriteArrayList<>();

  // Everything below is guarded by lock.
  final Map<String, JobRecord> jobs = new LinkedHashMap<>();
  final Set<JobRecord> queue = new LinkedHashSet<>(); // QUEUED, FIFO
  final Set<JobRecord> throttled = new LinkedHashSet<>();
  final Set<JobRecord> running = new LinkedHashSet<>();
  final List<Violation> violations = new ArrayList<>();
  final ArrayDeque<Event> events = new ArrayDeque<>();
  private boolean draining;
  long submitted;
  long idCounter;
  long epoch;
  private Clock.Cancellable dispatchTask;
  boolean closed;

  JobCore(Clock clock, int maxRunning, JobWorker worker, Comparator<Object> queueOrder,
      JobState interruptedState, String interruptMessage, Supplier<String> ids) {
    this.clock = clock;
    this.maxRunning = maxRunning;
    this.worker = worker;
    this.queueOrder = queueOrder;
    this.interruptedState = interruptedState;
    this.interruptMessage = interruptMessage;
    this.ids = ids;
  }

  boolean releaseLocked(JobRecord rec) {
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
  List<JobRecord> inRunOrderLocked() {
    List<JobRecord> order = new ArrayList<>(queue);
    // List.sort is stable, so equal jobs keep their FIFO order.
    order.sort((a, b) -> queueOrder.compare(a.input, b.input));
    return order;
  }

  String nextIdLocked() {
    while (true) {
      String id = ids != null ? ids.get() : "job-" + (++idCounter);
      if (!jobs.containsKey(id) || ids != null) {
        return id;
      }
    }
  }

  JobRecord requireLocked(String id) {
    JobRecord rec = jobs.get(id);
    if (rec == null) {
      throw new IllegalArgumentException("no job with id " + id);
    }
    return rec;
  }

  boolean isCurrentLocked(JobRecord rec, long token) {
    return !closed && rec.epoch == epoch && rec.token == token;
  }

  /** The single place where a job changes state: checks the table, records, emits. */
  boolean transitionLocked(JobRecord rec, JobState to, String cause) {
    return transitionLocked(rec, to, cause, null, null);
  }

  boolean transitionLocked(JobRecord rec, JobState to, String cause, Object output, JobFailure failure) {
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

  boolean setProgressLocked(JobRecord rec, Progress next, String cause) {
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

  boolean cancelWaitingLocked(JobRecord rec, String cause) {
    JobState from = rec.state;
    if (!transitionLocked(rec, JobState.CANCELLED, cause)) {
      return false;
    }
    (from == JobState.QUEUED ? queue : throttled).remove(rec);
    invalidateLocked(rec);
    return true;
  }

  boolean interruptLocked(JobRecord rec, String cause) {
    JobFailure f = interruptedState == JobState.FAILED ? JobFailure.of(interruptMessage) : null;
    return endRunningLocked(rec, interruptedState, null, f, cause);
  }

  /** Ends a RUNNING job: the only way out of the running set. */
  boolean endRunningLocked(JobRecord rec, JobState to, Object output, JobFailure failure, String cause) {
    if (!transitionLocked(rec, to, cause, output, failure)) {
      return false;
    }
    running.remove(rec);
    invalidateLocked(rec);
    rec.stalled = false;
    requestDispatchLocked();
    return true;
  }

  boolean finish(String id, JobState to, Object output, JobFailure failure, String cause) {
    boolean done;
    synchronized (lock) {
      done = endRunningLocked(requireLocked(id), to, output, failure, cause);
    }
    drain();
    return done;
  }

  /** Stops the job's pending task and makes any in-flight one stale. */
  void invalidateLocked(JobRecord rec) {
    rec.token++;
    if (rec.task != null) {
      rec.task.cancel();
      rec.task = null;
    }
  }

  void cancelAllTasksLocked() {
    for (JobRecord rec : jobs.values()) {
      invalidateLocked(rec);
    }
    if (dispatchTask != null) {
      dispatchTask.cancel();
      dispatchTask = null;
    }
  }

  void requestDispatchLocked() {
    if (dispatchTask == null && !closed && !queue.isEmpty() && running.size() < maxRunning) {
      long e = epoch;
      dispatchTask = clock.schedule(Duration.ZERO, () -> dispatch(e));
    }
  }

  void dispatch(long forEpoch) {
    synchronized (lock) {
      if (forEpoch != epoch || closed) {
        return;
      }
      dispatchTask = null;
      while (running.size() < maxRunning && !queue.isEmpty()) {
        JobRecord rec = queueOrder == null ? queue.iterator().next() : inRunOrderLocked().get(0);
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

  void unthrottle(JobRecord rec, long token) {
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
  void scheduleNextLocked(JobRecord rec) {
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

  void step(JobRecord rec, long token) {
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
  void complete(JobRecord rec, long token) {
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
  void drain() {
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

  List<Job> snapshotsLocked(Iterable<JobRecord> recs) {
    Instant now = clock.instant();
    List<Job> out = new ArrayList<>();
    for (JobRecord r : recs) {
      out.add(r.snapshot(now));
    }
    return Collections.unmodifiableList(out);
  }





  /** An event waiting to be delivered. {@code from} is null for a submission. */
  record Event(Job job, JobState from, JobState to, Consumer<JobListener> call, long epoch) {
    String describe() {
      if (from == null) {
        return "onSubmit(" + job.id() + ")";
      }
      return from == to ? "onProgress(" + job.id() + " " + job.progress() + ")"
          : "onTransition(" + job.id() + " " + from + " -> " + to + ")";
    }
  }
}
