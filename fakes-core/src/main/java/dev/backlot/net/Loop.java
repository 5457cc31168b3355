package dev.backlot.net;

import dev.backlot.time.Clock.Cancellable;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * One selector thread of a {@link NetworkLink}: it carries the connections assigned to it, and
 * everything about a connection (its pipes, its toxics' stages and timers) runs on it. Loop 0 also
 * owns the listening socket; the others start on their first connection.
 */
final class Loop implements Runnable {

  private static final System.Logger LOG = System.getLogger(NetworkLink.class.getName());

  final NetworkLink link;
  final int index;
  final Selector selector;
  /** Shared by every pipe of this loop: data is written from it before the next read. */
  final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
  private final Thread thread;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean wakeupPending = new AtomicBoolean();
  private final Set<Connection> connections = new LinkedHashSet<>();
  private volatile boolean started;
  private volatile boolean terminated;

  Loop(NetworkLink link, int index, String threadName) throws IOException {
    this.link = link;
    this.index = index;
    this.selector = Selector.open();
    this.thread = new Thread(this, threadName);
    thread.setDaemon(true);
  }

  /** Starts the thread unless the link is closing; whether it runs. */
  synchronized boolean ensureStarted() {
    if (!started && !link.isClosed()) {
      thread.start();
      started = true;
    }
    return started;
  }

  boolean isStarted() {
    return started;
  }

  boolean isTerminated() {
    return terminated;
  }

  boolean onThisThread() {
    return Thread.currentThread() == thread;
  }

  /** Wakes the thread so it sees the link closing. */
  synchronized void wake() {
    if (started) {
      selector.wakeup();
    }
  }

  /** Waits for the thread to end (if it ever started). */
  void join() {
    boolean interrupted = false;
    synchronized (this) {
      if (!started) {
        return;
      }
    }
    while (thread.isAlive() && !onThisThread()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** The open connections of this loop; loop thread only. */
  Set<Connection> connections() {
    return connections;
  }

  // ------------------------------------------------------------------------------------ tasks

  void execute(Runnable task) {
    if (terminated) {
      return;
    }
    tasks.add(task);
    if (wakeupPending.compareAndSet(false, true)) {
      selector.wakeup();
    }
  }

  /** Runs {@code task} on this loop after {@code delayNanos} of the link's clock. */
  Cancellable schedule(long delayNanos, Runnable task) {
    if (delayNanos <= 0) {
      // Straight onto the loop: a zero delay must not wait for a manual clock to move.
      AtomicBoolean cancelled = new AtomicBoolean();
      execute(
          () -> {
            if (cancelled.compareAndSet(false, true)) {
              task.run();
            }
          });
      return () -> cancelled.compareAndSet(false, true);
    }
    return link.clock().schedule(Duration.ofNanos(delayNanos), () -> execute(task));
  }

  /** Runs {@code action} on this loop and waits for it; rethrows what it throws. */
  <T> T call(Supplier<T> action) {
    if (onThisThread()) {
      return action.get();
    }
    if (link.isClosed()) {
      throw new IllegalStateException("this link is closed: " + link);
    }
    FutureTask<T> f = new FutureTask<>(action::get);
    execute(f);
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return f.get(200, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          if (!thread.isAlive() && !f.isDone()) {
            throw new IllegalStateException("this link is closed: " + link);
          }
        } catch (InterruptedException e) {
          interrupted = true;
          throw new IllegalStateException("interrupted while waiting for the link thread", e);
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof RuntimeException r) {
            r.addSuppressed(new Exception("called from here"));
            throw r;
          }
          if (cause instanceof Error err) {
            throw err;
          }
          throw new IllegalStateException(cause);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  // ------------------------------------------------------------------------------------- thread

  @Override
  public void run() {
    try {
      while (!link.isClosed()) {
        // Clear the flag before looking at the queue: a task added from now on wakes the
        // selector; one added earlier is seen here. (A selectNow() inside a task, as in down(),
        // swallows wakeups, so the flag alone cannot be trusted to mean "a wakeup is pending".)
        wakeupPending.set(false);
        if (tasks.isEmpty()) {
          selector.select();
        } else {
          selector.selectNow();
        }
        Set<SelectionKey> keys = selector.selectedKeys();
        if (!keys.isEmpty()) {
          for (SelectionKey key : keys) {
            handle(key);
          }
          keys.clear();
        }
        runTasks();
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "network link on port " + link.port() + " failed", e);
    } finally {
      shutdown();
    }
  }

  private void handle(SelectionKey key) {
    try {
      if (!key.isValid()) {
        return;
      }
      Object a = key.attachment();
      if (a instanceof Connection c) {
        if (!c.closed) {
          c.onReady(key);
        }
      } else {
        link.acceptAll();
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "network link on port " + link.port() + ": " + e, e);
      if (key.attachment() instanceof Connection c) {
        c.reset();
      }
    }
  }

  private void runTasks() {
    Runnable task;
    while ((task = tasks.poll()) != null) {
      try {
        task.run();
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "network link on port " + link.port() + ": " + e, e);
      }
    }
  }

  /**
   * Takes over a connection accepted by loop 0. {@code downs} is the link's down count when it was
   * accepted: a {@code down()} since then has closed every connection, so this one is closed too.
   */
  void open(SocketChannel client, long connectionIndex, long downs) {
    if (link.isClosed() || link.downs() != downs) {
      quietClose(client);
      return;
    }
    SocketChannel upstream;
    try {
      client.configureBlocking(false);
      client.setOption(StandardSocketOptions.TCP_NODELAY, true);
      upstream = SocketChannel.open();
      upstream.configureBlocking(false);
      upstream.setOption(StandardSocketOptions.TCP_NODELAY, true);
    } catch (IOException e) {
      quietClose(client);
      return;
    }
    Connection c = new Connection(this, connectionIndex, client, upstream);
    link.open.incrementAndGet();
    connections.add(c);
    try {
      c.clientKey = client.register(selector, 0, c);
      c.serverKey = upstream.register(selector, SelectionKey.OP_CONNECT, c);
    } catch (IOException e) {
      c.reset();
      return;
    }
    for (Toxic t : link.toxicList()) {
      if (t.appliesTo(c.index)) {
        c.pipe(t.direction()).attach(t);
      }
    }
    boolean connectedNow;
    try {
      connectedNow = upstream.connect(link.target());
    } catch (IOException | RuntimeException e) {
      c.close();
      return;
    }
    if (connectedNow) {
      c.onConnected();
    }
    c.updateInterest();
  }

  void connectionClosed(Connection c) {
    if (connections.remove(c)) {
      link.open.decrementAndGet();
    }
  }

  /** Closes every connection of this loop (FIN); loop thread only. */
  void closeAll() {
    for (Connection c : new ArrayList<>(connections)) {
      c.close();
    }
    flushCancelledKeys();
  }

  private void shutdown() {
    try {
      for (Connection c : new ArrayList<>(connections)) {
        c.close();
      }
      if (index == 0) {
        link.closeServer();
      }
      flushCancelledKeys();
    } finally {
      terminated = true;
      try {
        selector.close();
      } catch (IOException e) {
        LOG.log(System.Logger.Level.DEBUG, "closing selector", e);
      }
      // Let waiting callers go; they see a closed link.
      runTasks();
    }
  }

  /** Closed channels are only really closed once their keys are deregistered. */
  void flushCancelledKeys() {
    try {
      selector.selectNow();
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "selectNow", e);
    }
  }

  static void quietClose(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }
}
