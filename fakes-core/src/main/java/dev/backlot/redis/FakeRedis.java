package dev.backlot.redis;

import com.github.fppt.jedismock.RedisClient;
import com.github.fppt.jedismock.RedisServer;
import com.github.fppt.jedismock.datastructures.Slice;
import com.github.fppt.jedismock.operations.server.MockExecutor;
import com.github.fppt.jedismock.server.Response;
import com.github.fppt.jedismock.server.ServiceOptions;
import com.github.fppt.jedismock.storage.OperationExecutorState;
import com.github.fppt.jedismock.storage.RedisBase;
import dev.backlot.Fake;
import dev.backlot.engine.Clock;
import dev.backlot.engine.ErrorShape;
import dev.backlot.fault.CommandFault;
import dev.backlot.fault.FaultPlan;
import dev.backlot.journal.Entry;
import dev.backlot.journal.Journal;
import dev.backlot.net.NetworkLink;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.WeakHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A Redis server inside the test JVM, on a random loopback port: <a
 * href="https://github.com/fppt/jedis-mock">jedis-mock</a> 1.1.18 wrapped in Backlot's common
 * {@link Fake} lifecycle, with a command journal, Redis-level {@linkplain #faults() faults}, the
 * fake's {@linkplain #clock() clock} driving key expiry, and the job-queue commands jedis-mock
 * lacks: {@code LMOVE}, {@code BLMOVE} and the stream consumer groups ({@code XGROUP}, {@code
 * XREADGROUP}, {@code XACK}, {@code XPENDING}, {@code XCLAIM}, {@code XAUTOCLAIM}). Any RESP2
 * client works unchanged: Jedis, Lettuce, Redisson, redis-py, ioredis.
 *
 * <pre>{@code
 * ManualClock clock = Clock.manual();
 * try (FakeRedis redis = FakeRedis.builder().clock(clock).start()) {
 *   Jedis jedis = new Jedis(redis.redisUri());
 *   jedis.setex("session", 60, "abc");
 *   clock.advance(Duration.ofSeconds(61));        // expiry follows the fake's clock
 *   assertNull(jedis.get("session"));
 *
 *   redis.faults().onCommand("SET").next(1).error(RedisErrors.READONLY); // after a failover
 *   redis.journal().count(e -> e.path().equals("SET"));   // commands are journaled by name
 *   redis.call("RPUSH", "queue", "job-1");                 // seed data without a client
 *
 *   redis.restart();                               // same port, same data: clients reconnect
 *   redis.reset();                                 // FLUSHALL, faults and journal cleared
 * }
 * }</pre>
 *
 * <p><b>Journal.</b> Each command is an {@link Entry.Kind#COMMAND} entry: {@link Entry#path()} is
 * the command name in upper case, {@link Entry#bodyText()} its arguments (each capped at 256
 * bytes), {@link Entry#query()} {@code conn=N&db=D}, {@link Entry#responseBody()} the reply as
 * redis-cli would print it, {@link Entry#outcome()} the reply's kind ({@code status}, {@code
 * integer}, {@code bulk}, {@code nil}, {@code array}, {@code error: <message>}, {@code no reply},
 * {@code connection closed}), {@link Entry#fault()} the fault that acted.
 *
 * <p><b>Network faults.</b> Built with {@link Builder#behindLink()}, the fake sits behind a
 * {@link NetworkLink} ({@link #link()}): {@link #redisUri()} then points at the link, so latency,
 * partitions and resets apply to every client.
 *
 * <p><b>Threads.</b> jedis-mock serves each connection on its own thread (a cached pool) behind
 * one data lock, so blocking commands (BLPOP, BLMOVE, XREADGROUP BLOCK) and {@linkplain
 * dev.backlot.fault.CommandRule#delay delayed} commands park their own connection's thread; no thread is added per
 * waiter. {@link #close()} stops them all.
 *
 * <p><b>Known gaps</b> (jedis-mock's, and ours): RESP2 only ({@code HELLO 3} answers {@code
 * NOPROTO}; clients fall back); keys expire lazily, on access; blocking timeouts run on wall time;
 * no XINFO, LMPOP, FUNCTION, GEO or BITOP; see {@code package-info}.
 */
public final class FakeRedis implements Fake {

  private static final Set<String> WAKE_AFTER = Set.of("xadd", "exec", "eval", "evalsha");
  private static final int ARG_LIMIT = 256;
  /** Redis's default number of databases: SELECT beyond it is refused. */
  private static final int DATABASES = 16;
  // jedis-mock internals reached by reflection (checked by the lifecycle tests): the databases
  // (for a FLUSHALL without a connection) and the service's clients (for a clean stop).
  private static final Method GET_BASES = basesAccessor();
  private static final Field SERVICE = field("com.github.fppt.jedismock.RedisServer", "service");
  private static final Field CLIENTS =
      field("com.github.fppt.jedismock.RedisServer$RedisServiceJob", "clients");
  private static final Field SOCKET = field("com.github.fppt.jedismock.RedisClient", "socket");

  private final int configuredPort;
  private final Clock clock;
  private final Journal journal;
  private final FaultPlan faults;
  private final StreamGroups groups = new StreamGroups();
  private final Consumer<FakeRedis> setup;
  private final boolean withLink;
  private final long seed;
  private final String internalName = "backlot-internal-" + UUID.randomUUID();
  private final Object lifecycle = new Object();
  private final Object internalLock = new Object();
  private final AtomicInteger connectionCount = new AtomicInteger();
  private final Map<OperationExecutorState, Integer> connections =
      Collections.synchronizedMap(new WeakHashMap<>());
  private final Map<OperationExecutorState, Set<String>> queuedJobKeys =
      Collections.synchronizedMap(new WeakHashMap<>());
  private final List<JobWatch> watches = new ArrayList<>();
  private volatile JobWatch[] watchView = new JobWatch[0];

  private RedisServer server;
  private RespGate gate;
  private NetworkLink link;
  private volatile int port;
  private volatile Instant startedAt = Instant.EPOCH;
  private volatile boolean running;
  private volatile boolean closed;
  private Socket internal;
  private InputStream internalIn;
  private OutputStream internalOut;

  /** A fake with default settings: random port on 127.0.0.1, system clock, empty. */
  public FakeRedis() {
    this(builder());
  }

  private FakeRedis(Builder b) {
    this.configuredPort = b.port;
    this.clock = b.clock;
    this.journal = new Journal(b.journalCapacity, b.journalBodyLimit);
    this.faults = new FaultPlan(b.seed, clock, journal, () -> ErrorShape.DEFAULT);
    this.setup = b.setup;
    this.withLink = b.link;
    this.seed = b.seed;
  }

  /** Settings: {@code FakeRedis.builder().clock(clock).seed(7).behindLink().start()}. */
  public static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public String name() {
    return "redis";
  }

  @Override
  public FakeRedis start() {
    synchronized (lifecycle) {
      if (closed) {
        throw new IllegalStateException("redis fake is closed");
      }
      if (running) {
        return this;
      }
      boolean first = server == null;
      if (first) {
        server = bindNew(withLink ? 0 : configuredPort);
      } else {
        try {
          server.start();
          gate.listen(0);
        } catch (IOException e) {
          throw new UncheckedIOException(
              "redis fake could not listen on 127.0.0.1:" + port + " again (port taken?)", e);
        }
      }
      running = true;
      startedAt = clock.instant();
      if (withLink) {
        if (link == null) {
          link = NetworkLink.builder().target("127.0.0.1", port).port(configuredPort).clock(clock)
              .seed(seed).name("redis").start();
        } else {
          link.up();
        }
      }
      if (first) {
        if (setup != null) {
          setup.accept(this);
        }
      }
      return this;
    }
  }

  /** jedis-mock binds the port it was built with on every start, so pick one and keep it. */
  private RedisServer bindNew(int wanted) {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    IOException last = null;
    for (int attempt = 0; attempt < 10; attempt++) {
      int p = freePort(loopback); // jedis-mock's own port; clients connect to the gate's
      RedisServer s = RedisServer.newRedisServer(p, loopback)
          .setOptions(ServiceOptions.withInterceptor(this::intercept))
          .setClock(new JavaClock(clock));
      try {
        s.start();
        gate = new RespGate(s.getBindPort());
        port = gate.listen(wanted);
        return s;
      } catch (BindException e) {
        last = e;
        if (wanted != 0) {
          break;
        }
      } catch (IOException e) {
        last = e;
        break;
      }
    }
    throw new UncheckedIOException("redis fake could not bind 127.0.0.1:"
        + (wanted == 0 ? "(random)" : wanted) + " (port in use?)", last);
  }

  private static int freePort(InetAddress loopback) {
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(loopback, 0));
      return probe.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /**
   * The port clients connect to (the {@link #link()}'s, when the fake is behind one); it stays the
   * same across {@link #stop()} and {@link #restart()}.
   */
  @Override
  public int port() {
    if (port == 0) {
      throw new IllegalStateException("redis fake has not been started");
    }
    return link != null ? link.port() : port;
  }

  /** {@code redis://127.0.0.1:PORT}: where clients connect (through the link, if any). */
  public URI redisUri() {
    return URI.create("redis://127.0.0.1:" + port());
  }

  /** The same as {@link #redisUri()}: a Redis fake's base URI is a {@code redis://} URI. */
  @Override
  public URI baseUri() {
    return redisUri();
  }

  /** {@code redis://127.0.0.1:PORT} of the fake itself, bypassing any {@link #link()}. */
  public URI directUri() {
    if (port == 0) {
      throw new IllegalStateException("redis fake has not been started");
    }
    return URI.create("redis://127.0.0.1:" + port);
  }

  /**
   * The network link in front of the fake.
   *
   * @throws IllegalStateException unless built with {@link Builder#behindLink()} and started
   */
  public NetworkLink link() {
    NetworkLink l = link;
    if (l == null) {
      throw new IllegalStateException(
          "redis fake has no network link: build it with .behindLink() (and start it)");
    }
    return l;
  }

  /**
   * Stops like a crashed server: the port refuses connections (the {@link #link()}'s too),
   * open connections and blocked commands are cut. Data is kept.
   */
  @Override
  public void stop() {
    synchronized (lifecycle) {
      if (!running) {
        return;
      }
      running = false;
      if (link != null) {
        link.down(); // clients of a crashed server see refused connections, not a silent proxy
      }
      closeInternal();
      gate.stop();
      List<RedisClient> clients = clientsOf(server);
      try {
        server.stop();
      } catch (IOException e) {
        throw new UncheckedIOException("redis fake did not stop cleanly", e);
      }
      // jedis-mock's stop() closes its clients before its server socket: a connection accepted
      // in between is handed to a pool that is already shutting down and is never served nor
      // closed, so its client would hang until its socket timeout. Close those too.
      if (clients != null) {
        for (RedisClient c : clients) {
          c.close();
        }
      }
    }
  }

  /** Serves again on the same port with the same data, so a client's reconnect can be tested. */
  @Override
  public void restart() {
    synchronized (lifecycle) {
      stop();
      start();
    }
  }

  /**
   * Back to the initial state in microseconds: every database flushed (as {@code FLUSHALL}, so
   * {@code WATCH}ers see the change), consumer groups, faults (and the builder's seed), journal,
   * job watches and the link's toxics cleared, then the builder's {@link Builder#setup setup}
   * runs again. Scripts and CONFIG stay, as after a FLUSHALL.
   */
  @Override
  public void reset() {
    if (link != null) {
      link.reset();
    }
    faults.clear();
    faults.seed(seed);
    flushAll();
    journal.clear();
    for (JobWatch w : watchView) {
      w.clear();
    }
    if (setup != null && running) {
      setup.accept(this);
    }
  }

  @SuppressWarnings("unchecked")
  private void flushAll() {
    RedisServer s = server;
    if (s == null) {
      return;
    }
    Map<Integer, RedisBase> bases;
    try {
      bases = (Map<Integer, RedisBase>) GET_BASES.invoke(s);
    } catch (ReflectiveOperationException | RuntimeException e) {
      // A jedis-mock without this accessor: flush through the protocol instead (the groups go
      // with their streams).
      if (running) {
        call("FLUSHALL");
      }
      return;
    }
    // The map of databases is also jedis-mock's data lock (OperationExecutorState.lock()).
    synchronized (bases) {
      for (RedisBase b : bases.values()) {
        b.clear();
      }
      groups.clear();
      bases.notifyAll();
    }
  }

  /** The live client list of jedis-mock's running service, or null if it cannot be reached. */
  @SuppressWarnings("unchecked")
  private static List<RedisClient> clientsOf(RedisServer s) {
    if (SERVICE == null || CLIENTS == null) {
      return null;
    }
    try {
      Object service = SERVICE.get(s);
      return service == null ? null : (List<RedisClient>) CLIENTS.get(service);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private static Field field(String className, String name) {
    try {
      Field f = Class.forName(className).getDeclaredField(name);
      f.setAccessible(true);
      return f;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private static Method basesAccessor() {
    try {
      Method m = RedisServer.class.getDeclaredMethod("getRedisBases");
      m.setAccessible(true);
      return m;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /** Frees the port, every thread and the data; idempotent. */
  @Override
  public void close() {
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      stop();
      closed = true;
      if (gate != null) {
        gate.close();
      }
      if (link != null) {
        link.close();
      }
      journal.clear();
      faults.clear();
    }
  }

  @Override
  public Journal journal() {
    return journal;
  }

  /** The clock key expiry, stream idle times and fault delays read. */
  @Override
  public Clock clock() {
    return clock;
  }

  /**
   * The Redis-level faults, on the shared fault engine: {@link FaultPlan#onCommand(String...)}
   * rules answer an error ({@link RedisErrors}), delay a command, or close the connection before
   * or after it runs. Cleared by {@link #reset()}; commands sent with {@link #call} are never
   * faulted.
   */
  @Override
  public FaultPlan faults() {
    return faults;
  }

  // ---------------------------------------------------------------- admin commands

  /**
   * Runs one command inside the fake, past the journal and the faults, and returns its reply as
   * Java values: a String (status or bulk string), a Long, a List (arrays; an error inside an
   * EXEC array is a {@link RedisErrorReply} element), or null (nil). For seeding data and for
   * assertions that need no client.
   *
   * <pre>{@code
   * redis.call("HSET", "user:1", "name", "Ada");
   * List<?> ids = (List<?>) redis.call("LRANGE", "queue", "0", "-1");
   * }</pre>
   *
   * @throws RedisErrorReply when Redis answers with an error
   * @throws IllegalStateException when the fake is not running
   */
  public Object call(String... args) {
    Objects.requireNonNull(args, "args");
    if (args.length == 0) {
      throw new IllegalArgumentException("name a command");
    }
    synchronized (internalLock) {
      if (!running) {
        throw new IllegalStateException("redis fake is not running");
      }
      try {
        if (internal == null) {
          openInternal();
        }
        Resp.write(internalOut, List.of(args));
        Object reply = Resp.read(internalIn);
        if (reply instanceof RedisErrorReply e) {
          throw new RedisErrorReply(e.getMessage());
        }
        return reply;
      } catch (IOException e) {
        closeInternal();
        throw new UncheckedIOException("redis fake connection failed during " + args[0], e);
      }
    }
  }

  private void openInternal() throws IOException {
    Socket s = new Socket();
    try {
      s.setTcpNoDelay(true);
      s.setSoTimeout(60_000);
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
      InputStream in = new java.io.BufferedInputStream(s.getInputStream());
      OutputStream out = s.getOutputStream();
      Resp.write(out, List.of("CLIENT", "SETNAME", internalName));
      Object ok = Resp.read(in);
      if (!"OK".equals(ok)) {
        throw new IOException("CLIENT SETNAME answered " + ok);
      }
      internal = s;
      internalIn = in;
      internalOut = out;
    } catch (IOException e) {
      s.close();
      throw e;
    }
  }

  private void closeInternal() {
    synchronized (internalLock) {
      if (internal != null) {
        try {
          internal.close();
        } catch (IOException ignored) {
          // closing anyway
        }
        internal = null;
        internalIn = null;
        internalOut = null;
      }
    }
  }

  // ---------------------------------------------------------------- job watches

  /**
   * Starts recording every status the system under test writes for the jobs of {@code layout},
   * checked against its queue's table; see {@link JobWatch}.
   *
   * <pre>{@code
   * JobWatch celery = redis.watchJobs(JobLayout.CELERY);
   * ...
   * celery.assertLegal();
   * }</pre>
   */
  public JobWatch watchJobs(JobLayout layout) {
    Objects.requireNonNull(layout, "layout");
    JobWatch w = new JobWatch(layout, this);
    synchronized (watches) {
      watches.add(w);
      watchView = watches.toArray(new JobWatch[0]);
    }
    return w;
  }

  void unwatch(JobWatch w) {
    synchronized (watches) {
      watches.remove(w);
      watchView = watches.toArray(new JobWatch[0]);
    }
  }

  // ---------------------------------------------------------------- the command path

  /** jedis-mock's interceptor: every command of every connection comes through here. */
  private Slice intercept(OperationExecutorState state, String name, List<Slice> params) {
    if (isInternal(state, name, params)) {
      return dispatch(state, name, params);
    }
    Instant at = clock.instant();
    String upper = name.toUpperCase(Locale.ROOT);
    Entry entry = journal.record(
        Entry.Kind.COMMAND, at, "REDIS", upper,
        "conn=" + connectionId(state) + "&db=" + state.getSelected(), Map.of(), describe(params));
    CommandFault d = faults.hasCommandRules()
        ? faults.decideCommand(upper, params.isEmpty() ? null : params.get(0).toString(), at)
        : null;
    boolean closeAfter = false;
    if (d != null) {
      entry.fault(d.description());
      if (!d.delay().isZero() && !hold(d.delay())) {
        entry.outcome("no reply: the fake stopped during the delay");
        return Response.SKIP;
      }
      if (d.error() != null) {
        if (name.equals("exec") || name.equals("discard")) {
          state.transactionMode(false);
          state.tx().clear();
        } else {
          state.errorTransaction(); // a rejected command aborts its MULTI, as in Redis
        }
        Slice reply = Response.error(RedisErrors.withCode(d.error()));
        complete(entry, reply);
        return reply;
      }
      if (d.close() && !d.afterHandling()) {
        entry.outcome("connection closed");
        return MockExecutor.breakConnection(state);
      }
      closeAfter = d.close();
    }
    Slice reply;
    try {
      reply = dispatch(state, name, params);
    } catch (RuntimeException e) {
      reply = Response.error("ERR the redis fake failed: " + e);
    }
    complete(entry, reply);
    if (closeAfter) {
      entry.outcome(entry.outcome() + ", then connection closed instead of the reply");
      return MockExecutor.breakConnection(state);
    }
    return reply;
  }

  private boolean isInternal(OperationExecutorState state, String name, List<Slice> params) {
    if (internalName.equals(state.getClientName())) {
      return true;
    }
    return name.equals("client") && params.size() == 2
        && internalName.equals(params.get(1).toString());
  }

  /** Holds this connection's thread until {@code delay} passed on the fake's clock. */
  private boolean hold(Duration delay) {
    CountDownLatch due = new CountDownLatch(1);
    Clock.Cancellable task = clock.schedule(delay, due::countDown);
    try {
      due.await();
      return true;
    } catch (InterruptedException e) {
      task.cancel();
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private Slice dispatch(OperationExecutorState state, String name, List<Slice> params) {
    Slice early = Commands.precheck(state, name, params);
    if (early != null) {
      return early;
    }
    AddedCommands.Spec added = AddedCommands.find(name);
    if (added != null) {
      return runAdded(state, added, params);
    }
    if (name.equals("info") && !state.isTransactionModeOn()) {
      return info(state, params);
    }
    if (name.equals("client") && !params.isEmpty() && !state.isTransactionModeOn()) {
      Slice reply = client(state, params);
      if (reply != null) {
        return reply;
      }
    }
    if (name.equals("select") && params.size() == 1) {
      try {
        int db = Integer.parseInt(params.get(0).toString());
        if (db < 0 || db >= DATABASES) {
          state.errorTransaction();
          return Response.error("ERR DB index is out of range");
        }
      } catch (NumberFormatException e) {
        // jedis-mock answers it
      }
    }
    boolean wasInTransaction = state.isTransactionModeOn();
    JobWatch[] ws = watchView;
    Slice reply;
    Set<String> jobKeys = ws.length == 0 ? null : jobKeys(ws, state, name, params);
    if (jobKeys != null) {
      synchronized (state.lock()) {
        boolean queuing = state.isTransactionModeOn() && !name.equals("exec");
        reply = Commands.proceed(state, name, params, groups);
        if (queuing) {
          queue(state, name, jobKeys);
        } else {
          observe(ws, state, jobKeys, name);
        }
      }
    } else {
      reply = Commands.proceed(state, name, params, groups);
    }
    if (WAKE_AFTER.contains(name)) {
      // jedis-mock's XADD does not notify: blocked XREADGROUPs (and XREADs) would wait for
      // their next poll.
      synchronized (state.lock()) {
        state.lock().notifyAll();
      }
    }
    if (isUnsupported(reply)) {
      reply = unknownCommand(name, params);
    } else if (!wasInTransaction) {
      reply = asRedisReplies(name, params, reply);
    }
    return reply;
  }

  @SuppressWarnings("unchecked")
  private Slice info(OperationExecutorState state, List<Slice> params) {
    synchronized (state.lock()) {
      List<RedisClient> clients = clientsOf(server);
      return ServerInfo.reply(params, new ServerInfo.Facts(
          port,
          Math.max(0, Duration.between(startedAt, clock.instant()).getSeconds()),
          clients == null ? 1 : clients.size(),
          state.blockingManager().blockedClients(),
          // jedis-mock's data lock is its map of databases
          state.lock() instanceof Map<?, ?> m ? (Map<Integer, RedisBase>) m : Map.of()));
    }
  }

  /** CLIENT LIST, INFO and ID, which jedis-mock lacks (RQ's workers list clients); else null. */
  private Slice client(OperationExecutorState state, List<Slice> params) {
    String sub = params.get(0).toString().toLowerCase(Locale.ROOT);
    switch (sub) {
      case "id" -> {
        return Response.integer(connectionId(state));
      }
      case "info" -> {
        return Response.bulkString(Slice.create(clientLine(state)));
      }
      case "list" -> {
        List<RedisClient> live = clientsOf(server);
        List<OperationExecutorState> states;
        synchronized (connections) {
          states = new ArrayList<>(connections.keySet());
        }
        states.sort((a, b) -> Integer.compare(connectionId(a), connectionId(b)));
        StringBuilder sb = new StringBuilder();
        for (OperationExecutorState s : states) {
          if ((live == null || live.contains(s.owner())) && !internalName.equals(s.getClientName())) {
            sb.append(clientLine(s));
          }
        }
        return Response.bulkString(Slice.create(sb.toString()));
      }
      default -> {
        return null;
      }
    }
  }

  private String clientLine(OperationExecutorState s) {
    String name = s.getClientName() == null ? "" : s.getClientName();
    return "id=" + connectionId(s) + " addr=" + remoteAddress(s.owner()) + " laddr=127.0.0.1:"
        + port + " fd=8 name=" + name + " age=0 idle=0 flags=N db=" + s.getSelected()
        + " sub=0 psub=0 ssub=0 multi=" + (s.isTransactionModeOn() ? s.tx().size() : -1)
        + " qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=1024 rbp=0 obl=0 oll=0 omem=0"
        + " tot-mem=0 events=r cmd=client|list user=default redir=-1 resp=2\n";
  }

  private static String remoteAddress(RedisClient c) {
    try {
      if (SOCKET != null) {
        java.net.SocketAddress a = ((Socket) SOCKET.get(c)).getRemoteSocketAddress();
        if (a instanceof InetSocketAddress i) {
          return i.getAddress().getHostAddress() + ":" + i.getPort();
        }
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      // fall through
    }
    return "127.0.0.1:0";
  }

  /** Runs an added command as jedis-mock runs its own: under the data lock, queued in MULTI. */
  private Slice runAdded(OperationExecutorState state, AddedCommands.Spec spec,
      List<Slice> params) {
    synchronized (state.lock()) {
      String arityError = spec.arity().apply(params);
      if (arityError != null) {
        state.errorTransaction();
        return Response.error(arityError);
      }
      var op = spec.factory().create(state, params, groups);
      if (state.isTransactionModeOn()) {
        state.tx().add(op);
        return Response.QUEUED;
      }
      return op.execute();
    }
  }

  private static boolean isUnsupported(Slice reply) {
    byte[] d = reply.data();
    return d.length > 24 && d[0] == '-'
        && new String(d, 1, 23, StandardCharsets.UTF_8).equals("Unsupported operation: ");
  }

  private static final Slice BULK_PONG = Response.bulkString(Slice.create("PONG"));
  private static final Slice PONG = Response.simpleString("PONG");

  /**
   * Where jedis-mock's reply differs from Redis's for a command it has (found by running the same
   * commands against redis-server), the reply Redis gives. Only outside MULTI: inside, EXEC's
   * array keeps jedis-mock's form.
   */
  private static Slice asRedisReplies(String name, List<Slice> params, Slice reply) {
    switch (name) {
      case "type":
        return typeAsStatus(reply);
      case "ping":
        return params.isEmpty() && reply.equals(BULK_PONG) ? PONG : reply;
      case "discard":
        // jedis-mock accepts a DISCARD outside MULTI
        return reply.equals(Response.OK) ? Response.error("ERR DISCARD without MULTI") : reply;
      case "zincrby": {
        // Redis prints a whole score as "4", jedis-mock as "4.0"
        String text = new String(reply.data(), StandardCharsets.UTF_8);
        if (text.startsWith("$") && text.endsWith(".0\r\n")) {
          String value = text.substring(text.indexOf("\r\n") + 2, text.length() - 4);
          return Response.bulkString(Slice.create(value));
        }
        return reply;
      }
      default:
        return reply;
    }
  }

  /** jedis-mock answers TYPE with a bulk string; Redis with a status ({@code +stream}). */
  private static Slice typeAsStatus(Slice reply) {
    byte[] d = reply.data();
    if (d.length == 0 || d[0] != '$') {
      return reply; // an error, or QUEUED inside MULTI (EXEC's array keeps jedis-mock's form)
    }
    String text = new String(d, StandardCharsets.UTF_8);
    int eol = text.indexOf("\r\n");
    return Response.simpleString(text.substring(eol + 2, text.length() - 2));
  }

  /** Redis's own words for a command it does not know (jedis-mock says "Unsupported"). */
  private static Slice unknownCommand(String name, List<Slice> params) {
    StringBuilder args = new StringBuilder();
    for (int i = 0; i < params.size() && args.length() < 128; i++) {
      String a = params.get(i).toString();
      int room = 128 - args.length();
      args.append('\'').append(a, 0, Math.min(a.length(), room)).append("' ");
    }
    return Response.error("ERR unknown command '" + name + "', with args beginning with: " + args);
  }

  // ---------------------------------------------------------------- job observation

  /** The job keys a command names, or those its transaction queued (for EXEC); null if none. */
  private Set<String> jobKeys(JobWatch[] ws, OperationExecutorState state, String name,
      List<Slice> params) {
    Set<String> keys = null;
    if (name.equals("exec") || name.equals("discard")) {
      keys = queuedJobKeys.remove(state);
      return name.equals("exec") ? keys : null;
    }
    for (Slice p : params) {
      String s = p.toString();
      for (JobWatch w : ws) {
        if (w.layout().jobId(s) != null) {
          if (keys == null) {
            keys = new HashSet<>();
          }
          keys.add(s);
        }
      }
    }
    return keys;
  }

  private void queue(OperationExecutorState state, String name, Set<String> keys) {
    if (!name.equals("multi")) {
      queuedJobKeys.computeIfAbsent(state, s -> new HashSet<>()).addAll(keys);
    }
  }

  /** Under the data lock, right after the command: reads each job's status. */
  private void observe(JobWatch[] ws, OperationExecutorState state, Set<String> keys,
      String name) {
    Instant at = clock.instant();
    String command = name.toUpperCase(Locale.ROOT);
    for (String key : keys) {
      for (JobWatch w : ws) {
        String id = w.layout().jobId(key);
        if (id != null && w.isOpen()) {
          w.observe(id, w.layout().status(state.base(), Slice.create(key)), at, command);
        }
      }
    }
  }

  // ---------------------------------------------------------------- journal helpers

  private int connectionId(OperationExecutorState state) {
    return connections.computeIfAbsent(state, s -> connectionCount.incrementAndGet());
  }

  private static byte[] describe(List<Slice> params) {
    if (params.isEmpty()) {
      return new byte[0];
    }
    StringBuilder sb = new StringBuilder();
    for (Slice p : params) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      byte[] d = p.data();
      if (d.length <= ARG_LIMIT) {
        sb.append(new String(d, StandardCharsets.UTF_8));
      } else {
        sb.append(new String(d, 0, ARG_LIMIT, StandardCharsets.UTF_8))
            .append("...(").append(d.length).append(" bytes)");
      }
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void complete(Entry entry, Slice reply) {
    if (reply.equals(Response.SKIP)) {
      entry.outcome("no reply");
      return;
    }
    byte[] d = reply.data();
    String text = new String(d, StandardCharsets.UTF_8);
    int eol = text.indexOf("\r\n");
    String head = eol < 0 ? text.substring(1) : text.substring(1, eol);
    String kind;
    String shown;
    switch (d.length == 0 ? ' ' : (char) d[0]) {
      case '+' -> {
        kind = "status";
        shown = head;
      }
      case '-' -> {
        kind = "error: " + head;
        shown = "(error) " + head;
      }
      case ':' -> {
        kind = "integer";
        shown = "(integer) " + head;
      }
      case '$' -> {
        if (head.equals("-1")) {
          kind = "nil";
          shown = "(nil)";
        } else {
          kind = "bulk";
          int n = Integer.parseInt(head);
          String v = text.substring(eol + 2, Math.min(text.length(), eol + 2 + Math.min(n, 200)));
          shown = "\"" + v + (n > 200 ? "...\"" : "\"");
        }
      }
      case '*' -> {
        if (head.equals("-1")) {
          kind = "nil";
          shown = "(nil array)";
        } else {
          kind = "array";
          shown = "(" + head + " elements)";
        }
      }
      default -> {
        kind = "raw";
        shown = text;
      }
    }
    entry.complete(0, shown);
    entry.outcome(kind);
  }

  @Override
  public String toString() {
    return "FakeRedis[" + (port == 0 ? "not started" : redisUri()) + (running ? "" : ", stopped")
        + "]";
  }

  // ---------------------------------------------------------------- clock bridge

  /** jedis-mock reads a java.time.Clock: this one reads the fake's. */
  private static final class JavaClock extends java.time.Clock {
    private final Clock clock;

    JavaClock(Clock clock) {
      this.clock = clock;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public java.time.Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return clock.instant();
    }

    @Override
    public long millis() {
      return clock.millis();
    }
  }

  // ---------------------------------------------------------------- builder

  /** Settings for a {@link FakeRedis}; initial data goes in {@link #setup}. */
  public static final class Builder {
    private int port;
    private Clock clock = Clock.system();
    private long seed = FaultPlan.DEFAULT_SEED;
    private int journalCapacity = Journal.DEFAULT_CAPACITY;
    private int journalBodyLimit = Journal.DEFAULT_BODY_LIMIT;
    private Consumer<FakeRedis> setup;
    private boolean link;

    private Builder() {}

    /** A fixed port (default 0: a random free one). */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      this.port = port;
      return this;
    }

    /** The clock for key expiry, stream idle times and fault delays (default system). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The seed of the faults' (and the network link's) random choices; {@code reset()} restores it. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** How many journal entries to keep, and how many bytes of each command's arguments. */
    public Builder journal(int capacity, int bodyLimit) {
      this.journalCapacity = capacity;
      this.journalBodyLimit = bodyLimit;
      return this;
    }

    /**
     * Data the fake starts with and returns to on every {@link FakeRedis#reset()}.
     *
     * <pre>{@code
     * FakeRedis.builder().setup(r -> r.call("SET", "feature:x", "on")).start();
     * }</pre>
     */
    public Builder setup(Consumer<FakeRedis> setup) {
      Consumer<FakeRedis> before = this.setup;
      this.setup = before == null ? setup : before.andThen(setup);
      return this;
    }

    /**
     * Puts a {@link NetworkLink} in front of the fake (same clock and seed): clients connect to
     * the link ({@link FakeRedis#port()}, {@link FakeRedis#redisUri()}, on the {@link #port} if
     * one was given), and {@link FakeRedis#link()} adds latency, partitions, resets...
     *
     * <pre>{@code
     * FakeRedis redis = FakeRedis.builder().behindLink().start();
     * redis.link().partition();
     * }</pre>
     */
    public Builder behindLink() {
      this.link = true;
      return this;
    }

    public FakeRedis build() {
      return new FakeRedis(this);
    }

    /** Builds and starts the fake. */
    public FakeRedis start() {
      return build().start();
    }
  }
}
