package dev.backlot.redis;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/** The {@link RespGate}'s selector thread: reads, parses, runs what never waits, writes. */
final class IoLoop implements Runnable {
  private static final System.Logger LOG = System.getLogger(RespGate.class.getName());

  final Thread thread;
  final Selector selector;
  /** Reads land here first; writes leave from here. */
  final ByteBuffer io = ByteBuffer.allocateDirect(64 * 1024);
  private final ConcurrentLinkedQueue<SocketChannel> accepted = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean wakeupPending = new AtomicBoolean();
  private final ArrayDeque<RespGate.Conn> dirty = new ArrayDeque<>();
  private final Set<RespGate.Conn> conns = ConcurrentHashMap.newKeySet();
  private volatile boolean stopping;
  private volatile boolean terminated;

  private final RespGate gate;

  IoLoop(RespGate gate, String name) throws IOException {
    this.gate = gate;
    this.selector = Selector.open();
    this.thread = new Thread(this, name);
    thread.setDaemon(true);
  }

  /** Takes an accepted connection; false if this loop has ended. */
  boolean adopt(SocketChannel ch) {
    if (stopping) {
      return false;
    }
    accepted.add(ch);
    wake();
    return true;
  }

  void execute(Runnable task) {
    if (terminated) {
      return;
    }
    tasks.add(task);
    wake();
  }

  private void wake() {
    if (wakeupPending.compareAndSet(false, true)) {
      selector.wakeup();
    }
  }

  void stopAndJoin() {
    stopping = true;
    selector.wakeup();
    if (Thread.currentThread() == thread) {
      return;
    }
    boolean interrupted = false;
    while (thread.isAlive()) {
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

  @Override
  public void run() {
    try {
      while (!stopping) {
        wakeupPending.set(false);
        if (tasks.isEmpty() && accepted.isEmpty()) {
          selector.select();
        } else {
          selector.selectNow();
        }
        if (stopping) {
          break;
        }
        SocketChannel ch;
        while ((ch = accepted.poll()) != null) {
          register(ch);
        }
        Set<SelectionKey> keys = selector.selectedKeys();
        if (!keys.isEmpty()) {
          for (SelectionKey key : keys) {
            if (key.isValid() && key.attachment() instanceof RespGate.Conn c) {
              try {
                c.onReady(key.readyOps());
              } catch (RuntimeException e) {
                // one connection's failure must not end the thread that serves them all
                LOG.log(System.Logger.Level.WARNING, "redis fake connection failed", e);
                c.abort();
              }
            }
          }
          keys.clear();
        }
        Runnable task;
        while ((task = tasks.poll()) != null) {
          try {
            task.run();
          } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "redis fake IO task failed", e);
          }
        }
        flushDirty();
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "redis fake IO thread failed", e);
    } finally {
      stopping = true;
      terminated = true;
      SocketChannel ch;
      while ((ch = accepted.poll()) != null) {
        RespGate.closeQuietly(ch);
      }
      for (RespGate.Conn c : conns) {
        c.abort();
      }
      tasks.clear();
      try {
        selector.close(); // deregisters every key: the sockets are really closed
      } catch (IOException e) {
        LOG.log(System.Logger.Level.DEBUG, "closing selector", e);
      }
    }
  }

  private void register(SocketChannel ch) {
    RespGate.Conn c;
    try {
      c = gate.new Conn(this, ch);
      c.key = ch.register(selector, SelectionKey.OP_READ, c);
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "redis fake could not take a connection", e);
      RespGate.closeQuietly(ch);
      return;
    }
    conns.add(c);
    gate.opened(c);
  }

  /** Marks {@code c} to be flushed at the end of this round (IO thread only). */
  void dirty(RespGate.Conn c) {
    if (!c.dirtyQueued) {
      c.dirtyQueued = true;
      dirty.add(c);
    }
  }

  private void flushDirty() {
    RespGate.Conn c;
    while ((c = dirty.poll()) != null) {
      c.dirtyQueued = false;
      c.flush();
    }
  }

  void removed(RespGate.Conn c) {
    conns.remove(c);
  }
}
