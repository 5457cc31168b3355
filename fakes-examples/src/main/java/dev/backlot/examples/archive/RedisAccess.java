package dev.backlot.examples.archive;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The archive's Redis connections: a Jedis pool, and one rule for outages: an operation that
 * cannot reach Redis is tried again (fresh connection each time) until {@link
 * ArchiveConfig#redisPatience()} has passed, then fails as stage {@code redis}. So a Redis
 * restart is ridden out, and a Redis that stays down is reported rather than waited on forever.
 * An error reply ({@code READONLY} after a failover, {@code OOM}...) fails at once.
 */
final class RedisAccess implements AutoCloseable {

  private final JedisPool pool;
  private final Duration patience;
  private final AtomicLong connectionFailures = new AtomicLong();

  RedisAccess(URI redis, Duration patience, int maxConnections) {
    GenericObjectPoolConfig<Jedis> pc = new GenericObjectPoolConfig<>();
    pc.setMaxTotal(maxConnections);
    pc.setMaxIdle(maxConnections);
    pc.setJmxEnabled(false);
    // Generous socket timeout: this machine stalls now and then (see PACKAGES.md).
    this.pool = new JedisPool(pc, redis.getHost(), redis.getPort(), 30_000);
    this.patience = patience;
  }

  /** Runs {@code op} on a pooled connection, riding out connection failures within the patience. */
  <T> T call(String what, Function<Jedis, T> op) throws ArchiveException, InterruptedException {
    long deadline = System.nanoTime() + patience.toNanos();
    long pause = 10;
    while (true) {
      try (Jedis j = pool.getResource()) {
        return op.apply(j);
      } catch (JedisConnectionException e) {
        connectionFailures.incrementAndGet();
        if (System.nanoTime() >= deadline) {
          throw new ArchiveException("redis", what + ": Redis unreachable for " + patience + " ("
              + e.getMessage() + ")", e);
        }
        Thread.sleep(pause); // back off before reconnecting; a client's pause, not a test's wait
        pause = Math.min(200, pause * 2);
      } catch (JedisException e) { // an error reply (READONLY, OOM, EXECABORT...): not retried
        throw new ArchiveException("redis", what + ": " + e.getMessage(), e);
      }
    }
  }

  /** True when a PING answers now (no retry). */
  boolean ping() {
    try (Jedis j = pool.getResource()) {
      return "PONG".equals(j.ping());
    } catch (RuntimeException e) {
      connectionFailures.incrementAndGet();
      return false;
    }
  }

  /** Connection failures seen so far (each failed try counts). */
  long connectionFailures() {
    return connectionFailures.get();
  }

  @Override
  public void close() {
    pool.close();
  }
}
