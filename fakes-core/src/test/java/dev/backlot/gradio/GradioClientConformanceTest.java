package dev.backlot.gradio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.wire.Json;
import dev.backlot.jobs.JobState;
import dev.backlot.journal.RequestPattern;
import dev.backlot.media.Media;
import dev.backlot.testing.Node;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Conformance with the official JavaScript client: @gradio/client 2.7.0 and the 1.14.2 that
 * Gradio 5.29 (Wan2GP) bundles, against both presets.
 */
class GradioClientConformanceTest {

  @TempDir
  Path dir;

  @ParameterizedTest(name = "{0} against {1}")
  @CsvSource({"@gradio/client, wan2gp", "gradio-client-1, wan2gp", "@gradio/client, wan21",
      "gradio-client-1, wan21"})
  void officialClientRunsEveryFlow(String clientPackage, String preset) throws Exception {
    boolean wan2gp = preset.equals("wan2gp");
    Path png = dir.resolve("start.png");
    Files.write(png, Media.png(64, 48, 5));
    try (GradioFake fake = (wan2gp ? GradioFake.wan2gp() : GradioFake.wan21()).start();
        GradioFake full = (wan2gp ? GradioFake.wan2gp() : GradioFake.wan21()).maxQueueSize(0).start()) {
      fake.jobs().script().matching(in -> String.valueOf(in).contains("stall me")).stall();
      Map<String, String> env = wan2gp
          ? Map.of("T2V", "/generate_video", "I2V", "/generate_video_1",
              "T2V_ARGS", "{\"prompt\": \"a red fox\", \"resolution\": \"416x240\", \"video_length\": 9, \"num_inference_steps\": 3}",
              "I2V_ARGS", "{\"prompt\": \"it moves\", \"resolution\": \"416x240\", \"video_length\": 5, \"num_inference_steps\": 2}",
              "IMAGE_PARAM", "image_start")
          : Map.of("T2V", "/t2v_generation", "I2V", "/i2v_generation",
              "T2V_ARGS", "{\"txt2vid_prompt\": \"a red fox\", \"resolution\": \"416*240\", \"frame_num\": 9, \"sd_steps\": 3}",
              "I2V_ARGS", "{\"img2vid_prompt\": \"it moves\", \"resolution\": \"416*240\", \"frame_num\": 5, \"sd_steps\": 2}",
              "IMAGE_PARAM", "img2vid_image");
      Map<String, String> all = new java.util.HashMap<>(env);
      all.putAll(Map.of("CLIENT", clientPackage, "URL", fake.baseUri().toString(),
          "FULL_URL", full.baseUri().toString(), "PNG", png.toString()));

      Node.Result r = Node.run("gradio/conformance.mjs", all);

      assertThat(r.exitCode()).as(r.output()).isZero();
      JsonNode out = Json.parse(r.lastLine());
      assertThat(out.get("root").asText()).isEqualTo(fake.baseUri().toString());
      assertThat(out.get("apiPrefix").asText()).isEqualTo("/gradio_api");
      assertThat(out.get("namedEndpoints").toString()).contains(env.get("T2V"), env.get("I2V"));
      assertThat(out.get("predictType").asText()).isEqualTo("data");
      assertThat(out.get("mp4Status").asInt()).isEqualTo(200);
      assertGeometry(Path.of(out.get("mp4File").asText()), 416, 240, 9);
      assertThat(out.get("submitStages").toString()).as(r.output()).contains("pending", "complete");
      List<String> stages = new java.util.ArrayList<>();
      out.get("submitStages").forEach(s -> stages.add(s.asText()));
      GradioFake.STAGES.check(stages).assertLegal();
      assertThat(GradioFake.STAGES.stateOf(stages.get(stages.size() - 1))).isEqualTo(JobState.SUCCEEDED);
      if (wan2gp) { // generators stream process_generating (diffs after the first)
        assertThat(out.get("submitStages").toString()).contains("generating");
        assertThat(out.get("dataEvents").asInt()).isEqualTo(3);
      }
      assertThat(out.get("progressEvents").asInt()).as(r.output()).isGreaterThanOrEqualTo(3);
      assertThat(out.get("dataEvents").asInt()).isGreaterThanOrEqualTo(1);
      assertThat(out.get("i2vVideo").asText()).startsWith("/tmp/gradio/").endsWith(".mp4");
      assertThat(fake.uploads()).hasSize(1);
      assertThat(fake.uploads().get(0).bytes()).isEqualTo(Files.readAllBytes(png));
      assertThat(out.get("grError").asText()).contains(wan2gp ? "You must provide a Start Image" : "Please upload an input image");
      assertThat(out.get("queueFull").asText()).contains("This application is currently busy");
      // Gradio answers /cancel with process_completed {"output": {}}: 1.14 reports it as complete,
      // 2.7 fails reading its data ("An Unexpected Error Occurred!"), as against a real server.
      assertThat(out.get("afterCancel").get(out.get("afterCancel").size() - 1).asText())
          .isEqualTo(clientPackage.equals("gradio-client-1") ? "complete" : "error");
      assertThat(fake.journal().count(RequestPattern.post("/gradio_api/cancel"))).isEqualTo(1);
      assertThat(fake.journal().count(RequestPattern.post("/gradio_api/reset"))).isEqualTo(1);
      assertThat(fake.jobs().jobs(JobState.CANCELLED)).hasSize(1);
      fake.jobs().assertHealthy();
      Files.deleteIfExists(Path.of(out.get("mp4File").asText()));
    }
  }

  /** ffprobe reads width, height and frame count; skipped (visibly) without ffprobe. */
  static void assertGeometry(Path mp4, int width, int height, int frames) throws Exception {
    Process p;
    try {
      p = new ProcessBuilder("ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames",
          "-show_entries", "stream=width,height,nb_read_frames,codec_name", "-of", "json", mp4.toString())
          .redirectErrorStream(true).start();
    } catch (IOException e) {
      assumeTrue(false, "ffprobe is not installed: MP4 geometry check skipped");
      return;
    }
    String text = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(text).isZero();
    JsonNode s = Json.parse(text).get("streams").get(0);
    assertThat(s.get("codec_name").asText()).isEqualTo("h264");
    assertThat(s.get("width").asInt()).isEqualTo(width);
    assertThat(s.get("height").asInt()).isEqualTo(height);
    assertThat(s.get("nb_read_frames").asInt()).isEqualTo(frames);
  }
}
