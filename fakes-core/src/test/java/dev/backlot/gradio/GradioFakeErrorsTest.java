package dev.backlot.gradio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.wire.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bad input gets Gradio's statuses and shapes; the fake keeps serving and stores nothing. */
class GradioFakeErrorsTest {

  static GradioFake wan;
  static GradioFake shown;
  static GradioHttp http;
  static final String GOOD = "[null, \"fox\", \"\", \"416x240\", 5, 2, 1, 5]";

  @BeforeAll
  static void start() {
    wan = GradioFake.wan2gp().start();
    shown = GradioFake.wan2gp().showError(true).start();
    http = new GradioHttp(wan.baseUri());
  }

  @AfterAll
  static void stop() {
    wan.close();
    shown.close();
  }

  @BeforeEach
  void reset() {
    wan.reset();
    shown.reset();
  }

  private static JsonNode detail(HttpResponse<String> r) {
    return Json.parse(r.body()).get("detail");
  }

  @Test
  void malformedAndMistypedBodiesAre422WithPydanticEntries() throws Exception {
    HttpResponse<String> bad = http.post("/gradio_api/queue/join", "{\"data\": [1,");
    assertThat(bad.statusCode()).isEqualTo(422);
    assertThat(detail(bad).get(0).get("type").asText()).isEqualTo("json_invalid");
    assertThat(detail(bad).get(0).get("loc").get(0).asText()).isEqualTo("body");
    assertThat(detail(bad).get(0).get("msg").asText()).isEqualTo("JSON decode error");

    HttpResponse<String> missing = http.post("/gradio_api/queue/join", "{\"fn_index\": 0, \"session_hash\": \"s\"}");
    assertThat(missing.statusCode()).isEqualTo(422);
    assertThat(detail(missing).get(0).get("type").asText()).isEqualTo("missing");
    assertThat(detail(missing).get(0).get("loc").toString()).isEqualTo("[\"body\",\"data\"]");
    assertThat(detail(missing).get(0).get("msg").asText()).isEqualTo("Field required");

    HttpResponse<String> notList = http.post("/gradio_api/queue/join", "{\"data\": \"x\", \"fn_index\": 0, \"session_hash\": \"s\"}");
    assertThat(detail(notList).get(0).get("type").asText()).isEqualTo("list_type");

    HttpResponse<String> fn = http.post("/gradio_api/queue/join", "{\"data\": [], \"fn_index\": \"abc\", \"session_hash\": \"s\"}");
    assertThat(fn.statusCode()).isEqualTo(422);
    assertThat(detail(fn).get(0).get("type").asText()).isEqualTo("int_parsing");
    assertThat(detail(fn).get(0).get("input").asText()).isEqualTo("abc");

    HttpResponse<String> array = http.post("/gradio_api/call/generate_video", "[1, 2]");
    assertThat(detail(array).get(0).get("type").asText()).isEqualTo("model_attributes_type");

    HttpResponse<String> cancel = http.post("/gradio_api/cancel", "{\"event_id\": \"e\"}");
    assertThat(cancel.statusCode()).isEqualTo(422);
    assertThat(detail(cancel).get(0).get("loc").toString()).isEqualTo("[\"body\",\"session_hash\"]");
    assertThat(http.post("/gradio_api/reset", "{}").statusCode()).isEqualTo(422);
    assertStillServing();
  }

  @Test
  void missingSessionHashOrFnIndexAre400InDetailShape() throws Exception {
    HttpResponse<String> noHash = http.post("/gradio_api/queue/join", "{\"data\": [], \"fn_index\": 0}");
    assertThat(noHash.statusCode()).isEqualTo(400);
    assertThat(noHash.body()).isEqualTo("{\"detail\":\"Session hash not found.\"}");

    HttpResponse<String> noFn = http.post("/gradio_api/queue/join", "{\"data\": [], \"session_hash\": \"s\"}");
    assertThat(noFn.statusCode()).isEqualTo(400);
    assertThat(detail(noFn).asText()).isEqualTo("No function index provided.");
    assertStillServing();
  }

  @Test
  void unknownFnIndexOrApiNameIsGradiosPlainInternalServerError() throws Exception {
    HttpResponse<String> fn = http.post("/gradio_api/queue/join", "{\"data\": [], \"fn_index\": 99, \"session_hash\": \"s\"}");
    assertThat(fn.statusCode()).isEqualTo(500);
    assertThat(fn.body()).isEqualTo("Internal Server Error");

    assertThat(http.post("/gradio_api/call/nope", "{\"data\": []}").statusCode()).isEqualTo(500);
    assertThat(http.post("/gradio_api/run/nope", "{\"data\": []}").body()).isEqualTo("Internal Server Error");
    HttpResponse<String> route = http.get("/gradio_api/nope");
    assertThat(route.statusCode()).isEqualTo(404);
    assertThat(route.body()).isEqualTo("{\"detail\":\"Not Found\"}");
    assertThat(http.get("/info").statusCode()).as("5.x has no prefix-less API routes").isEqualTo(404);
    assertThat(wan.jobs().submittedCount()).isZero();
    assertStillServing();
  }

  @Test
  void tooFewInputsFailTheCallWithGradiosMessageOnlyWhenShowErrorIsOn() throws Exception {
    JsonNode hidden = completed(http, "s1", 0, "[null, \"fox\"]");
    assertThat(hidden.get("success").asBoolean()).isFalse();
    assertThat(hidden.get("output").toString()).isEqualTo("{\"error\":null}");
    assertThat(hidden.get("title").asText()).isEqualTo("Error");

    JsonNode visible = completed(new GradioHttp(shown.baseUri()), "s1", 0, "[null, \"fox\"]");
    assertThat(visible.get("output").get("error").asText())
        .startsWith("An event handler (generate_video) didn't receive enough input values (needed: 8, got: 2).");
    assertStillServing();
  }

  @Test
  void aValueOutsideTheDropdownIsAGrErrorShownToTheClient() throws Exception {
    JsonNode m = completed(http, "s2", 0, "[null, \"fox\", \"\", \"999x999\", 5, 2, 1, 5]");

    assertThat(m.get("success").asBoolean()).isFalse();
    JsonNode out = m.get("output");
    assertThat(out.get("error").asText()).isEqualTo("Value: 999x999 is not in the list of choices: "
        + "['1280x720', '720x1280', '832x480', '480x832', '624x624', '512x512', '416x240']");
    assertThat(out.get("title").asText()).isEqualTo("Error");
    assertThat(out.get("visible").asBoolean()).isTrue();
    assertThat(out.get("duration").asDouble()).isEqualTo(10.0);
    assertStillServing();
  }

  @Test
  void wrongTypesAndFilesNotUploadedFail() throws Exception {
    GradioHttp visible = new GradioHttp(shown.baseUri());
    JsonNode slider = completed(visible, "s3", 0, "[null, \"fox\", \"\", \"416x240\", \"many\", 2, 1, 5]");
    assertThat(slider.get("output").get("error").asText()).isEqualTo("could not convert string to float: 'many'");

    JsonNode image = completed(visible, "s4", 1,
        "[null, {\"path\": \"/etc/passwd\", \"meta\": {\"_type\": \"gradio.FileData\"}}, \"fox\", \"416x240\", 5, 2, 1]");
    assertThat(image.get("output").get("error").asText())
        .isEqualTo("Cannot move /etc/passwd to the gradio cache dir because it was not uploaded by a user.");
    JsonNode notFile = completed(visible, "s5", 1, "[null, \"just text\", \"fox\", \"416x240\", 5, 2, 1]");
    assertThat(notFile.get("output").get("error").asText()).startsWith("1 validation error for ImageData");
    assertThat(shown.outputs()).isEmpty();
    assertStillServing();
  }

  @Test
  void queueFullIs503WithGradiosDetail() throws Exception {
    try (GradioFake full = GradioFake.wan2gp().maxQueueSize(0).start()) {
      HttpResponse<String> r = new GradioHttp(full.baseUri()).post("/gradio_api/queue/join",
          "{\"data\": " + GOOD + ", \"fn_index\": 0, \"session_hash\": \"s\"}");
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(detail(r).asText()).isEqualTo("Queue is full. Max size is 0 and size is 0.");
      assertThat(full.jobs().submittedCount()).isZero();
    }
  }

  @Test
  void filesOutsideTheUploadAndOutputFoldersAre403() throws Exception {
    for (String path : List.of("/etc/passwd", "/tmp/gradio/../../etc/passwd", "/tmp/gradio/abc/missing.mp4")) {
      HttpResponse<String> r = http.get("/gradio_api/file=" + path);
      assertThat(r.statusCode()).as(path).isEqualTo(403);
      assertThat(detail(r).asText()).isEqualTo("File not allowed: " + path + ".");
    }
    HttpResponse<String> upload = http.post("/gradio_api/upload", "{}");
    assertThat(upload.statusCode()).isEqualTo(400);
    assertThat(detail(upload).asText()).isEqualTo("Invalid content type.");
  }

  @Test
  void anUnknownSessionGetsSessionNotFoundThenABrokenStream() throws Exception {
    String raw = rawGet(wan.port(), "/gradio_api/queue/data?session_hash=nobody");

    assertThat(raw).startsWith("HTTP/1.1 200");
    assertThat(raw).contains("data: {\"msg\":\"unexpected_error\",\"event_id\":null,"
        + "\"message\":\"404: Session not found.\",\"success\":false}\n\n");
    assertThat(raw).as("the chunked body never ends").doesNotEndWith("0\r\n\r\n");
  }

  /** Joins, reads the whole stream, returns the process_completed message. */
  static JsonNode completed(GradioHttp h, String session, int fn, String data) throws Exception {
    String id = h.join(session, fn, Json.parse(data));
    List<JsonNode> msgs = GradioHttp.pythonMessages(h.get("/gradio_api/queue/data?session_hash=" + session).body());
    assertThat(msgs.get(msgs.size() - 1).get("msg").asText()).isEqualTo("close_stream");
    JsonNode done = msgs.get(msgs.size() - 2);
    assertThat(done.get("msg").asText()).isEqualTo("process_completed");
    assertThat(done.get("event_id").asText()).isEqualTo(id);
    return done;
  }

  private void assertStillServing() throws Exception {
    JsonNode ok = completed(http, "good", 0, GOOD);
    assertThat(ok.get("success").asBoolean()).isTrue();
    assertThat(wan.uploads()).isEmpty();
  }

  /** Reads a response off a raw socket until the server closes or breaks the connection. */
  static String rawGet(int port, String target) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(20_000);
      s.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[4096];
      try {
        for (int n; (n = in.read(buf)) > 0; ) {
          out.write(buf, 0, n);
        }
      } catch (IOException reset) {
        // a broken stream: keep what arrived
      }
      return out.toString(StandardCharsets.UTF_8);
    }
  }
}
