package dev.backlot.gcs;

import static dev.backlot.gcs.RawHttp.json;
import static dev.backlot.gcs.RawHttp.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The resumable-upload wire protocol, request by request, including what fake-gcs-server gets wrong. */
class GcsResumableProtocolTest {

  private static final int CHUNK = 256 * 1024;

  private final GcsFake gcs = GcsFake.builder().bucket("media").start();
  private final RawHttp http = new RawHttp(gcs);

  @AfterEach
  void close() {
    gcs.close();
  }

  private String start(String name, String query, String metadataJson) throws Exception {
    HttpResponse<byte[]> r = http.send("POST",
        "/upload/storage/v1/b/media/o?uploadType=resumable&name=" + name + query,
        metadataJson == null ? null : metadataJson.getBytes(StandardCharsets.UTF_8),
        "Content-Type", "application/json; charset=UTF-8", "X-Upload-Content-Type", "video/mp4");
    assertThat(r.statusCode()).isEqualTo(200);
    String location = r.headers().firstValue("Location").orElseThrow();
    assertThat(location).startsWith(gcs.baseUri() + "/upload/storage/v1/b/media/o?")
        .contains("upload_id=");
    return location;
  }

  private HttpResponse<byte[]> put(String session, byte[] body, String contentRange, String... more)
      throws Exception {
    String[] headers = new String[more.length + 2];
    headers[0] = "Content-Range";
    headers[1] = contentRange;
    System.arraycopy(more, 0, headers, 2, more.length);
    return http.send("PUT", session, body, headers);
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }

  @Test
  void chunksAre308WithRangeAndStatusQueriesNeverFinalise() throws Exception {
    byte[] data = random(2 * CHUNK + 1000);
    String session = start("clip.mp4", "", null);

    HttpResponse<byte[]> fresh = put(session, null, "bytes */*");
    assertThat(fresh.statusCode()).isEqualTo(308);
    assertThat(fresh.headers().firstValue("Range")).isEmpty(); // nothing persisted yet

    HttpResponse<byte[]> first = put(session, Arrays.copyOfRange(data, 0, CHUNK), "bytes 0-262143/*");
    assertThat(first.statusCode()).isEqualTo(308);
    assertThat(first.headers().firstValue("Range")).hasValue("bytes=0-262143");

    HttpResponse<byte[]> query = put(session, null, "bytes */*");
    assertThat(query.statusCode()).isEqualTo(308);
    assertThat(query.headers().firstValue("Range")).hasValue("bytes=0-262143");
    HttpResponse<byte[]> queryWithTotal = put(session, null, "bytes */" + data.length);
    assertThat(queryWithTotal.statusCode()).isEqualTo(308);
    assertThat(gcs.object("media", "clip.mp4")).isNull(); // fake-gcs-server #1362 finalises here

    HttpResponse<byte[]> second = put(session, Arrays.copyOfRange(data, CHUNK, 2 * CHUNK),
        "bytes 262144-524287/*");
    assertThat(second.headers().firstValue("Range")).hasValue("bytes=0-524287");

    HttpResponse<byte[]> last = put(session, Arrays.copyOfRange(data, 2 * CHUNK, data.length),
        "bytes 524288-" + (data.length - 1) + "/" + data.length);
    assertThat(last.statusCode()).isEqualTo(200);
    assertThat(last.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
    assertThat(json(last).get("size").asText()).isEqualTo(Integer.toString(data.length));
    assertThat(json(last).get("contentType").asText()).isEqualTo("video/mp4");
    assertThat(gcs.object("media", "clip.mp4").bytes()).isEqualTo(data);
    assertThat(gcs.openUploads()).isZero();

    // a finished session keeps answering with the object
    HttpResponse<byte[]> after = put(session, null, "bytes */*");
    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(json(after).get("generation").asLong()).isEqualTo(gcs.object("media", "clip.mp4").generation());
  }

  @Test
  void resentBytesAreSkippedAndAGapIsRefused() throws Exception {
    byte[] data = random(3 * CHUNK);
    String session = start("resend.bin", "", null);
    put(session, Arrays.copyOfRange(data, 0, CHUNK), "bytes 0-262143/*");

    // the client did not see the 308 and resends from 0 with one more chunk
    HttpResponse<byte[]> resend = put(session, Arrays.copyOfRange(data, 0, 2 * CHUNK), "bytes 0-524287/*");
    assertThat(resend.statusCode()).isEqualTo(308);
    assertThat(resend.headers().firstValue("Range")).hasValue("bytes=0-524287");

    // a chunk that starts past what the session holds
    HttpResponse<byte[]> gap = put(session, new byte[10], "bytes 600000-600009/*");
    assertThat(gap.statusCode()).isEqualTo(503);
    assertThat(text(gap)).contains("Content-Range").contains("524288");

    HttpResponse<byte[]> last = put(session, Arrays.copyOfRange(data, 2 * CHUNK, 3 * CHUNK),
        "bytes 524288-786431/786432");
    assertThat(last.statusCode()).isEqualTo(200);
    assertThat(gcs.object("media", "resend.bin").bytes()).isEqualTo(data);
  }

  @Test
  void anEmptyFinalRequestFinishesWhenAllBytesAreThere() throws Exception {
    String session = start("exact.bin", "", null);
    byte[] data = random(CHUNK);
    put(session, data, "bytes 0-262143/*");
    HttpResponse<byte[]> fin = put(session, null, "bytes */" + CHUNK);
    assertThat(fin.statusCode()).isEqualTo(200);
    assertThat(gcs.object("media", "exact.bin").bytes()).isEqualTo(data);

    String empty = start("empty.bin", "", null);
    HttpResponse<byte[]> zero = put(empty, null, "bytes */0");
    assertThat(zero.statusCode()).isEqualTo(200);
    assertThat(json(zero).get("md5Hash").asText()).isEqualTo("1B2M2Y8AsgTpgAmY7PhCfg==");
    assertThat(json(zero).get("crc32c").asText()).isEqualTo("AAAAAA==");
    assertThat(json(zero).get("size").asText()).isEqualTo("0");
  }

  @Test
  void cancelAnswers499AndTheSessionIsGone() throws Exception {
    String session = start("cancelled.bin", "", null);
    put(session, random(CHUNK), "bytes 0-262143/*");
    assertThat(gcs.openUploads()).isEqualTo(1);

    HttpResponse<byte[]> cancel = http.send("DELETE", session, null);
    assertThat(cancel.statusCode()).isEqualTo(499);
    assertThat(cancel.body()).isEmpty();
    assertThat(put(session, null, "bytes */*").statusCode()).isEqualTo(404);
    assertThat(gcs.openUploads()).isZero();
    assertThat(gcs.object("media", "cancelled.bin")).isNull();

    HttpResponse<byte[]> unknown = http.send("PUT",
        "/upload/storage/v1/b/media/o?uploadType=resumable&upload_id=nope", new byte[1],
        "Content-Range", "bytes 0-0/1");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(json(unknown).at("/error/errors/0/reason").asText()).isEqualTo("notFound");
  }

  @Test
  void declaredChecksumsAndPreconditionsApplyAtFinalise() throws Exception {
    String badMd5 = start("checked.bin", "", "{\"md5Hash\":\"1B2M2Y8AsgTpgAmY7PhCfg==\"}");
    HttpResponse<byte[]> r = put(badMd5, new byte[] {1, 2, 3}, "bytes 0-2/3");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).at("/error/message").asText()).contains("MD5");
    assertThat(gcs.object("media", "checked.bin")).isNull();

    HttpResponse<byte[]> badHash = put(start("hashed.bin", "", null), new byte[] {1, 2, 3}, "bytes 0-2/3",
        "x-goog-hash", "crc32c=AAAAAA==");
    assertThat(badHash.statusCode()).isEqualTo(400);
    assertThat(gcs.object("media", "hashed.bin")).isNull();

    // create-only, but someone else creates the object while the upload runs
    String createOnly = start("race.bin", "&ifGenerationMatch=0", null);
    put(createOnly, random(CHUNK), "bytes 0-262143/*");
    GcsObject winner = gcs.putObject("media", "race.bin", "first".getBytes(StandardCharsets.UTF_8));
    HttpResponse<byte[]> lost = put(createOnly, null, "bytes */" + CHUNK);
    assertThat(lost.statusCode()).isEqualTo(412);
    assertThat(json(lost).at("/error/errors/0/reason").asText()).isEqualTo("conditionNotMet");
    assertThat(gcs.object("media", "race.bin").generation()).isEqualTo(winner.generation());
  }

  @Test
  void goClientsNo308HeaderTurns308Into200WithOverride() throws Exception {
    String session = start("go.bin", "", null);
    HttpResponse<byte[]> r = put(session, random(CHUNK), "bytes 0-262143/*", "X-GUploader-No-308", "yes");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("X-Http-Status-Code-Override")).hasValue("308");
    assertThat(r.headers().firstValue("Range")).hasValue("bytes=0-262143");
  }

  @Test
  void malformedContentRangeAndMismatchedBodiesAre400() throws Exception {
    String session = start("bad.bin", "", null);
    assertThat(put(session, new byte[4], "bytes=0-3/4").statusCode()).isEqualTo(400);
    assertThat(put(session, new byte[4], "bytes 0-9/*").statusCode()).isEqualTo(400);
    assertThat(put(session, new byte[4], "bytes 3-0/*").statusCode()).isEqualTo(400);
    HttpResponse<byte[]> still = put(session, null, "bytes */*");
    assertThat(still.statusCode()).isEqualTo(308);
    assertThat(still.headers().firstValue("Range")).isEmpty();
  }

  @Test
  void aMissingBucketOrNameFailsAtInitiation() throws Exception {
    HttpResponse<byte[]> noBucket = http.send("POST",
        "/upload/storage/v1/b/nope/o?uploadType=resumable&name=x", null);
    assertThat(noBucket.statusCode()).isEqualTo(404);
    HttpResponse<byte[]> noName = http.send("POST", "/upload/storage/v1/b/media/o?uploadType=resumable", null);
    assertThat(noName.statusCode()).isEqualTo(400);
    assertThat(gcs.openUploads()).isZero();
  }
}
