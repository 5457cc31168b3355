package dev.backlot.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.time.Clock;
import dev.backlot.wire.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's {@code runway} and {@code minimax} entries, configured from YAML and scripted. */
class VideoFakesLauncherTest {

  @TempDir Path dir;
  private final HttpClient client = HttpClient.newHttpClient();

  private JsonNode call(String method, String url, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    boolean typed = false;
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
      typed |= headers[i].equalsIgnoreCase("Content-Type");
    }
    if (body != null && !typed) {
      b.header("Content-Type", "application/json"); // the admin API refuses untyped bodies (415)
    }
    HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode j = r.body().isEmpty() ? Json.object() : Json.parse(r.body());
    return Json.object().put("status", r.statusCode()).set("body", j);
  }

  @Test
  void bothFakesStartFromConfigWithTheirKeysDurationsAndJobScripts() throws Exception {
    Path config = dir.resolve("video.yaml");
    Files.writeString(config, """
        clock: manual
        fakes:
          runway:
            apiKeys: [key_ci]
            jobDurationMs: 4000
            fps: 2
            jobScript:
              - {next: 1, fail: "Flagged", details: SAFETY.INPUT.TEXT}
          minimax:
            apiKeys: [mm-ci]
            balance: 1
            fps: 2
            jobScript:
              - {all: true, durationMs: 1000}
        """);
    try (Launcher.Running r = Launcher.start(
        new String[] {"--fakes", "runway,minimax", "--config", config.toString()},
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
      String runway = r.endpoints().get("runway");
      String minimax = r.endpoints().get("minimax");
      String admin = r.endpoints().get("admin");
      String[] rw = {"Authorization", "Bearer key_ci", "X-Runway-Version", "2024-11-06"};
      String t2v = "{\"model\":\"gen4.5\",\"promptText\":\"x\",\"ratio\":\"1280:720\",\"duration\":2}";

      assertThat(call("GET", runway + "/v1/tasks/x", null, "X-Runway-Version", "2024-11-06").path("status").asInt())
          .isEqualTo(401);
      String failing = call("POST", runway + "/v1/text_to_video", t2v, rw).path("body").path("id").asText();
      String fine = call("POST", runway + "/v1/text_to_video", t2v, rw).path("body").path("id").asText();
      String mm = call("POST", minimax + "/v1/video_generation", "{\"model\":\"T2V-01\",\"prompt\":\"x\"}",
          "Authorization", "Bearer mm-ci").path("body").path("task_id").asText();
      assertThat(call("POST", minimax + "/v1/video_generation", "{\"model\":\"T2V-01\",\"prompt\":\"x\"}",
          "Authorization", "Bearer mm-ci").path("body").path("base_resp").path("status_code").asInt())
          .as("balance 1 is spent").isEqualTo(1008);

      call("POST", admin + "/clock/advance", "{\"millis\":1000}");
      assertThat(call("GET", minimax + "/v1/query/video_generation?task_id=" + mm, null, "Authorization", "Bearer mm-ci")
          .path("body").path("status").asText()).isEqualTo("Success");
      assertThat(call("GET", runway + "/v1/tasks/" + fine, null, rw).path("body").path("status").asText())
          .as("4 s jobs").isEqualTo("RUNNING");
      call("POST", admin + "/clock/advance", "{\"millis\":3000}");
      JsonNode failed = call("GET", runway + "/v1/tasks/" + failing, null, rw).path("body");
      assertThat(failed.path("status").asText()).isEqualTo("FAILED");
      assertThat(failed.path("failureCode").asText()).isEqualTo("SAFETY.INPUT.TEXT");
      assertThat(call("GET", runway + "/v1/tasks/" + fine, null, rw).path("body").path("status").asText())
          .isEqualTo("SUCCEEDED");

      // Reset through admin: the script applies again to the next task.
      assertThat(call("POST", admin + "/fakes/runway/reset", "").path("status").asInt()).isEqualTo(204);
      String again = call("POST", runway + "/v1/text_to_video", t2v, rw).path("body").path("id").asText();
      call("POST", admin + "/clock/advance", "{\"millis\":4000}");
      assertThat(call("GET", runway + "/v1/tasks/" + again, null, rw).path("body").path("status").asText())
          .isEqualTo("FAILED");
    }
  }

  @Test
  void badSettingsFailAtStartupNamingTheKey() {
    JsonNode unknown = Json.parse("{\"jobDurationMS\": 5}");
    assertThatThrownBy(() -> FakeCatalog.entry("runway").build(Clock.system(), unknown, null, null))
        .hasMessageContaining("jobDurationMS");
    JsonNode badRule = Json.parse("{\"jobScript\": [{\"next\": 1, \"explode\": true}]}");
    assertThatThrownBy(() -> FakeCatalog.entry("minimax").build(Clock.system(), badRule, null, null))
        .hasMessageContaining("explode");
    JsonNode noSelector = Json.parse("{\"jobScript\": [{\"fail\": \"x\"}]}");
    assertThatThrownBy(() -> FakeCatalog.entry("runway").build(Clock.system(), noSelector, null, null))
        .hasMessageContaining("next");
    assertThat(FakeCatalog.names()).contains("runway", "minimax");
  }
}
