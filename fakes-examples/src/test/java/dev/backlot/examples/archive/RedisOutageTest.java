package dev.backlot.examples.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.backlot.cablecast.CablecastFake;
import dev.backlot.examples.archive.VodCatalog.Vod;
import dev.backlot.fault.CommandRule;
import dev.backlot.journal.RequestPattern;
import dev.backlot.junit.BacklotTest;
import dev.backlot.redis.JobLayout;
import dev.backlot.redis.JobWatch;
import dev.backlot.redis.RedisErrors;
import dev.backlot.redis.RedisFake;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis failing and recovering (seed 002's "Redis failure recovery"): Redis is the archive's
 * store and Celery's broker and result backend at once, so a stopped Redis, a dropped connection,
 * a lost reply or a failover's READONLY error each hit the workflow somewhere else.
 */
@BacklotTest
class RedisOutageTest {

  CablecastFake cablecast;
  RedisFake redis;

  LiveUpdates live;
  Archivist archive;
  JavaCeleryWorker worker;

  @BeforeEach
  void startTheArchive() {
    live = LiveUpdates.start();
    archive = new Archivist(ArchiveRig.config(cablecast, redis), live, ArchiveRig.taskIds());
    worker = JavaCeleryWorker.start(redis.redisUri());
  }

  @AfterEach
  void stopTheArchive() {
    worker.close();
    archive.close();
    live.close();
  }

  @Test
  void aStoppedRedisDegradesTheArchiveAndARestartBringsItBackWithItsData() throws Exception {
    Vod kept = archive.archive(ArchiveRig.showWithVod(cablecast));
    try (Archivist impatient = new Archivist(ArchiveRig.config(cablecast, redis)
        .withRedisPatience(Duration.ZERO), live, ArchiveRig.taskIds())) {

      redis.stop();
      try {
        assertThat(impatient.health()).isEqualTo("degraded");
        assertThatThrownBy(() -> impatient.catalog().count())
            .isInstanceOfSatisfying(ArchiveException.class, e -> assertThat(e.stage()).isEqualTo("redis"))
            .hasMessageContaining("Redis unreachable");
      } finally {
        redis.restart();
      }

      assertThat(impatient.health()).isEqualTo("healthy");
      assertThat(impatient.catalog().list()).extracting(Vod::id).containsExactly(kept.id());
    }
  }

  @Test
  void aRedisRestartInTheMiddleOfTheWorkflowIsRiddenOut() throws Exception {
    long show = ArchiveRig.showWithVod(cablecast);
    JobWatch celery = redis.watchJobs(JobLayout.CELERY);
    Vod vod = archive.archive(show);
    long failuresBefore = archive.redisConnectionFailures();

    redis.stop();
    CompletableFuture<Vod> rest = CompletableFuture.supplyAsync(() -> {
      try {
        archive.transcribe(vod.id());
        return archive.finish(vod.id());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    await().atMost(Duration.ofSeconds(20)).until(() -> archive.redisConnectionFailures() > failuresBefore);
    assertThat(rest).isNotDone();
    redis.restart();

    assertThat(rest.get(30, TimeUnit.SECONDS).status()).isEqualTo("linked");
    assertThat(celery.statuses("transcribe-1")).containsExactly("STARTED", "SUCCESS");
    celery.assertLegal();
  }

  @Test
  void aConnectionDroppedBeforeQueueingSendsTheTaskExactlyOnce() throws Exception {
    CommandRule drop = redis.faults().onCommand("LPUSH").next(1).close();

    Vod vod = archive.process(ArchiveRig.showWithVod(cablecast));

    assertThat(vod.status()).isEqualTo("linked");
    assertThat(drop.fired()).isEqualTo(1);
    assertThat(redis.journal().count(e -> e.path().equals("LPUSH"))).isEqualTo(2);
    assertThat(worker.messages()).isEqualTo(1);
  }

  @Test
  void aLostReplyToTheQueueingDeliversTheTaskTwiceAndStickySuccessKeepsOneResult() throws Exception {
    long show = ArchiveRig.showWithVod(cablecast);
    JobWatch celery = redis.watchJobs(JobLayout.CELERY);
    redis.faults().onCommand("LPUSH").next(1).afterHandling().close(); // pushed, but no reply

    Vod vod = archive.process(show);

    await().atMost(Duration.ofSeconds(20)).until(() -> worker.messages() == 2);
    assertThat(vod.status()).isEqualTo("linked");
    assertThat(celery.statuses("transcribe-1")).containsExactly("STARTED", "SUCCESS");
    celery.assertLegal();
    cablecast.journal().verify(1, RequestPattern.put("/cablecastapi/v1/shows/" + show));
  }

  @Test
  void aFailoversReadOnlyErrorFailsTheCreateCleanlyAndTheNextOneWorks() throws Exception {
    long show = ArchiveRig.showWithVod(cablecast);
    redis.faults().onCommand("HSET").next(1).error(RedisErrors.READONLY);

    assertThatThrownBy(() -> archive.archive(show))
        .isInstanceOfSatisfying(ArchiveException.class, e -> assertThat(e.stage()).isEqualTo("redis"));
    assertThat(archive.catalog().count()).isZero(); // MULTI aborted: no id without its record
    assertThat(redis.call("EXISTS", "archive:vod:1")).isEqualTo(0L);

    Vod vod = archive.archive(show);
    assertThat(archive.catalog().list()).extracting(Vod::id).containsExactly(vod.id());
  }
}
