package dev.backlot.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** How entries read in failure messages: the digest, body previews and long queries. */
class DigestTest {

  private final Recorder rec = Recorder.create(1000, 4096);
  private final Journal journal = rec.journal();

  private Entry http(String method, String path, String query, String contentType, byte[] body, int status) {
    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    if (contentType != null) {
      headers.put("Content-Type", List.of(contentType));
    }
    Entry e = rec.record(Entry.Kind.HTTP, Instant.EPOCH, method, path, query, headers, body);
    e.complete(status, status >= 400 ? "{\"error\": \"no such prompt\"}" : "");
    return e;
  }

  private Entry http(String method, String path, int status) {
    return http(method, path, "", null, new byte[0], status);
  }

  private Entry message(Entry.Kind kind, String path, String text) {
    return rec.record(kind, Instant.EPOCH, "GET", path, "", Map.of(), text.getBytes(StandardCharsets.UTF_8));
  }

  /** The digest, with latencies (which vary) as "N ms". */
  private static String digest(Journal j, int n) {
    return String.join("\n", j.digest(n)).replaceAll("\\(\\d+ ms\\)", "(N ms)");
  }

  private static String md5(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
  }

  @Test
  void aRunOfMessagesIsOneLineCountingThemByType() {
    rec.record(Entry.Kind.WS_OPEN, Instant.EPOCH, "GET", "/ws", "", Map.of(), new byte[0]);
    http("POST", "/prompt", 200);
    for (int i = 0; i < 23; i++) {
      message(Entry.Kind.WS_OUT, "/ws", "{\"type\": \"progress\", \"data\": {\"value\": " + i + "}}");
      if (i % 11 == 0) {
        message(Entry.Kind.WS_OUT, "/ws", "{\"type\": \"executing\", \"data\": {\"node\": \"3\"}}");
      }
    }
    http("GET", "/history/p1", 200);

    assertThat(digest(journal, 3)).isEqualTo("""
        ... 1 earlier entries not shown
        #2 POST /prompt -> 200 (N ms)
        #3..#28 ws -> /ws: 26 WebSocket frames: progress x23, executing x3
        #29 GET /history/p1 -> 200 (N ms)""");
  }

  @Test
  void shortRunsErrorsAndFaultedMessagesStayVisible() {
    message(Entry.Kind.WS_OUT, "/ws", "{\"type\": \"status\"}");
    message(Entry.Kind.WS_OUT, "/ws", "{\"type\": \"progress\"}"); // a run of two: shown as is
    http("GET", "/queue", 200);
    message(Entry.Kind.WS_OUT, "/ws", "{\"type\": \"progress\"}");
    message(Entry.Kind.WS_OUT, "/ws", "{\"type\": \"progress\"}");
    message(Entry.Kind.WS_OUT, "/ws", "{\"type\": \"progress\"}");
    message(Entry.Kind.WS_OUT, "/ws", "{\"type\": \"execution_error\", \"data\": {\"exception_message\": \"OOM\"}}");
    Entry dropped = message(Entry.Kind.WS_OUT, "/ws", "{\"type\": \"progress\"}");
    rec.fault(dropped, "#1 WS /ws outgoing \"progress\" -> drop");
    message(Entry.Kind.WS_IN, "/ws", "{\"type\": \"feature_flags\"}");

    assertThat(digest(journal, 25)).isEqualTo("""
        #1 ws -> /ws {"type": "status"}
        #2 ws -> /ws {"type": "progress"}
        #3 GET /queue -> 200 (N ms)
        #4..#6 ws -> /ws: 3 WebSocket frames: progress x3
        #7 ws -> /ws {"type": "execution_error", "data": {"exception_message": "OOM"}}
        #8 ws -> /ws {"type": "progress"} [fault: #1 WS /ws outgoing "progress" -> drop]
        #9 ws <- /ws {"type": "feature_flags"}""");
  }

  @Test
  void sseEventsCountByEventNameOrJsonObjectAndDone() {
    for (int i = 0; i < 4; i++) {
      message(Entry.Kind.SSE, "/v1/chat/completions", "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[]}");
    }
    message(Entry.Kind.SSE, "/v1/chat/completions", "[DONE]");
    message(Entry.Kind.SSE, "/v1/responses", "event: response.created {\"type\":\"response.created\"}");
    message(Entry.Kind.SSE, "/v1/responses", "event: response.output_text.delta {\"delta\":\"Hi\"}");
    message(Entry.Kind.SSE, "/v1/responses", "event: response.output_text.delta {\"delta\":\"!\"}");
    message(Entry.Kind.WS_OUT, "/queue/join", "{\"msg\": \"process_generating\"}");
    message(Entry.Kind.WS_OUT, "/queue/join", "{\"msg\": \"process_generating\"}");
    message(Entry.Kind.WS_OUT, "/queue/join", "not json");
    rec.record(Entry.Kind.WS_OUT, Instant.EPOCH, "GET", "/queue/join", "", Map.of(), new byte[] {0, 1, 2, (byte) 0xff});

    assertThat(journal.digest(25)).containsExactly(
        "#1..#5 sse -> /v1/chat/completions: 5 SSE events: chat.completion.chunk x4, [DONE] x1",
        "#6..#8 sse -> /v1/responses: 3 SSE events: response.output_text.delta x2, response.created x1",
        "#9..#12 ws -> /queue/join: 4 WebSocket frames: process_generating x2, text x1, binary x1");
  }

  @Test
  void httpErrorsShowTheBodyThatExplainsThem() {
    http("GET", "/history/nope", 404);
    assertThat(journal.digest(5).get(0)).endsWith("-> 404 (" + journal.entries().get(0).latency().toMillis()
        + " ms) => {\"error\": \"no such prompt\"}");
  }

  @Test
  void aLongQueryShowsItsFirstParametersAndCountsTheRest() {
    String signature = "ab".repeat(256);
    String query = "X-Goog-Algorithm=GOOG4-RSA-SHA256"
        + "&X-Goog-Credential=render-worker%40backlot-test.iam.gserviceaccount.com%2F20260101%2Fauto%2Fstorage%2Fgoog4_request"
        + "&X-Goog-Date=20260101T000000Z&X-Goog-Expires=900&X-Goog-SignedHeaders=host&X-Goog-Signature=" + signature;
    Entry e = rec.record(Entry.Kind.HTTP, Instant.EPOCH, "GET", "/frames/a.png", query, Map.of(), new byte[0]);

    assertThat(e.toString()).isEqualTo("#1 GET /frames/a.png?X-Goog-Algorithm=GOOG4-RSA-SHA256"
        + "&X-Goog-Credential=render-worker%40backlot-tes...&X-Goog-Date=20260101T000000Z&...(3 more params)"
        + " -> (no response)");
    assertThat(e.query()).isEqualTo(query); // the entry keeps it whole
    Entry shortQuery = rec.record(Entry.Kind.HTTP, Instant.EPOCH, "GET", "/o", "prefix=logs/&maxResults=10",
        Map.of(), new byte[0]);
    assertThat(shortQuery.toString()).isEqualTo("#2 GET /o?prefix=logs/&maxResults=10 -> (no response)");
  }

  @Test
  void aBinaryBodyIsItsTypeSizeAndMd5() throws Exception {
    byte[] png = new byte[3000];
    new java.util.Random(1).nextBytes(png);
    png[0] = (byte) 0x89;
    Entry e = http("PUT", "/upload", "", "image/png", png, 200);
    assertThat(e.bodyPreview()).isEqualTo("[image/png, 3000 bytes, md5 " + md5(png) + "]");
    assertThat(e.bodyIsText()).isFalse();

    Entry untyped = http("PUT", "/upload", "", null, png, 200);
    assertThat(untyped.bodyPreview()).isEqualTo("[binary, 3000 bytes, md5 " + md5(png) + "]");

    byte[] big = new byte[10_000];
    new java.util.Random(2).nextBytes(big);
    Entry cut = http("PUT", "/upload", "", "application/octet-stream", big, 200);
    assertThat(cut.bodyPreview()).isEqualTo("[application/octet-stream, 10000 bytes, md5 of the first 4096 "
        + md5(java.util.Arrays.copyOf(big, 4096)) + "]");
  }

  @Test
  void textBodiesReadAsBefore() {
    Entry json = http("POST", "/v1/chat/completions", "", "application/json; charset=utf-8",
        "{\"model\":\"gpt-4o\",\n\"messages\":[]}".getBytes(StandardCharsets.UTF_8), 200);
    assertThat(json.bodyPreview()).isEqualTo("{\"model\":\"gpt-4o\", \"messages\":[]}");
    assertThat(json.bodyIsText()).isTrue();
    // cut in the middle of a multibyte character: still text
    byte[] text = ("a" + "é".repeat(3000)).getBytes(StandardCharsets.UTF_8); // 4096 bytes end inside an é
    Entry cut = http("POST", "/notes", "", "text/plain", text, 200);
    assertThat(cut.bodyTruncated()).isTrue();
    assertThat(cut.bodyIsText()).isTrue();
    assertThat(cut.bodyPreview()).startsWith("aéé").endsWith("...(6001 bytes)");
  }

  @Test
  void aMultipartBodyShowsEachPart() throws Exception {
    byte[] image = new byte[1500];
    new java.util.Random(3).nextBytes(image);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(("--b1\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{\"name\":\"a.png\"}\r\n"
        + "--b1\r\nContent-Type: image/png\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    body.writeBytes(image);
    body.writeBytes("\r\n--b1--\r\n".getBytes(StandardCharsets.UTF_8));
    byte[] whole = body.toByteArray();

    Entry e = http("POST", "/upload/storage/v1/b/media/o", "uploadType=multipart", "multipart/related; boundary=b1",
        whole, 200);
    assertThat(e.bodyPreview()).isEqualTo("[multipart/related, " + whole.length + " bytes, 2 parts: application/json"
        + " {\"name\":\"a.png\"}; image/png, 1500 bytes, md5 " + md5(image) + "]");

    Recorder small = Recorder.create(10, 200); // the journal keeps 200 bytes: the image part is cut
    Entry cut = small.record(Entry.Kind.HTTP, Instant.EPOCH, "POST", "/upload", "",
        Map.of("Content-Type", List.of("multipart/related; boundary=b1")), whole);
    int kept = 200 - ("--b1\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{\"name\":\"a.png\"}\r\n"
        + "--b1\r\nContent-Type: image/png\r\n\r\n").length();
    assertThat(cut.bodyPreview()).isEqualTo("[multipart/related, " + whole.length + " bytes, 2 parts: application/json"
        + " {\"name\":\"a.png\"}; image/png, cut after " + kept + " bytes, md5 of those "
        + md5(java.util.Arrays.copyOf(image, kept)) + "]");
  }
}
