package dev.backlot.examples.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.backlot.cablecast.CablecastFake;
import dev.backlot.examples.archive.VodCatalog.Vod;
import dev.backlot.fault.HttpRule;
import dev.backlot.journal.RequestPattern;
import dev.backlot.junit.BacklotTest;
import dev.backlot.junit.FakeFactory;
import dev.backlot.redis.RedisFake;
import dev.backlot.time.Clock;
import dev.backlot.time.ManualClock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Cablecast failing and recovering (seed 002's "error recovery"): 500s and 503s, reset and hung
 * connections, a slow answer, a Cablecast that stays down and comes back. Cablecast runs on a
 * manual clock, so its delays are moved by the test, not waited out.
 */
@BacklotTest
class CablecastOutageTest {

  static final ManualClock CLOCK = Clock.manual();
  static final String SHOW = "/cablecastapi/v1/shows/{id}";

  CablecastFake cablecast;
  RedisFake redis;

  LiveUpdates live;
  Archivist archive;
  JavaCeleryWorker worker;

  @FakeFactory
  static CablecastFake.Builder cablecast() {
    return CablecastFake.builder().clock(CLOCK);
  }

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
  void twoServiceUnavailableAnswersAreRetriedAndTheShowLinkedOnce() throws Exception {
    long show = ArchiveRig.showWithVod(cablecast);
    cablecast.faults().on("PUT", SHOW).next(2).status(503);

    Vod vod = archive.process(show);

    assertThat(vod.status()).isEqualTo("linked");
    cablecast.journal().verify(3, RequestPattern.put(SHOW));
    cablecast.journal().verify(2, RequestPattern.put(SHOW).status(503));
    assertThat(ArchiveRig.comments(cablecast, show)).startsWith("Transcript [archive vod 1");
  }

  @Test
  void anInternalServerErrorReadingTheShowIsRetried() throws Exception {
    long show = ArchiveRig.showWithVod(cablecast);
    cablecast.faults().on("GET", SHOW).next(1).status(500);

    assertThat(archive.process(show).status()).isEqualTo("linked");

    cablecast.journal().verify(1, RequestPattern.get(SHOW).status(500));
    cablecast.journal().verify(1, RequestPattern.get(SHOW).status(200));
  }

  @Test
  void aResetConnectionIsRetriedAndTheShowLinkedOnce() throws Exception {
    long show = ArchiveRig.showWithVod(cablecast);
    HttpRule reset = cablecast.faults().on("PUT", SHOW).next(1).reset();

    assertThat(archive.process(show).status()).isEqualTo("linked");

    assertThat(reset.fired()).isEqualTo(1);
    cablecast.journal().verify(1, RequestPattern.put(SHOW).status(200));
  }

  @Test
  void aHungAnswerTimesOutAndTheRetryLinksTheShow() throws Exception {
    long show = ArchiveRig.showWithVod(cablecast);
    HttpRule hang = cablecast.faults().on("PUT", SHOW).next(1).stall();
    try (Archivist impatient = new Archivist(ArchiveRig.config(cablecast, redis)
        .withHttp(Duration.ofSeconds(2), 3), live, ArchiveRig.taskIds())) {

      assertThat(impatient.process(show).status()).isEqualTo("linked");

      assertThat(hang.fired()).isEqualTo(1);
      cablecast.journal().verify(1, RequestPattern.put(SHOW).status(200));
      assertThat(ArchiveRig.comments(cablecast, show)).startsWith("Transcript [archive vod 1");
    }
  }

  @Test
  void aSlowAnswerIsWaitedForNotRetried() throws Exception {
    long show = ArchiveRig.showWithVod(cablecast);
    Vod vod = archive.archive(show);
    archive.transcribe(vod.id());
    cablecast.faults().on("PUT", SHOW).next(1).delay(Duration.ofSeconds(8));
    CompletableFuture<Vod> linking = CompletableFuture.supplyAsync(() -> {
      try {
        return archive.finish(vod.id());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });

    Duration ahead = Duration.ofSeconds(8);
    await().atMost(Duration.ofSeconds(20))
        .until(() -> CLOCK.pendingDueTimes().contains(CLOCK.instant().plus(ahead)));
    assertThat(linking).isNotDone();
    CLOCK.advance(ahead); // Cablecast answers 8 s later, on its clock

    assertThat(linking.get(20, TimeUnit.SECONDS).status()).isEqualTo("linked");
    cablecast.journal().verify(1, RequestPattern.put(SHOW));
  }

  @Test
  void aCablecastThatStaysDownKeepsTheTranscriptAndRelinkingLaterNeedsNoNewTask() throws Exception {
    long show = ArchiveRig.showWithVod(cablecast);
    String before = ArchiveRig.comments(cablecast, show);
    cablecast.faults().on("PUT", SHOW).status(503);
    try (FeedClient feed = FeedClient.connect(live.uri())) {

      assertThatThrownBy(() -> archive.process(show))
          .isInstanceOfSatisfying(ArchiveException.class, e -> {
            assertThat(e.stage()).isEqualTo("link");
            assertThat(e.status()).isEqualTo(503);
          });
      Vod vod = archive.catalog().get(1).orElseThrow();
      assertThat(vod.status()).isEqualTo("transcribed");
      assertThat(ArchiveRig.comments(cablecast, show)).isEqualTo(before);
      assertThat(FeedClient.types(feed.until("show.link_failed"))).contains("transcription.completed");

      cablecast.faults().clear(); // Cablecast is back
      assertThat(archive.relink(vod.id()).status()).isEqualTo("linked");

      assertThat(feed.next().path("type").asText()).isEqualTo("show.linked");
      assertThat(ArchiveRig.comments(cablecast, show)).startsWith("Transcript [archive vod 1");
      assertThat(worker.messages()).isEqualTo(1);
    }
  }

  @Test
  void aStoppedCablecastMakesTheArchiveDegradedUntilItRestarts() throws Exception {
    assertThat(archive.health()).isEqualTo("healthy");

    cablecast.stop();
    try {
      assertThat(archive.health()).isEqualTo("degraded");
      assertThatThrownBy(() -> archive.archive(ArchiveRig.showWithVod(cablecast)))
          .isInstanceOfSatisfying(ArchiveException.class, e -> {
            assertThat(e.stage()).isEqualTo("cablecast");
            assertThat(e.status()).isZero(); // no answer at all
          });
    } finally {
      cablecast.restart();
    }

    assertThat(archive.health()).isEqualTo("healthy");
    assertThat(archive.process(ArchiveRig.showWithVod(cablecast)).status()).isEqualTo("linked");
  }
}
