package dev.backlot.redis;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.backlot.Fake;
import dev.backlot.time.Clock;
import dev.backlot.time.ManualClock;
import dev.backlot.journal.Entry;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisPoolConfig;
import redis.clients.jedis.exceptions.JedisConnectionException;

class RedisFakeLifecycleTest {

  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void shutdown() {
    pool.shutdownNow();
  }

  private static boolean refuses(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 20_000);
      return false;
    } catch (ConnectException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void startsOnARandomLoopbackPortAndSpeaksRedis() {
    try (RedisFake redis = new RedisFake().start(); Jedis j = Clients.jedis(redis.redisUri())) {
      assertThat(redis.name()).isEqualTo("redis");
      assertThat(redis.isRunning()).isTrue();
      assertThat(redis.port()).isPositive();
      assertThat(redis.redisUri()).hasToString("redis://127.0.0.1:" + redis.port());
      assertThat(redis.baseUri()).isEqualTo(redis.redisUri());
      assertThat(redis.directUri()).isEqualTo(redis.redisUri());
      assertThat(redis.start()).isSameAs(redis); // starting twice is a no-op
      assertThat(j.ping()).isEqualTo("PONG");
      assertThatThrownBy(redis::link).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("behindLink()");
      Fake asFake = redis;
      assertThat(asFake.clock()).isSameAs(Clock.system());
    }
  }

  @Test
  void aFixedPortIsUsedAsGiven() throws IOException {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    try (RedisFake redis = RedisFake.builder().port(port).start();
        Jedis j = Clients.jedis(redis.redisUri())) {
      assertThat(redis.port()).isEqualTo(port);
      assertThat(j.ping()).isEqualTo("PONG");
      assertThatThrownBy(() -> RedisFake.builder().port(port).start())
          .hasMessageContaining("could not bind 127.0.0.1:" + port);
    }
  }

  @Test
  void stopRefusesConnectionsAndRestartServesTheSameDataOnTheSamePort() throws Exception {
    try (RedisFake redis = new RedisFake().start()) {
      int port = redis.port();
      JedisPoolConfig config = new JedisPoolConfig();
      config.setTestOnBorrow(true); // a client's reconnect logic: idle connections died
      JedisPool clients = new JedisPool(config,
          new HostAndPort("127.0.0.1", port), Clients.jedisConfig());
      try (Jedis j = clients.getResource()) {
        j.set("k", "v");
        j.rpush("q", "a", "b");
      }
      Jedis open = Clients.jedis(redis.redisUri());
      assertThat(open.ping()).isEqualTo("PONG");

      redis.stop();
      assertThat(redis.isRunning()).isFalse();
      assertThat(refuses(port)).isTrue();
      assertThatThrownBy(open::ping).isInstanceOf(JedisConnectionException.class);
      assertThatThrownBy(() -> redis.call("PING")).isInstanceOf(IllegalStateException.class);
      assertThat(redis.port()).isEqualTo(port);

      redis.restart();
      assertThat(redis.isRunning()).isTrue();
      assertThat(redis.port()).isEqualTo(port);
      try (Jedis j = clients.getResource()) { // the pool hands out a fresh connection
        assertThat(j.get("k")).isEqualTo("v");
        assertThat(j.lrange("q", 0, -1)).containsExactly("a", "b");
      }
      clients.close();
      open.close();
    }
  }

  @Test
  void theMomentStopReturnsThePortRefuses() {
    // The accept thread holds the listening socket until it wakes; stop() waits for it.
    try (RedisFake redis = new RedisFake().start()) {
      for (int round = 0; round < 200; round++) {
        redis.stop();
        assertThat(refuses(redis.port())).as("round %d", round).isTrue();
        redis.start();
      }
    }
  }

  @Test
  void stopCutsBlockedCommands() throws Exception {
    try (RedisFake redis = new RedisFake().start();
        Jedis admin = Clients.jedis(redis.redisUri());
        Jedis waiter = Clients.jedis(redis.redisUri())) {
      Future<?> blpop = pool.submit(() -> waiter.blpop(30, "never"));
      await().atMost(Duration.ofSeconds(30))
          .until(() -> admin.info("clients").contains("blocked_clients:1\r\n"));
      redis.stop();
      assertThatThrownBy(() -> blpop.get(30, SECONDS))
          .hasCauseInstanceOf(JedisConnectionException.class);
    }
  }

  @Test
  void noConnectionHangsWhenTheFakeStopsWhileClientsConnect() throws Exception {
    try (RedisFake redis = new RedisFake().start()) {
      int port = redis.port();
      for (int round = 0; round < 20; round++) {
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger answered = new AtomicInteger();
        List<Future<String>> connectors = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
          connectors.add(pool.submit(() -> {
            while (!done.get()) {
              try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 20_000);
                s.setSoTimeout(20_000); // a generous ceiling: a served or cut connection is faster
                Resp.write(s.getOutputStream(), List.of("PING"));
                if ("PONG".equals(Resp.read(s.getInputStream()))) {
                  answered.incrementAndGet();
                }
              } catch (java.net.SocketTimeoutException e) {
                return "a connection hung: " + e;
              } catch (IOException e) {
                // refused or cut: what a stopped server does

              }
            }
            return "ok";
          }));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> answered.get() >= 3);
        redis.stop();
        done.set(true);
        for (Future<String> c : connectors) {
          assertThat(c.get(20, SECONDS)).as("round " + round).isEqualTo("ok");
        }
        redis.start();
      }
    }
  }

  @Test
  void resetFlushesEveryDatabaseAndClearsFaultsJournalAndGroups() {
    try (RedisFake redis = new RedisFake().start(); Jedis j = Clients.jedis(redis.redisUri())) {
      j.set("a", "1");
      j.select(3);
      j.set("b", "2");
      j.xgroupCreate("s", "g", null, true);
      redis.faults().onCommand("GET").error("ERR boom");
      assertThat(redis.journal().size()).isPositive();

      redis.reset();

      assertThat(redis.faults().isEmpty()).isTrue();
      assertThat(redis.journal().size()).isZero();
      assertThat(j.dbSize()).isZero();
      assertThat(j.exists("s")).isFalse();
      j.select(0);
      assertThat(j.dbSize()).isZero();
      assertThat(j.get("a")).isNull(); // and GET is no longer faulted
      assertThat(redis.journal().find(e -> e.path().equals("GET"))).hasSize(1);
    }
  }

  @Test
  void setupSeedsDataAtStartAndAfterEveryReset() {
    try (RedisFake redis = RedisFake.builder()
        .setup(r -> r.call("SET", "feature:x", "on"))
        .setup(r -> r.call("RPUSH", "queue", "seed-1", "seed-2"))
        .start(); Jedis j = Clients.jedis(redis.redisUri())) {
      assertThat(j.get("feature:x")).isEqualTo("on");
      j.del("feature:x");
      j.rpush("queue", "mine");
      redis.reset();
      assertThat(j.get("feature:x")).isEqualTo("on");
      assertThat(j.lrange("queue", 0, -1)).containsExactly("seed-1", "seed-2");
      // the setup's commands are not the system under test's: not journaled
      assertThat(redis.journal().find(e -> e.path().equals("SET"))).isEmpty();
    }
  }

  @Test
  void callRunsCommandsWithoutAClientAndWithoutTheJournal() {
    try (RedisFake redis = new RedisFake().start()) {
      assertThat(redis.call("SET", "k", "v")).isEqualTo("OK");
      assertThat(redis.call("GET", "k")).isEqualTo("v");
      assertThat(redis.call("GET", "none")).isNull();
      assertThat(redis.call("RPUSH", "l", "a", "b")).isEqualTo(2L);
      assertThat(redis.call("LRANGE", "l", "0", "-1")).isEqualTo(List.of("a", "b"));
      assertThatThrownBy(() -> redis.call("LPUSH", "k", "x"))
          .isInstanceOfSatisfying(RedisErrorReply.class,
              e -> assertThat(e.code()).isEqualTo("WRONGTYPE"));
      redis.faults().onAnyCommand().close(); // faults never touch call()
      assertThat(redis.call("PING")).isEqualTo("PONG");
      assertThat(redis.journal().size()).isZero();
    }
  }

  @Test
  void journalRecordsEveryCommandWithArgumentsReplyKindConnectionAndDatabase() {
    ManualClock clock = Clock.manual(Instant.parse("2026-05-01T10:00:00Z"));
    try (RedisFake redis = RedisFake.builder().clock(clock).start();
        Jedis a = Clients.jedis(redis.redisUri()); Jedis b = Clients.jedis(redis.redisUri())) {
      redis.journal().clear(); // Jedis's CLIENT SETINFO on connect
      a.set("k", "x".repeat(1000));
      a.get("k");
      a.get("missing");
      a.incr("n");
      a.rpush("l", "1", "2");
      a.lrange("l", 0, -1);
      assertThatThrownBy(() -> a.lpush("k", "v")).hasMessageStartingWith("WRONGTYPE");
      b.select(2);
      b.ping();

      List<Entry> e = redis.journal().entries();
      assertThat(e).extracting(Entry::path).containsExactly(
          "SET", "GET", "GET", "INCR", "RPUSH", "LRANGE", "LPUSH", "SELECT", "PING");
      assertThat(e).allSatisfy(x -> {
        assertThat(x.kind()).isEqualTo(Entry.Kind.COMMAND);
        assertThat(x.time()).isEqualTo(clock.instant());
        assertThat(x.completed()).isTrue();
      });
      assertThat(e.get(0).bodyText()).startsWith("k xxx").endsWith("...(1000 bytes)");
      assertThat(e.get(0).outcome()).isEqualTo("status");
      assertThat(e.get(0).responseBody()).isEqualTo("OK");
      assertThat(e.get(1).outcome()).isEqualTo("bulk");
      assertThat(e.get(2).outcome()).isEqualTo("nil");
      assertThat(e.get(3).responseBody()).isEqualTo("(integer) 1");
      assertThat(e.get(5).responseBody()).isEqualTo("(2 elements)");
      assertThat(e.get(6).outcome())
          .isEqualTo("error: WRONGTYPE Operation against a key holding the wrong kind of value");
      assertThat(e.get(0).query()).isEqualTo("conn=" + connOf(e.get(0)) + "&db=0");
      assertThat(connOf(e.get(7))).isNotEqualTo(connOf(e.get(0)));
      assertThat(e.get(8).query()).endsWith("&db=2");
      assertThat(e.get(6).toString()).contains("LPUSH k v").contains("[error: WRONGTYPE");
    }
  }

  private static String connOf(Entry e) {
    return e.query().replaceAll("conn=(\\d+)&.*", "$1");
  }

  @Test
  void theFakesClockDrivesExpiry() {
    ManualClock clock = Clock.manual(Instant.parse("2026-05-01T10:00:00Z"));
    try (RedisFake redis = RedisFake.builder().clock(clock).start();
        Jedis j = Clients.jedis(redis.redisUri())) {
      j.setex("session", 60, "abc");
      j.hset("h", Map.of("f", "v"));
      j.expire("h", 3600);
      clock.advance(Duration.ofSeconds(59));
      assertThat(j.ttl("session")).isEqualTo(1);
      assertThat(j.get("session")).isEqualTo("abc");
      clock.advance(Duration.ofSeconds(1));
      assertThat(j.get("session")).isNull();
      assertThat(j.ttl("h")).isEqualTo(3600 - 60);
      clock.advance(Duration.ofHours(1));
      assertThat(j.exists("h")).isFalse();
      assertThat(j.time().get(0)).isEqualTo(String.valueOf(clock.instant().getEpochSecond()));
    }
  }

  @Test
  void unknownCommandsAnswerInRedisWords() {
    try (RedisFake redis = new RedisFake().start()) {
      // Redis names the command as the client spelled it (checked against redis-server 7.0.15)
      assertThatThrownBy(() -> redis.call("FROBNICATE", "a"))
          .hasMessage("ERR unknown command 'FROBNICATE', with args beginning with: 'a' ");
    }
  }

  @Test
  void twoFakesInOneJvmDoNotShareData() {
    try (RedisFake one = new RedisFake().start(); RedisFake two = new RedisFake().start()) {
      one.call("SET", "k", "one");
      assertThat(two.call("GET", "k")).isNull();
      assertThat(one.port()).isNotEqualTo(two.port());
    }
  }

  @Test
  void closeFreesThePortAndEveryThread() throws Exception {
    java.util.Set<Thread> before = java.util.Set.copyOf(Thread.getAllStackTraces().keySet());
    RedisFake redis = new RedisFake().start();
    int port = redis.port();
    try (Jedis a = Clients.jedis(redis.redisUri()); Jedis b = Clients.jedis(redis.redisUri())) {
      a.set("k", "v");
      assertThat(b.get("k")).isEqualTo("v");
      redis.call("PING");
      assertThat(newThreads(before)).isNotEmpty(); // a thread per connection, an acceptor
      redis.close();
      redis.close(); // idempotent
    }
    assertThat(refuses(port)).as("port %d after close", port).isTrue();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(
        () -> assertThat(newThreads(before)).as("threads left behind").isEmpty());
    assertThatThrownBy(redis::start).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    // (Not re-binding the port here: with test forks running side by side, another process's
    // client socket may take a freed ephemeral port at any moment.)
  }

  /** Live threads started since {@code before}, except the JDK's own and the shared clock. */
  private static List<String> newThreads(java.util.Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && !before.contains(t))
        .map(Thread::getName)
        .filter(n -> !n.startsWith("backlot-clock") && !n.equals("Common-Cleaner")
            && !n.equals("Attach Listener") && !n.equals("Notification Thread")
            && !n.startsWith("awaitility"))
        .toList();
  }
}
