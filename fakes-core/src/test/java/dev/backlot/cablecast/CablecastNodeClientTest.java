package dev.backlot.cablecast;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.wire.Json;
import dev.backlot.testing.Node;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A second client on another HTTP stack: Node's fetch, FormData and Blob drive the workflow of
 * Tightrope's API examples (show, reel, VOD, schedule item, chunked upload, polling) on the
 * system clock. Cablecast has no official client library, on npm or elsewhere.
 */
class CablecastNodeClientTest {

  @Test
  void nodeFetchRunsTheArchiveWorkflow() throws Exception {
    Node.assumeAvailable();
    try (CablecastFake cc = CablecastFake.builder()
        .credentials("archivist", "pw")
        .processingTime(Duration.ofMillis(300))
        .start()) {
      Node.Result r = Node.run("cablecast/workflow.mjs", Map.of(
          "CABLECAST_URL", cc.baseUri().toString(),
          "CABLECAST_USER", "archivist",
          "CABLECAST_PASSWORD", "pw"));
      assertThat(r.exitCode()).as(r.output()).isZero();
      JsonNode out = Json.parse(r.lastLine());

      assertThat(out.get("deniedStatus").asInt()).isEqualTo(401);
      assertThat(out.get("deniedMessage").asText()).isEqualTo("Authorization has been denied for this request.");
      assertThat(out.get("showId").asLong()).isEqualTo(13);
      assertThat(out.get("totalRunTime").asInt()).isEqualTo(3600);
      assertThat(out.get("sideloadedReels").asInt()).isEqualTo(1);
      assertThat(out.get("sideloadedVodIsWatchable").asBoolean()).isTrue();
      assertThat(out.get("lastTransactionType").asInt()).isEqualTo(5);
      assertThat(out.get("videoBox").asText()).isEqualTo("ftyp");
      assertThat(out.at("/meta/count").asInt()).isEqualTo(1);

      List<String> uploadStates = new ArrayList<>();
      out.get("uploadStates").forEach(s -> uploadStates.add(CablecastStates.uploadName(s.asInt())));
      assertThat(uploadStates).endsWith("Finished");
      CablecastStates.FILE_UPLOAD.checkPolled(uploadStates).assertLegal();
      List<String> vodStates = new ArrayList<>();
      out.get("vodStates").forEach(s -> vodStates.add(s.asText()));
      assertThat(vodStates).endsWith("Ready");
      CablecastStates.VOD.checkPolled(vodStates).assertLegal();

      byte[] expected = new byte[12000];
      for (int i = 0; i < expected.length; i++) {
        expected[i] = (byte) (i % 251);
      }
      assertThat(out.get("assetSize").asInt()).isEqualTo(12000);
      assertThat(cc.assetBytes(out.get("asset").asLong()).orElseThrow()).isEqualTo(expected);
      JsonNode item = cc.record("scheduleItem", out.get("scheduleItemId").asLong()).orElseThrow();
      assertThat(item.get("runDateTime").asText()).isEqualTo("2026-12-05T20:30:00+00:00");
      assertThat(item.get("show").asLong()).isEqualTo(13);
      cc.jobs().assertHealthy();
    }
  }
}
