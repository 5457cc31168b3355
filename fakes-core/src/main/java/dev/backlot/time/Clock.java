package dev.backlot.time;

import java.time.Duration;
import java.time.Instant;

/**
 * The time source of a fake: everything that waits (fault delays, job durations, signed-URL
 * expiry, streaming pauses) asks its clock, never {@code Thread.sleep} or {@code System.nanoTime}.
 *
 * <p>The {@linkplain #system() system clock} follows wall time and runs scheduled tasks on a small
 * shared scheduler thread. A {@linkplain #manual() manual clock} stands still until the test moves
 * it, so timing tests are instant and exact:
 *
 * <pre>{@code
 * ManualClock clock = Clock.manual();
 * var fake = HttpFake.builder().clock(clock).start();
 * ...
 * clock.advance(Duration.ofSeconds(30)); // runs every task that fell due, in time order
 * }</pre>
 */
public interface Clock {

  /** The current instant on this clock. */
  Instant instant();

  /** Milliseconds since the epoch on this clock. */
  default long millis() {
    return instant().toEpochMilli();
  }

  /**
   * Runs {@code task} once {@code delay} has passed on this clock. Tasks must be short and must
   * not block: they run on a shared scheduler thread (system clock) or on the thread that
   * advances a manual clock. A zero or negative delay still runs the task asynchronously on the
   * system clock, and at the next {@link ManualClock#advance} (even by zero) on a manual one.
   */
  Cancellable schedule(Duration delay, Runnable task);

  /**
   * Runs {@code task} once this clock reaches {@code instant}. On a manual clock the due time is
   * exact even if the test advances the clock concurrently (a relative delay computed from a
   * stale {@link #instant()} would land late).
   */
  default Cancellable scheduleAt(Instant instant, Runnable task) {
    return schedule(Duration.between(instant(), instant), task);
  }

  /** Whether this clock only moves when a test moves it. */
  default boolean isManual() {
    return false;
  }

  /** The wall clock, shared by every fake that is not given another one. */
  static Clock system() {
    return SystemClock.INSTANCE;
  }

  /** A new manual clock standing at the current wall-clock instant (truncated to millis). */
  static ManualClock manual() {
    return new ManualClock(Instant.ofEpochMilli(System.currentTimeMillis()));
  }

  /** A new manual clock standing at {@code start}. */
  static ManualClock manual(Instant start) {
    return new ManualClock(start);
  }

  /** A handle on a scheduled task. */
  @FunctionalInterface
  interface Cancellable {
    /** Stops the task if it has not run yet; returns whether it was stopped by this call. */
    boolean cancel();
  }
}
