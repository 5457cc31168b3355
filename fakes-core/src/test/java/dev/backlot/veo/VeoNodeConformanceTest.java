package dev.backlot.veo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.engine.Json;
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
