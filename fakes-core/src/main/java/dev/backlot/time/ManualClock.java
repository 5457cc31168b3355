package dev.backlot.time;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A clock that moves only when the test moves it. {@link #advance(Duration)} runs every task that
 * falls due inside the step, in due-time order (ties in scheduling order), on the calling thread,
 * with {@link #instant()} reading each task's due time while it runs; tasks that schedule more
 * tasks inside the step see those run too.
 *
 * <pre>{@code
 * ManualClock clock = Clock.manual();
 * clock.schedule(Duration.ofSeconds(5), () -> done.set(true));
 * clock.advance(Duration.ofSeconds(4)); // not yet
 * clock.advance(Duration.ofSeconds(1)); // runs now
 * }</pre>
 */
public final class ManualClock implements Clock {

  private record Task(Instant due, long seq, Runnable run, AtomicBoolean cancelled) {}

  private final Object lock = new Object();
  private final PriorityQueue<Task> queue =
      new PriorityQueue<>(
          (a, b) -> {
            int c = a.due.compareTo(b.due);
            return c != 0 ? c : Long.compare(a.seq, b.seq);
          });
  private Instant now;
  private long seq;

  ManualClock(Instant start) {
    this.now = start;
  }

  @Override
  public Instant instant() {
    synchronized (lock) {
      return now;
    }
  }

  @Override
  public boolean isManual() {
    return true;
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    AtomicBoolean cancelled = new AtomicBoolean();
    synchronized (lock) {
      Duration d = delay.isNegative() ? Duration.ZERO : delay;
      queue.add(new Task(now.plus(d), seq++, task, cancelled));
    }
    return () -> cancelled.compareAndSet(false, true);
  }

  @Override
  public Cancellable scheduleAt(Instant instant, Runnable task) {
    AtomicBoolean cancelled = new AtomicBoolean();
    synchronized (lock) {
      queue.add(new Task(instant.isBefore(now) ? now : instant, seq++, task, cancelled));
    }
    return () -> cancelled.compareAndSet(false, true);
  }

  /** Moves time forward by {@code step}, running every task that falls due on the way. */
  public ManualClock advance(Duration step) {
    if (step.isNegative()) {
      throw new IllegalArgumentException("a clock cannot go backwards: " + step);
    }
    Instant target;
    synchronized (lock) {
      target = now.plus(step);
    }
    runUntil(target);
    return this;
  }

  /** Moves time forward to {@code instant} (which must not be in this clock's past). */
  public ManualClock advanceTo(Instant instant) {
    synchronized (lock) {
      if (instant.isBefore(now)) {
        throw new IllegalArgumentException("a clock cannot go backwards: " + now + " -> " + instant);
      }
    }
    runUntil(instant);
    return this;
  }

  /** How many scheduled tasks have not run and were not cancelled. */
  public int pendingTasks() {
    synchronized (lock) {
      return (int) queue.stream().filter(t -> !t.cancelled.get()).count();
    }
  }

  /** The due instants of the pending tasks, earliest first; handy in failure messages. */
  public List<Instant> pendingDueTimes() {
    synchronized (lock) {
      List<Instant> out = new ArrayList<>();
      queue.stream().filter(t -> !t.cancelled.get()).forEach(t -> out.add(t.due));
      out.sort(null);
      return out;
    }
  }

  private void runUntil(Instant target) {
    while (true) {
      Task next;
      synchronized (lock) {
        Task head = queue.peek();
        if (head == null || head.due.isAfter(target)) {
          now = target;
          return;
        }
        next = queue.poll();
        if (next.due.isAfter(now)) {
          now = next.due;
        }
      }
      // Outside the lock: a task may schedule more tasks or read the clock.
      if (next.cancelled.compareAndSet(false, true)) {
        next.run.run();
      }
    }
  }

  @Override
  public String toString() {
    return "ManualClock[" + instant() + "]";
  }
}
