package dev.backlot.cablecast;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.time.Clock;
import dev.backlot.wire.Json;
import dev.backlot.journal.Entry;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The handles every fake has: faults in Cablecast's shape, the journal, stop/restart, a link. */
class CablecastLifecycleTest {

  @Test
  void faultsAnswerInCablecastsShapeAndTheJournalRecordsEverything() throws Exception {
    try (CablecastFake cc = CablecastFake.builder().clock(Clock.manual(Instant.parse("2026-12-04T12:00:00Z"))).start()) {
      CcHttp http = new CcHttp(cc);
      cc.faults().on("GET", "/cablecastapi/v1/shows").next(1).status(503);
      CcHttp.Answer injected = http.get("/shows");
      assertThat(injected.status()).isEqualTo(503);
      assertThat(injected.json().get("message").isTextual()).isTrue();
      assertThat(injected.json().has("error")).isFalse();
      assertThat(http.get("/shows").status()).isEqualTo(200);

      http.write("POST", "/shows", CcHttp.rooted("show", Json.object().put("title", "Journaled")));
      assertThat(cc.journal().count(e -> e.path().equals("/cablecastapi/v1/shows"))).isEqualTo(3);
      Entry post = cc.journal().last().orElseThrow();
      assertThat(post.method()).isEqualTo("POST");
      assertThat(post.status()).isEqualTo(200);

      cc.reset();
      assertThat(cc.journal().count(e -> true)).isZero();
      assertThat(cc.faults().rules()).isEmpty();
      assertThat(cc.count("show")).isEqualTo(12);
    }
  }

  @Test
  void resetRestoresTheSameLibraryAndRebuildsItOnANewDay() throws Exception {
    dev.backlot.time.ManualClock clock = Clock.manual(Instant.parse("2026-12-04T12:00:00Z"));
    try (CablecastFake cc = CablecastFake.builder().clock(clock).start()) {
      CcHttp http = new CcHttp(cc);
      java.util.Map<String, Object> initial = CcHttp.snapshot(cc);
      http.write("POST", "/shows", CcHttp.rooted("show", Json.object().put("title", "Extra")));
      http.write("DELETE", "/shows/1", null);
      http.write("PUT", "/scheduleitems/5", CcHttp.rooted("scheduleItem", Json.object().put("channel", 2)));
      assertThat(CcHttp.snapshot(cc)).isNotEqualTo(initial);
      clock.advance(java.time.Duration.ofHours(3));
      cc.reset();
      assertThat(CcHttp.snapshot(cc)).isEqualTo(initial);
      assertThat(http.ok("/shows/1").at("/show/lastModified").asText()).isEqualTo("2026-12-04T00:00:00+00:00");
      assertThat(http.write("POST", "/shows", CcHttp.rooted("show", Json.object().put("title", "Again")))
          .json().at("/show/id").asLong()).isEqualTo(13);

      clock.advance(java.time.Duration.ofDays(1));
      cc.reset();
      assertThat(cc.count("scheduleItem")).isEqualTo(189);
      assertThat(http.ok("/scheduleitems/1").at("/scheduleItem/runDateTime").asText())
          .isEqualTo("2026-12-05T06:00:00+00:00");
      assertThat(http.ok("/shows/1").at("/show/lastModified").asText()).isEqualTo("2026-12-05T00:00:00+00:00");
    }
  }

  @Test
  void stopAndRestartKeepThePortAndTheLibrary() throws Exception {
    try (CablecastFake cc = CablecastFake.builder().start()) {
      CcHttp http = new CcHttp(cc);
      long id = http.write("POST", "/shows", CcHttp.rooted("show", Json.object().put("title", "Survivor")))
          .json().at("/show/id").asLong();
      int port = cc.port();
      cc.stop();
      assertThat(cc.isRunning()).isFalse();
      cc.restart();
      assertThat(cc.port()).isEqualTo(port);
      assertThat(http.ok("/shows/" + id).at("/show/title").asText()).isEqualTo("Survivor");
    }
  }

  @Test
  void behindALinkVodUrlsPointAtTheLink() throws Exception {
    try (CablecastFake cc = CablecastFake.builder().behindLink().start()) {
      JsonNode vod = new CcHttp(cc).ok("/vods/1").get("vod");
      assertThat(vod.get("url").asText()).startsWith(cc.baseUri() + "/vod/1/");
      assertThat(cc.link().port()).isEqualTo(cc.port());
    }
  }
}
