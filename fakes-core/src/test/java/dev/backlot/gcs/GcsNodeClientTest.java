package dev.backlot.gcs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.wire.Json;
import dev.backlot.testing.Node;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Node client ({@code @google-cloud/storage} 7.x, locked in src/test/js) with validation on:
 * its default resumable upload is one PUT with {@code Content-Range: bytes 0-*}{@code /*} (or
 * {@code /N} when the length is declared), which GCS accepts and finalises (issue 14).
 */
class GcsNodeClientTest {

  @Test
  void nodeClientSavesResumableAndSimpleDownloadsListsDeletesAndSeesPreconditionFailures() {
    Node.assumeAvailable();
    try (GcsFake gcs = GcsFake.builder().bucket("media").start()) {
      Node.Result r = Node.run("gcs/storage.mjs",
          Map.of("GCS_URL", gcs.baseUri().toString(), "BUCKET", "media"));
      assertThat(r.exitCode()).as(r.output()).isZero();
      JsonNode out = Json.parse(r.lastLine().getBytes(java.nio.charset.StandardCharsets.UTF_8));

      assertThat(out.get("unknownLengthMatches").asBoolean()).as(r.output()).isTrue();
      assertThat(out.get("knownLengthMatches").asBoolean()).as(r.output()).isTrue();
      assertThat(out.get("text").asText()).isEqualTo("hello from node");
      assertThat(out.get("size").asInt()).isEqualTo(700 * 1024);
      assertThat(out.get("md5").asText()).isEqualTo(out.get("expectedMd5").asText());
      assertThat(out.get("listed").toString()).isEqualTo("[\"clips/known-length.bin\",\"clips/unknown-length.bin\"]");
      assertThat(out.get("simplePrecondition").asInt()).isEqualTo(412);
      assertThat(out.get("resumablePrecondition").asInt()).isEqualTo(412);
      assertThat(out.get("unchangedAfterFailures").asText()).isEqualTo("hello from node");
      assertThat(out.get("existsAfterDelete").asBoolean()).isFalse();
      assertThat(out.get("deleteMissing").asInt()).isEqualTo(404);

      // the wire forms of issue 14 were really sent, each in one PUT that finished the upload
      assertThat(gcs.journal().count(e -> "PUT".equals(e.method())
          && "bytes 0-*/*".equals(e.header("Content-Range")) && e.status() == 200)).isEqualTo(1);
      assertThat(gcs.journal().count(e -> "PUT".equals(e.method())
          && ("bytes 0-*/" + 700 * 1024).equals(e.header("Content-Range")) && e.status() == 200))
          .isEqualTo(1);
      assertThat(gcs.object("media", "clips/unknown-length.bin").size()).isEqualTo(700 * 1024);
      // the session whose finalisation failed its precondition stays open (a retry may still
      // finish it) until it expires; the two that finished are closed
      assertThat(gcs.openUploads()).isEqualTo(1);
    }
  }
}
