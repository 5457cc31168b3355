package dev.backlot.examples.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.cablecast.CablecastFake;
import dev.backlot.examples.archive.VodCatalog.Vod;
import dev.backlot.journal.RequestPattern;
import dev.backlot.junit.BacklotTest;
import dev.backlot.redis.JobLayout;
import dev.backlot.redis.JobWatch;
import dev.backlot.redis.RedisFake;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The broadcast archive end to end (seed 002's "complete VOD workflow", live updates and auth):
 * the real client code against a Cablecast fake and a Redis fake, with a Celery worker on
 * Celery's Redis layout, and browser-like WebSocket clients on the archive's live feed.
 */
@BacklotTest
class ArchiveWorkflowTest {

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
  void aShowsVodIsTranscribedAndTheTranscriptLinkedToTheShow() throws Exception {
    long show = ArchiveRig.showWithVod(cablecast);
    JobWatch celery = redis.watchJobs(JobLayout.CELERY);

    Vod vod = archive.process(show);

    assertThat(vod.status()).isEqualTo("linked");
    assertThat(vod.get("captions")).isEqualTo("/archive/captions/vod-" + vod.id() + ".scc");
    assertThat(ArchiveRig.comments(cablecast, show))
        .startsWith("Transcript [archive vod 1, task transcribe-1]: Welcome to ")
        .endsWith("words)");
    assertThat(celery.statuses("transcribe-1")).containsExactly("STARTED", "SUCCESS");
    celery.assertLegal();
    cablecast.journal().verify(1, RequestPattern.get(ArchiveRig.vodPath(cablecast, show)).status(200));
    cablecast.journal().verify(1, RequestPattern.put("/cablecastapi/v1/shows/" + show)
        .header("Authorization", cablecast.authorization()).status(200));
  }

  @Test
  void everyConnectedClientSeesTheWorkflowLiveAndInOrder() throws Exception {
    long show = ArchiveRig.showWithVod(cablecast);
    try (FeedClient producer = FeedClient.connect(live.uri());
        FeedClient editor = FeedClient.connect(live.uri())) {
      Vod vod = archive.process(show);

      for (FeedClient client : List.of(producer, editor)) {
        List<JsonNode> events = client.until("show.linked");
        assertThat(FeedClient.types(events))
            .startsWith("vod.created", "transcription.queued", "transcription.state")
            .endsWith("transcription.completed", "show.linked")
            .doesNotContain("transcription.failed", "show.link_failed");
        assertThat(events).extracting(e -> e.path("seq").asLong()).isSorted().doesNotHaveDuplicates();
        assertThat(events.get(events.size() - 1).path("vod").asLong()).isEqualTo(vod.id());
      }
    }
  }

  @Test
  void aClientThatLeavesDoesNotStopTheFeedForTheOthers() throws Exception {
    long show = ArchiveRig.showWithVod(cablecast);
    try (FeedClient stays = FeedClient.connect(live.uri())) {
      FeedClient leaves = FeedClient.connect(live.uri());
      leaves.close();

      archive.process(show);

      assertThat(FeedClient.types(stays.until("show.linked"))).contains("vod.created");
    }
  }

  @Test
  void aShowWithoutAWatchableVodIsRefusedBeforeAnythingIsStoredOrQueued() throws Exception {
    long bare = cablecast.records("show").stream().mapToLong(s -> s.path("id").asLong())
        .filter(id -> !ArchiveRig.showsWithVods(cablecast).contains(id)).findFirst().orElseThrow();

    assertThatThrownBy(() -> archive.process(bare))
        .isInstanceOfSatisfying(ArchiveException.class, e -> assertThat(e.stage()).isEqualTo("cablecast"))
        .hasMessageContaining("has no watchable VOD");
    assertThat(archive.catalog().count()).isZero();
    assertThat(redis.call("LLEN", "celery")).isEqualTo(0L);
  }

  @Test
  void anUnknownVodStatusIsRefusedAndTheRecordIsUnchanged() throws Exception {
    Vod vod = archive.archive(ArchiveRig.showWithVod(cablecast));
    archive.catalog().update(vod.id(), "processing", Map.of());

    assertThatThrownBy(() -> archive.catalog().update(vod.id(), "invalid_status", Map.of("note", "x")))
        .isInstanceOf(IllegalArgumentException.class);

    Vod after = archive.catalog().get(vod.id()).orElseThrow();
    assertThat(after.status()).isEqualTo("processing");
    assertThat(after.get("note")).isNull();
  }

  // ------------------------------------------------------------------ auth

  @Test
  void aWrongCablecastPasswordLinksNothingAndKeepsTheTranscript() throws Exception {
    long show = ArchiveRig.showWithVod(cablecast);
    String before = cablecast.record("show", show).orElseThrow().toString();
    try (Archivist wrong = new Archivist(ArchiveRig.config(cablecast, redis)
        .withCredentials(cablecast.username(), "not-the-password"), live, ArchiveRig.taskIds())) {

      assertThatThrownBy(() -> wrong.process(show))
          .isInstanceOfSatisfying(ArchiveException.class, e -> {
            assertThat(e.stage()).isEqualTo("link");
            assertThat(e.status()).isEqualTo(401);
          });

      assertThat(cablecast.record("show", show).orElseThrow().toString()).isEqualTo(before);
      cablecast.journal().verify(1, RequestPattern.put("/cablecastapi/v1/shows/{id}").status(401));
      Vod vod = wrong.catalog().list().get(0);
      assertThat(vod.status()).isEqualTo("transcribed");
      assertThat(vod.get("error")).contains("HTTP 401");

      archive.relink(vod.id()); // the right password later: no new transcription needed
      assertThat(ArchiveRig.comments(cablecast, show)).startsWith("Transcript [archive vod 1");
      assertThat(worker.messages()).isEqualTo(1);
    }
  }

  @Test
  void writesWithoutOrWithWrongCredentialsCreateNoShow() throws Exception {
    int shows = cablecast.count("show");
    ArchiveConfig base = ArchiveRig.config(cablecast, redis);

    for (ArchiveConfig bad : List.of(base.withCredentials("admin", "guess"),
        base.withCredentials("intruder", cablecast.password()), base.withCredentials("", ""))) {
      assertThatThrownBy(() -> new CablecastClient(bad).createShow("Pirate broadcast"))
          .isInstanceOfSatisfying(ArchiveException.class, e -> assertThat(e.status()).isEqualTo(401));
    }

    assertThat(cablecast.count("show")).isEqualTo(shows);
    cablecast.journal().verify(3, RequestPattern.post("/cablecastapi/v1/shows").status(401));
    assertThat(new CablecastClient(base).createShow("Council meeting")).isPositive();
    assertThat(cablecast.count("show")).isEqualTo(shows + 1);
  }
}
