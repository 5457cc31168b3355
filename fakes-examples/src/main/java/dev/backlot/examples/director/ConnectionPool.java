package dev.backlot.examples.director;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded pool of connections to one backend: at most {@code maxSize} open at once, idle ones
 * handed out again (newest first), broken ones discarded, a caller waits up to the acquire
 * timeout for a free one. Thread-safe; opening a connection happens outside the lock.
 *
 * <pre>{@code
 * var pool = new ConnectionPool<>("litellm", 4, Duration.ofSeconds(5), () -> new LlmClient(...));
 * LlmClient c = pool.acquire();
 * try { c.complete("Hello"); } finally { pool.release(c); }
 * pool.stats().reuseRate();
 * }</pre>
 */
public final class ConnectionPool<C extends BackendConnection> implements AutoCloseable {

  /** Opens a new connection. */
  @FunctionalInterface
  public interface Factory<C> {
    C open() throws BackendException, InterruptedException;
  }

  /** No connection became free within the acquire timeout. */
  public static final class PoolExhaustedException extends Exception {
    PoolExhaustedException(String message) {
      super(message);
    }
  }

  /**
   * Counters since the pool was made.
   *
   * @param waiting callers waiting for a connection now
   * @param reuseRate reused / acquisitions (0 before the first acquisition)
   * @param averageAcquisition mean time an acquire took, waits and opening included
   */
  public record Stats(String service, int maxSize, long acquisitions, long created, long reused,
      long discarded, long timeouts, int inUse, int idle, int waiting, int peakInUse, double reuseRate,
      Duration averageAcquisition) {}

  private final String service;
  private final int maxSize;
  private final Duration acquireTimeout;
  private final Factory<C> factory;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition freed = lock.newCondition();
  private final Deque<C> idle = new ArrayDeque<>();
  private final List<C> inUse = new ArrayList<>();
  private int opening;
  private boolean closed;
  private long acquisitions, created, reused, discarded, timeouts, acquireNanos;
  private int peakInUse;
  private int waiting;

  public ConnectionPool(String service, int maxSize, Duration acquireTimeout, Factory<C> factory) {
    if (maxSize < 1) {
      throw new IllegalArgumentException("maxSize must be at least 1: " + maxSize);
    }
    this.service = service;
    this.maxSize = maxSize;
    this.acquireTimeout = acquireTimeout;
    this.factory = factory;
  }

  public String service() {
    return service;
  }

  /**
   * A usable connection: an idle one, or a new one while fewer than {@code maxSize} are open, or
   * the next one released within the acquire timeout.
   *
   * @throws PoolExhaustedException when none became free in time
   * @throws BackendException when a new connection could not be opened
   */
  public C acquire() throws PoolExhaustedException, BackendException, InterruptedException {
    long start = System.nanoTime();
    long deadline = start + acquireTimeout.toNanos();
    lock.lock();
    try {
      while (true) {
        if (closed) {
          throw new IllegalStateException("the " + service + " pool is closed");
        }
        C c = idle.pollFirst();
        if (c != null) {
          if (!c.isUsable()) {
            discarded++;
            c.close();
            continue;
          }
          reused++;
          return handOut(c, start);
        }
        if (inUse.size() + opening < maxSize) {
          opening++;
          break; // open outside the lock
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          timeouts++;
          throw new PoolExhaustedException("no " + service + " connection free within " + acquireTimeout
              + " (" + maxSize + " in use)");
        }
        waiting++;
        try {
          freed.awaitNanos(left);
        } finally {
          waiting--;
        }
      }
    } finally {
      lock.unlock();
    }
    C opened = null;
    try {
      opened = factory.open();
    } finally {
      lock.lock();
      try {
        opening--;
        if (opened == null) {
          freed.signal(); // the slot is free again
        } else {
          created++;
          if (closed) {
            opened.close();
            throw new IllegalStateException("the " + service + " pool is closed");
          }
        }
      } finally {
        lock.unlock();
      }
    }
    lock.lock();
    try {
      return handOut(opened, start);
    } finally {
      lock.unlock();
    }
  }

  private C handOut(C c, long start) {
    inUse.add(c);
    acquisitions++;
    peakInUse = Math.max(peakInUse, inUse.size());
    acquireNanos += System.nanoTime() - start;
    return c;
  }

  /** Gives a connection back: kept for reuse if usable, else closed. */
  public void release(C c) {
    boolean close;
    lock.lock();
    try {
      if (!inUse.remove(c)) {
        throw new IllegalArgumentException("not a connection of the " + service + " pool in use: " + c);
      }
      close = closed || !c.isUsable();
      if (close) {
        discarded++;
      } else {
        idle.addFirst(c);
      }
      freed.signal();
    } finally {
      lock.unlock();
    }
    if (close) {
      c.close();
    }
  }

  /** The connections open now (idle and in use), for health checks and reconnects. */
  public List<C> connections() {
    lock.lock();
    try {
      List<C> all = new ArrayList<>(inUse);
      all.addAll(idle);
      return all;
    } finally {
      lock.unlock();
    }
  }

  public Stats stats() {
    lock.lock();
    try {
      return new Stats(service, maxSize, acquisitions, created, reused, discarded, timeouts,
          inUse.size(), idle.size(), waiting, peakInUse, acquisitions == 0 ? 0 : (double) reused / acquisitions,
          Duration.ofNanos(acquisitions == 0 ? 0 : acquireNanos / acquisitions));
    } finally {
      lock.unlock();
    }
  }

  /** Closes every connection, idle or in use (a disconnect); idempotent. */
  @Override
  public void close() {
    List<C> toClose;
    lock.lock();
    try {
      closed = true;
      toClose = new ArrayList<>(idle);
      toClose.addAll(inUse);
      idle.clear();
      freed.signalAll();
    } finally {
      lock.unlock();
    }
    toClose.forEach(C::close);
  }

  /** A wait for tests and shutdown: whether every connection was released within {@code d}. */
  public boolean awaitIdle(Duration d) throws InterruptedException {
    long deadline = System.nanoTime() + d.toNanos();
    lock.lock();
    try {
      while (!inUse.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        freed.await(left, TimeUnit.NANOSECONDS);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }
}
