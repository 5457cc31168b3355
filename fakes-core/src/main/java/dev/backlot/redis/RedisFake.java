package dev.backlot.redis;

import com.github.fppt.jedismock.RedisClient;
import com.github.fppt.jedismock.RedisServer;
import com.github.fppt.jedismock.datastructures.RMList;
import com.github.fppt.jedismock.datastructures.Slice;
import com.github.fppt.jedismock.operations.server.MockExecutor;
import com.github.fppt.jedismock.server.Response;
import com.github.fppt.jedismock.server.ServiceOptions;
import com.github.fppt.jedismock.storage.OperationExecutorState;
import com.github.fppt.jedismock.storage.RedisBase;
import dev.backlot.Fake;
import dev.backlot.engine.AbstractFake;
import dev.backlot.time.Clock;
import dev.backlot.fault.CommandFault;
import dev.backlot.fault.FaultPlan;
import dev.backlot.journal.Entry;
import dev.backlot.journal.Journal;
import dev.backlot.net.NetworkLink;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
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
 * try (RedisFake redis = RedisFake.builder().clock(clock).start()) {
 *   Jedis jedis = new Jedis(redis.redisUri());
 *   jedis.setex("session", 60, "abc");
 *   clock.advance(Duration.ofSeconds(61));        // expiry follows the fake's clock
 *   assertNull(jedis.get("session"));
 *
 *   redis.faults().onCommand("SET").next(1).error(RedisErrors.READONLY); // after a failover
 *   redis.journal().verify(RequestPattern.command("SET")); // commands are journaled by name
 *   redis.call("RPUSH", "queue", "job-1");                 // seed data without a client
 *
 *   redis.restart();                               // same port, same data: clients reconnect
 *   redis.reset();                                 // FLUSHALL, faults and journal cleared
 * }
 * }</pre>
 *
 * <p><b>Journal.</b> Each command is an {@link Entry.Kind#COMMAND} entry: {@link Entry#path()} is
 * the command name in upper case (what {@link dev.backlot.journal.RequestPattern#command}
 * matches), {@link Entry#bodyText()} its arguments (each capped at 256 bytes), {@link
 * Entry#query()} {@code conn=N&db=D}, {@link Entry#responseBody()} the reply as
 * redis-cli would print it, {@link Entry#outcome()} the reply's kind ({@code status}, {@code
 * integer}, {@code bulk}, {@code nil}, {@code array}, {@code error: <message>}, {@code no reply},
 * {@code connection closed}), {@link Entry#fault()} the fault that acted.
 *
 * <p><b>Network faults.</b> Built with {@link Builder#behindLink()}, the fake sits behind a
 * {@link NetworkLink} ({@link #link()}): {@link #redisUri()} then points at the link, so latency,
 * partitions and resets apply to every client.
 *
 * <p><b>Threads.</b> One IO thread serves every connection, as redis-server's event loop does:
 * it reads, runs jedis-mock's commands (behind jedis-mock's one data lock) and writes the replies,
 * a pipeline's in one write. Commands that may wait (BLPOP, BLMOVE, XREADGROUP BLOCK, scripts,
 * EXEC, and every command while a {@linkplain dev.backlot.fault.CommandRule#delay fault rule} is
 * armed) run on a worker thread while their connection waits; the others go on being served.
 * {@link #close()} stops them all.
 *
 * <p><b>Known gaps</b> (jedis-mock's, and ours): RESP2 only ({@code HELLO 3} answers {@code
 * NOPROTO}; clients fall back); keys expire lazily, on access; blocking timeouts run on wall time;
 * the added commands cannot be called from Lua scripts; no XINFO, LMPOP, FUNCTION, GEO or BITOP;
 * see {@code package-info}.
 */
public class RedisFake extends AbstractFake<RedisFake> {

  private static final Set<String> WAKE_AFTER = Set.of("xadd", "exec", "eval", "evalsha");
  /** Commands that make a list longer: its key (the destination for the moves) may get a ring. */
  private static final Set<String> LIST_GROWERS = Set.of("lpush", "rpush", "lpushx", "rpushx",
      "linsert", "lmove", "blmove", "rpoplpush", "brpoplpush");
  /** From this length a list is kept in a {@link RingList}: O(1) pushes and pops at both ends. */
  private static final int RING_FROM = 64;
  /** Commands that can wait for other clients or for time: they run off the IO thread. */
  private static final Set<String> WAITING = Set.of("blpop", "brpop", "brpoplpush", "blmove",
      "blmpop", "bzpopmin", "bzpopmax", "bzmpop", "xread", "xreadgroup", "eval", "evalsha",
      "eval_ro", "evalsha_ro", "fcall", "fcall_ro", "script", "exec", "wait", "waitaof");
  /** Redis's default number of databases: SELECT beyond it is refused. */
  private static final int DATABASES = 16;

  private final StreamGroups groups = new StreamGroups();
  private final String internalName = "backlot-internal-" + UUID.randomUUID();
  private final Object internalLock = new Object();
  private final AtomicInteger connectionCount = new AtomicInteger();
  private final Map<OperationExecutorState, Integer> connections =
      Collections.synchronizedMap(new WeakHashMap<>());
  private final Map<OperationExecutorState, Set<String>> queuedJobKeys =
      Collections.synchronizedMap(new WeakHashMap<>());
  private final List<JobWatch> watches = new ArrayList<>();
  private volatile JobWatch[] watchView = new JobWatch[0];

  private RedisServer server;
  // the port clients reach: Redis's own RESP parsing (protocol errors, inline commands), then
  // jedis-mock's executor, on one IO thread
  private RespGate gate;
  private volatile Instant startedAt = Instant.EPOCH;
  private Socket internal;
  private InputStream internalIn;
  private OutputStream internalOut;

  /** A fake with default settings: random port on 127.0.0.1, system clock, empty. */
  public RedisFake() {
    this(builder());
  }

  RedisFake(Builder b) {
    super("redis", b);
  }

  /** Settings: {@code RedisFake.builder().clock(clock).seed(7).behindLink().start()}. */
  public static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  protected final int listen(int wanted) {
    if (gate == null) {
      // jedis-mock's server is never started: it holds the databases, options and clock, and
      // the gate runs each connection's commands through a jedis-mock client of its own.
      server = RedisServer.newRedisServer(0, InetAddress.getLoopbackAddress())
          .setOptions(ServiceOptions.withInterceptor(this::intercept))
          .setClock(new JedisMockAccess.JavaClock(clock()));
      gate = new RespGate(server, this::mayWait);
    }
    int p = gate.listen(wanted);
    startedAt = clock().instant();
    return p;
  }

  /** Commands that may wait run on a worker thread, so the gate's IO thread never waits. */
  private boolean mayWait(String name, OperationExecutorState state) {
    // a delayed fault holds its command; a script may need another client's SCRIPT KILL, and
    // while one runs, other commands wait for it (or answer BUSY)
    return WAITING.contains(name) || decider().hasCommandRules()
        || state.scriptingManager().isRunning();
  }

  @Override
  protected void closeTransport() {
    if (gate != null) {
      gate.close();
    }
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
    port(); // a closed fake fails here with a clear message (directPort() serves the fake's own threads too)
    return URI.create("redis://127.0.0.1:" + directPort());
  }

  /**
   * Stops like a crashed server: the port refuses connections (the {@link #link()}'s too),
   * open connections and blocked commands are cut. Data is kept.
   */
  @Override
  protected final void unlisten() {
    closeInternal();
    gate.stop();
  }

  /**
   * Back to the initial state in microseconds ({@link AbstractFake#reset()}): every database
   * flushed (as {@code FLUSHALL}, so {@code WATCH}ers see the change), consumer groups, faults
   * (and the builder's seed), journal, job watches and the link's toxics cleared, then the
   * builder's {@link Builder#setup setup} runs again (at the next start, if stopped). Scripts and
   * CONFIG stay, as after a FLUSHALL.
   */
  @Override
  protected void resetState() {
    flushAll();
    for (JobWatch w : watchView) {
      w.clear();
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
      bases = (Map<Integer, RedisBase>) JedisMockAccess.GET_BASES.invoke(s);
    } catch (ReflectiveOperationException | RuntimeException e) {
      // A jedis-mock without this accessor: flush through the protocol instead (the groups go
      // with their streams).
      if (isRunning()) {
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

  /**
   * The Redis-level faults, on the shared fault engine: {@link FaultPlan#onCommand(String...)}
   * rules answer an error ({@link RedisErrors}), delay a command, or close the connection before
   * or after it runs. Cleared by {@link #reset()}; commands sent with {@link #call} are never
   * faulted.
   */
  @Override
  public FaultPlan faults() {
    return super.faults();
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
      if (!isRunning()) {
        throw new IllegalStateException("redis fake is not running");
      }
      if (gate.onIoThread()) {
        throw new IllegalStateException("call() cannot run on the fake's IO thread (it would wait"
            + " for its own reply)");
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
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), directPort()), 10_000);
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
    Instant at = clock().instant();
    String upper = name.toUpperCase(Locale.ROOT);
    Entry entry = recorder().record(
        Entry.Kind.COMMAND, at, "REDIS", upper,
        "conn=" + connectionId(state) + "&db=" + state.getSelected(), Map.of(), Replies.describe(params));
    CommandFault d = decider().hasCommandRules()
        ? decider().decideCommand(upper, params.isEmpty() ? null : params.get(0).toString(), at)
        : null;
    boolean closeAfter = false;
    if (d != null) {
      recorder().fault(entry, d.description());
      if (!d.delay().isZero() && !hold(d.delay())) {
        recorder().outcome(entry, "no reply: the fake stopped during the delay");
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
        recorder().outcome(entry, "connection closed");
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
      recorder().outcome(entry, entry.outcome() + ", then connection closed instead of the reply");
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
    Clock.Cancellable task = clock().schedule(delay, due::countDown);
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
    if (!wasInTransaction && LIST_GROWERS.contains(name)) {
      ringList(state, name, params);
    }
    if (WAKE_AFTER.contains(name)) {
      // jedis-mock's XADD does not notify: blocked XREADGROUPs (and XREADs) would wait for
      // their next poll.
      synchronized (state.lock()) {
        state.lock().notifyAll();
      }
    }
    if (Replies.isUnsupported(reply)) {
      reply = Replies.unknownCommand(name, params);
    } else if (!wasInTransaction) {
      reply = Replies.asRedisReplies(name, params, reply);
    }
    return reply;
  }

  /**
   * jedis-mock keeps a list in an ArrayList, so LPUSH and LPOP move every element (a queue of
   * 100 000 jobs made each push cost some 10 microseconds); a list that grew past {@link
   * #RING_FROM} gets a {@link RingList} with the same elements instead.
   */
  private static void ringList(OperationExecutorState state, String name, List<Slice> params) {
    int key = name.endsWith("move") || name.endsWith("rpoplpush") ? 1 : 0;
    if (params.size() <= key) {
      return;
    }
    synchronized (state.lock()) {
      if (state.base().getValue(params.get(key)) instanceof RMList list) {
        JedisMockAccess.useRingList(list, RING_FROM);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private Slice info(OperationExecutorState state, List<Slice> params) {
    synchronized (state.lock()) {
      List<RedisClient> clients = gate.clients();
      return ServerInfo.reply(params, new ServerInfo.Facts(
          directPort(),
          Math.max(0, Duration.between(startedAt, clock().instant()).getSeconds()),
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
        List<RedisClient> live = gate.clients();
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
    return "id=" + connectionId(s) + " addr=" + JedisMockAccess.remoteAddress(s.owner()) + " laddr=127.0.0.1:"
        + directPort() + " fd=8 name=" + name + " age=0 idle=0 flags=N db=" + s.getSelected()
        + " sub=0 psub=0 ssub=0 multi=" + (s.isTransactionModeOn() ? s.tx().size() : -1)
        + " qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=1024 rbp=0 obl=0 oll=0 omem=0"
        + " tot-mem=0 events=r cmd=client|list user=default redir=-1 resp=2\n";
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
    Instant at = clock().instant();
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

  private void complete(Entry entry, Slice reply) {
    if (reply.equals(Response.SKIP)) {
      recorder().outcome(entry, "no reply");
      return;
    }
    Replies.Shown shown = Replies.shown(reply);
    recorder().complete(entry, 0, shown.text());
    recorder().outcome(entry, shown.kind());
  }

  @Override
  public String toString() {
    return "RedisFake[" + (isStarted() ? redisUri() : "not started") + (isRunning() ? "" : ", stopped")
        + "]";
  }

  // ---------------------------------------------------------------- clock bridge

  // ---------------------------------------------------------------- builder

  /**
   * Settings for a {@link RedisFake} (those every fake has: port, clock, seed, journal,
   * behindLink, setup, configure); initial data goes in {@link #setup}.
   *
   * <pre>{@code
   * RedisFake.builder().setup(r -> r.call("SET", "feature:x", "on")).behindLink().start();
   * }</pre>
   */
  public static final class Builder extends AbstractFake.Builder<Builder, RedisFake> {

    Builder() {}

    @Override
    protected String fakeName() {
      return "redis";
    }

    @Override
    public RedisFake build() {
      return new RedisFake(this);
    }
  }
}
