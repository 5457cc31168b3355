package dev.backlot.time;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Wall time; scheduled tasks run on one shared daemon thread that exits when idle. */
final class SystemClock implements Clock {

  static final SystemClock INSTANCE = new SystemClock();

  private final ScheduledThreadPoolExecutor scheduler;

  private SystemClock() {
    AtomicInteger n = new AtomicInteger();
    scheduler =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "backlot-clock-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    // The thread dies after a second with nothing to do, so closing every fake leaves no
    // Backlot thread behind; a cancelled delay must not keep it alive either.
    scheduler.setKeepAliveTime(1, TimeUnit.SECONDS);
    scheduler.allowCoreThreadTimeOut(true);
    scheduler.setRemoveOnCancelPolicy(true);
  }

  @Override
  public Instant instant() {
    return Instant.now();
  }

  @Override
  public long millis() {
    return System.currentTimeMillis();
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    long nanos = Math.max(0, delay.toNanos());
    ScheduledFuture<?> f = scheduler.schedule(task, nanos, TimeUnit.NANOSECONDS);
    return () -> f.cancel(false);
  }

  @Override
  public String toString() {
    return "Clock.system()";
  }
}
