package dev.backlot.redis;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisPoolConfig;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.args.ListDirection;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The reliable-queue pattern on BLMOVE: producers push job IDs; each consumer moves a job into its
 * own processing list atomically, handles it, then removes it. 20 producers and 4 consumers move
 * every job exactly once, including across a {@code restart()} of the fake in the middle of the
 * run, because each side recovers the way such code does: a producer that lost a reply checks
 * whether its push landed, and a consumer that lost its connection first finishes what is left in
 * its processing list.
 */
class ReliableQueueTest {

  private static final int PRODUCERS = 20;
  private static final int JOBS_EACH = 30;
  private static final int CONSUMERS = 4;
  private static final int TOTAL = PRODUCERS * JOBS_EACH;

  @Test
  void everyJobIsHandledExactlyOnceAcrossARestart() throws Exception {
    try (RedisFake redis = new RedisFake().start()) {
      JedisPoolConfig config = new JedisPoolConfig();
      config.setMaxTotal(PRODUCERS + CONSUMERS + 2);
      config.setTestOnBorrow(true);
      JedisPool pool = new JedisPool(config, new HostAndPort("127.0.0.1", redis.port()),
          Clients.jedisConfig());
      Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
      AtomicInteger reconnects = new AtomicInteger();
      AtomicBoolean producing = new AtomicBoolean(true);
      ExecutorService threads = Executors.newFixedThreadPool(PRODUCERS + CONSUMERS);
      try {
        List<Future<?>> consumers = new ArrayList<>();
        for (int c = 0; c < CONSUMERS; c++) {
          String processing = "processing:" + c;
          consumers.add(threads.submit(() -> consume(pool, processing, handled, producing,
              reconnects)));
        }
        List<Future<?>> producers = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
          int producer = p;
          producers.add(threads.submit(() -> {
            for (int i = 0; i < JOBS_EACH; i++) {
              produce(pool, "job-" + producer + "-" + i, reconnects);
            }
          }));
        }

        // Crash and recover the server while jobs are flowing both ways.
        await().atMost(Duration.ofSeconds(60)).until(() -> handled.size() >= TOTAL / 3);
        redis.restart();

        for (Future<?> p : producers) {
          p.get(60, SECONDS);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> handled.size() == TOTAL);
        producing.set(false);
        for (Future<?> c : consumers) {
          c.get(60, SECONDS);
        }
      } finally {
        threads.shutdownNow();
      }

      assertThat(handled).hasSize(TOTAL);
      assertThat(handled.values()).allSatisfy(n -> assertThat(n).hasValue(1));
      try (Jedis j = pool.getResource()) {
        assertThat(j.llen("queue")).isZero();
        for (int c = 0; c < CONSUMERS; c++) {
          assertThat(j.llen("processing:" + c)).isZero();
        }
        assertThat(j.scard("produced")).isEqualTo(TOTAL);
      }
      assertThat(reconnects.get()).as("clients that saw the restart").isPositive();
      assertThat(redis.journal().count(e -> e.path().equals("BLMOVE"))).isGreaterThanOrEqualTo(
          TOTAL);
      pool.close();
    }
  }

  /** Pushes a job once: MULTI(SADD produced, LPUSH queue); after a lost reply, checks first. */
  private static void produce(JedisPool pool, String job, AtomicInteger reconnects) {
    retry(pool, reconnects, j -> {
      if (j.sismember("produced", job)) {
        return null; // the push landed before the connection died
      }
      Transaction tx = j.multi();
      tx.sadd("produced", job);
      tx.lpush("queue", job);
      tx.exec();
      return null;
    });
  }

  private static void consume(JedisPool pool, String processing, Map<String, AtomicInteger> handled,
      AtomicBoolean producing, AtomicInteger reconnects) {
    Set<String> done = ConcurrentHashMap.newKeySet(); // this consumer's own memory
    while (true) {
      boolean more = retry(pool, reconnects, j -> {
        // Recovery first: finish what an earlier connection moved but did not remove.
        for (String job : j.lrange(processing, 0, -1)) {
          finish(j, processing, job, handled, done);
        }
        String job = j.blmove("queue", processing, ListDirection.RIGHT, ListDirection.LEFT, 0.2);
        if (job != null) {
          finish(j, processing, job, handled, done);
          return true;
        }
        return producing.get() || j.llen("queue") > 0;
      });
      if (!more) {
        return;
      }
    }
  }

  private static void finish(Jedis j, String processing, String job,
      Map<String, AtomicInteger> handled, Set<String> done) {
    if (done.add(job)) {
      handled.computeIfAbsent(job, k -> new AtomicInteger()).incrementAndGet();
    }
    j.lrem(processing, 1, job);
  }

  /** Runs {@code work} on a pooled connection, again on a new one after a connection error. */
  private static <T> T retry(JedisPool pool, AtomicInteger reconnects, Function<Jedis, T> work) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try (Jedis j = pool.getResource()) {
        return work.apply(j);
      } catch (JedisException e) {
        // a lost connection, or the pool failing to validate a new one while the server restarts;
        // an error reply (JedisDataException) would be a real failure
        if (e instanceof JedisDataException) {
          throw e;
        }
        reconnects.incrementAndGet();
        if (System.nanoTime() > deadline || Thread.currentThread().isInterrupted()) {
          throw e;
        }
      }
    }
  }
}
