package dev.backlot.examples.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backlot.cablecast.CablecastFake;
import dev.backlot.examples.archive.VodCatalog.Vod;
import dev.backlot.jobs.Vocabularies;
import dev.backlot.journal.RequestPattern;
import dev.backlot.junit.BacklotTest;
import dev.backlot.redis.JobLayout;
import dev.backlot.redis.JobWatch;
import dev.backlot.redis.RedisFake;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The transcription tasks' Celery states (seed 002's "Celery integration: task status
 * tracking"), read by the Redis fake's Celery job watch from what the worker really wrote and
 * checked against Celery's vocabulary: PENDING, STARTED, SUCCESS, FAILURE, RETRY.
 */
@BacklotTest
class CeleryTaskStatesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final String VOD_FILE = "/vod/{id}/{file}";

  CablecastFake cablecast;
  RedisFake redis;

  LiveUpdates live;
  Archivist archive;
  JobWatch celery;
  JavaCeleryWorker worker;

  @BeforeEach
  void startTheArchive() {
    live = LiveUpdates.start();
    archive = new Archivist(ArchiveRig.config(cablecast, redis), live, ArchiveRig.taskIds());
    celery = redis.watchJobs(JobLayout.CELERY);
  }

  @AfterEach
  void stopTheArchive() {
    if (worker != null) {
      worker.close();
    }
    celery.close();
    archive.close();
    live.close();
  }

  @Test
  void aTaskNoWorkerHasTakenIsPendingAndWaitsOnTheQueueInKombusLayout() throws Exception {
    Vod vod = archive.archive(ArchiveRig.showWithVod(cablecast));
    String task = archive.transcribe(vod.id());

    assertThat(archive.celery().result(task).state()).isEqualTo("PENDING");
    assertThat(JobLayout.CELERY.status(redis, task)).isEqualTo("PENDING");
    JsonNode message = JSON.readTree((String) ((List<?>) redis.call("LRANGE", "celery", "0", "-1")).get(0));
    assertThat(message.at("/headers/task").asText()).isEqualTo("archivist.tasks.transcribe_vod");
    assertThat(message.at("/headers/id").asText()).isEqualTo(task);
    assertThat(message.at("/properties/body_encoding").asText()).isEqualTo("base64");
    JsonNode body = JSON.readTree(Base64.getDecoder().decode(message.path("body").asText()));
    assertThat(body.get(0).get(0).asLong()).isEqualTo(vod.id());
    assertThat(body.get(0).get(1).asText()).isEqualTo(vod.get("url"));

    try (Archivist impatient = new Archivist(ArchiveRig.config(cablecast, redis)
        .withTranscriptionTimeout(Duration.ofMillis(300)), live, ArchiveRig.taskIds())) {
      assertThatThrownBy(() -> impatient.finish(vod.id()))
          .isInstanceOfSatisfying(ArchiveException.class, e -> assertThat(e.stage()).isEqualTo("transcription"))
          .hasMessageContaining("still PENDING");
    }
  }

  @Test
  void aSuccessfulTaskGoesPendingStartedSuccess() throws Exception {
    worker = JavaCeleryWorker.start(redis.redisUri());

    Vod vod = archive.process(ArchiveRig.showWithVod(cablecast));

    assertThat(celery.check(vod.get("task")).observed()).containsExactly("PENDING", "STARTED", "SUCCESS");
    assertThat(celery.statuses(vod.get("task"))).allSatisfy(s ->
        assertThat(Vocabularies.CELERY.findState(s)).isPresent());
    assertThat(celery.transitions(vod.get("task"))).extracting(JobWatch.Transition::command)
        .containsOnly("EXEC"); // SETEX + PUBLISH in one MULTI, as Celery's Redis backend writes
    JsonNode meta = JSON.readTree((String) redis.call("GET", CeleryQueue.metaKey(vod.get("task"))));
    assertThat(meta.path("date_done").isTextual()).isTrue();
    celery.assertLegal();
  }

  @Test
  void aMissingVodFailsTheTaskAndLeavesTheShowUntouched() throws Exception {
    long show = ArchiveRig.showWithVod(cablecast);
    String before = ArchiveRig.comments(cablecast, show);
    cablecast.faults().on("GET", VOD_FILE).status(404);
    worker = JavaCeleryWorker.start(redis.redisUri());

    try (FeedClient feed = FeedClient.connect(live.uri())) {
      assertThatThrownBy(() -> archive.process(show))
          .isInstanceOfSatisfying(ArchiveException.class, e -> assertThat(e.stage()).isEqualTo("transcription"))
          .hasMessageContaining("FAILURE: VodNotFound");

      assertThat(celery.statuses("transcribe-1")).containsExactly("STARTED", "FAILURE");
      celery.assertLegal();
      assertThat(archive.catalog().get(1).orElseThrow().status()).isEqualTo("failed");
      assertThat(ArchiveRig.comments(cablecast, show)).isEqualTo(before);
      cablecast.journal().verifyNone(RequestPattern.put("/cablecastapi/v1/shows/{id}"));
      assertThat(FeedClient.types(feed.until("transcription.failed"))).doesNotContain("show.linked");
    }
  }

  @Test
  void aFlakyDownloadGoesThroughRetryAndThenSucceeds() throws Exception {
    cablecast.faults().on("GET", VOD_FILE).next(1).status(503);
    worker = JavaCeleryWorker.start(redis.redisUri());

    Vod vod = archive.process(ArchiveRig.showWithVod(cablecast));

    assertThat(vod.status()).isEqualTo("linked");
    assertThat(celery.statuses("transcribe-1")).containsExactly("STARTED", "RETRY", "STARTED", "SUCCESS");
    celery.assertLegal();
    assertThat(worker.messages()).isEqualTo(2); // the retry is a second delivery
  }

  @Test
  void aDownloadThatKeepsFailingEndsInFailureAfterTheLastRetry() throws Exception {
    cablecast.faults().on("GET", VOD_FILE).status(503);
    worker = JavaCeleryWorker.start(redis.redisUri());

    assertThatThrownBy(() -> archive.process(ArchiveRig.showWithVod(cablecast)))
        .hasMessageContaining("MaxRetriesExceededError");

    assertThat(celery.statuses("transcribe-1"))
        .containsExactly("STARTED", "RETRY", "STARTED", "RETRY", "STARTED", "FAILURE");
    celery.assertLegal();
  }

  @Test
  void aLateDuplicateDeliveryDoesNotOverwriteSuccess() throws Exception {
    worker = JavaCeleryWorker.start(redis.redisUri());
    Vod vod = archive.process(ArchiveRig.showWithVod(cablecast));

    redis.call("LPUSH", "celery", CeleryQueue.envelope("celery", Archivist.TRANSCRIBE, vod.get("task"),
        List.of(vod.id(), vod.get("url"), vod.title()), Map.of()).toString());
    await().atMost(Duration.ofSeconds(20)).until(() -> worker.messages() == 2);

    assertThat(celery.statuses(vod.get("task"))).containsExactly("STARTED", "SUCCESS");
    celery.assertLegal();
  }

  @Test
  void theWatchCatchesAWorkerThatWritesOverSuccess() throws Exception {
    worker = JavaCeleryWorker.start(redis.redisUri());
    Vod vod = archive.process(ArchiveRig.showWithVod(cablecast));

    // a buggy worker without Celery's sticky SUCCESS, writing a late failure
    try (redis.clients.jedis.Jedis j = new redis.clients.jedis.Jedis(redis.redisUri())) {
      j.set(CeleryQueue.metaKey(vod.get("task")), "{\"status\": \"FAILURE\", \"task_id\": \"" + vod.get("task") + "\"}");
    }

    assertThatThrownBy(celery::assertLegal).hasMessageContaining("SUCCESS -> FAILURE");
  }
}
