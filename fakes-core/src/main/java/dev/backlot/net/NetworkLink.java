package dev.backlot.net;

import dev.backlot.time.Clock;
import dev.backlot.time.Clock.Cancellable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * An in-process TCP proxy on its own loopback port, in front of any {@code host:port}, with
 * Toxiproxy-style {@linkplain #toxics() toxics}, {@linkplain #down() down/up} and {@linkplain
 * #partition() partition/heal}. One non-blocking selector thread per link (named {@code
 * backlot-link-<port>}) carries every connection; all delays run on the link's {@link Clock}.
 *
 * <pre>{@code
 * try (NetworkLink link = NetworkLink.to(fake.address())) {
 *   client.baseUrl(link.uri("http"));
 *   link.toxics().latency(Direction.DOWNSTREAM, Duration.ofMillis(200));
 *   link.partition();   // both directions freeze, nothing is closed
 *   link.heal();        // and carry on, no byte lost or reordered
 *   link.down();        // connection refused, open connections closed
 *   link.up();          // accepting again on the same port
 *   assertThat(link.stats().connectionsAccepted()).isEqualTo(2);
 * }
 * }</pre>
 *
 * <p>Every method may be called from any thread; the ones that change the link return once the
 * change is in force on the link thread.
 */
public final class NetworkLink implements AutoCloseable {

  /** Prefix of the name of every link thread. */
  public static final String THREAD_PREFIX = "backlot-link-";

  /** Bytes a pipe may hold (read, not yet written) before it stops reading its source. */
  static final long HIGH_WATER = 256 * 1024;

  private static final int BACKLOG = 512;
  private static final System.Logger LOG = System.getLogger(NetworkLink.class.getName());

  private final InetSocketAddress target;
  private final Clock clock;
  private final long seed;
  private final int port;
  private final InetSocketAddress address;
  private final Selector selector;
  private final Thread thread;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean wakeupPending = new AtomicBoolean();
  private final AtomicBoolean closeRequested = new AtomicBoolean();
  private final CopyOnWriteArrayList<Toxic> toxics = new CopyOnWriteArrayList<>();
  private volatile boolean terminated;
  private volatile boolean upView = true;
  private volatile boolean partitionedView;

  // Counters, written on the link thread, read anywhere.
  final AtomicLong accepted = new AtomicLong();
  final AtomicInteger open = new AtomicInteger();
  final AtomicLong bytesUpstream = new AtomicLong();
  final AtomicLong bytesDownstream = new AtomicLong();
  final AtomicLong bufferedBytes = new AtomicLong();

  // Link-thread state.
  final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
  boolean partitioned;
  private ServerSocketChannel server;
  private SelectionKey acceptKey;
  private final Set<Connection> connections = new LinkedHashSet<>();
  private long connectionCount;

  private NetworkLink(Builder b) throws IOException {
    this.target = b.target;
    this.clock = b.clock;
    this.seed = b.seed;
    this.selector = Selector.open();
    try {
      this.server = bind(b.port);
      this.port = server.socket().getLocalPort();
      this.acceptKey = server.register(selector, SelectionKey.OP_ACCEPT);
    } catch (IOException | RuntimeException e) {
      if (server != null) {
        server.close();
      }
      selector.close();
      throw e;
    }
    this.address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    String name = THREAD_PREFIX + port + (b.name == null ? "" : "-" + b.name);
    this.thread = new Thread(this::run, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** Starts a link with default settings on a random loopback port in front of {@code target}. */
  public static NetworkLink to(InetSocketAddress target) {
    return builder().target(target).start();
  }

  /** Starts a link with default settings on a random loopback port in front of host:port. */
  public static NetworkLink to(String host, int port) {
    return builder().target(host, port).start();
  }

  /** A builder: {@code NetworkLink.builder().target(host, port).clock(clock).seed(42).start()}. */
  public static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------------------------- accessors

  /** The loopback port clients connect to. It stays the same across {@link #down()}/{@link #up()}. */
  public int port() {
    return port;
  }

  /** The loopback address clients connect to. */
  public InetSocketAddress address() {
    return address;
  }

  /** {@code scheme://127.0.0.1:port}, e.g. {@code link.uri("http")} or {@code link.uri("redis")}. */
  public URI uri(String scheme) {
    return URI.create(scheme + "://" + address.getAddress().getHostAddress() + ":" + port);
  }

  /** Where the link forwards to. */
  public InetSocketAddress target() {
    return target;
  }

  /** The seed of every random choice this link makes (toxicity, jitter, slices, losses). */
  public long seed() {
    return seed;
  }

  /** The clock every delay of this link runs on. */
  public Clock clock() {
    return clock;
  }

  /** This link's toxics: add, find, remove. */
  public Toxics toxics() {
    return new Toxics(this, null);
  }

  /** A snapshot of this link's counters. */
  public Stats stats() {
    return new Stats(
        accepted.get(),
        open.get(),
        bytesUpstream.get(),
        bytesDownstream.get(),
        bufferedBytes.get());
  }

  /** Whether the link accepts connections (true unless {@link #down()}). */
  public boolean isUp() {
    return upView;
  }

  /** Whether traffic is frozen by {@link #partition()}. */
  public boolean isPartitioned() {
    return partitionedView;
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return closeRequested.get();
  }

  // ------------------------------------------------------------------------------------ control

  /**
   * Stops listening, so new connections are refused ({@code ConnectException: Connection
   * refused}), and closes every open connection. The port is released until {@link #up()}.
   */
  public void down() {
    call(
        () -> {
          if (server == null) {
            return null;
          }
          acceptKey.cancel();
          quietClose(server);
          server = null;
          acceptKey = null;
          upView = false;
          for (Connection c : new ArrayList<>(connections)) {
            c.close();
          }
          flushCancelledKeys();
          return null;
        });
  }

  /**
   * Listens again on the same port after {@link #down()}.
   *
   * @throws UncheckedIOException if something else took the port in the meantime
   */
  public void up() {
    call(
        () -> {
          if (server != null) {
            return null;
          }
          try {
            server = bind(port);
            acceptKey =
                server.register(selector, partitioned ? 0 : SelectionKey.OP_ACCEPT);
          } catch (IOException e) {
            if (server != null) {
              quietClose(server);
              server = null;
            }
            throw new UncheckedIOException("cannot listen on port " + port + " again", e);
          }
          upView = true;
          return null;
        });
  }

  /**
   * Freezes both directions of every connection without closing anything: no byte moves until
   * {@link #heal()}, after which each connection carries on with no byte lost or reordered. New
   * connections wait in the listen backlog (the client's connect may succeed; nothing flows).
   * Toxic timers keep running.
   */
  public void partition() {
    call(
        () -> {
          partitioned = true;
          partitionedView = true;
          if (acceptKey != null) {
            acceptKey.interestOps(0);
          }
          for (Connection c : new ArrayList<>(connections)) {
            c.updateInterest();
          }
          return null;
        });
  }

  /** Ends a {@link #partition()}: held data flows again, then new data. */
  public void heal() {
    call(
        () -> {
          if (!partitioned) {
            return null;
          }
          partitioned = false;
          partitionedView = false;
          if (acceptKey != null) {
            acceptKey.interestOps(SelectionKey.OP_ACCEPT);
          }
          for (Connection c : new ArrayList<>(connections)) {
            c.up.flush();
            c.down.flush();
            c.updateInterest();
          }
          return null;
        });
  }

  /** Back to a clean link, as between two tests: every toxic removed, healed, up. */
  public void reset() {
    toxics().clear();
    heal();
    up();
  }

  /**
   * Closes every connection, releases the port and ends the link thread, before returning.
   * Idempotent.
   */
  @Override
  public void close() {
    if (closeRequested.compareAndSet(false, true)) {
      selector.wakeup();
    }
    if (Thread.currentThread() != thread) {
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
  }

  @Override
  public String toString() {
    return "NetworkLink[" + address.getAddress().getHostAddress() + ":" + port + " -> "
        + target.getHostString() + ":" + target.getPort()
        + (isClosed() ? ", closed" : "") + (upView ? "" : ", down")
        + (partitionedView ? ", partitioned" : "") + ", toxics=" + toxics + "]";
  }

  /**
   * Counters of one link, for assertions: {@code await().until(() -> link.stats().connectionsOpen() == 0)}.
   * Byte counts move right after the link hands bytes to the kernel, so a fast client may read
   * data a moment before the count includes it: await counts rather than reading them once.
   *
   * @param connectionsAccepted connections accepted since the link started
   * @param connectionsOpen connections open now
   * @param bytesUpstream bytes delivered to the target
   * @param bytesDownstream bytes delivered to clients
   * @param bytesBuffered bytes read but not yet delivered: held by toxics, a partition, or slow
   *     readers
   */
  public record Stats(
      long connectionsAccepted,
      int connectionsOpen,
      long bytesUpstream,
      long bytesDownstream,
      long bytesBuffered) {}

  // ------------------------------------------------------------------------------- toxic plumbing

  List<Toxic> toxicList() {
    return toxics;
  }

  <T extends Toxic> T addToxic(T toxic) {
    return ToxicWiring.add(this, toxic);
  }

  boolean removeToxic(Toxic toxic) {
    return ToxicWiring.remove(this, toxic);
  }

  void retoxify(Toxic toxic) {
    ToxicWiring.rewire(this, toxic);
  }

  /** The open connections; link thread only. */
  Set<Connection> connections() {
    return connections;
  }

  boolean isTerminated() {
    return terminated;
  }

  // ------------------------------------------------------------------------------------ timing

  long nowNanos() {
    Instant i = clock.instant();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  /** Runs {@code task} on the link thread after {@code delayNanos} of the link's clock. */
  Cancellable schedule(long delayNanos, Runnable task) {
    if (delayNanos <= 0) {
      // Straight onto the link thread: a zero delay must not wait for a manual clock to move.
      AtomicBoolean cancelled = new AtomicBoolean();
      execute(
          () -> {
            if (cancelled.compareAndSet(false, true)) {
              task.run();
            }
          });
      return () -> cancelled.compareAndSet(false, true);
    }
    return clock.schedule(Duration.ofNanos(delayNanos), () -> execute(task));
  }

  // ------------------------------------------------------------------------------- link thread

  private void execute(Runnable task) {
    if (terminated) {
      return;
    }
    tasks.add(task);
    if (wakeupPending.compareAndSet(false, true)) {
      selector.wakeup();
    }
  }

  /** Runs {@code action} on the link thread and waits for it; rethrows what it throws. */
  <T> T call(Supplier<T> action) {
    if (Thread.currentThread() == thread) {
      return action.get();
    }
    if (closeRequested.get()) {
      throw new IllegalStateException("this link is closed: " + this);
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
            throw new IllegalStateException("this link is closed: " + this);
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

  private void run() {
    try {
      while (!closeRequested.get()) {
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
        for (SelectionKey key : keys) {
          handle(key);
        }
        keys.clear();
        runTasks();
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "network link on port " + port + " failed", e);
    } finally {
      shutdown();
    }
  }

  private void handle(SelectionKey key) {
    try {
      if (!key.isValid()) {
        return;
      }
      if (key == acceptKey) {
        acceptAll();
      } else if (key.attachment() instanceof Connection c && !c.closed) {
        c.onReady(key);
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "network link on port " + port + ": " + e, e);
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
        LOG.log(System.Logger.Level.WARNING, "network link on port " + port + ": " + e, e);
      }
    }
  }

  private void acceptAll() {
    while (server != null && !partitioned) {
      SocketChannel client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return;
      }
      if (client == null) {
        return;
      }
      openConnection(client);
    }
  }

  private void openConnection(SocketChannel client) {
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
    Connection c = new Connection(this, ++connectionCount, client, upstream);
    accepted.incrementAndGet();
    open.incrementAndGet();
    connections.add(c);
    try {
      c.clientKey = client.register(selector, 0, c);
      c.serverKey = upstream.register(selector, SelectionKey.OP_CONNECT, c);
    } catch (IOException e) {
      c.reset();
      return;
    }
    for (Toxic t : toxics) {
      if (t.appliesTo(c.index)) {
        c.pipe(t.direction()).attach(t);
      }
    }
    boolean connectedNow;
    try {
      connectedNow = upstream.connect(target);
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
      open.decrementAndGet();
    }
  }

  private void shutdown() {
    try {
      for (Connection c : new ArrayList<>(connections)) {
        c.close();
      }
      if (server != null) {
        quietClose(server);
        server = null;
      }
      flushCancelledKeys();
    } finally {
      terminated = true;
      try {
        selector.close();
      } catch (IOException e) {
        LOG.log(System.Logger.Level.DEBUG, "closing selector", e);
      }
      upView = false;
      // Let waiting callers go; they see a closed link.
      runTasks();
    }
  }

  /** Closed channels are only really closed once their keys are deregistered. */
  private void flushCancelledKeys() {
    try {
      selector.selectNow();
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "selectNow", e);
    }
  }

  private static ServerSocketChannel bind(int port) throws IOException {
    ServerSocketChannel ch = ServerSocketChannel.open();
    try {
      ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      ch.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), BACKLOG);
      ch.configureBlocking(false);
      return ch;
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  private static void quietClose(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }

  /**
   * Configures and starts a {@link NetworkLink}.
   *
   * <pre>{@code
   * NetworkLink link = NetworkLink.builder()
   *     .target("127.0.0.1", redisPort)
   *     .clock(clock)       // Clock.system() by default
   *     .seed(42)           // 0 by default: runs are reproducible unless you vary it
   *     .start();           // port 0 (random) unless .port(n)
   * }</pre>
   */
  public static final class Builder {
    private InetSocketAddress target;
    private int port;
    private Clock clock = Clock.system();
    private long seed;
    private String name;

    private Builder() {}

    /** Where to forward to (required). */
    public Builder target(InetSocketAddress target) {
      this.target = Objects.requireNonNull(target, "target");
      return this;
    }

    /** Where to forward to (required); the host is resolved now. */
    public Builder target(String host, int port) {
      return target(new InetSocketAddress(Objects.requireNonNull(host, "host"), port));
    }

    /** The loopback port to listen on; 0 (the default) picks a free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      this.port = port;
      return this;
    }

    /** The clock for every delay; a manual clock makes timing tests instant and exact. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The seed of every random choice (toxicity, jitter, slice sizes, losses). */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** A label added to the link thread's name, for thread dumps. */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /**
     * Binds the port and starts the link thread.
     *
     * @throws UncheckedIOException if the port cannot be bound
     */
    public NetworkLink start() {
      if (target == null) {
        throw new IllegalStateException("a NetworkLink needs a target: builder().target(host, port)");
      }
      try {
        return new NetworkLink(this);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start a network link on port " + port, e);
      }
    }
  }
}
