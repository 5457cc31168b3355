package dev.backlot.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.Fake;
import dev.backlot.FakeBuilder;
import dev.backlot.fault.FaultConfig;
import dev.backlot.fault.FaultDecider;
import dev.backlot.fault.FaultPlan;
import dev.backlot.journal.Journal;
import dev.backlot.journal.Recorder;
import dev.backlot.net.NetworkLink;
import dev.backlot.time.Clock;
import dev.backlot.wire.ErrorShape;
import dev.backlot.wire.Hints;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The lifecycle every fake shares, whatever its transport: start, stop (a crash), restart on the
 * same port, reset, close; the journal, clock, fault plan, seeded ids, the builder's setup and an
 * optional {@link NetworkLink} in front. A transport adds only how it listens: {@link FakeServer}
 * (HTTP and WebSocket on Undertow) and the Redis fake (RESP on jedis-mock) are its two hosts.
 *
 * <p>Reset semantics, the same for every fake: stored state, faults (back to the builder's seed),
 * ids, journal and the link's toxics are cleared at once; the builder's setup runs again right
 * away if the fake is running, else when it next starts.
 *
 * <pre>{@code
 * AbstractFake<?> fake = RedisFake.builder().seed(7).behindLink().start(); // or any HTTP fake
 * fake.stop();                 // a crash: connections cut, state kept
 * fake.restart();              // same port, same state
 * fake.reset();                // initial state; setup runs again
 * fake.link().partition();     // the link in front, seeded by 7 like the faults and ids
 * }</pre>
 *
 * @param <F> the fake's own type, so {@link #start()} returns it
 */
public abstract class AbstractFake<F extends AbstractFake<F>> implements Fake {

  private final String name;
  private final String host;
  private final int configuredPort;
  private final Clock clock;
  private final Recorder recorder;
  private final FaultDecider decider;
  private final Ids ids;
  private final long seed;
  private final Consumer<F> setup;
  private final boolean behindLink;
  private final Object lifecycle = new Object();
  private final ErrorShape guardedShape;

  private volatile NetworkLink link;
  private volatile int port;
  private volatile boolean opened;
  private volatile boolean running;
  private volatile boolean closed;
  private volatile boolean setupDue;

  protected AbstractFake(String name, Builder<?, F> builder) {
    this.name = name;
    this.guardedShape = new GuardedShape(name, this::errorShape);
    this.host = builder.host;
    this.configuredPort = builder.port;
    this.clock = builder.clock;
    this.recorder = Recorder.create(
        builder.journalCapacity, builder.journalBodyLimit, builder.journalMaxBytes);
    this.seed = builder.seed;
    this.decider = FaultDecider.create(seed, clock, recorder.journal(), this::guardedErrorShape);
    this.ids = new Ids(seed);
    this.setup = builder.setup;
    this.behindLink = builder.behindLink;
  }

  // ---------------------------------------------------------------- transport hooks

  /** Called once, on the first start, before {@link #listen}: acquire shared resources. */
  protected void open() {}

  /**
   * Starts listening on {@code port} (0: any free one) on {@link #host()}; returns the bound
   * port. Called on every start, with the port of the previous run after the first.
   */
  protected abstract int listen(int port);

  /** Stops listening and cuts every open connection (a crash); state is kept. */
  protected abstract void unlisten();

  /** Clears the transport's own per-test state (stubs, stalled connections...) on reset. */
  protected void resetTransport() {}

  /** Frees the transport's resources; called once by {@link #close()}, after it stopped. */
  protected void closeTransport() {}

  /** Clears the backend's stored state back to its initial contents (called by {@link #reset}). */
  protected void resetState() {}

  /** Frees backend resources (job engines, timers); called once by {@link #close()}. */
  protected void onClose() {}

  /** How this backend renders errors (injected fault statuses use it too). */
  protected ErrorShape errorShape() {
    return ErrorShape.DEFAULT;
  }

  /**
   * {@link #errorShape()} as the engine renders with it: a shape that throws or answers null
   * gives a plain-text 500 instead of no answer.
   */
  final ErrorShape guardedErrorShape() {
    return guardedShape;
  }

  @SuppressWarnings("unchecked")
  protected final F self() {
    return (F) this;
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public String name() {
    return name;
  }

  @Override
  public F start() {
    synchronized (lifecycle) {
      if (closed) {
        throw new IllegalStateException(name + " fake is closed");
      }
      if (running) {
        return self();
      }
      boolean first = !opened;
      if (first) {
        open();
        opened = true;
      }
      port = listen(port != 0 ? port : behindLink ? 0 : configuredPort);
      if (behindLink) {
        if (link == null) {
          link = NetworkLink.builder().target(host, port).port(configuredPort).clock(clock)
              .seed(seed).name(name).start();
        } else {
          link.up();
        }
      }
      running = true;
      if ((first || setupDue) && setup != null) {
        setupDue = false;
        setup.accept(self());
      }
      return self();
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** The port clients use: the link's when the fake is {@linkplain Builder#behindLink() behind one}. */
  @Override
  public int port() {
    if (closed) {
      throw new IllegalStateException(
          name + " fake is closed: it has no port or address any more (build a new one)");
    }
    if (port == 0) {
      throw new IllegalStateException(name + " fake has not been started");
    }
    NetworkLink l = link;
    return l != null ? l.port() : port;
  }

  /** Whether the fake has been started once (it has a port), running or not. */
  protected final boolean isStarted() {
    return port != 0;
  }

  /** The port the fake itself listens on, bypassing any {@link #link()}. */
  protected final int directPort() {
    if (port == 0) {
      throw new IllegalStateException(name + " fake has not been started");
    }
    return port;
  }

  /**
   * The {@link NetworkLink} in front of this fake, to add latency, bandwidth caps, partitions...
   *
   * @throws IllegalStateException unless the builder asked for {@link Builder#behindLink()}
   */
  public NetworkLink link() {
    NetworkLink l = link;
    if (l == null) {
      throw new IllegalStateException(
          name + " fake has no network link: build it with .behindLink() (and start it)");
    }
    return l;
  }

  /** The address the listener is bound to (127.0.0.1 unless the builder said otherwise). */
  public String host() {
    return host;
  }

  /**
   * Stops like a crashed process: the port refuses connections (the link's too), open
   * connections are cut. State is kept.
   */
  @Override
  public void stop() {
    synchronized (lifecycle) {
      if (!running) {
        return;
      }
      running = false;
      if (link != null) {
        link.down(); // clients of a crashed backend see refused connections, not a silent proxy
      }
      unlisten();
    }
  }

  /** Serves again on the same port, with the state it had (a client's reconnect can be tested). */
  @Override
  public void restart() {
    synchronized (lifecycle) {
      stop();
      start();
    }
  }

  /**
   * Back to the initial state: the link's toxics, faults (and the builder's seed), ids,
   * transport state (stubs), journal and stored state cleared; then the builder's {@linkplain
   * Builder#setup setup} runs again, now if the fake is running, else at its next start.
   */
  @Override
  public void reset() {
    synchronized (lifecycle) {
      NetworkLink l = link;
      if (l != null) {
        l.reset();
      }
      decider.plan().clear();
      decider.plan().seed(seed);
      ids.restart();
      resetTransport();
      recorder.journal().clear();
      resetState();
      if (setup != null) {
        if (running) {
          setup.accept(self());
        } else {
          setupDue = true;
        }
      }
    }
  }

  /** Frees the port, threads and memory; idempotent. */
  @Override
  public void close() {
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      stop();
      closed = true;
      if (link != null) {
        link.close();
      }
      decider.plan().clear();
      recorder.journal().clear();
      try {
        onClose();
      } finally {
        if (opened) {
          closeTransport();
        }
      }
    }
  }

  @Override
  public Journal journal() {
    return recorder.journal();
  }

  @Override
  public Clock clock() {
    return clock;
  }

  /**
   * This fake's fault plan: rules that act on its real traffic (see {@link FaultPlan}). Cleared
   * by {@link #reset()}, which also restores the builder's {@linkplain Builder#seed seed}.
   */
  @Override
  public FaultPlan faults() {
    return decider.plan();
  }

  /**
   * The source of every id this fake mints, seeded by the builder's {@linkplain Builder#seed
   * seed} and restarted by {@link #reset()}: same seed, same ids.
   */
  public Ids ids() {
    return ids;
  }

  /** The builder's seed (faults, ids and the link's toxics derive from it). */
  public long seed() {
    return seed;
  }

  /** The journal's write side: for the transport and the backend, never handed to users. */
  protected final Recorder recorder() {
    return recorder;
  }

  /** The fault plan's deciding side: for the transport, never handed to users. */
  protected final FaultDecider decider() {
    return decider;
  }

  // ---------------------------------------------------------------- builder

  /**
   * Settings every fake shares; each fake's builder extends this with its initial state.
   *
   * @param <B> the builder's own type
   * @param <F> the fake it builds
   */
  public abstract static class Builder<B extends Builder<B, F>, F extends AbstractFake<F>>
      implements FakeBuilder<B, F> {
    private String host = "127.0.0.1";
    private int port;
    private Clock clock = Clock.system();
    private int journalCapacity = Journal.DEFAULT_CAPACITY;
    private int journalBodyLimit = Journal.DEFAULT_BODY_LIMIT;
    private long journalMaxBytes = Journal.DEFAULT_MAX_BYTES;
    private Consumer<F> setup;
    private long seed = FaultPlan.DEFAULT_SEED;
    private boolean behindLink;

    @SuppressWarnings("unchecked")
    protected final B self() {
      return (B) this;
    }

    /** A fixed port (default 0: a random free port); behind a link, the link's port. */
    @Override
    public B port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      this.port = port;
      return self();
    }

    /**
     * The address to bind (default 127.0.0.1, loopback only). Binding anything else exposes the
     * fake to the network: do it only on purpose.
     */
    @Override
    public B host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return self();
    }

    /** The clock for everything that waits (default {@link Clock#system()}). */
    @Override
    public B clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return self();
    }

    /**
     * Puts a {@link NetworkLink} in front of the fake (same clock and seed): {@code baseUri()} and
     * {@code port()} then point at the link, {@link AbstractFake#link()} shapes the traffic, and
     * a fixed {@link #port(int)} is the link's.
     *
     * <pre>{@code
     * var api = HttpFake.builder().behindLink().start();
     * api.link().toxics().latency(Direction.DOWNSTREAM, Duration.ofMillis(300));
     * api.link().partition(); ... api.link().heal();
     * }</pre>
     */
    @Override
    public B behindLink() {
      this.behindLink = true;
      return self();
    }

    /**
     * The seed of the fake's {@linkplain AbstractFake#faults() fault plan}, its {@linkplain
     * AbstractFake#ids() ids} and its link's toxics (default {@link FaultPlan#DEFAULT_SEED}):
     * every random decision follows from it, and the journal prints it with each fault decision,
     * so a failing run can be replayed.
     */
    @Override
    public B seed(long seed) {
      this.seed = seed;
      return self();
    }

    /**
     * How many journal entries to keep (default {@value Journal#DEFAULT_CAPACITY}), and how
     * many bytes of each request body (default {@value Journal#DEFAULT_BODY_LIMIT}); the cap on
     * the journal's total body bytes stays as set (see {@link #journal(int, int, long)}).
     */
    @Override
    public B journal(int capacity, int bodyLimit) {
      return journal(capacity, bodyLimit, journalMaxBytes);
    }

    /**
     * Bounds the fake's journal by entry count, by bytes of each request body, and by the
     * total bytes of the bodies it holds (default 32 MiB: request bodies as kept plus response
     * bodies as kept, up to 4 KB each); past either bound the oldest entries are dropped.
     *
     * <pre>{@code
     * GcsFake.builder().journal(1_000, 4 * 1024, 8L * 1024 * 1024).start(); // at most 8 MiB of bodies
     * }</pre>
     *
     * @throws IllegalArgumentException if capacity is below 1 or a limit is negative
     */
    @Override
    public B journal(int capacity, int bodyLimit, long maxBytes) {
      new Journal(capacity, bodyLimit, maxBytes); // checks the values now, not at build
      this.journalCapacity = capacity;
      this.journalBodyLimit = bodyLimit;
      this.journalMaxBytes = maxBytes;
      return self();
    }

    /**
     * Stubs or state the fake starts with and returns to on every {@link AbstractFake#reset()}.
     *
     * <pre>{@code
     * HttpFake.builder().setup(f -> f.stub("GET", "/health").respond(Response.text(200, "ok")))
     * }</pre>
     */
    @Override
    public B setup(Consumer<F> setup) {
      Consumer<F> before = this.setup;
      this.setup = before == null ? setup : before.andThen(setup);
      return self();
    }

    /**
     * Applies settings from a config object (JSON, or YAML read into a tree) with the same
     * meaning as this builder's methods, as the standalone launcher reads them:
     *
     * <pre>{@code
     * {"port": 8188, "seed": 7, "behindLink": true,
     *  "journal": {"capacity": 500, "bodyLimit": 4096, "maxBytes": 8388608},
     *  "faults": [{"method": "GET", "path": "/x", "action": "status", "status": 503}]}
     * }</pre>
     *
     * An unknown key or a value of the wrong type is an {@link IllegalArgumentException} naming
     * it (and, for a key, the nearest known one and the known ones). Fakes add their own keys
     * (initial state) by overriding {@link #configure(String, JsonNode)} and {@link
     * #settingKeys()}.
     */
    @Override
    public final B configure(JsonNode config) {
      if (config == null || config.isNull()) {
        return self();
      }
      if (!config.isObject()) {
        throw new IllegalArgumentException("settings must be an object, not " + config);
      }
      config.properties().forEach(e -> {
        if (!configure(e.getKey(), e.getValue())) {
          throw new IllegalArgumentException(Hints.unknown("setting", e.getKey(), fakeName(), settingKeys()));
        }
      });
      return self();
    }

    /**
     * The fake's name ("openai") in the error for an unknown setting: {@code unknown setting
     * 'replly' for openai; did you mean 'reply'? (known: ...)}. Null (the default) leaves it out.
     */
    protected String fakeName() {
      return null;
    }

    /**
     * The keys {@link #configure(String, JsonNode)} takes, in the order an unknown-setting error
     * lists them. A builder that adds keys returns them after its parent's:
     *
     * <pre>{@code
     * protected List<String> settingKeys() {
     *   return withKeys(super.settingKeys(), "buckets", "objects");
     * }
     * }</pre>
     */
    protected List<String> settingKeys() {
      return List.of("port", "seed", "behindLink", "journal", "faults");
    }

    /** {@code keys} followed by {@code more}, for {@link #settingKeys()} overrides. */
    protected static List<String> withKeys(List<String> keys, String... more) {
      List<String> all = new ArrayList<>(keys);
      all.addAll(List.of(more));
      return List.copyOf(all);
    }

    /**
     * Applies one config key; returns false if the key is unknown. Overrides handle their own
     * keys and delegate the rest to {@code super.configure(key, value)}.
     */
    protected boolean configure(String key, JsonNode value) {
      switch (key) {
        case "port" -> port(intValue(key, value));
        case "seed" -> seed(longValue(key, value));
        case "faults" -> {
          if (!value.isArray()) {
            throw new IllegalArgumentException("'faults' must be a list of rules");
          }
          for (JsonNode rule : value) {
            // checked now, on a scratch plan, so a bad rule fails at startup, not at reset
            FaultConfig.apply(FaultDecider.create(0, Clock.system(), Recorder.create(1, 0).journal(),
                () -> ErrorShape.DEFAULT).plan(), rule);
            setup(f -> FaultConfig.apply(f.faults(), rule));
          }
        }
        case "behindLink" -> {
          if (!value.isBoolean()) {
            throw new IllegalArgumentException("'behindLink' must be true or false");
          }
          this.behindLink = value.booleanValue();
        }
        case "journal" -> journalConfig(value);
        default -> {
          return false;
        }
      }
      return true;
    }

    private static final List<String> JOURNAL_KEYS = List.of("capacity", "bodyLimit", "maxBytes");

    // {"capacity": N, "bodyLimit": N, "maxBytes": N}, each optional (default as in Journal)
    private void journalConfig(JsonNode value) {
      if (!value.isObject()) {
        throw new IllegalArgumentException(
            "'journal' must be an object such as {\"capacity\": 1000, \"bodyLimit\": 4096, "
                + "\"maxBytes\": 8388608}, not " + value);
      }
      value.fieldNames().forEachRemaining(k -> {
        if (!JOURNAL_KEYS.contains(k)) {
          throw new IllegalArgumentException(Hints.unknown("journal setting", k, JOURNAL_KEYS));
        }
      });
      journal(
          value.has("capacity") ? intValue("journal.capacity", value.get("capacity")) : Journal.DEFAULT_CAPACITY,
          value.has("bodyLimit") ? intValue("journal.bodyLimit", value.get("bodyLimit")) : Journal.DEFAULT_BODY_LIMIT,
          value.has("maxBytes") ? longValue("journal.maxBytes", value.get("maxBytes")) : Journal.DEFAULT_MAX_BYTES);
    }

    protected static int intValue(String key, JsonNode v) {
      if (v == null || !v.canConvertToInt()) {
        throw new IllegalArgumentException("'" + key + "' must be a whole number, not " + v);
      }
      return v.intValue();
    }

    protected static boolean booleanValue(String key, JsonNode v) {
      if (v == null || !v.isBoolean()) {
        throw new IllegalArgumentException("'" + key + "' must be true or false, not " + v);
      }
      return v.booleanValue();
    }

    protected static long longValue(String key, JsonNode v) {
      if (v == null || !v.canConvertToLong()) {
        throw new IllegalArgumentException("'" + key + "' must be a whole number, not " + v);
      }
      return v.longValue();
    }

    @Override
    public abstract F build();

    /** Builds and starts the fake. */
    @Override
    public F start() {
      return build().start();
    }
  }
}
