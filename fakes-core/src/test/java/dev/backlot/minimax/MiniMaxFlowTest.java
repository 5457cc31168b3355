package dev.backlot.minimax;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.time.Clock;
import dev.backlot.time.ManualClock;
import dev.backlot.jobs.Vocabularies;
import dev.backlot.testing.FfProbe;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * MiniMax's documented flow with a plain HTTP client (java.net.http): create, poll, retrieve the
 * file, download it without credentials.
 */
class MiniMaxFlowTest {

  @Test
  void theDocumentedFlowEndsWithARealVideoOfTheReportedSize() {
    FfProbe.assumeAvailable();
    try (MiniMaxFake minimax = MiniMaxFake.builder().apiKeys("test-key").jobDuration(Duration.ofSeconds(1))
        .fps(4).start()) {
      Api api = new Api(minimax.baseUri());
      Map<String, Object> body = Api.video("MiniMax-Hailuo-02", "A man picks up a book [Pedestal up]");
      body.put("duration", 6);
      body.put("prompt_optimizer", true);
      Api.Reply created = api.post("/v1/video_generation", body);
      assertThat(created.status()).isEqualTo(200);
      assertThat(Api.code(created)).isZero();
      assertThat(created.json().path("base_resp").path("status_msg").asText()).isEqualTo("success");
      assertThat(created.raw().headers().firstValue("Trace-Id")).isPresent();
      String taskId = created.json().path("task_id").asText();
      assertThat(taskId).matches("\\d{15}");

      // Poll as the MCP client does (any non-terminal status means "keep waiting").
      List<String> seen = new ArrayList<>();
      JsonNode[] last = new JsonNode[1];
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
        Api.Reply q = api.get("/v1/query/video_generation?task_id=" + taskId);
        assertThat(q.status()).isEqualTo(200);
        assertThat(Api.code(q)).isZero();
        last[0] = q.json();
        seen.add(q.json().path("status").asText());
        return q.json().path("status").asText().matches("Success|Fail");
      });
      Vocabularies.MINIMAX.checkPolled(seen).assertLegal();
      JsonNode done = last[0];
      assertThat(done.path("status").asText()).isEqualTo("Success");
      assertThat(done.path("task_id").asText()).isEqualTo(taskId);
      String fileId = done.path("file_id").asText();
      assertThat(fileId).matches("\\d+");
      int w = done.path("video_width").asInt();
      int h = done.path("video_height").asInt();
      assertThat(w).isEqualTo(1366);
      assertThat(h).isEqualTo(768);

      Api.Reply file = api.get("/v1/files/retrieve?file_id=" + fileId);
      assertThat(Api.code(file)).isZero();
      JsonNode f = file.json().path("file");
      assertThat(f.path("file_id").isIntegralNumber()).isTrue();
      assertThat(f.path("file_id").asText()).isEqualTo(fileId);
      assertThat(f.path("filename").asText()).isEqualTo("output_aigc.mp4");
      assertThat(f.path("purpose").asText()).isEqualTo("video_generation");
      assertThat(f.path("created_at").asLong()).isCloseTo(Instant.now().getEpochSecond(), within(120L));
      String url = f.path("download_url").asText();
      assertThat(url).startsWith(minimax.baseUri() + "/_download/");

      Api.Reply video = Api.fetch(url); // no Authorization header
      assertThat(video.status()).isEqualTo(200);
      assertThat(video.raw().headers().firstValue("Content-Type")).hasValue("video/mp4");
      assertThat(video.bytes().length).isEqualTo(f.path("bytes").asInt());
      FfProbe.Video v = FfProbe.probe(video.bytes());
      assertThat(v.codec()).isEqualTo("h264");
      assertThat(v.width()).isEqualTo(w);
      assertThat(v.height()).isEqualTo(h);
      assertThat(v.seconds()).isCloseTo(6.0, within(1.0));
      minimax.jobs().assertHealthy();
    }
  }

  @Test
  void statusesStepThroughPreparingQueueingProcessingUnderAManualClock() {
    ManualClock clock = Clock.manual();
    try (MiniMaxFake minimax = MiniMaxFake.builder().clock(clock).concurrency(1).fps(2).start()) {
      Api api = new Api(minimax.baseUri());
      String a = api.post("/v1/video_generation", Api.video("T2V-01", "cat")).json().path("task_id").asText();
      String b = api.post("/v1/video_generation", Api.video("T2V-01-Director", "dog")).json().path("task_id").asText();
      assertThat(status(api, a)).isEqualTo("Preparing");
      clock.advance(Duration.ZERO);
      assertThat(status(api, a)).isEqualTo("Processing");
      assertThat(status(api, b)).isEqualTo("Queueing");
      JsonNode processing = api.get("/v1/query/video_generation?task_id=" + a).json();
      assertThat(processing.has("file_id")).isFalse();
      assertThat(processing.has("video_width")).isFalse();
      clock.advance(Duration.ofSeconds(3));
      assertThat(status(api, a)).isEqualTo("Success");
      assertThat(status(api, b)).isEqualTo("Processing");
      clock.advance(Duration.ofSeconds(3));
      assertThat(status(api, b)).isEqualTo("Success");
      JsonNode done = api.get("/v1/query/video_generation?task_id=" + b).json();
      assertThat(done.path("video_width").asInt()).isEqualTo(1280);
      assertThat(done.path("video_height").asInt()).isEqualTo(720);

      minimax.jobs().script().next(1).throttle(Duration.ofSeconds(10));
      String c = api.post("/v1/video_generation", Api.video("T2V-01", "owl")).json().path("task_id").asText();
      assertThat(status(api, c)).isEqualTo("Queueing");
      clock.advance(Duration.ofSeconds(10));
      assertThat(status(api, c)).isEqualTo("Processing");
      minimax.jobs().assertHealthy();
    }
  }

  @Test
  void scriptedFailuresShowFailWithTheirCode() {
    ManualClock clock = Clock.manual();
    try (MiniMaxFake minimax = MiniMaxFake.builder().clock(clock).fps(2).start()) {
      Api api = new Api(minimax.baseUri());
      minimax.jobs().script().next(1).fail("output video is sensitive", 1027);
      String a = api.post("/v1/video_generation", Api.video("T2V-01", "x")).json().path("task_id").asText();
      minimax.jobs().script().next(1).fail("GPU lost");
      String b = api.post("/v1/video_generation", Api.video("T2V-01", "y")).json().path("task_id").asText();
      minimax.jobs().script().next(1).stall();
      String c = api.post("/v1/video_generation", Api.video("T2V-01", "z")).json().path("task_id").asText();
      clock.advance(Duration.ofSeconds(5));
      Api.Reply fa = api.get("/v1/query/video_generation?task_id=" + a);
      assertThat(fa.status()).isEqualTo(200);
      assertThat(fa.json().path("status").asText()).isEqualTo("Fail");
      assertThat(Api.code(fa)).isEqualTo(1027);
      assertThat(fa.json().path("base_resp").path("status_msg").asText()).isEqualTo("output video is sensitive");
      Api.Reply fb = api.get("/v1/query/video_generation?task_id=" + b);
      assertThat(fb.json().path("status").asText()).isEqualTo("Fail");
      assertThat(Api.code(fb)).isZero();
      assertThat(status(api, c)).isEqualTo("Processing");
      assertThat(minimax.jobs().abort(c)).isTrue();
      assertThat(status(api, c)).isEqualTo("Fail");
      minimax.jobs().assertHealthy();
    }
  }

  @Test
  void downloadUrlsExpireOnTheFakesClockAndRetrieveIssuesFreshOnes() {
    ManualClock clock = Clock.manual();
    try (MiniMaxFake minimax = MiniMaxFake.builder().clock(clock).fps(2).start()) {
      Api api = new Api(minimax.baseUri());
      String task = api.post("/v1/video_generation", Api.video("T2V-01", "x")).json().path("task_id").asText();
      clock.advance(Duration.ofSeconds(3));
      String fileId = api.get("/v1/query/video_generation?task_id=" + task).json().path("file_id").asText();
      String url = api.get("/v1/files/retrieve?file_id=" + fileId).json().path("file").path("download_url").asText();
      assertThat(url).contains("Expires=" + clock.instant().plusSeconds(32_400).getEpochSecond());
      byte[] bytes = Api.fetch(url).bytes();
      clock.advance(Duration.ofSeconds(32_399));
      assertThat(Api.fetch(url).status()).isEqualTo(200);
      clock.advance(Duration.ofSeconds(1));
      Api.Reply expired = Api.fetch(url);
      assertThat(expired.status()).isEqualTo(403);
      assertThat(new String(expired.bytes())).contains("<Code>AccessDenied</Code>");
      String fresh = api.get("/v1/files/retrieve?file_id=" + fileId).json().path("file").path("download_url").asText();
      assertThat(fresh).isNotEqualTo(url);
      assertThat(Api.fetch(fresh).bytes()).isEqualTo(bytes);
      assertThat(Api.fetch(minimax.baseUri() + "/_download/nope/output_aigc.mp4").status()).isEqualTo(404);
    }
  }

  @Test
  void aPngFirstFrameSetsTheAspect() {
    FfProbe.assumeAvailable();
    ManualClock clock = Clock.manual();
    try (MiniMaxFake minimax = MiniMaxFake.builder().clock(clock).fps(2).start()) {
      Api api = new Api(minimax.baseUri());
      Map<String, Object> body = Api.video("I2V-01", null);
      body.put("first_frame_image", Api.PNG_DATA_URI); // 64x48: 4:3
      String task = api.post("/v1/video_generation", body).json().path("task_id").asText();
      Map<String, Object> url = Api.video("MiniMax-Hailuo-2.3-Fast", "go");
      url.put("first_frame_image", "https://example.com/portrait.jpg");
      url.put("resolution", "1080P");
      String task2 = api.post("/v1/video_generation", url).json().path("task_id").asText();
      clock.advance(Duration.ofSeconds(3));
      for (String[] c : new String[][] {{task, "960", "720"}, {task2, "1920", "1080"}}) {
        JsonNode q = api.get("/v1/query/video_generation?task_id=" + c[0]).json();
        assertThat(q.path("video_width").asText()).isEqualTo(c[1]);
        assertThat(q.path("video_height").asText()).isEqualTo(c[2]);
        String dl = api.get("/v1/files/retrieve?file_id=" + q.path("file_id").asText())
            .json().path("file").path("download_url").asText();
        FfProbe.Video v = FfProbe.probe(Api.fetch(dl).bytes());
        assertThat(v.width()).isEqualTo(Integer.parseInt(c[1]));
        assertThat(v.height()).isEqualTo(Integer.parseInt(c[2]));
        assertThat(v.seconds()).isCloseTo(6.0, within(1.0));
      }
    }
  }

  @Test
  void resetForgetsTasksAndRestartsIds() {
    ManualClock clock = Clock.manual();
    try (MiniMaxFake minimax = MiniMaxFake.builder().clock(clock).fps(2).start()) {
      Api api = new Api(minimax.baseUri());
      String first = api.post("/v1/video_generation", Api.video("T2V-01", "x")).json().path("task_id").asText();
      minimax.reset();
      assertThat(Api.code(api.get("/v1/query/video_generation?task_id=" + first))).isEqualTo(2013);
      assertThat(api.post("/v1/video_generation", Api.video("T2V-01", "x")).json().path("task_id").asText())
          .isEqualTo(first);
    }
  }

  private static String status(Api api, String taskId) {
    return api.get("/v1/query/video_generation?task_id=" + taskId).json().path("status").asText();
  }
}
