package dev.backlot.gradio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.wire.Json;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fake through plain HTTP, as Gradio's curl examples call it. */
class GradioFakeHttpTest {

  static GradioFake wan21;
  static GradioHttp http;

  @BeforeAll
  static void start() {
    wan21 = GradioFake.wan21().start();
    http = new GradioHttp(wan21.baseUri());
  }

  @AfterAll
  static void stop() {
    wan21.close();
  }

  @BeforeEach
  void reset() {
    wan21.reset();
  }

  @Test
  void configDescribesTheAppWithAnAbsoluteRoot() throws Exception {
    JsonNode c = http.json(http.get("/config"));

    assertThat(c.get("protocol").asText()).isEqualTo("sse_v3");
    assertThat(c.get("api_prefix").asText()).isEqualTo("/gradio_api");
    assertThat(c.get("version").asText()).startsWith("5.");
    assertThat(c.get("root").asText()).isEqualTo(wan21.baseUri().toString());
    assertThat(c.get("connect_heartbeat").asBoolean()).isFalse();
    JsonNode dep = c.get("dependencies").get(0);
    assertThat(dep.get("api_name").asText()).isEqualTo("t2v_generation");
    List<Integer> ids = c.get("components").findValues("id").stream().map(JsonNode::asInt).toList();
    dep.get("inputs").forEach(id -> assertThat(ids).contains(id.asInt()));
    dep.get("outputs").forEach(id -> assertThat(ids).contains(id.asInt()));
    assertThat(http.json(http.get("/gradio_api/app_id")).get("app_id").asLong()).isEqualTo(c.get("app_id").asLong());
  }

  @Test
  void aBareBuilderServesTheWan2gpPresetWithAHeartbeat() throws Exception {
    try (GradioFake bare = GradioFake.builder().start()) {
      JsonNode c = new GradioHttp(bare.baseUri()).json(new GradioHttp(bare.baseUri()).get("/config/"));
      assertThat(c.get("title").asText()).isEqualTo("Wan2GP");
      assertThat(c.get("connect_heartbeat").asBoolean()).isTrue();
      assertThat(c.get("max_file_size").isNull()).isTrue();
      assertThat(c.get("dependencies").findValuesAsText("api_name"))
          .containsExactly("generate_video", "generate_video_1", "abort_generation");
    }
  }

  @Test
  void infoListsNamedEndpointsWithParameters() throws Exception {
    JsonNode info = http.json(http.get("/gradio_api/info"));

    JsonNode t2v = info.get("named_endpoints").get("/t2v_generation");
    assertThat(t2v.get("parameters").findValuesAsText("parameter_name"))
        .startsWith("txt2vid_prompt", "resolution", "frame_num", "sd_steps");
    assertThat(t2v.get("parameters").get(1).get("parameter_default").asText()).isEqualTo("1280*720");
    assertThat(t2v.get("returns").get(0).get("component").asText()).isEqualTo("Video");
    assertThat(info.get("unnamed_endpoints").size()).isZero();
  }

  @Test
  void callApiPostThenNamedEventsEndWithComplete() throws Exception {
    HttpResponse<String> post = http.post("/gradio_api/call/t2v_generation",
        "{\"data\": [\"a red fox\", \"416*240\", 9, 3, 5, 5, 1, \"\"]}");
    assertThat(post.statusCode()).isEqualTo(200);
    String eventId = http.json(post).get("event_id").asText();
    assertThat(eventId).matches("[0-9a-f]{32}");

    HttpResponse<String> stream = http.get("/gradio_api/call/t2v_generation/" + eventId);

    assertThat(stream.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
    List<String[]> events = GradioHttp.namedEvents(stream.body());
    assertThat(events).extracting(e -> e[0]).containsExactly("complete");
    JsonNode video = Json.parse(events.get(0)[1]).get(0).get("video");
    assertThat(video.get("mime_type").asText()).isEqualTo("video/mp4");
    HttpResponse<byte[]> mp4 = http.getBytes("/gradio_api/file=" + video.get("path").asText(), null);
    assertThat(mp4.statusCode()).isEqualTo(200);
    assertThat(mp4.body().length).isEqualTo(video.get("size").asInt());
    assertThat(new String(mp4.body(), 4, 4)).isEqualTo("ftyp");
    wan21.jobs().assertHealthy();
  }

  @Test
  void queueStreamParsesAsPythonGradioClientParsesIt() throws Exception {
    String eventId = http.join("sess1", 0,
        Json.parse("[\"a red fox\", \"416*240\", 5, 3, 5, 5, 1, \"\"]"));

    HttpResponse<String> r = http.get("/gradio_api/queue/data?session_hash=sess1");

    assertThat(r.statusCode()).isEqualTo(200);
    List<JsonNode> msgs = GradioHttp.pythonMessages(r.body());
    assertThat(msgs.stream().map(m -> m.get("msg").asText()).collect(Collectors.joining(",")))
        .isEqualTo("estimation,process_starts,progress,progress,progress,process_completed,close_stream");
    assertThat(msgs.get(0).get("event_id").asText()).isEqualTo(eventId);
    assertThat(msgs.get(0).get("queue_size").asInt()).isEqualTo(1);
    assertThat(msgs.get(4).get("progress_data").get(0).get("index").asInt()).isEqualTo(3);
    JsonNode done = msgs.get(5);
    assertThat(done.get("success").asBoolean()).isTrue();
    assertThat(done.get("output").get("data").get(0).get("video").get("path").asText()).startsWith("/tmp/gradio/");
    assertThat(msgs.get(6).get("event_id").isNull()).isTrue();
    assertThat(r.body()).doesNotContain("event:").doesNotContain("id:").endsWith("\n\n");
  }
}
