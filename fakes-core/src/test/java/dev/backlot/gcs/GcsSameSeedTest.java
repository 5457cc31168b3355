package dev.backlot.gcs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backlot.time.Clock;
import dev.backlot.time.ManualClock;
import dev.backlot.testing.Journals;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Same seed, same run (issue 13): two runs of one GCS scenario on a ManualClock give journals that
 * are equal byte for byte, minted ids included (resumable upload ids, rewrite tokens, batch
 * boundaries, generations); another seed gives other ids. Both fakes listen on the same port, so
 * the Host header and the links in bodies match too.
 */
class GcsSameSeedTest {

  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private record Run(String journal, List<String> ids) {}

  private Run run(long seed, int port) throws Exception {
    ManualClock clock = Clock.manual(START);
    try (GcsFake gcs = GcsFake.builder().seed(seed).clock(clock).port(port).bucket("media").start()) {
      Run first = scenario(gcs, clock);
      // reset restarts the ids: the fake numbers everything again from the seed
      gcs.reset();
      Run again = scenario(gcs, clock);
      assertThat(again.ids()).isEqualTo(first.ids());
      return first;
    }
  }

  private HttpResponse<String> send(GcsFake gcs, String method, String target, String body,
      String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(target.startsWith("http") ? target
        : gcs.baseUri() + target)).timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private Run scenario(GcsFake gcs, ManualClock clock) throws Exception {
    List<String> ids = new ArrayList<>();
    HttpResponse<String> start = send(gcs, "POST",
        "/upload/storage/v1/b/media/o?uploadType=resumable&name=clip.bin", null);
    String session = start.headers().firstValue("Location").orElseThrow();
    ids.add(start.headers().firstValue("X-GUploader-UploadID").orElseThrow());
    send(gcs, "PUT", session, "0123456789", "Content-Range", "bytes 0-9/*");
    clock.advance(Duration.ofMillis(5));
    send(gcs, "PUT", session, "abc", "Content-Range", "bytes 10-*/*");
    HttpResponse<String> rw = send(gcs, "POST",
        "/storage/v1/b/media/o/clip.bin/rewriteTo/b/media/o/copy.bin?maxBytesRewrittenPerCall=4", "");
    String token = com.fasterxml.jackson.databind.json.JsonMapper.builder().build()
        .readTree(rw.body()).get("rewriteToken").asText();
    ids.add(token);
    send(gcs, "POST", "/storage/v1/b/media/o/clip.bin/rewriteTo/b/media/o/copy.bin?rewriteToken="
        + token, "");
    String batch = "--b\r\nContent-Type: application/http\r\n\r\nGET /storage/v1/b/media/o/copy.bin HTTP/1.1\r\n\r\n\r\n--b--\r\n";
    HttpResponse<String> b = send(gcs, "POST", "/batch/storage/v1", batch,
        "Content-Type", "multipart/mixed; boundary=b");
    ids.add(b.headers().firstValue("Content-Type").orElseThrow());
    send(gcs, "GET", "/storage/v1/b/media/o", null);
    return new Run(Journals.canonical(gcs.journal()), ids);
  }

  @Test
  void twoRunsWithOneSeedGiveByteIdenticalJournals() throws Exception {
    int port;
    Run a;
    try (GcsFake probe = GcsFake.builder().start()) {
      port = probe.port();
    }
    a = run(42, port);
    Run b = run(42, port);
    assertThat(b.journal()).isEqualTo(a.journal());
    assertThat(a.journal()).contains(a.ids().get(0)).contains("rewriteToken");
    assertThat(a.ids().get(0)).matches("ABPtcP[0-9a-f]{32}");

    Run other = run(43, port);
    assertThat(other.ids().get(0)).isNotEqualTo(a.ids().get(0));
    assertThat(other.ids().get(1)).isNotEqualTo(a.ids().get(1));
  }
}
