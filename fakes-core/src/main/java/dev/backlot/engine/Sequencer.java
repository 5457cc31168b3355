package dev.backlot.engine;

import dev.backlot.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * Runs the actions of one stream in submission order, each no earlier than its delay: a delayed
 * message holds back the ones after it, as on a TCP connection. Nothing waits on a thread: timers
 * go on the fake's clock. With nothing pending and no delay, an action runs at once on the
 * caller's thread, so a stream without faults behaves exactly as before.
 */
final class Sequencer {

  private record Item(Instant due, Runnable action) {}

  private final Clock clock;
  private final Executor timerExecutor;
  private final ArrayDeque<Item> queue = new ArrayDeque<>();
  private Instant tail = Instant.MIN;
  private boolean busy;
  private boolean timerSet;
  private boolean closed;

  /**
   * @param timerExecutor where actions that waited run once their time comes (for example the
   *     connection's IO thread); the clock's thread when null
   */
  Sequencer(Clock clock, Executor timerExecutor) {
    this.clock = clock;
    this.timerExecutor = timerExecutor;
  }

  /** Whether nothing is queued or running; the fast path may skip the sequencer then. */
  synchronized boolean idle() {
    return queue.isEmpty() && !busy;
  }

  void submit(Duration delay, Runnable action) {
    Instant now = clock.instant();
    synchronized (this) {
      if (closed) {
        return;
      }
      Instant due = delay.isZero() || delay.isNegative() ? now : now.plus(delay);
      if (due.isBefore(tail)) {
        due = tail;
      }
      tail = due;
      queue.add(new Item(due, action));
      if (busy || timerSet) {
        return; // the running drain or the pending timer reaches it, in order
      }
      if (due.isAfter(now)) {
        arm(due, now);
        return;
      }
      busy = true;
    }
    drain(now);
  }

  /** Drops everything pending (the stream ended). */
  synchronized void close() {
    closed = true;
    queue.clear();
  }

  private void drain(Instant dueBy) {
    while (true) {
      Item next;
      synchronized (this) {
        Item head = queue.peek();
        if (head == null) {
          busy = false;
          return;
        }
        Instant now = clock.instant();
        Instant limit = now.isAfter(dueBy) ? now : dueBy;
        if (head.due.isAfter(limit)) {
          busy = false;
          arm(head.due, now);
          return;
        }
        next = queue.poll();
      }
      try {
        next.action.run();
      } catch (RuntimeException e) {
        // one failed send must not stall the rest of the stream
      }
    }
  }

  // Under the lock.
  private void arm(Instant due, Instant now) {
    timerSet = true;
    Duration wait = Duration.between(now, due);
    clock.schedule(
        wait,
        () -> {
          synchronized (this) {
            timerSet = false;
            if (busy || closed) {
              return;
            }
            busy = true;
          }
          Runnable run = () -> drain(due);
          if (timerExecutor == null) {
            run.run();
          } else {
            try {
              timerExecutor.execute(run);
            } catch (RuntimeException rejected) {
              synchronized (this) {
                busy = false;
                queue.clear();
              }
            }
          }
        });
  }
}
