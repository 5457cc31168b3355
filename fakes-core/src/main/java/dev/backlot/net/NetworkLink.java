package dev.backlot.net;

import dev.backlot.time.Clock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * An in-process TCP proxy on its own loopback port, in front of any {@code host:port}, with
 * Toxiproxy-style {@linkplain #toxics() toxics}, {@linkplain #down() down/up} and {@linkplain
 * #partition() partition/heal}. Non-blocking selector threads carry the connections, one per core
 * (named {@code backlot-link-<port>}, then {@code backlot-link-<port>-1}, ...; the first listens,
 * the others start as connections arrive); all delays run on the link's {@link Clock}. Without a
 * toxic, bytes go from one socket to the other through one reused buffer per thread.
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
 * change is in force on every link thread.
 */
public final class NetworkLink implements AutoCloseable {

  /** Prefix of the name of every link thread. */
  public static final String THREAD_PREFIX = "backlot-link-";

  /** Bytes a pipe may hold (read, not yet written) before it stops reading its source. */
  static final long HIGH_WATER = 256 * 1024;

  /** Selector threads per link: one per core, started as connections arrive. */
  static final int LOOPS = Math.max(1, Runtime.getRuntime().availableProcessors());

  private static final int BACKLOG = 512;

  private final InetSocketAddress target;
  private final Clock clock;
  private final long seed;
  private final int port;
  private final InetSocketAddress address;
  private final Loop[] loops;
  private final AtomicBoolean closeRequested = new AtomicBoolean();
  private final CopyOnWriteArrayList<Toxic> toxics = new CopyOnWriteArrayList<>();
  /** Serialises the control calls (toxics, partition, down/up) against each other. */
  private final Object control = new Object();
  private volatile boolean upView = true;
  /** Read by every loop's pipes: while set, no byte moves and nothing is accepted. */
  volatile boolean partitioned;
  /** How many times the link went down: a connection accepted before a down() is closed. */
  private volatile long downs;

  // Counters, written on the loops, read anywhere.
  final AtomicLong accepted = new AtomicLong();
  final AtomicInteger open = new AtomicInteger();
  final LongAdder bytesUpstream = new LongAdder();
  final LongAdder bytesDownstream = new LongAdder();
  final LongAdder bufferedBytes = new LongAdder();

  // Loop-0 state: the listening socket and the accept order.
  private ServerSocketChannel server;
  private SelectionKey acceptKey;
  private long connectionCount;
  private int nextLoop;

  private NetworkLink(Builder b) throws IOException {
    this.target = b.target;
    this.clock = b.clock;
    this.seed = b.seed;
    int n = b.threads > 0 ? b.threads : LOOPS;
    this.loops = new Loop[n];
    Loop first = null;
    try {
      this.server = bind(b.port);
      this.port = server.socket().getLocalPort();
      String name = THREAD_PREFIX + port + (b.name == null ? "" : "-" + b.name);
      for (int i = 0; i < n; i++) {
        loops[i] = new Loop(this, i, i == 0 ? name : name + "-" + i);
      }
      first = loops[0];
      this.acceptKey = server.register(first.selector, SelectionKey.OP_ACCEPT);
    } catch (IOException | RuntimeException e) {
      if (server != null) {
        server.close();
      }
      for (Loop l : loops) {
        if (l != null) {
          l.selector.close();
        }
      }
      throw e;
    }
    this.address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    first.ensureStarted();
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
        bytesUpstream.sum(),
        bytesDownstream.sum(),
        bufferedBytes.sum());
  }

  /** Whether the link accepts connections (true unless {@link #down()}). */
  public boolean isUp() {
    return upView;
  }

  /** Whether traffic is frozen by {@link #partition()}. */
  public boolean isPartitioned() {
    return partitioned;
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
    synchronized (control) {
      boolean wasUp =
          loops[0].call(
              () -> {
                if (server == null) {
                  return false;
                }
                downs++;
                acceptKey.cancel();
                Loop.quietClose(server);
                server = null;
                acceptKey = null;
                upView = false;
                loops[0].closeAll(); // also deregisters the listening socket: the port is free
                return true;
              });
      if (wasUp) {
        onOtherLoops(Loop::closeAll);
      }
    }
  }

  /**
   * Listens again on the same port after {@link #down()}.
   *
   * @throws UncheckedIOException if something else took the port in the meantime
   */
  public void up() {
    synchronized (control) {
      loops[0].call(
          () -> {
            if (server != null) {
              return null;
            }
            try {
              server = bind(port);
              acceptKey =
                  server.register(loops[0].selector, partitioned ? 0 : SelectionKey.OP_ACCEPT);
            } catch (IOException e) {
              if (server != null) {
                Loop.quietClose(server);
                server = null;
              }
              throw new UncheckedIOException("cannot listen on port " + port + " again", e);
            }
            upView = true;
            return null;
          });
    }
  }

  /**
   * Freezes both directions of every connection without closing anything: no byte moves until
   * {@link #heal()}, after which each connection carries on with no byte lost or reordered. New
   * connections wait in the listen backlog (the client's connect may succeed; nothing flows).
   * Toxic timers keep running.
   */
  public void partition() {
    synchronized (control) {
      partitioned = true;
      loops[0].call(
          () -> {
            if (acceptKey != null) {
              acceptKey.interestOps(0);
            }
            return null;
          });
      onEveryLoop(
          loop -> {
            for (Connection c : new ArrayList<>(loop.connections())) {
              c.updateInterest();
            }
          });
    }
  }

  /** Ends a {@link #partition()}: held data flows again, then new data. */
  public void heal() {
    synchronized (control) {
      if (!partitioned) {
        return;
      }
      partitioned = false;
      onEveryLoop(
          loop -> {
            for (Connection c : new ArrayList<>(loop.connections())) {
              c.up.flush();
              c.down.flush();
              c.updateInterest();
            }
          });
      loops[0].call(
          () -> {
            if (acceptKey != null) {
              acceptKey.interestOps(SelectionKey.OP_ACCEPT);
            }
            return null;
          });
    }
  }

  /** Back to a clean link, as between two tests: every toxic removed, healed, up. */
  public void reset() {
    toxics().clear();
    heal();
    up();
  }

  /**
   * Closes every connection, releases the port and ends the link's threads, before returning.
   * Idempotent.
   */
  @Override
  public void close() {
    closeRequested.set(true);
    for (Loop l : loops) {
      l.wake();
    }
    for (Loop l : loops) {
      l.join();
    }
  }

  @Override
  public String toString() {
    return "NetworkLink[" + address.getAddress().getHostAddress() + ":" + port + " -> "
        + target.getHostString() + ":" + target.getPort()
        + (isClosed() ? ", closed" : "") + (upView ? "" : ", down")
        + (partitioned ? ", partitioned" : "") + ", toxics=" + toxics + "]";
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

  Object control() {
    return control;
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

  /**
   * Runs {@code action} on every loop that has started, one after the other, and waits; a loop
   * that has not started has no connection, and one that starts later reads the link's state.
   *
   * @throws IllegalStateException if the link is closed
   */
  void onEveryLoop(Consumer<Loop> action) {
    for (Loop l : loops) {
      if (l.index == 0 || l.isStarted()) {
        l.call(
            () -> {
              action.accept(l);
              return null;
            });
      }
    }
  }

  private void onOtherLoops(Consumer<Loop> action) {
    for (Loop l : loops) {
      if (l.index != 0 && l.isStarted()) {
        try {
          l.call(
              () -> {
                action.accept(l);
                return null;
              });
        } catch (IllegalStateException closed) {
          return;
        }
      }
    }
  }

  boolean isTerminated() {
    return loops[0].isTerminated();
  }

  long downs() {
    return downs;
  }

  // ------------------------------------------------------------------------------------ timing

  long nowNanos() {
    Instant i = clock.instant();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  // ------------------------------------------------------------------------------ loop 0: accept

  /** Accepts what is pending and hands each connection to a loop, in turn. Loop 0 only. */
  void acceptAll() {
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
      accepted.incrementAndGet();
      long index = ++connectionCount;
      long d = downs;
      Loop loop = loops[nextLoop];
      nextLoop = (nextLoop + 1) % loops.length;
      if (loop.index == 0) {
        loop.open(client, index, d);
      } else if (loop.ensureStarted()) {
        loop.execute(() -> loop.open(client, index, d));
      } else {
        Loop.quietClose(client); // the link is closing
      }
    }
  }

  /** Loop 0, at the end. */
  void closeServer() {
    if (server != null) {
      Loop.quietClose(server);
      server = null;
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

  /**
   * Configures and starts a {@link NetworkLink}.
   *
   * <pre>{@code
   * NetworkLink link = NetworkLink.builder()
   *     .target("127.0.0.1", redisPort)
   *     .clock(clock)       // Clock.system() by default
   *     .seed(42)           // 0 by default: runs are reproducible unless you vary it
   *     .threads(2)         // selector threads; one per core by default
   *     .start();           // port 0 (random) unless .port(n)
   * }</pre>
   */
  public static final class Builder {
    private InetSocketAddress target;
    private int port;
    private Clock clock = Clock.system();
    private long seed;
    private String name;
    private int threads;

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

    /**
     * How many selector threads carry the connections (one per core by default; they start as
     * connections arrive, each connection stays on one).
     */
    public Builder threads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be at least 1: " + threads);
      }
      this.threads = threads;
      return this;
    }

    /** A label added to the link threads' names, for thread dumps. */
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
