package dev.backlot.gcs;

import static dev.backlot.gcs.RawHttp.json;
import static dev.backlot.gcs.RawHttp.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.time.Clock;
import dev.backlot.time.ManualClock;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Issue 22 for GCS: caps hold on decoded bytes, nothing is allocated before bytes arrive,
 * abandoned resumable sessions expire on the fake's clock, and the inputs that used to be 500s
 * get GCS's 400s. After each refusal the fake keeps serving and nothing stored changed.
 */
class GcsLimitsTest {

  private static final int CAP = 1024 * 1024;

  private static byte[] gzipOfZeros(int size) throws Exception {
    ByteArrayOutputStream z = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(z)) {
      byte[] block = new byte[64 * 1024];
      for (int done = 0; done < size; done += block.length) {
        out.write(block, 0, Math.min(block.length, size - done));
      }
    }
    return z.toByteArray();
  }

  @Test
  void aGzipBodyInflatingPastTheCapIsRefusedAndNothingIsStored() throws Exception {
    try (GcsFake gcs = GcsFake.builder().bucket("media").maxBodyBytes(CAP).start()) {
      RawHttp http = new RawHttp(gcs);
      byte[] bomb = gzipOfZeros(8 * CAP); // a few KB on the wire, 8 MiB inflated
      assertThat(bomb.length).isLessThan(CAP / 16);

      HttpResponse<byte[]> r = http.send("POST",
          "/upload/storage/v1/b/media/o?uploadType=media&name=bomb.bin", bomb,
          "Content-Encoding", "gzip", "Content-Type", "application/octet-stream");

      assertThat(r.statusCode()).isEqualTo(413);
      assertThat(json(r).at("/error/code").asInt()).isEqualTo(413);
      assertThat(gcs.object("media", "bomb.bin")).isNull();
      // under the cap, a gzip body is still inflated and stored
      HttpResponse<byte[]> ok = http.send("POST",
          "/upload/storage/v1/b/media/o?uploadType=media&name=small.bin", gzipOfZeros(CAP / 2),
          "Content-Encoding", "gzip", "Content-Type", "application/octet-stream");
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(gcs.object("media", "small.bin").size()).isEqualTo(CAP / 2);
    }
  }

  @Test
  void aStoredGzipObjectInflatingPastTheCapIsServedCompressedNotInflated() throws Exception {
    try (GcsFake gcs = GcsFake.builder().bucket("media").maxBodyBytes(CAP).start()) {
      RawHttp http = new RawHttp(gcs);
      byte[] bomb = gzipOfZeros(8 * CAP);
      assertThat(http.send("POST",
          "/upload/storage/v1/b/media/o?uploadType=media&name=z.bin&contentEncoding=gzip", bomb,
          "Content-Type", "application/octet-stream").statusCode()).isEqualTo(200);

      HttpResponse<byte[]> r = http.send("GET", "/download/storage/v1/b/media/o/z.bin?alt=media", null);

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Encoding")).hasValue("gzip");
      assertThat(r.body()).isEqualTo(bomb);
    }
  }

  @Test
  void resumableStartsDeclaringLargeLengthsAllocateNothingUntilBytesArrive() throws Exception {
    try (GcsFake gcs = GcsFake.builder().bucket("media").start()) {
      RawHttp http = new RawHttp(gcs);
      String session = null;
      for (int i = 0; i < 8; i++) {
        HttpResponse<byte[]> r = http.send("POST",
            "/upload/storage/v1/b/media/o?uploadType=resumable&name=big" + i, null,
            "X-Upload-Content-Length", Long.toString(64L << 20));
        assertThat(r.statusCode()).isEqualTo(200);
        session = r.headers().firstValue("Location").orElseThrow();
      }
      assertThat(gcs.openUploads()).isEqualTo(8);
      assertThat(gcs.uploads().heldBytes()).isZero();

      http.send("PUT", session, new byte[1000], "Content-Range", "bytes 0-999/*");
      assertThat(gcs.uploads().heldBytes()).isBetween(1000L, 1000L + (16L << 20));
    }
  }

  @Test
  void abandonedResumableSessionsExpireAfterAWeekOnTheFakesClock() throws Exception {
    ManualClock clock = Clock.manual();
    try (GcsFake gcs = GcsFake.builder().clock(clock).bucket("media").start()) {
      RawHttp http = new RawHttp(gcs);
      String session = http.send("POST", "/upload/storage/v1/b/media/o?uploadType=resumable&name=a",
          null).headers().firstValue("Location").orElseThrow();
      http.send("PUT", session, new byte[10], "Content-Range", "bytes 0-9/*");

      clock.advance(Duration.ofDays(7).minusSeconds(1));
      assertThat(gcs.openUploads()).isEqualTo(1);
      assertThat(http.send("PUT", session, null, "Content-Range", "bytes */*").statusCode())
          .isEqualTo(308);

      clock.advance(Duration.ofSeconds(1));
      assertThat(gcs.openUploads()).isZero();
      assertThat(gcs.uploads().heldBytes()).isZero();
      HttpResponse<byte[]> gone = http.send("PUT", session, new byte[1], "Content-Range", "bytes 10-10/11");
      assertThat(gone.statusCode()).isEqualTo(404);
      assertThat(gcs.object("media", "a")).isNull();
    }
  }

  @Test
  void contentRangeNumbersTooLargeForALongAre400AndTheSessionStillWorks() throws Exception {
    try (GcsFake gcs = GcsFake.builder().bucket("media").start()) {
      RawHttp http = new RawHttp(gcs);
      String session = http.send("POST", "/upload/storage/v1/b/media/o?uploadType=resumable&name=n",
          null).headers().firstValue("Location").orElseThrow();
      for (String cr : new String[] {"bytes 0-99999999999999999999/*",
          "bytes */99999999999999999999", "bytes 0-0/99999999999999999999",
          "bytes 99999999999999999999-*/*"}) {
        HttpResponse<byte[]> r = http.send("PUT", session, new byte[1], "Content-Range", cr);
        assertThat(r.statusCode()).as(cr).isEqualTo(400);
        assertThat(json(r).at("/error/errors/0/reason").asText()).isEqualTo("invalid");
      }
      HttpResponse<byte[]> done = http.send("PUT", session, new byte[] {7}, "Content-Range", "bytes 0-0/1");
      assertThat(done.statusCode()).isEqualTo(200);
      assertThat(gcs.object("media", "n").bytes()).containsExactly(7);
    }
  }

  @Test
  void contentRangeWithAnOpenEndFinishesTheUploadWithTheBody() throws Exception {
    try (GcsFake gcs = GcsFake.builder().bucket("media").start()) {
      RawHttp http = new RawHttp(gcs);
      String unknown = http.send("POST", "/upload/storage/v1/b/media/o?uploadType=resumable&name=u",
          null).headers().firstValue("Location").orElseThrow();
      assertThat(http.send("PUT", unknown, "abc".getBytes(StandardCharsets.UTF_8),
          "Content-Range", "bytes 0-*/*").statusCode()).isEqualTo(200);
      assertThat(gcs.object("media", "u").text()).isEqualTo("abc");

      // resumed after 2 bytes: the rest in one request, total declared
      String resumed = http.send("POST", "/upload/storage/v1/b/media/o?uploadType=resumable&name=r",
          null).headers().firstValue("Location").orElseThrow();
      assertThat(http.send("PUT", resumed, "ab".getBytes(StandardCharsets.UTF_8),
          "Content-Range", "bytes 0-1/*").statusCode()).isEqualTo(308);
      assertThat(http.send("PUT", resumed, "cde".getBytes(StandardCharsets.UTF_8),
          "Content-Range", "bytes 2-*/5").statusCode()).isEqualTo(200);
      assertThat(gcs.object("media", "r").text()).isEqualTo("abcde");

      // a declared total the body overruns is a 400 and nothing is stored
      String overrun = http.send("POST", "/upload/storage/v1/b/media/o?uploadType=resumable&name=o",
          null).headers().firstValue("Location").orElseThrow();
      assertThat(http.send("PUT", overrun, "abcd".getBytes(StandardCharsets.UTF_8),
          "Content-Range", "bytes 0-*/3").statusCode()).isEqualTo(400);
      assertThat(gcs.object("media", "o")).isNull();
    }
  }

  private static String batch(String boundary, String... requests) {
    StringBuilder b = new StringBuilder();
    int i = 0;
    for (String r : requests) {
      b.append("--").append(boundary).append("\r\n")
          .append("Content-Type: application/http\r\nContent-ID: <").append(++i).append(">\r\n\r\n")
          .append(r).append("\r\n");
    }
    return b.append("--").append(boundary).append("--\r\n").toString();
  }

  @Test
  void aBatchPartWithAMalformedEscapeIsA400InItsSlotAndTheOthersAreAnswered() throws Exception {
    try (GcsFake gcs = GcsFake.builder().object("media", "a.txt", "A").start()) {
      RawHttp http = new RawHttp(gcs);
      String body = batch("b1", "GET http://a/%zz HTTP/1.1\r\n\r\n",
          "GET /storage/v1/b/media/o/a.txt HTTP/1.1\r\n\r\n");

      HttpResponse<byte[]> r = http.send("POST", "/batch/storage/v1",
          body.getBytes(StandardCharsets.UTF_8), "Content-Type", "multipart/mixed; boundary=b1");

      assertThat(r.statusCode()).isEqualTo(200);
      String text = text(r);
      assertThat(text).contains("HTTP/1.1 400 Bad Request").contains("HTTP/1.1 200 OK")
          .contains("\"name\":\"a.txt\"").doesNotContain(" 500 ");
    }
  }

  @Test
  void nestedBatchesAreRefusedAtTheSecondLevelWithoutRecursing() throws Exception {
    try (GcsFake gcs = GcsFake.builder().bucket("media").start()) {
      RawHttp http = new RawHttp(gcs);
      // 1,500 levels: each part is a batch holding the next one
      String inner = "GET /storage/v1/b/media HTTP/1.1\r\n\r\n";
      for (int depth = 1500; depth >= 1; depth--) {
        String boundary = "b" + depth + "z";
        inner = "POST /batch/storage/v1 HTTP/1.1\r\nContent-Type: multipart/mixed; boundary="
            + boundary + "\r\n\r\n" + batch(boundary, inner);
      }
      int cut = inner.indexOf("\r\n\r\n") + 4;
      String outerBoundary = "b1z";
      HttpResponse<byte[]> r = http.send("POST", "/batch/storage/v1",
          inner.substring(cut).getBytes(StandardCharsets.UTF_8),
          "Content-Type", "multipart/mixed; boundary=" + outerBoundary);

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(text(r)).contains("HTTP/1.1 400 Bad Request")
          .contains("Nested batch requests are not allowed");
      // and the fake keeps serving
      HttpResponse<byte[]> after = http.send("GET", "/storage/v1/b/media", null);
      JsonNode bucket = json(after);
      assertThat(bucket.get("name").asText()).isEqualTo("media");
    }
  }
}
