package dev.backlot.runway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.time.Clock;
import dev.backlot.wire.Json;
import dev.backlot.time.ManualClock;
import dev.backlot.jobs.Job;
import dev.backlot.jobs.JobState;
import dev.backlot.journal.Entry;
import dev.backlot.testing.FfProbe;
import dev.backlot.testing.Node;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code @runwayml/sdk} 4.20.1 (npm), unchanged, against the Runway fake. */
class RunwaySdkConformanceTest {

  @TempDir Path tmp;

  @Test
  void imageToVideoWaitForTaskOutputAndDownloadARealVideo() throws Exception {
    Node.assumeAvailable();
    FfProbe.assumeAvailable();
    // System clock: the SDK waits ~6 s before its first poll; a 1 s job is done by then.
    try (RunwayFake runway = RunwayFake.builder().jobDuration(Duration.ofSeconds(1)).fps(8).start()) {
      Path out = tmp.resolve("video.mp4");
      Node.Result r = Node.run("runway/image-to-video.mjs", Map.of(
          "RUNWAYML_BASE_URL", runway.baseUri().toString(),
          "RUNWAYML_API_SECRET", "key_" + "0".repeat(128),
          "PROMPT_IMAGE", Api.PNG_DATA_URI,
          "MODEL", "gen4_turbo",
          "RATIO", "720:1280",
          "DURATION", "3",
          "OUT", out.toString()));

      assertThat(r.exitCode()).as(r.output()).isZero();
      JsonNode j = Json.parse(r.lastLine());
      assertThat(j.path("status").asText()).isEqualTo("SUCCEEDED");
      assertThat(j.path("httpStatus").asInt()).isEqualTo(200);
      assertThat(j.path("contentType").asText()).isEqualTo("video/mp4");
      assertThat(j.path("cost").path("credits").asInt()).isEqualTo(15);
      assertThat(Instant.parse(j.path("createdAt").asText())).isNotNull();
      String url = j.path("output").path(0).asText();
      assertThat(url).startsWith(runway.baseUri() + "/_output/");
      assertThat(Files.size(out)).isEqualTo(j.path("bytes").asLong()).isGreaterThan(1000);

      FfProbe.Video v = FfProbe.probe(out);
      assertThat(v.codec()).isEqualTo("h264");
      assertThat(v.width()).isEqualTo(720);
      assertThat(v.height()).isEqualTo(1280);
      assertThat(v.seconds()).isCloseTo(3.0, within(1.0));

      // The download carried no credentials, and the task went through the Runway states.
      Entry download = runway.journal().last(e -> e.path().startsWith("/_output/")).orElseThrow();
      assertThat(download.header("Authorization")).isNull();
      assertThat(download.status()).isEqualTo(200);
      Job job = runway.jobs().job(j.path("id").asText()).orElseThrow();
      assertThat(dev.backlot.jobs.Vocabularies.RUNWAY.render(job)).containsExactly("PENDING", "RUNNING", "SUCCEEDED");
      assertThat(runway.task(job.id()).orElseThrow().model()).isEqualTo("gen4_turbo");
      runway.jobs().assertHealthy();
    }
  }

  @Test
  void cancelARunningTaskThenItIsGone() {
    Node.assumeAvailable();
    try (RunwayFake runway = RunwayFake.builder().fps(4).start()) {
      runway.jobs().script().all().stall(); // stays RUNNING until cancelled
      Node.Result r = Node.run("runway/cancel.mjs", Map.of(
          "RUNWAYML_BASE_URL", runway.baseUri().toString(),
          "RUNWAYML_API_SECRET", "key_test"));

      assertThat(r.exitCode()).as(r.output()).isZero();
      JsonNode j = Json.parse(r.lastLine());
      assertThat(j.path("before").asText()).isIn("PENDING", "RUNNING");
      assertThat(j.path("estimatedCost").path("credits").asInt()).isEqualTo(60); // 4 s of veo3.1_fast
      assertThat(j.path("after").path("notFound").asBoolean()).isTrue();
      assertThat(j.path("after").path("status").asInt()).isEqualTo(404);
      Job job = runway.jobs().job(j.path("id").asText()).orElseThrow();
      assertThat(job.state()).isEqualTo(JobState.CANCELLED);
      assertThat(runway.taskIds()).isEmpty();
      Entry del = runway.journal().last(e -> e.method().equals("DELETE")).orElseThrow();
      assertThat(del.status()).isEqualTo(204);
      runway.jobs().assertHealthy();
    }
  }

  @Test
  void theSdksErrorClassesFor400And401And404AndAFailedTask() {
    Node.assumeAvailable();
    ManualClock clock = Clock.manual();
    try (RunwayFake runway = RunwayFake.builder().clock(clock).apiKeys("key_good").fps(4).start()) {
      runway.jobs().script().next(1).fail("Input text did not pass moderation", "SAFETY.INPUT.TEXT");
      Api api = new Api(runway.baseUri()).header("Authorization", "Bearer key_good");
      String failed = api.post("/v1/image_to_video", Api.i2v("gen4_turbo", "1280:720", 5)).json().path("id").asText();
      clock.advance(Duration.ofSeconds(3));
      assertThat(runway.jobs().job(failed).orElseThrow().state()).isEqualTo(JobState.FAILED);
      runway.faults().on("POST", "/v1/video_upscale").next(1).rateLimit(Duration.ofMillis(200)).retryAfterMs();

      Node.Result r = Node.run("runway/errors.mjs", Map.of(
          "RUNWAYML_BASE_URL", runway.baseUri().toString(),
          "RUNWAYML_API_SECRET", "key_good",
          "PROMPT_IMAGE", Api.PNG_DATA_URI,
          "FAILED_TASK_ID", failed));

      assertThat(r.exitCode()).as(r.output()).isZero();
      JsonNode j = Json.parse(r.lastLine());
      for (String name : new String[] {"badRatio", "httpImage", "unknownModel", "badVersion"}) {
        assertThat(j.path(name).path("matches").asBoolean()).as(name + ": " + j.path(name)).isTrue();
        assertThat(j.path(name).path("status").asInt()).as(name).isEqualTo(400);
      }
      assertThat(j.path("badRatio").path("error").path("error").asText()).isEqualTo("Validation of body failed");
      assertThat(j.path("badRatio").path("error").path("issues").path(0).path("path").path(0).asText()).isEqualTo("ratio");
      assertThat(j.path("httpImage").path("error").path("issues").path(0).path("message").asText())
          .isEqualTo("Only HTTPS URLs are allowed.");
      assertThat(j.path("unknownModel").path("error").path("issues").path(0).path("note").asText())
          .isEqualTo("No matching discriminator");
      assertThat(j.path("badVersion").path("error").path("error").asText()).isEqualTo("Invalid API Version");
      assertThat(j.path("badKey").path("cls").asText()).isEqualTo("AuthenticationError");
      assertThat(j.path("badKey").path("status").asInt()).isEqualTo(401);
      assertThat(j.path("unknownTask").path("cls").asText()).isEqualTo("NotFoundError");
      assertThat(j.path("unknownTask").path("status").asInt()).isEqualTo(404);
      assertThat(j.path("failedTask").path("cls").asText()).isEqualTo("TaskFailedError");
      assertThat(j.path("failedTask").path("message").asText()).isEqualTo("Input text did not pass moderation");
      assertThat(j.path("failedTask").path("taskDetails").path("failureCode").asText()).isEqualTo("SAFETY.INPUT.TEXT");
      // None of the refused requests created a task: only the test's and the retried upscale exist.
      String retried = j.path("retried").path("id").asText();
      assertThat(runway.taskIds()).containsExactlyInAnyOrder(failed, retried);
      assertThat(runway.jobs().submittedCount()).isEqualTo(2);
      assertThat(runway.journal().find(e -> e.path().equals("/v1/video_upscale")))
          .extracting(Entry::status).containsExactly(429, 200);
    }
  }
}
