package dev.backlot.redis;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.backlot.time.Clock;
import dev.backlot.time.ManualClock;
import io.lettuce.core.KeyValue;
import io.lettuce.core.LMoveArgs;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.SetArgs;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.models.stream.ClaimedMessages;
import io.lettuce.core.models.stream.PendingMessage;
import io.lettuce.core.models.stream.PendingMessages;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.args.ListDirection;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.params.XAutoClaimParams;
import redis.clients.jedis.params.XClaimParams;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamPendingEntry;
import redis.clients.jedis.resps.StreamPendingSummary;

/**
 * The same tests, with Jedis and with Lettuce, against the fake ({@code fake}) and against a real
 * {@code redis-server} from the PATH ({@code real}; skipped with a visible assumption when there is
 * none), so the fake's fidelity is measured. On the fake, time moves by a manual clock; on real
 * Redis it has to pass (a few hundred milliseconds in all).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisConformanceTest {

  private final ManualClock clock = Clock.manual(Instant.parse("2026-03-01T12:00:00Z"));
  private RedisFake fake;
  private RealRedis real;
  private ClientResources resources;
  private final ExecutorService pool = Executors.newCachedThreadPool();

  /** Where a test runs: its URI, and how time passes there. */
  private record Target(String name, URI uri, Consumer<Duration> elapse) {
    /**
     * Lets {@code d} pass and checks {@code done}: at once on the fake's manual clock; on real
     * Redis by waiting (bounded) for it, so a stalled machine cannot make a key expire early.
     */
    void passes(Duration d, java.util.function.BooleanSupplier done) {
      if (name.equals("fake")) {
        elapse.accept(d);
        assertThat(done.getAsBoolean()).as("after " + d).isTrue();
      } else {
        await().atMost(d.plusSeconds(10)).pollInterval(Duration.ofMillis(10))
            .until(done::getAsBoolean);
      }
    }
  }

  @BeforeAll
  void startServers() {
    fake = RedisFake.builder().clock(clock).start();
    real = RealRedis.startIfAvailable();
    resources = Clients.lettuceResources();
  }

  @AfterAll
  void stopServers() {
    pool.shutdownNow();
    fake.close();
    if (real != null) {
      real.close();
    }
    resources.shutdown(0, 2, SECONDS);
  }

  Stream<String> targets() {
    return Stream.of("fake", "real");
  }

  private Target target(String which) {
    if (which.equals("real")) {
      assumeTrue(real != null, RealRedis.MISSING);
      real.flushAll();
      return new Target("real", real.uri(), RedisConformanceTest::wallTime);
    }
    fake.reset();
    return new Target("fake", fake.redisUri(), clock::advance);
  }

  /** On real Redis, time has to pass. */
  private static void wallTime(Duration d) {
    long until = System.nanoTime() + d.toNanos();
    await().atMost(d.plusSeconds(10)).pollInterval(Duration.ofMillis(5))
        .until(() -> System.nanoTime() >= until);
  }

  private static void awaitBlocked(Jedis admin, int clients) {
    await().atMost(Duration.ofSeconds(30))
        .until(() -> admin.info("clients").contains("blocked_clients:" + clients + "\r\n"));
  }

  // =================================================================== Jedis

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void jedisStrings(String which) {
    Target t = target(which);
    try (Jedis j = Clients.jedis(t.uri())) {
      assertThat(j.set("k", "v")).isEqualTo("OK");
      assertThat(j.get("k")).isEqualTo("v");
      assertThat(j.append("k", "w")).isEqualTo(2);
      assertThat(j.incrBy("n", 5)).isEqualTo(5);
      assertThat(j.incr("n")).isEqualTo(6);
      assertThat(j.setnx("k", "x")).isZero();
      j.mset("a", "1", "b", "2");
      assertThat(j.mget("a", "b", "missing")).containsExactly("1", "2", null);
      assertThat(j.get("missing")).isNull();
      assertThatThrownBy(() -> j.incr("k"))
          .isInstanceOf(JedisDataException.class)
          .hasMessage("ERR value is not an integer or out of range");
      assertThat(j.del("a", "b", "zz")).isEqualTo(2);
      assertThat(j.exists("k")).isTrue();
      assertThat(j.eval("return redis.call('GET', KEYS[1]) .. ARGV[1]", List.of("k"),
          List.of("!"))).isEqualTo("vw!"); // jedis-mock's Lua bridge runs on Jedis classes
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void jedisHashes(String which) {
    Target t = target(which);
    try (Jedis j = Clients.jedis(t.uri())) {
      assertThat(j.hset("user:1", Map.of("name", "Ada", "lang", "en"))).isEqualTo(2);
      assertThat(j.hget("user:1", "name")).isEqualTo("Ada");
      assertThat(j.hgetAll("user:1")).isEqualTo(Map.of("name", "Ada", "lang", "en"));
      assertThat(j.hincrBy("user:1", "visits", 3)).isEqualTo(3);
      assertThat(j.hexists("user:1", "lang")).isTrue();
      assertThat(j.hdel("user:1", "lang", "nope")).isEqualTo(1);
      assertThat(j.hlen("user:1")).isEqualTo(2);
      assertThat(j.hget("user:1", "nope")).isNull();
      assertThatThrownBy(() -> j.lpush("user:1", "x"))
          .isInstanceOf(JedisDataException.class)
          .hasMessage("WRONGTYPE Operation against a key holding the wrong kind of value");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void jedisLexRangesAreCheckedBeforeTheKey(String which) {
    Target t = target(which);
    try (Jedis j = Clients.jedis(t.uri())) {
      j.zadd("z", Map.of("a", 0.0, "b", 0.0, "c", 0.0));
      String invalid = "ERR min or max not valid string range item";
      // jedis-mock threw NoSuchElementException here ("Malformed request") or removed nothing
      assertThatThrownBy(() -> j.zremrangeByLex("z", "a", "[c"))
          .isInstanceOf(JedisDataException.class).hasMessage(invalid);
      assertThatThrownBy(() -> j.zremrangeByLex("missing", "[a", "c"))
          .isInstanceOf(JedisDataException.class).hasMessage(invalid);
      assertThatThrownBy(() -> j.zrangeByLex("z", "-x", "+"))
          .isInstanceOf(JedisDataException.class).hasMessage(invalid);
      assertThatThrownBy(() -> j.zrevrangeByLex("z", "+", "b"))
          .isInstanceOf(JedisDataException.class).hasMessage(invalid);
      assertThatThrownBy(() -> j.zlexcount("z", "", "+"))
          .isInstanceOf(JedisDataException.class).hasMessage(invalid);
      j.set("str", "x"); // the range is checked before the key's type
      assertThatThrownBy(() -> j.zrangeByLex("str", "a", "b"))
          .isInstanceOf(JedisDataException.class).hasMessage(invalid);
      assertThat(j.zcard("z")).isEqualTo(3);
      assertThat(j.zremrangeByLex("z", "[a", "(c")).isEqualTo(2);
      assertThat(j.zrangeByLex("z", "-", "+")).containsExactly("c");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void jedisListsWithBlockingPops(String which) throws Exception {
    Target t = target(which);
    try (Jedis j = Clients.jedis(t.uri()); Jedis waiter = Clients.jedis(t.uri())) {
      assertThat(j.rpush("l", "a", "b", "c")).isEqualTo(3);
      assertThat(j.lrange("l", 0, -1)).containsExactly("a", "b", "c");
      assertThat(j.lpop("l")).isEqualTo("a");
      assertThat(j.rpop("l")).isEqualTo("c");
      assertThat(j.llen("l")).isEqualTo(1);

      Future<List<String>> popped = pool.submit(() -> waiter.blpop(20, "jobs"));
      awaitBlocked(j, 1);
      assertThat(popped).isNotDone();
      j.lpush("jobs", "job-1");
      assertThat(popped.get(30, SECONDS)).containsExactly("jobs", "job-1");
      assertThat(j.exists("jobs")).isFalse();

      assertThat(waiter.brpop(0.1, "empty")).isNull(); // times out
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void jedisPubSub(String which) throws Exception {
    Target t = target(which);
    BlockingQueue<String> received = new LinkedBlockingQueue<>();
    CountDownLatch subscribed = new CountDownLatch(1);
    JedisPubSub listener = new JedisPubSub() {
      @Override
      public void onSubscribe(String channel, int count) {
        subscribed.countDown();
      }

      @Override
      public void onMessage(String channel, String message) {
        received.add(channel + ":" + message);
      }
    };
    try (Jedis j = Clients.jedis(t.uri()); Jedis sub = Clients.jedis(t.uri())) {
      Future<?> loop = pool.submit(() -> sub.subscribe(listener, "news"));
      assertThat(subscribed.await(30, SECONDS)).isTrue();
      assertThat(j.publish("news", "hello")).isEqualTo(1);
      assertThat(j.publish("other", "ignored")).isZero();
      assertThat(received.poll(30, SECONDS)).isEqualTo("news:hello");
      listener.unsubscribe();
      loop.get(30, SECONDS);
      assertThat(received).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void jedisTransactions(String which) {
    Target t = target(which);
    try (Jedis j = Clients.jedis(t.uri()); Jedis other = Clients.jedis(t.uri())) {
      j.rpush("q", "a", "b");
      Transaction tx = j.multi();
      tx.set("x", "1");
      tx.incr("x");
      tx.lmove("q", "processing", ListDirection.LEFT, ListDirection.RIGHT);
      tx.blmove("empty", "processing", ListDirection.LEFT, ListDirection.RIGHT, 5);
      assertThat(tx.exec()).containsExactly("OK", 2L, "a", null); // BLMOVE never blocks in MULTI
      assertThat(j.lrange("processing", 0, -1)).containsExactly("a");

      j.watch("w");
      other.set("w", "theirs");
      Transaction aborted = j.multi();
      aborted.set("w", "mine");
      assertThat(aborted.exec()).isNullOrEmpty();
      assertThat(j.get("w")).isEqualTo("theirs");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void jedisExpiry(String which) {
    Target t = target(which);
    try (Jedis j = Clients.jedis(t.uri())) {
      j.set("session", "abc", SetParams.setParams().px(1000));
      j.set("token", "t");
      assertThat(j.pexpire("token", 60_000)).isEqualTo(1);
      assertThat(j.pttl("session")).isBetween(1L, 1000L);
      assertThat(j.ttl("forever")).isEqualTo(-2);
      assertThat(j.ttl("token")).isBetween(1L, 60L);
      t.passes(Duration.ofMillis(1000), () -> j.get("session") == null);
      assertThat(j.exists("session")).isFalse();
      assertThat(j.get("token")).isEqualTo("t");
      assertThat(j.persist("token")).isEqualTo(1);
      assertThat(j.ttl("token")).isEqualTo(-1);
      j.pexpire("token", 1);
      t.passes(Duration.ofMillis(1), () -> !j.exists("token"));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void jedisLmoveAndBlmove(String which) throws Exception {
    Target t = target(which);
    try (Jedis j = Clients.jedis(t.uri()); Jedis a = Clients.jedis(t.uri());
        Jedis b = Clients.jedis(t.uri())) {
      j.rpush("src", "a", "b", "c");
      assertThat(j.lmove("src", "dst", ListDirection.LEFT, ListDirection.RIGHT)).isEqualTo("a");
      assertThat(j.lmove("src", "dst", ListDirection.RIGHT, ListDirection.LEFT)).isEqualTo("c");
      assertThat(j.lrange("dst", 0, -1)).containsExactly("c", "a");
      assertThat(j.lmove("dst", "dst", ListDirection.LEFT, ListDirection.RIGHT)).isEqualTo("c");
      assertThat(j.lrange("dst", 0, -1)).containsExactly("a", "c");
      assertThat(j.lmove("src", "dst", ListDirection.LEFT, ListDirection.LEFT)).isEqualTo("b");
      assertThat(j.exists("src")).isFalse(); // emptied lists are deleted
      assertThat(j.lmove("none", "dst", ListDirection.LEFT, ListDirection.LEFT)).isNull();
      j.set("str", "x");
      assertThatThrownBy(() -> j.lmove("dst", "str", ListDirection.LEFT, ListDirection.LEFT))
          .hasMessage("WRONGTYPE Operation against a key holding the wrong kind of value");
      assertThat(j.lrange("dst", 0, -1)).containsExactly("b", "a", "c"); // nothing moved

      // BLMOVE blocks until a push, oldest waiter first
      Future<String> first = pool.submit(
          () -> a.blmove("q", "work:a", ListDirection.LEFT, ListDirection.RIGHT, 20));
      awaitBlocked(j, 1);
      Future<String> second = pool.submit(
          () -> b.blmove("q", "work:b", ListDirection.LEFT, ListDirection.RIGHT, 20));
      awaitBlocked(j, 2);
      j.rpush("q", "job-1");
      assertThat(first.get(30, SECONDS)).isEqualTo("job-1");
      j.rpush("q", "job-2");
      assertThat(second.get(30, SECONDS)).isEqualTo("job-2");
      assertThat(j.lrange("work:a", 0, -1)).containsExactly("job-1");
      assertThat(j.lrange("work:b", 0, -1)).containsExactly("job-2");

      assertThat(a.blmove("empty", "x", ListDirection.LEFT, ListDirection.LEFT, 0.1)).isNull();
      assertThatThrownBy(
          () -> a.blmove("empty", "x", ListDirection.LEFT, ListDirection.LEFT, -1))
          .hasMessage("ERR timeout is negative");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void jedisStreamConsumerGroups(String which) throws Exception {
    Target t = target(which);
    try (Jedis j = Clients.jedis(t.uri()); Jedis waiter = Clients.jedis(t.uri())) {
      assertThat(j.xgroupCreate("orders", "workers", new StreamEntryID(0, 0), true))
          .isEqualTo("OK");
      assertThatThrownBy(
          () -> j.xgroupCreate("orders", "workers", new StreamEntryID(0, 0), true))
          .hasMessage("BUSYGROUP Consumer Group name already exists");
      StreamEntryID id1 = j.xadd("orders", StreamEntryID.NEW_ENTRY, Map.of("n", "1"));
      StreamEntryID id2 = j.xadd("orders", StreamEntryID.NEW_ENTRY, Map.of("n", "2"));
      StreamEntryID id3 = j.xadd("orders", StreamEntryID.NEW_ENTRY, Map.of("n", "3"));
      Map<String, StreamEntryID> undelivered =
          Map.of("orders", StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY);

      var alice = j.xreadGroup("workers", "alice",
          XReadGroupParams.xReadGroupParams().count(2), undelivered);
      assertThat(alice).hasSize(1);
      assertThat(alice.get(0).getKey()).isEqualTo("orders");
      assertThat(alice.get(0).getValue()).extracting(StreamEntry::getID).containsExactly(id1, id2);
      assertThat(alice.get(0).getValue().get(1).getFields()).isEqualTo(Map.of("n", "2"));
      var bob = j.xreadGroup("workers", "bob", XReadGroupParams.xReadGroupParams(), undelivered);
      assertThat(bob.get(0).getValue()).extracting(StreamEntry::getID).containsExactly(id3);
      assertThat(j.xreadGroup("workers", "bob", XReadGroupParams.xReadGroupParams(), undelivered))
          .isNullOrEmpty();

      StreamPendingSummary summary = j.xpending("orders", "workers");
      assertThat(summary.getTotal()).isEqualTo(3);
      assertThat(summary.getMinId()).isEqualTo(id1);
      assertThat(summary.getMaxId()).isEqualTo(id3);
      assertThat(summary.getConsumerMessageCount()).isEqualTo(Map.of("alice", 2L, "bob", 1L));
      List<StreamPendingEntry> pending =
          j.xpending("orders", "workers", XPendingParams.xPendingParams().count(10));
      assertThat(pending).extracting(StreamPendingEntry::getConsumerName)
          .containsExactly("alice", "alice", "bob");
      assertThat(pending).extracting(StreamPendingEntry::getDeliveredTimes)
          .containsOnly(1L);

      assertThat(j.xack("orders", "workers", id1)).isEqualTo(1);
      assertThat(j.xack("orders", "workers", id1)).isZero();

      t.elapse().accept(Duration.ofMillis(120));
      List<StreamEntry> claimed = j.xclaim("orders", "workers", "carol", 100,
          XClaimParams.xClaimParams(), id2);
      assertThat(claimed).extracting(StreamEntry::getID).containsExactly(id2);
      assertThat(j.xclaim("orders", "workers", "carol", 100_000, XClaimParams.xClaimParams(),
          id3)).isEmpty(); // not idle long enough
      StreamPendingEntry id2Pending = j.xpending("orders", "workers",
          XPendingParams.xPendingParams(id2, id2, 1)).get(0);
      assertThat(id2Pending.getConsumerName()).isEqualTo("carol");
      assertThat(id2Pending.getDeliveredTimes()).isEqualTo(2);

      t.elapse().accept(Duration.ofMillis(120));
      Map.Entry<StreamEntryID, List<StreamEntry>> auto = j.xautoclaim("orders", "workers",
          "dave", 100, new StreamEntryID(0, 0), XAutoClaimParams.xAutoClaimParams().count(10));
      assertThat(auto.getKey()).isEqualTo(new StreamEntryID(0, 0)); // scanned to the end
      assertThat(auto.getValue()).extracting(StreamEntry::getID).containsExactly(id2, id3);
      var history = j.xreadGroup("workers", "dave", XReadGroupParams.xReadGroupParams(),
          Map.of("orders", new StreamEntryID(0, 0)));
      assertThat(history.get(0).getValue()).extracting(StreamEntry::getID)
          .containsExactly(id2, id3);

      Future<List<Map.Entry<String, List<StreamEntry>>>> blocked = pool.submit(
          () -> waiter.xreadGroup("workers", "erin",
              XReadGroupParams.xReadGroupParams().block(20_000), undelivered));
      awaitBlocked(j, 1);
      StreamEntryID id4 = j.xadd("orders", StreamEntryID.NEW_ENTRY, Map.of("n", "4"));
      assertThat(blocked.get(30, SECONDS).get(0).getValue())
          .extracting(StreamEntry::getID).containsExactly(id4);

      assertThatThrownBy(() -> j.xreadGroup("nogroup", "x", XReadGroupParams.xReadGroupParams(),
          undelivered)).hasMessageStartingWith("NOGROUP No such key 'orders' or consumer group");
    }
  }

  // =================================================================== Lettuce

  private <T> T withLettuce(Target t, java.util.function.Function<RedisClient, T> body) {
    RedisClient client = Clients.lettuce(resources, t.uri());
    try {
      return body.apply(client);
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void lettuceStringsAndHashes(String which) {
    Target t = target(which);
    withLettuce(t, client -> {
      try (StatefulRedisConnection<String, String> c = client.connect()) {
        RedisCommands<String, String> s = c.sync();
        assertThat(s.set("k", "v")).isEqualTo("OK");
        assertThat(s.get("k")).isEqualTo("v");
        assertThat(s.incrby("n", 41)).isEqualTo(41);
        assertThat(s.incr("n")).isEqualTo(42);
        assertThat(s.mget("k", "missing")).extracting(kv -> kv.getValueOrElse(null))
            .containsExactly("v", null);
        assertThat(s.get("missing")).isNull();
        assertThatThrownBy(() -> s.incr("k")).isInstanceOf(RedisCommandExecutionException.class)
            .hasMessage("ERR value is not an integer or out of range");
        assertThat(s.hset("h", Map.of("a", "1", "b", "2"))).isEqualTo(2);
        assertThat(s.hgetall("h")).isEqualTo(Map.of("a", "1", "b", "2"));
        assertThat(s.hincrby("h", "a", 9)).isEqualTo(10);
        assertThat(s.hdel("h", "b")).isEqualTo(1);
        assertThat(s.hkeys("h")).containsExactly("a");
        assertThatThrownBy(() -> s.lpush("h", "x"))
            .hasMessage("WRONGTYPE Operation against a key holding the wrong kind of value");
      }
      return null;
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void lettuceListsWithBlockingPops(String which) throws Exception {
    Target t = target(which);
    try (Jedis admin = Clients.jedis(t.uri())) {
      withLettuce(t, client -> {
        try (StatefulRedisConnection<String, String> c = client.connect();
            StatefulRedisConnection<String, String> w = client.connect()) {
          RedisCommands<String, String> s = c.sync();
          assertThat(s.rpush("l", "a", "b")).isEqualTo(2);
          assertThat(s.lrange("l", 0, -1)).containsExactly("a", "b");
          RedisFuture<KeyValue<String, String>> popped = w.async().blpop(20, "jobs");
          awaitBlocked(admin, 1);
          assertThat(popped.isDone()).isFalse();
          s.rpush("jobs", "job-7");
          KeyValue<String, String> kv = popped.get(30, SECONDS);
          assertThat(kv.getKey()).isEqualTo("jobs");
          assertThat(kv.getValue()).isEqualTo("job-7");
          assertThat(w.sync().brpop(0.1, "empty")).isNull();
        } catch (Exception e) {
          throw new AssertionError(e);
        }
        return null;
      });
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void lettucePubSub(String which) {
    Target t = target(which);
    withLettuce(t, client -> {
      BlockingQueue<String> received = new LinkedBlockingQueue<>();
      try (StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub();
          StatefulRedisConnection<String, String> pub = client.connect()) {
        sub.addListener(new RedisPubSubAdapter<>() {
          @Override
          public void message(String channel, String message) {
            received.add(channel + ":" + message);
          }

          @Override
          public void message(String pattern, String channel, String message) {
            received.add(pattern + "|" + channel + ":" + message);
          }
        });
        sub.sync().subscribe("news");
        sub.sync().psubscribe("log.*");
        assertThat(pub.sync().publish("news", "hi")).isEqualTo(1);
        assertThat(pub.sync().publish("log.error", "disk")).isEqualTo(1);
        assertThat(received.poll(30, SECONDS)).isEqualTo("news:hi");
        assertThat(received.poll(30, SECONDS)).isEqualTo("log.*|log.error:disk");
        sub.sync().unsubscribe("news");
        assertThat(pub.sync().publish("news", "gone")).isZero();
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
      return null;
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void lettuceTransactionsAndExpiry(String which) {
    Target t = target(which);
    withLettuce(t, client -> {
      try (StatefulRedisConnection<String, String> c = client.connect();
          StatefulRedisConnection<String, String> other = client.connect()) {
        RedisCommands<String, String> s = c.sync();
        s.rpush("q", "job");
        assertThat(s.multi()).isEqualTo("OK");
        s.set("x", "1");
        s.incr("x");
        s.lmove("q", "processing", LMoveArgs.Builder.leftRight());
        TransactionResult r = s.exec();
        assertThat(r.wasDiscarded()).isFalse();
        assertThat((Object) r.get(0)).isEqualTo("OK");
        assertThat((Object) r.get(1)).isEqualTo(2L);
        assertThat((Object) r.get(2)).isEqualTo("job");

        s.watch("w");
        other.sync().set("w", "theirs");
        s.multi();
        s.set("w", "mine");
        assertThat(s.exec().wasDiscarded()).isTrue();
        assertThat(s.get("w")).isEqualTo("theirs");

        s.set("session", "abc", SetArgs.Builder.px(1000));
        assertThat(s.pttl("session")).isBetween(1L, 1000L);
        t.passes(Duration.ofMillis(1000), () -> s.get("session") == null);
        assertThat(s.exists("session")).isZero();
      }
      return null;
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void lettuceLmoveAndBlmove(String which) throws Exception {
    Target t = target(which);
    try (Jedis admin = Clients.jedis(t.uri())) {
      withLettuce(t, client -> {
        try (StatefulRedisConnection<String, String> c = client.connect();
            StatefulRedisConnection<String, String> w = client.connect()) {
          RedisCommands<String, String> s = c.sync();
          s.rpush("src", "a", "b");
          assertThat(s.lmove("src", "dst", LMoveArgs.Builder.rightLeft())).isEqualTo("b");
          assertThat(s.lmove("nothing", "dst", LMoveArgs.Builder.leftLeft())).isNull();
          RedisFuture<String> moved =
              w.async().blmove("q", "processing", LMoveArgs.Builder.leftRight(), 20.0);
          awaitBlocked(admin, 1);
          s.rpush("q", "job-3");
          assertThat(moved.get(30, SECONDS)).isEqualTo("job-3");
          assertThat(s.lrange("processing", 0, -1)).containsExactly("job-3");
          assertThat(w.sync().blmove("empty", "x", LMoveArgs.Builder.leftLeft(), 0.1)).isNull();
        } catch (Exception e) {
          throw new AssertionError(e);
        }
        return null;
      });
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void lettuceStreamConsumerGroups(String which) throws Exception {
    Target t = target(which);
    try (Jedis admin = Clients.jedis(t.uri())) {
      withLettuce(t, client -> {
        try (StatefulRedisConnection<String, String> c = client.connect();
            StatefulRedisConnection<String, String> w = client.connect()) {
          RedisCommands<String, String> s = c.sync();
          assertThat(s.xgroupCreate(XReadArgs.StreamOffset.from("tasks", "0-0"), "g",
              XGroupCreateArgs.Builder.mkstream())).isEqualTo("OK");
          String id1 = s.xadd("tasks", Map.of("n", "1"));
          String id2 = s.xadd("tasks", Map.of("n", "2"));
          List<StreamMessage<String, String>> got = s.xreadgroup(
              io.lettuce.core.Consumer.from("g", "alice"), XReadArgs.Builder.count(1),
              XReadArgs.StreamOffset.lastConsumed("tasks"));
          assertThat(got).extracting(StreamMessage::getId).containsExactly(id1);
          assertThat(got.get(0).getBody()).isEqualTo(Map.of("n", "1"));
          got = s.xreadgroup(io.lettuce.core.Consumer.from("g", "bob"),
              XReadArgs.StreamOffset.lastConsumed("tasks"));
          assertThat(got).extracting(StreamMessage::getId).containsExactly(id2);

          PendingMessages summary = s.xpending("tasks", "g");
          assertThat(summary.getCount()).isEqualTo(2);
          assertThat(summary.getMessageIds().getLower().getValue()).isEqualTo(id1);
          assertThat(summary.getMessageIds().getUpper().getValue()).isEqualTo(id2);
          assertThat(summary.getConsumerMessageCount()).isEqualTo(Map.of("alice", 1L, "bob", 1L));
          List<PendingMessage> pending =
              s.xpending("tasks", "g", Range.create("-", "+"), Limit.from(10));
          assertThat(pending).extracting(PendingMessage::getConsumer)
              .containsExactly("alice", "bob");

          t.elapse().accept(Duration.ofMillis(120));
          List<StreamMessage<String, String>> claimed = s.xclaim("tasks",
              io.lettuce.core.Consumer.from("g", "carol"), XClaimArgs.Builder.minIdleTime(100),
              id1);
          assertThat(claimed).extracting(StreamMessage::getId).containsExactly(id1);
          assertThat(s.xack("tasks", "g", id1)).isEqualTo(1);

          t.elapse().accept(Duration.ofMillis(120));
          ClaimedMessages<String, String> auto = s.xautoclaim("tasks", new XAutoClaimArgs<String>()
              .consumer(io.lettuce.core.Consumer.from("g", "dave")).minIdleTime(100)
              .startId("0-0").count(10));
          assertThat(auto.getId()).isEqualTo("0-0");
          assertThat(auto.getMessages()).extracting(StreamMessage::getId).containsExactly(id2);

          RedisFuture<List<StreamMessage<String, String>>> blocked = w.async().xreadgroup(
              io.lettuce.core.Consumer.from("g", "erin"), XReadArgs.Builder.block(20_000),
              XReadArgs.StreamOffset.lastConsumed("tasks"));
          awaitBlocked(admin, 1);
          String id3 = s.xadd("tasks", Map.of("n", "3"));
          assertThat(blocked.get(30, SECONDS)).extracting(StreamMessage::getId)
              .containsExactly(id3);
        } catch (Exception e) {
          throw new AssertionError(e);
        }
        return null;
      });
    }
  }
}
