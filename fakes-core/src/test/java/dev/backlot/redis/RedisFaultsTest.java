package dev.backlot.redis;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.backlot.time.Clock;
import dev.backlot.time.ManualClock;
import dev.backlot.fault.CommandRule;
import dev.backlot.fault.FaultPlan;
import dev.backlot.journal.Entry;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisLoadingException;
import io.lettuce.core.RedisReadOnlyException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisPoolConfig;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisBusyException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisFaultsTest {

  private ClientResources resources;

  @BeforeAll
  void resources() {
    resources = Clients.lettuceResources();
  }

  @AfterAll
  void shutdown() {
    resources.shutdown(0, 2, SECONDS);
  }

  private RedisClient lettuce(RedisFake redis) {
    return Clients.lettuce(resources, redis.redisUri());
  }

  @Test
  void errorRepliesSurfaceAsJedisExceptions() {
    try (RedisFake redis = new RedisFake().start(); Jedis j = Clients.jedis(redis.redisUri())) {
      j.set("k", "v");
      redis.faults().onCommand("GET").next(1).error(RedisErrors.LOADING);
      redis.faults().onCommand("SET").next(1).error(RedisErrors.READONLY);
      redis.faults().onCommand("EVAL").next(1).error(RedisErrors.BUSY);
      redis.faults().onCommand("INCR").next(1).error(RedisErrors.OOM);
      redis.faults().onCommand("DEL").next(1).error("boom");

      assertThatThrownBy(() -> j.get("k")).isInstanceOf(JedisDataException.class)
          .hasMessage("LOADING Redis is loading the dataset in memory");
      assertThatThrownBy(() -> j.set("k", "changed")).isInstanceOf(JedisDataException.class)
          .hasMessage("READONLY You can't write against a read only replica.");
      assertThatThrownBy(() -> j.eval("return 1")).isInstanceOf(JedisBusyException.class);
      assertThatThrownBy(() -> j.incr("n")).hasMessageStartingWith("OOM command not allowed");
      assertThatThrownBy(() -> j.del("k")).hasMessage("ERR boom");

      // the faulted commands did not run; the next ones do
      assertThat(j.get("k")).isEqualTo("v");
      assertThat(j.exists("n")).isFalse();
      assertThat(j.incr("n")).isEqualTo(1);
      redis.faults().assertAllFired();
      Entry faulted = redis.journal().find(e -> e.path().equals("GET")).get(0);
      assertThat(faulted.fault()).contains("#1 GET, next(1) -> error LOADING")
          .contains("seed " + FaultPlan.DEFAULT_SEED);
      assertThat(faulted.outcome()).startsWith("error: LOADING");
    }
  }

  @Test
  void errorRepliesSurfaceAsLettuceExceptions() {
    try (RedisFake redis = new RedisFake().start()) {
      RedisClient client = lettuce(redis);
      try (StatefulRedisConnection<String, String> c = client.connect()) {
        RedisCommands<String, String> s = c.sync();
        redis.faults().onCommand("GET").next(1).error(RedisErrors.LOADING);
        redis.faults().onCommand("SET").next(1).error(RedisErrors.READONLY);
        redis.faults().onCommand("EVAL").next(1).error(RedisErrors.BUSY);
        redis.faults().onCommand("INCR").next(1).error(RedisErrors.OOM);
        assertThatThrownBy(() -> s.get("k")).isInstanceOf(RedisLoadingException.class);
        assertThatThrownBy(() -> s.set("k", "v")).isInstanceOf(RedisReadOnlyException.class);
        assertThatThrownBy(() -> s.eval("return 1", io.lettuce.core.ScriptOutputType.INTEGER))
            .isInstanceOf(RedisBusyException.class);
        assertThatThrownBy(() -> s.incr("n")).isInstanceOf(RedisCommandExecutionException.class)
            .hasMessageStartingWith("OOM");
        assertThat(s.set("k", "v")).isEqualTo("OK");
      } finally {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      }
    }
  }

  @Test
  void aFaultedCommandInsideMultiAbortsTheTransactionLikeRedis() {
    try (RedisFake redis = new RedisFake().start(); Jedis j = Clients.jedis(redis.redisUri())) {
      redis.faults().onCommand("SET").key("a").error(RedisErrors.OOM);
      Transaction tx = j.multi();
      tx.set("b", "1");
      tx.set("a", "1");
      assertThatThrownBy(tx::exec).isInstanceOf(JedisDataException.class)
          .hasMessageStartingWith("EXECABORT");
      assertThat(j.exists("a", "b")).isZero();
    }
  }

  @Test
  void keyGlobsEveryAndAfterPickTheCommands() {
    try (RedisFake redis = new RedisFake().start(); Jedis j = Clients.jedis(redis.redisUri())) {
      CommandRule sessions = redis.faults().onCommand("get").key("session:*").error("ERR s");
      CommandRule third = redis.faults().onCommand("INCR").every(3).error("ERR third");
      CommandRule late = redis.faults().onCommand("PING").after(2).error("ERR late");
      assertThatThrownBy(() -> j.get("session:1")).hasMessage("ERR s");
      assertThat(j.get("user:1")).isNull();
      List<String> incr = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        try {
          incr.add(String.valueOf(j.incr("n")));
        } catch (JedisDataException e) {
          incr.add(e.getMessage());
        }
      }
      assertThat(incr).containsExactly("1", "2", "ERR third", "3", "4", "ERR third");
      assertThat(j.ping()).isEqualTo("PONG");
      assertThat(j.ping()).isEqualTo("PONG");
      assertThatThrownBy(j::ping).hasMessage("ERR late");
      assertThat(sessions.fired()).isEqualTo(1);
      assertThat(sessions.matched()).isEqualTo(1);
      assertThat(third.fired()).isEqualTo(2);
      assertThat(late.matched()).isEqualTo(3);
      assertThat(redis.faults().rules()).containsExactly(sessions, third, late);
      third.remove();
      assertThat(j.incr("n")).isEqualTo(5);
      assertThatThrownBy(() -> redis.faults().onCommand("GET").error("x").next(2))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("before the rule's action");
    }
  }

  @Test
  void probabilitiesFollowTheSeed() {
    assertThat(failures(42)).isEqualTo(failures(42)).isNotEqualTo(failures(43));
    assertThat(failures(42).size()).isBetween(10, 50); // about 30 of 100
  }

  private static List<Integer> failures(long seed) {
    try (RedisFake redis = RedisFake.builder().seed(seed).start();
        Jedis j = Clients.jedis(redis.redisUri())) {
      redis.faults().onCommand("GET").probability(0.3).error("ERR unlucky");
      List<Integer> failed = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        try {
          j.get("k");
        } catch (JedisDataException e) {
          failed.add(i);
        }
      }
      return failed;
    }
  }

  @Test
  void aDelayHoldsTheCommandUntilTheManualClockPassesIt() throws Exception {
    ManualClock clock = Clock.manual(Instant.parse("2026-01-01T00:00:00Z"));
    try (RedisFake redis = RedisFake.builder().clock(clock).start()) {
      RedisClient client = lettuce(redis);
      try (StatefulRedisConnection<String, String> slow = client.connect();
          StatefulRedisConnection<String, String> other = client.connect()) {
        slow.sync().set("k", "v");
        redis.faults().onCommand("GET").next(1).delay(Duration.ofSeconds(5));
        RedisFuture<String> get = slow.async().get("k");
        RedisFuture<Long> behind = slow.async().incr("n"); // same connection: waits its turn
        await().atMost(Duration.ofSeconds(30)).until(() -> clock.pendingTasks() == 1);
        assertThat(other.sync().ping()).isEqualTo("PONG"); // other connections are served
        assertThat(get.isDone()).isFalse();
        clock.advance(Duration.ofSeconds(4));
        assertThat(get.isDone()).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(get.get(30, SECONDS)).isEqualTo("v");
        assertThat(behind.get(30, SECONDS)).isEqualTo(1);
        assertThat(redis.journal().find(e -> e.path().equals("GET")).get(0).fault())
            .contains("delay 5000ms");
      } finally {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      }
    }
  }

  @Test
  void aDroppedConnectionIsRecoveredByJedisPoolReconnecting() {
    try (RedisFake redis = new RedisFake().start()) {
      JedisPoolConfig config = new JedisPoolConfig();
      config.setTestOnBorrow(true);
      try (JedisPool pool = new JedisPool(config, new HostAndPort("127.0.0.1", redis.port()),
          Clients.jedisConfig())) {
        try (Jedis j = pool.getResource()) {
          j.set("k", "v");
        }
        redis.faults().onCommand("GET").nth(2).close();
        List<String> results = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          try (Jedis j = pool.getResource()) {
            results.add(j.get("k"));
          } catch (JedisConnectionException e) {
            results.add("dropped");
          }
        }
        assertThat(results).containsExactly("v", "dropped", "v");
        List<Entry> gets = redis.journal().find(e -> e.path().equals("GET"));
        assertThat(gets).extracting(Entry::outcome)
            .containsExactly("bulk", "connection closed", "bulk");
        assertThat(gets.get(2).query()).isNotEqualTo(gets.get(1).query()); // a new connection
      }
    }
  }

  @Test
  void lettuceReconnectsAndResendsADroppedCommand() {
    try (RedisFake redis = new RedisFake().start()) {
      RedisClient client = lettuce(redis);
      try (StatefulRedisConnection<String, String> c = client.connect()) {
        c.sync().set("k", "v");
        redis.faults().onCommand("GET").next(1).close();
        assertThat(c.sync().get("k")).isEqualTo("v"); // at-least-once: resent after reconnect
        List<Entry> gets = redis.journal().find(e -> e.path().equals("GET"));
        assertThat(gets).extracting(Entry::outcome).containsExactly("connection closed", "bulk");
        assertThat(gets.get(1).query()).isNotEqualTo(gets.get(0).query());

        // ...which runs a write twice when only the reply was lost
        redis.faults().onCommand("INCR").next(1).afterHandling().close();
        assertThat(c.sync().incr("counter")).isEqualTo(2);
        assertThat(redis.journal().find(e -> e.path().equals("INCR")))
            .extracting(Entry::outcome)
            .containsExactly("integer, then connection closed instead of the reply", "integer");
      } finally {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      }
    }
  }

  @Test
  void assertAllFiredNamesTheRulesThatNeverActed() {
    try (RedisFake redis = new RedisFake().start(); Jedis j = Clients.jedis(redis.redisUri())) {
      redis.faults().onCommand("GET").error("ERR fired");
      redis.faults().onCommand("HGET").nth(2).error("ERR never");
      assertThatThrownBy(() -> j.get("a")).hasMessage("ERR fired");
      j.hget("h", "f");
      assertThatThrownBy(() -> redis.faults().assertAllFired())
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("1 fault rule never fired (seed " + FaultPlan.DEFAULT_SEED)
          .hasMessageContaining("#2 HGET, nth(2) -> error ERR never")
          .hasMessageContaining("matched 1 command, but its conditions never let it fire")
          .hasMessageContaining("HGET h f");
      redis.reset();
      redis.faults().assertAllFired(); // no rules left
      assertThat(j.get("a")).isNull();
    }
  }
}
