package dev.backlot.veo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.wire.Json;
import dev.backlot.jobs.LongRunningOperations;
import dev.backlot.testing.Node;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official JavaScript SDK, {@code @google/genai} 2.x from npm, against the Veo fake on the
 * system clock (the script polls as a real client does): generate, poll, download, ffprobe, a
 * scripted failure, and the SDK's ApiError for 404, 400 and a wrong key.
 */
class VeoNodeConformanceTest {

  @Test
  void googleGenAiGeneratesPollsAndDownloads(@TempDir Path dir) throws Exception {
    Node.assumeAvailable();
    try (VeoFake veo = VeoFake.builder().duration(Duration.ofMillis(300)).apiKeys("js-key").start()) {
      veo.jobs().script().matching(VeoRequest.class, r -> r.prompt().equals("doomed"))
          .fail("Quota exceeded for video generation.", "RESOURCE_EXHAUSTED");

      Node.Result r = Node.run("veo/generate.mjs", Map.of(
          "VEO_URL", veo.baseUri().toString(), "VEO_KEY", "js-key", "OUT_DIR", dir.toString()));
      assertThat(r.exitCode()).as(r.output()).isZero();
      JsonNode out = Json.parse(r.lastLine());

      JsonNode gen = out.path("generated");
      assertThat(gen.path("done").asBoolean()).isTrue();
      assertThat(gen.path("name").asText()).startsWith("models/veo-3.0-generate-001/operations/");
      assertThat(gen.path("files")).hasSize(2);
      for (JsonNode f : gen.path("files")) {
        assertThat(f.path("uri").asText()).matches("https://.*/v1beta/files/[a-z0-9]+:download\\?alt=media");
        Path file = Path.of(f.path("path").asText());
        String id = f.path("uri").asText().replaceAll(".*/files/([a-z0-9]+):.*", "$1");
        assertThat(Files.readAllBytes(file)).isEqualTo(veo.file(id).orElseThrow());
        Probe.assertVideo(file, 720, 1280, 4);
      }
      List<String> seen = names(gen.path("seen"));
      LongRunningOperations.VOCABULARY.checkPolled(seen).assertLegal();
      assertThat(seen).endsWith(LongRunningOperations.DONE_RESPONSE);

      JsonNode failed = out.path("failed");
      assertThat(failed.path("done").asBoolean()).isTrue();
      assertThat(failed.path("hasResponse").asBoolean()).isFalse();
      assertThat(failed.path("error").path("code").asInt()).isEqualTo(8);
      assertThat(failed.path("error").path("message").asText()).isEqualTo("Quota exceeded for video generation.");
      assertThat(names(failed.path("seen"))).endsWith(LongRunningOperations.DONE_ERROR);

      assertApiError(out.path("unknownModel"), 404, "NOT_FOUND");
      assertApiError(out.path("badAspect"), 400, "INVALID_ARGUMENT");
      assertApiError(out.path("badDuration"), 400, "INVALID_ARGUMENT");
      assertApiError(out.path("wrongKey"), 400, "API_KEY_INVALID");
      assertThat(veo.jobs().submittedCount()).isEqualTo(2);
      veo.jobs().assertHealthy();
    }
  }

  @Test
  void googleGenAiInVertexModeFetchesThePredictOperation(@TempDir Path dir) throws Exception {
    Node.assumeAvailable();
    Map<String, byte[]> stored = new java.util.concurrent.ConcurrentHashMap<>();
    try (VeoFake veo = VeoFake.builder().duration(Duration.ofMillis(300)).accessTokens("ya29.js-token")
        .storage((bucket, name, bytes, type) -> stored.put("gs://" + bucket + "/" + name, bytes)).start()) {
      Node.Result inline = Node.run("veo/vertex.mjs", Map.of(
          "VEO_URL", veo.baseUri().toString(), "OUT_DIR", dir.toString()));
      assertThat(inline.exitCode()).as(inline.output()).isZero();
      JsonNode a = Json.parse(inline.lastLine());
      assertThat(a.path("name").asText()).startsWith(
          "projects/js-project/locations/europe-west4/publishers/google/models/veo-3.1-generate-001/operations/");
      assertThat(a.path("done").asBoolean()).isTrue();
      assertThat(a.path("mimeType").asText()).isEqualTo("video/mp4");
      Probe.assertVideo(Path.of(a.path("path").asText()), 1280, 720, 6);

      Node.Result gcs = Node.run("veo/vertex.mjs", Map.of(
          "VEO_URL", veo.baseUri().toString(), "OUT_DIR", dir.toString(), "STORAGE_URI", "gs://js-out/runs/"));
      assertThat(gcs.exitCode()).as(gcs.output()).isZero();
      String uri = Json.parse(gcs.lastLine()).path("uri").asText();
      assertThat(uri).matches("gs://js-out/runs/\\d+/sample_0\\.mp4");
      Probe.assertVideo(stored.get(uri), 1280, 720, 6);
      assertThat(veo.journal().count(e -> e.path().endsWith(":fetchPredictOperation"))).isGreaterThanOrEqualTo(2);
      assertThat(veo.journal().count(e -> "Bearer ya29.js-token".equals(e.header("Authorization"))))
          .isEqualTo(veo.journal().count(e -> true));
    }
  }

  private static void assertApiError(JsonNode e, int status, String text) {
    assertThat(e.path("thrown").asBoolean()).as(e.toString()).isTrue();
    assertThat(e.path("name").asText()).isEqualTo("ApiError");
    assertThat(e.path("status").asInt()).as(e.toString()).isEqualTo(status);
    assertThat(e.path("message").asText()).contains(text);
  }

  private static List<String> names(JsonNode seen) {
    List<String> out = new ArrayList<>();
    for (JsonNode s : seen) {
      out.add(switch (s.asText()) {
        case "pending" -> LongRunningOperations.NOT_DONE;
        case "error" -> LongRunningOperations.DONE_ERROR;
        default -> LongRunningOperations.DONE_RESPONSE;
      });
    }
    return out;
  }
}
