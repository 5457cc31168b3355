package dev.backlot.junit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.comfyui.ComfyUiFake;
import dev.backlot.fault.FaultPlan;
import dev.backlot.gcs.GcsFake;
import dev.backlot.time.Clock;
import dev.backlot.time.ManualClock;
import dev.backlot.wire.Json;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * What a red test prints about its fakes, with real fakes and real traffic: WebSocket progress
 * chatter is counted by type so the requests stay in view, a multipart upload shows its parts
 * (the binary one as type, size and md5), and a signed URL shows its first parameters.
 */
class FailureReportTest {

  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private static String report(EngineExecutionResults r, String test) {
    Throwable failure = Kit.failureOf(r, test);
    String report = Arrays.stream(failure.getSuppressed())
        .filter(FakeTraffic.class::isInstance)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no FakeTraffic attached to " + failure))
        .getMessage();
    // what varies between runs: ports and timings
    return report.replaceAll("127\\.0\\.0\\.1:\\d+", "127.0.0.1:PORT").replaceAll("\\(\\d+ ms\\)", "(N ms)");
  }

  private static HttpResponse<String> send(HttpRequest.Builder b) {
    try {
      return CLIENT.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  // ------------------------------------------------------------------ ComfyUI: progress chatter

  /** Collects the text frames of a JDK WebSocket. */
  static final class Frames implements WebSocket.Listener {
    final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        frames.add(Json.parse(partial.toString()));
        partial.setLength(0);
      }
      ws.request(1);
      return null;
    }

    JsonNode next(String type) throws InterruptedException {
      while (true) {
        JsonNode f = frames.poll(30, TimeUnit.SECONDS);
        if (f == null) {
          throw new AssertionError("no '" + type + "' frame within 30 s");
        }
        if (f.path("type").asText().equals(type)) {
          return f;
        }
      }
    }
  }

  /** A prompt of ComfyUI's websockets_api_example, small and with {@code steps} sampler steps. */
  static ObjectNode prompt(int steps) {
    return (ObjectNode) Json.parse("""
        {"3": {"class_type": "KSampler", "inputs": {"cfg": 8, "denoise": 1, "latent_image": ["5", 0],
               "model": ["4", 0], "negative": ["7", 0], "positive": ["6", 0], "sampler_name": "euler",
               "scheduler": "normal", "seed": 5, "steps": %d}},
         "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "v1-5-pruned-emaonly.safetensors"}},
         "5": {"class_type": "EmptyLatentImage", "inputs": {"batch_size": 1, "height": 64, "width": 64}},
         "6": {"class_type": "CLIPTextEncode", "inputs": {"clip": ["4", 1], "text": "a lighthouse at dusk"}},
         "7": {"class_type": "CLIPTextEncode", "inputs": {"clip": ["4", 1], "text": "blurry"}},
         "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
         "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "report", "images": ["8", 0]}}}
        """.formatted(steps));
  }

  @KitOnly
  @BacklotTest
  static class ComfyProgress {
    ComfyUiFake comfy;

    @FakeFactory
    static ComfyUiFake.Builder comfy() {
      return ComfyUiFake.builder().clock(Clock.manual(Instant.parse("2026-01-01T00:00:00Z")))
          .jobDuration(Duration.ofMillis(200));
    }

    @Test
    void theImageNeverArrives() throws Exception {
      Frames frames = new Frames();
      CLIENT.newWebSocketBuilder()
          .buildAsync(URI.create(comfy.wsUri() + "/ws?clientId=report"), frames).get(30, TimeUnit.SECONDS);
      // the socket stays open (the fake cuts it when the class ends): a close racing the report
      // would make the report vary
      {
        frames.next("status");
        ObjectNode body = Json.object();
        body.set("prompt", prompt(20));
        body.put("client_id", "report");
        String id = Json.parse(send(HttpRequest.newBuilder(URI.create(comfy.baseUri() + "/prompt"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))).body())
            .get("prompt_id").asText();
        ((ManualClock) comfy.clock()).advance(Duration.ofSeconds(1));
        while (true) { // done: 'executing' with node null, the last frame of a prompt
          JsonNode f = frames.next("executing");
          if (f.path("data").path("node").isNull() && f.path("data").path("prompt_id").asText().equals(id)) {
            break;
          }
        }
      }
      throw new AssertionError("the client never saw its image");
    }
  }

  @Test
  void progressChatterIsCountedByTypeAndThePromptStaysInView() {
    EngineExecutionResults r = Kit.run(ComfyProgress.class);
    r.testEvents().assertStatistics(s -> s.failed(1));

    // 69 frames would fill the newest-25 window three times over; counted, they take one line
    assertThat(report(r, "theImageNeverArrives()")).isEqualTo("""
        traffic of the fakes of FailureReportTest$ComfyProgress > theImageNeverArrives() (newest 25 lines of each)
          comfy [comfyui] http://127.0.0.1:PORT, fault seed %d
            #1 ws open /ws
            #2 ws -> /ws {"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 0}}, "sid": "report"}}
            #3 POST /prompt -> 200 (N ms) {"prompt":{"3":{"class_type":"KSampler","inputs":{"cfg":8,"denoise":1,\
        "latent_image":["5",0],"model":["4",0],"negative":["7",0],"positive":["6",0],"sampler_n...
            #4..#72 ws -> /ws: 69 WebSocket frames: progress_state x34, progress x20, executing x8, status x3, \
        execution_start x1, execution_cached x1, executed x1, execution_success x1""".formatted(FaultPlan.DEFAULT_SEED));
  }

  // ------------------------------------------------------------------ GCS: binary bodies and signed URLs

  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  static byte[] png(int size) {
    byte[] b = new byte[size];
    new Random(7).nextBytes(b);
    byte[] magic = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    System.arraycopy(magic, 0, b, 0, magic.length);
    return b;
  }

  /** The body google-cloud-storage sends for {@code storage.create(blobInfo, bytes)}. */
  static byte[] multipartUpload(String name, byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String head = "--__END_OF_PART__\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n"
        + "{\"name\":\"" + name + "\",\"contentType\":\"image/png\"}\r\n"
        + "--__END_OF_PART__\r\nContent-Type: image/png\r\n\r\n";
    out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
    out.writeBytes(data);
    out.writeBytes("\r\n--__END_OF_PART__--\r\n".getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  /** A V4 signed URL's query, as google-cloud-storage writes it (about 900 characters). */
  static String signedQuery() {
    StringBuilder sig = new StringBuilder();
    Random r = new Random(11);
    for (int i = 0; i < 256; i++) {
      sig.append(String.format("%02x", r.nextInt(256)));
    }
    return "X-Goog-Algorithm=GOOG4-RSA-SHA256"
        + "&X-Goog-Credential=render-worker%40backlot-test.iam.gserviceaccount.com%2F20260101%2Fauto%2Fstorage%2Fgoog4_request"
        + "&X-Goog-Date=20260101T000000Z&X-Goog-Expires=900&X-Goog-SignedHeaders=host"
        + "&response-content-disposition=attachment%3B%20filename%3D%22frame-0001.png%22"
        + "&response-content-type=image%2Fpng&userProject=backlot-test-project-with-a-long-name"
        + "&X-Goog-Signature=" + sig;
  }

  @KitOnly
  @BacklotTest
  static class GcsUploads {
    GcsFake gcs;

    @FakeFactory
    static GcsFake.Builder gcs() {
      return GcsFake.builder().clock(Clock.manual(NOW)).bucket("frames");
    }

    @Test
    void theDownloadedFrameIsNotTheUploadedOne() {
      byte[] frame = png(12_000);
      HttpResponse<String> up = send(HttpRequest.newBuilder(
              URI.create(gcs.baseUri() + "/upload/storage/v1/b/frames/o?uploadType=multipart"))
          .header("Content-Type", "multipart/related; boundary=__END_OF_PART__")
          .POST(HttpRequest.BodyPublishers.ofByteArray(multipartUpload("frame-0001.png", frame))));
      assertThat(up.statusCode()).isEqualTo(200);
      HttpResponse<String> down = send(HttpRequest.newBuilder(
          URI.create(gcs.baseUri() + "/frames/frame-0001.png?" + signedQuery())));
      assertThat(down.statusCode()).isEqualTo(200);
      throw new AssertionError("the thumbnail differs");
    }
  }

  @Test
  void binaryBodiesAreSummarisedAndSignedUrlsShortened() throws Exception {
    EngineExecutionResults r = Kit.run(GcsUploads.class);
    r.testEvents().assertStatistics(s -> s.failed(1));

    assertThat(signedQuery().length()).isBetween(850, 950);
    assertThat(report(r, "theDownloadedFrameIsNotTheUploadedOne()")).isEqualTo("""
        traffic of the fakes of FailureReportTest$GcsUploads > theDownloadedFrameIsNotTheUploadedOne() (newest 25 lines of each)
          gcs [gcs] http://127.0.0.1:PORT, fault seed %d
            #1 POST /upload/storage/v1/b/frames/o?uploadType=multipart -> 200 (N ms) [multipart/related, 12190 bytes, \
        2 parts: application/json {"name":"frame-0001.png","contentType":"image/png"}; image/png, 12000 bytes, md5 %s]
            #2 GET /frames/frame-0001.png?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=render-worker%%40backlot-tes...\
        &X-Goog-Date=20260101T000000Z&...(6 more params) -> 200 (N ms)""".formatted(FaultPlan.DEFAULT_SEED, md5(png(12_000))));
  }

  @KitOnly
  @BacklotTest(reports = true)
  static class GcsUploadsReported extends GcsUploads {}

  @Test
  void theJsonReportCarriesTheSummaryNotTheBytes(@TempDir Path dir) throws Exception {
    Kit.run(Map.of(BacklotExtension.REPORTS_DIR, dir.toString()), GcsUploadsReported.class)
        .testEvents().assertStatistics(s -> s.failed(1));

    JsonNode report = Json.parse(Files.readString(
        dir.resolve(GcsUploadsReported.class.getName()).resolve("theDownloadedFrameIsNotTheUploadedOne.json")));
    JsonNode upload = report.at("/fakes/0/entries/0");
    assertThat(upload.get("body").asText()).isEqualTo("[multipart/related, 12190 bytes, 2 parts: application/json"
        + " {\"name\":\"frame-0001.png\",\"contentType\":\"image/png\"}; image/png, 12000 bytes, md5 "
        + md5(png(12_000)) + "]");
    assertThat(upload.get("bodySize").asInt()).isEqualTo(12190);
  }

  static String md5(byte[] b) throws NoSuchAlgorithmException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
  }
}
