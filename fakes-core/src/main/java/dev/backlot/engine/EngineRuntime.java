package dev.backlot.engine;

import dev.backlot.time.Clock;
import io.undertow.connector.ByteBufferPool;
import io.undertow.server.DefaultByteBufferPool;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

/**
 * The one XNIO worker and buffer pool shared by every fake in the JVM, so ten fakes do not cost
 * ten thread pools. Reference-counted: the first fake to start creates it; once the last one
 * closes it shuts down after a short grace period, so per-test fakes (close, then start the next)
 * reuse it instead of rebuilding a thread pool each test, and no Backlot thread outlives the run.
 */
final class EngineRuntime {

  private static final Object LOCK = new Object();
  /** How long an unused worker waits for the next fake before shutting down. */
  static final java.time.Duration GRACE = java.time.Duration.ofSeconds(2);

  private static EngineRuntime current;
  private static int users;
  private static Clock.Cancellable pendingShutdown;

  final XnioWorker worker;
  final ByteBufferPool buffers;

  private EngineRuntime(XnioWorker worker, ByteBufferPool buffers) {
    this.worker = worker;
    this.buffers = buffers;
  }

  static EngineRuntime acquire() {
    synchronized (LOCK) {
      if (pendingShutdown != null) {
        pendingShutdown.cancel();
        pendingShutdown = null;
      }
      if (current == null) {
        current = create();
      }
      users++;
      return current;
    }
  }

  static void release(EngineRuntime runtime) {
    synchronized (LOCK) {
      if (runtime != current || users == 0) {
        return;
      }
      if (--users == 0) {
        pendingShutdown = Clock.system().schedule(GRACE, () -> shutdownIfUnused(runtime));
      }
    }
  }

  private static void shutdownIfUnused(EngineRuntime runtime) {
    synchronized (LOCK) {
      if (users > 0 || current != runtime) {
        return;
      }
      current = null;
      pendingShutdown = null;
      runtime.worker.shutdown();
      runtime.buffers.close();
    }
  }

  /** Number of fakes holding the runtime; for leak tests. */
  static int users() {
    synchronized (LOCK) {
      return users;
    }
  }

  // Held strongly: java.util.logging keeps loggers only weakly.
  private static final java.util.logging.Logger XNIO_LOG = java.util.logging.Logger.getLogger("org.xnio");

  private static EngineRuntime create() {
    if (XNIO_LOG.getLevel() == null) {
      // XNIO announces its version at INFO on first use: noise in every test log. A level the
      // user configured is left alone.
      XNIO_LOG.setLevel(java.util.logging.Level.WARNING);
    }
    try {
      Xnio xnio = Xnio.getInstance(io.undertow.Undertow.class.getClassLoader());
      XnioWorker worker =
          xnio.createWorker(
              OptionMap.builder()
                  .set(Options.WORKER_NAME, "backlot")
                  .set(Options.WORKER_IO_THREADS, 2)
                  .set(Options.WORKER_TASK_CORE_THREADS, 4)
                  .set(Options.WORKER_TASK_MAX_THREADS, 64)
                  .set(Options.WORKER_TASK_KEEPALIVE, 5_000)
                  .set(Options.TCP_NODELAY, true)
                  .set(Options.THREAD_DAEMON, true)
                  .getMap());
      return new EngineRuntime(worker, new DefaultByteBufferPool(true, 16 * 1024, -1, 4));
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the Backlot IO worker", e);
    }
  }
}
