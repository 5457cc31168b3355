package dev.backlot.gradio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.time.Clock;
import dev.backlot.wire.Json;
import dev.backlot.time.ManualClock;
import dev.backlot.jobs.JobState;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The queue's message sequence, heartbeats, generators, cancel and scripted outcomes. */
class GradioFakeQueueTest {

  static final String T2V = "[null, \"fox\", \"\", \"416x240\", 5, 3, 1, 5]";

  /** Reads an SSE response line by line on the client's threads. */
  static BlockingQueue<String> open(GradioHttp h, String path) {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    // Its own thread: reading the lines blocks until the stream ends.
    Thread reader = new Thread(() -> {
      try {
        h.client.send(HttpRequest.newBuilder(URI.create(h.base + path)).build(),
            HttpResponse.BodyHandlers.ofLines()).body().forEach(lines::add);
        lines.add("<end>");
      } catch (Exception e) {
        lines.add("<broken>");
      }
    }, "sse-reader " + path);
    reader.setDaemon(true);
    reader.start();
    return lines;
  }

  /** The next non-blank line as sent. */
  static String nextRaw(BlockingQueue<String> lines) throws InterruptedException {
    while (true) {
      String l = lines.poll(20, TimeUnit.SECONDS);
      assertThat(l).as("a line within 20 s").isNotNull();
      if (!l.isEmpty()) {
        return l;
      }
    }
  }

  /** The next message (a {@code data:} line), skipping blank separators. */
  static JsonNode next(BlockingQueue<String> lines) throws InterruptedException {
    while (true) {
      String l = lines.poll(20, TimeUnit.SECONDS);
      assertThat(l).as("a message within 20 s").isNotNull();
      if (l.isEmpty()) {
        continue;
      }
      if (l.startsWith("<")) {
        return Json.object().put("msg", l);
      }
      assertThat(l).startsWith("data: ");
      return Json.parse(l.substring(6));
    }
  }

  @Test
  void twoEventsOfOneSessionShareAStreamThatClosesAfterTheLast() throws Exception {
    ManualClock clock = Clock.manual();
    try (GradioFake fake = GradioFake.wan2gp().clock(clock).start()) {
      GradioHttp h = new GradioHttp(fake.baseUri());
      String e1 = h.join("s", 0, Json.parse(T2V));
      String e2 = h.join("s", 0, Json.parse(T2V));
      clock.advance(Duration.ZERO);
      clock.advance(Duration.ofSeconds(1));
      clock.advance(Duration.ofSeconds(1));

      List<JsonNode> msgs = GradioHttp.pythonMessages(h.get("/gradio_api/queue/data?session_hash=s").body());

      List<String> seq = new ArrayList<>();
      msgs.forEach(m -> seq.add(m.get("msg").asText() + (m.get("event_id").isNull() ? ""
          : m.get("event_id").asText().equals(e1) ? "1" : "2")));
      assertThat(seq).containsExactly("estimation1", "estimation2",
          "process_starts1", "progress1", "process_generating1", "progress1", "process_generating1",
          "progress1", "process_completed1",
          "process_starts2", "progress2", "process_generating2", "progress2", "process_generating2",
          "progress2", "process_completed2", "close_stream");
      assertThat(msgs.get(0).get("rank").asInt()).isZero();
      assertThat(msgs.get(1).get("rank").asInt()).isEqualTo(1);
      assertThat(msgs.get(1).get("queue_size").asInt()).isEqualTo(2);
      assertThat(fake.jobs().jobs(JobState.SUCCEEDED)).hasSize(2);
      fake.jobs().assertHealthy();
    }
  }

  @Test
  void generatorsSendFullValuesThenDiffsThenTheFullFinalOutput() throws Exception {
    try (GradioFake fake = GradioFake.wan2gp().start()) {
      GradioHttp h = new GradioHttp(fake.baseUri());
      h.join("g", 0, Json.parse(T2V));

      List<JsonNode> gen = GradioHttp.pythonMessages(h.get("/gradio_api/queue/data?session_hash=g").body())
          .stream().filter(m -> m.get("msg").asText().startsWith("process_")).toList();

      assertThat(gen.get(1).get("msg").asText()).isEqualTo("process_generating");
      assertThat(gen.get(1).get("output").get("data").toString()).isEqualTo("[[],\"Step 1/3\\n\",null]");
      assertThat(gen.get(1).get("output").get("is_generating").asBoolean()).isTrue();
      assertThat(gen.get(2).get("output").get("data").toString())
          .isEqualTo("[[],[[\"append\",[],\"Step 2/3\\n\"]],[]]");
      JsonNode done = gen.get(3);
      assertThat(done.get("msg").asText()).isEqualTo("process_completed");
      assertThat(done.get("output").get("data").get(1).asText()).isEqualTo("Step 1/3\nStep 2/3\nStep 3/3\nVideo generated");
      assertThat(done.get("output").get("data").get(0).get(0).get("video").get("mime_type").asText()).isEqualTo("video/mp4");
      assertThat(done.get("output").get("data").get(2).isNull()).as("State outputs are null placeholders").isTrue();
    }
  }

  @Test
  void aHeartbeatFollowsFifteenSilentSecondsAndCancelCompletesTheEvent() throws Exception {
    ManualClock clock = Clock.manual();
    try (GradioFake fake = GradioFake.wan2gp().clock(clock).start()) {
      fake.jobs().script().all().stall();
      GradioHttp h = new GradioHttp(fake.baseUri());
      String id = h.join("hb", 0, Json.parse(T2V));
      clock.advance(Duration.ZERO);
      BlockingQueue<String> lines = open(h, "/gradio_api/queue/data?session_hash=hb");
      assertThat(next(lines).get("msg").asText()).isEqualTo("estimation");
      assertThat(next(lines).get("msg").asText()).isEqualTo("process_starts");

      clock.advance(Duration.ofSeconds(15));
      assertThat(next(lines).toString()).isEqualTo("{\"msg\":\"heartbeat\",\"event_id\":null}");

      HttpResponse<String> cancel = h.post("/gradio_api/cancel",
          "{\"session_hash\": \"hb\", \"fn_index\": 0, \"event_id\": \"" + id + "\"}");
      assertThat(cancel.body()).isEqualTo("{\"success\":true}");
      assertThat(next(lines).toString()).isEqualTo("{\"msg\":\"process_completed\",\"event_id\":\"" + id
          + "\",\"output\":{},\"success\":true,\"title\":null}");
      assertThat(next(lines).get("msg").asText()).isEqualTo("close_stream");
      assertThat(next(lines).get("msg").asText()).isEqualTo("<end>");
      assertThat(h.post("/gradio_api/reset", "{\"event_id\": \"" + id + "\"}").body()).isEqualTo("{\"success\":true}");
      assertThat(fake.jobs().job(id).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
      fake.jobs().assertHealthy();
    }
  }

  @Test
  void scriptedFailuresAreHiddenUnlessTheyAreGrErrors() throws Exception {
    try (GradioFake fake = GradioFake.wan21().start()) {
      GradioHttp h = new GradioHttp(fake.baseUri());
      String data = "[\"fox\", \"416*240\", 5, 2, 5, 5, 1, \"\"]";
      fake.jobs().script().next(1).fail("CUDA out of memory");
      JsonNode plain = GradioFakeErrorsTest.completed(h, "f1", 0, data);
      assertThat(plain.get("output").toString()).isEqualTo("{\"error\":null}");

      fake.jobs().script().next(1).fail("CUDA out of memory", new GradioError("CUDA out of memory", "GPU", null, true));
      JsonNode shown = GradioFakeErrorsTest.completed(h, "f2", 0, data);
      assertThat(shown.get("success").asBoolean()).isFalse();
      assertThat(shown.get("title").asText()).isEqualTo("GPU");
      assertThat(shown.get("output").toString())
          .isEqualTo("{\"error\":\"CUDA out of memory\",\"duration\":null,\"visible\":true,\"title\":\"GPU\"}");

      fake.jobs().script().next(1).fail("CUDA out of memory");
      String id = h.json(h.post("/gradio_api/call/t2v_generation", "{\"data\": " + data + "}")).get("event_id").asText();
      List<String[]> events = GradioHttp.namedEvents(h.get("/gradio_api/call/t2v_generation/" + id).body());
      assertThat(events).hasSize(1);
      assertThat(events.get(0)).containsExactly("error", "null");
    }
  }

  @Test
  void faultsResetAndIdsFollowTheSeed() throws Exception {
    try (GradioFake fake = GradioFake.wan21().seed(42).start()) {
      GradioHttp h = new GradioHttp(fake.baseUri());
      fake.faults().on("POST", "/gradio_api/queue/join").next(1).status(503);
      String body = "{\"data\": [\"fox\", \"416*240\", 5, 1, 5, 5, 1, \"\"], \"fn_index\": 0, \"session_hash\": \"x\"}";
      HttpResponse<String> refused = h.post("/gradio_api/queue/join", body);
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(Json.parse(refused.body()).has("detail")).isTrue();
      String first = h.json(h.post("/gradio_api/queue/join", body)).get("event_id").asText();

      fake.reset();

      assertThat(GradioFakeErrorsTest.rawGet(fake.port(), "/gradio_api/queue/data?session_hash=x"))
          .contains("Session not found.");
      assertThat(h.json(h.post("/gradio_api/queue/join", body)).get("event_id").asText()).isEqualTo(first);
      assertThat(fake.journal().count(e -> e.path().equals("/gradio_api/queue/join"))).isEqualTo(1);
    }
  }

  @Test
  void manyConcurrentCallersAllCompleteOnTwoWorkers() throws Exception {
    try (GradioFake fake = GradioFake.wan21().concurrency(2).start()) {
      GradioHttp h = new GradioHttp(fake.baseUri());
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
      try {
        List<java.util.concurrent.Future<List<String[]>>> calls = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
          String data = "{\"data\": [\"fox " + i + "\", \"416*240\", 1, 1, 5, 5, 1, \"\"]}";
          calls.add(pool.submit(() -> {
            String id = h.json(h.post("/gradio_api/call/t2v_generation", data)).get("event_id").asText();
            return GradioHttp.namedEvents(h.get("/gradio_api/call/t2v_generation/" + id).body());
          }));
        }
        for (var c : calls) {
          List<String[]> events = c.get(60, TimeUnit.SECONDS);
          assertThat(events).hasSize(1);
          assertThat(events.get(0)[0]).isEqualTo("complete");
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(fake.jobs().jobs(JobState.SUCCEEDED)).hasSize(16);
      assertThat(fake.outputs()).hasSize(16);
      fake.jobs().assertHealthy();
    }
  }

  @Test
  void directRunCallsTheHandlerAtOnce() throws Exception {
    try (GradioFake fake = GradioFake.wan2gp().start()) {
      GradioHttp h = new GradioHttp(fake.baseUri());
      HttpResponse<String> r = h.post("/gradio_api/run/abort_generation", "{\"data\": [null]}");
      assertThat(r.statusCode()).isEqualTo(200);
      JsonNode out = h.json(r);
      assertThat(out.get("data").toString()).isEqualTo("[\"Generation aborted\"]");
      assertThat(out.get("is_generating").asBoolean()).isFalse();

      HttpResponse<String> err = h.post("/gradio_api/run/generate_video_1",
          "{\"data\": [null, null, \"fox\", \"416x240\", 5, 2, 1]}");
      assertThat(err.statusCode()).isEqualTo(500);
      assertThat(h.json(err).get("error").asText()).isEqualTo("You must provide a Start Image");
      assertThat(fake.jobs().submittedCount()).isZero();
    }
  }

  @Test
  void aGradio4AppServesItsApiWithoutThePrefix() throws Exception {
    GradioApp app = GradioApp.builder().version("4.44.1")
        .endpoint(Endpoint.named("echo").input(Component.textbox("Text")).output(Component.textbox("Out"))
            .handler(call -> List.of(call.text(0) + "!")))
        .build();
    try (GradioFake fake = GradioFake.builder().app(app).start()) {
      GradioHttp h = new GradioHttp(fake.baseUri());
      JsonNode config = h.json(h.get("/config"));
      assertThat(config.has("api_prefix")).isFalse();
      assertThat(config.get("version").asText()).isEqualTo("4.44.1");
      assertThat(h.get("/info").statusCode()).isEqualTo(200);
      assertThat(h.get("/gradio_api/info").statusCode()).isEqualTo(404);
      String id = h.json(h.post("/call/echo", "{\"data\": [\"hi\"]}")).get("event_id").asText();
      assertThat(GradioHttp.namedEvents(h.get("/call/echo/" + id).body()).get(0)).containsExactly("complete", "[\"hi!\"]");
    }
  }

  @Test
  void anAppDeclaredInConfigurationAnswersWithGeneratedOutputs() throws Exception {
    JsonNode settings = Json.parse("{\"app\": {\"title\": \"Mini\", \"endpoints\": [{\"name\": \"render\","
        + " \"steps\": \"steps\", \"inputs\": [{\"type\": \"textbox\", \"label\": \"Prompt\"},"
        + " {\"type\": \"slider\", \"label\": \"Steps\", \"minimum\": 1, \"maximum\": 9, \"value\": 2},"
        + " {\"type\": \"dropdown\", \"label\": \"Resolution\", \"choices\": [\"64x32\"], \"value\": \"64x32\"}],"
        + " \"outputs\": [{\"type\": \"video\", \"label\": \"Video\"}, {\"type\": \"textbox\", \"label\": \"Echo\"}]}]},"
        + " \"maxQueueSize\": 5}");
    try (GradioFake fake = GradioFake.builder().configure(settings).start()) {
      GradioHttp h = new GradioHttp(fake.baseUri());
      JsonNode done = GradioFakeErrorsTest.completed(h, "c", 0, "[\"hello\", 3, \"64x32\"]");
      assertThat(done.get("output").get("data").get(1).asText()).isEqualTo("hello");
      assertThat(done.get("output").get("data").get(0).get("video").get("path").asText()).endsWith("/video.mp4");
      assertThat(fake.jobs().jobs().get(0).progress().max()).isEqualTo(3);
    }
  }
}
