package dev.backlot.minimax;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.time.Clock;
import dev.backlot.wire.Json;
import dev.backlot.time.ManualClock;
import java.io.IOException;
import java.time.Duration;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/** A second popular client, OkHttp, through the same documented flow and an HTTP-200 error. */
class MiniMaxOkHttpTest {

  private final OkHttpClient http = new OkHttpClient();

  private JsonNode json(Request req) throws IOException {
    try (Response r = http.newCall(req).execute()) {
      assertThat(r.code()).isEqualTo(200);
      return Json.parse(r.body().bytes());
    }
  }

  @Test
  void createPollRetrieveDownload() throws IOException {
    ManualClock clock = Clock.manual();
    try (MiniMaxFake minimax = MiniMaxFake.builder().clock(clock).apiKeys("ok-key").fps(2).start()) {
      String base = minimax.baseUri().toString();
      Request.Builder authed = new Request.Builder().header("Authorization", "Bearer ok-key");
      JsonNode created = json(authed.url(base + "/v1/video_generation")
          .post(RequestBody.create("{\"model\":\"MiniMax-Hailuo-2.3\",\"prompt\":\"rain\",\"duration\":10}",
              MediaType.get("application/json"))).build());
      String taskId = created.path("task_id").asText();
      assertThat(created.path("base_resp").path("status_code").asInt()).isZero();

      clock.advance(Duration.ofSeconds(3));
      JsonNode q = json(authed.url(base + "/v1/query/video_generation?task_id=" + taskId).get().build());
      assertThat(q.path("status").asText()).isEqualTo("Success");
      JsonNode file = json(authed.url(base + "/v1/files/retrieve?file_id=" + q.path("file_id").asText()).get().build());
      String url = file.path("file").path("download_url").asText();
      try (Response video = http.newCall(new Request.Builder().url(url).build()).execute()) {
        assertThat(video.code()).isEqualTo(200);
        assertThat(video.header("Content-Type")).isEqualTo("video/mp4");
        assertThat(video.body().bytes()).hasSize(file.path("file").path("bytes").asInt());
      }

      JsonNode denied = json(new Request.Builder().url(base + "/v1/query/video_generation?task_id=" + taskId)
          .header("Authorization", "Bearer nope").get().build());
      assertThat(denied.path("base_resp").path("status_code").asInt()).isEqualTo(1004);
    }
  }
}
