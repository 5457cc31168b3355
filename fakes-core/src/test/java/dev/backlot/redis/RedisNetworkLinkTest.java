package dev.backlot.redis;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.backlot.time.Clock;
import dev.backlot.time.ManualClock;
import dev.backlot.net.Direction;
import dev.backlot.net.Toxic;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/** Network-level faults: the fake behind a {@link dev.backlot.net.NetworkLink}. */
class RedisNetworkLinkTest {

  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void shutdown() {
    pool.shutdownNow();
  }

  @Test
  void clientsConnectThroughTheLink() {
    try (RedisFake redis = RedisFake.builder().behindLink().start();
        Jedis j = Clients.jedis(redis.redisUri())) {
      assertThat(redis.port()).isEqualTo(redis.link().port());
      assertThat(redis.redisUri().getPort()).isEqualTo(redis.link().port());
      assertThat(redis.directUri().getPort()).isNotEqualTo(redis.link().port());
      assertThat(redis.link().target().getPort()).isEqualTo(redis.directUri().getPort());
      assertThat(j.set("k", "v")).isEqualTo("OK");
      assertThat(redis.link().stats().connectionsAccepted()).isEqualTo(1);
    }
  }

  @Test
  void jedisSeesLatencyOnTheFakesClock() throws Exception {
    ManualClock clock = Clock.manual(Instant.parse("2026-01-01T00:00:00Z"));
    try (RedisFake redis = RedisFake.builder().clock(clock).behindLink().start();
        Jedis j = Clients.jedis(redis.redisUri())) {
      j.set("k", "v");
      Toxic lag = redis.link().toxics().latency(Direction.DOWNSTREAM, Duration.ofMillis(300));
      Future<String> get = pool.submit(() -> j.get("k"));
      await().atMost(Duration.ofSeconds(30)).until(() -> clock.pendingTasks() > 0);
      assertThat(get).isNotDone(); // the reply waits in the link
      clock.advance(Duration.ofMillis(299));
      assertThat(get).isNotDone();
      clock.advance(Duration.ofMillis(1));
      assertThat(get.get(30, SECONDS)).isEqualTo("v");
      lag.remove();
      assertThat(j.get("k")).isEqualTo("v");
    }
  }

  @Test
  void aPartitionTimesJedisOutAndHealingLetsItRecover() {
    try (RedisFake redis = RedisFake.builder().behindLink().start()) {
      HostAndPort address = new HostAndPort("127.0.0.1", redis.port());
      Jedis impatient = new Jedis(address, Clients.jedisConfig());
      assertThat(impatient.set("k", "v")).isEqualTo("OK");
      impatient.getConnection().setSoTimeout(500); // impatient only once connected

      redis.link().partition();
      assertThatThrownBy(impatient::ping)
          .isInstanceOf(JedisConnectionException.class)
          .hasRootCauseInstanceOf(SocketTimeoutException.class);
      assertThat(redis.isRunning()).isTrue(); // the server is fine; the network is not
      impatient.close(); // a timed-out connection is broken: Jedis drops it

      redis.link().heal();
      try (Jedis again = new Jedis(address, Clients.jedisConfig())) {
        assertThat(again.get("k")).isEqualTo("v");
      }
    }
  }

  @Test
  void stoppingTheFakeBehindTheLinkCutsClientsAndRestartHeals() {
    try (RedisFake redis = RedisFake.builder().behindLink().start()) {
      Jedis j = Clients.jedis(redis.redisUri());
      j.set("k", "v");
      redis.stop();
      assertThatThrownBy(j::ping).isInstanceOf(JedisConnectionException.class);
      j.close();
      redis.restart();
      try (Jedis again = Clients.jedis(redis.redisUri())) {
        assertThat(again.get("k")).isEqualTo("v");
      }
    }
  }
}
