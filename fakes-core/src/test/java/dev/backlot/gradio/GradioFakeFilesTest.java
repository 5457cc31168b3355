package dev.backlot.gradio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.wire.Json;
import dev.backlot.wire.Multipart;
import dev.backlot.media.Media;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Uploads with repeated {@code files} parts, downloads with Range, and the heartbeat route. */
class GradioFakeFilesTest {

  static GradioFake fake;
  static GradioHttp http;

  @BeforeAll
  static void start() {
    fake = GradioFake.wan2gp().maxFileSize(1_000_000).start();
    http = new GradioHttp(fake.baseUri());
  }

  @AfterAll
  static void stop() {
    fake.close();
  }

  @BeforeEach
  void reset() {
    fake.reset();
  }

  static HttpResponse<String> upload(List<Multipart.Part> parts) throws Exception {
    byte[] body = Multipart.write("xYzBoundary", parts);
    return http.client.send(HttpRequest.newBuilder(URI.create(http.base + "/gradio_api/upload"))
            .header("Content-Type", "multipart/form-data; boundary=xYzBoundary")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static Multipart.Part file(String field, String name, String type, byte[] bytes) {
    Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    h.put("Content-Disposition", "form-data; name=\"" + field + "\"; filename=\"" + name + "\"");
    h.put("Content-Type", type);
    return new Multipart.Part(h, bytes);
  }

  @Test
  void repeatedFilesPartsAreStoredAndServedBackWithRanges() throws Exception {
    byte[] png = Media.png(32, 16, 1);
    byte[] bin = "0123456789".getBytes();
    HttpResponse<String> r = upload(List.of(file("files", "start.png", "image/png", png),
        file("other", "ignored.txt", "text/plain", bin), file("files", "../../data.bin", "application/octet-stream", bin)));

    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode paths = Json.parse(r.body());
    assertThat(paths).hasSize(2);
    assertThat(paths.get(0).asText()).matches("/tmp/gradio/[0-9a-f]{40}/start\\.png");
    assertThat(paths.get(1).asText()).matches("/tmp/gradio/[0-9a-f]{40}/data\\.bin");
    assertThat(fake.uploads()).hasSize(2);

    HttpResponse<byte[]> whole = http.getBytes("/gradio_api/file=" + paths.get(0).asText(), null);
    assertThat(whole.statusCode()).isEqualTo(200);
    assertThat(whole.body()).isEqualTo(png);
    assertThat(whole.headers().firstValue("Content-Type")).hasValue("image/png");
    assertThat(whole.headers().firstValue("Accept-Ranges")).hasValue("bytes");
    assertThat(whole.headers().firstValue("Content-Disposition")).hasValue("inline; filename=\"start.png\"");

    HttpResponse<byte[]> part = http.getBytes("/gradio_api/file=" + paths.get(1).asText(), "bytes=2-5");
    assertThat(part.statusCode()).isEqualTo(206);
    assertThat(part.body()).isEqualTo(Arrays.copyOfRange(bin, 2, 6));
    assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 2-5/10");
    assertThat(part.headers().firstValue("Content-Type")).hasValue("application/octet-stream");

    HttpResponse<byte[]> open = http.getBytes("/gradio_api/file=" + paths.get(1).asText(), "bytes=4-");
    assertThat(open.statusCode()).as("Gradio 5.29 ranges only 'a-b'").isEqualTo(200);
    assertThat(open.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"data.bin\"");
    HttpResponse<byte[]> beyond = http.getBytes("/gradio_api/file=" + paths.get(1).asText(), "bytes=50-60");
    assertThat(beyond.statusCode()).isEqualTo(416);
    HttpResponse<byte[]> legacy = http.getBytes("/gradio_api/file" + paths.get(0).asText(), null);
    assertThat(legacy.body()).isEqualTo(png);

    HttpResponse<Void> head = http.client.send(HttpRequest.newBuilder(
            URI.create(http.base + "/gradio_api/file=" + paths.get(0).asText()))
            .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.discarding());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(png.length);
  }

  @Test
  void anUploadedImageFeedsImageToVideo() throws Exception {
    String path = Json.parse(upload(List.of(file("files", "blob", "application/octet-stream",
        Media.png(32, 16, 2)))).body()).get(0).asText();

    JsonNode done = GradioFakeErrorsTest.completed(http, "i", 1,
        "[null, {\"path\": \"" + path + "\", \"meta\": {\"_type\": \"gradio.FileData\"}}, \"fox\", \"416x240\", 5, 1, 1]");

    assertThat(done.get("success").asBoolean()).isTrue();
    JsonNode video = done.get("output").get("data").get(0).get(0).get("video");
    assertThat(video.get("url").asText()).isEqualTo(fake.baseUri() + "/gradio_api/file=" + video.get("path").asText());
    assertThat(fake.outputs()).hasSize(1);
    assertThat(fake.outputs().get(0).size()).isEqualTo(video.get("size").asInt());
  }

  @Test
  void oversizedAndMalformedUploadsAreRefusedAndNothingIsStored() throws Exception {
    HttpResponse<String> big = upload(List.of(file("files", "big.bin", "application/octet-stream", new byte[1_000_001])));
    assertThat(big.statusCode()).isEqualTo(413);
    HttpResponse<String> broken = http.client.send(HttpRequest.newBuilder(URI.create(http.base + "/gradio_api/upload"))
            .header("Content-Type", "multipart/form-data; boundary=abc")
            .POST(HttpRequest.BodyPublishers.ofString("--abc\r\nContent-Disposition: form-data; name=\"files\"")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(broken.statusCode()).isEqualTo(400);
    assertThat(fake.uploads()).isEmpty();
  }

  @Test
  void theHeartbeatRouteSaysAlive() throws Exception {
    BlockingQueue<String> lines = GradioFakeQueueTest.open(http, "/gradio_api/heartbeat/abc");
    assertThat(GradioFakeQueueTest.nextRaw(lines)).isEqualTo("data: ALIVE");
  }
}
