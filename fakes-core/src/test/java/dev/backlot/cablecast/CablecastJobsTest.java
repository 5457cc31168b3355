package dev.backlot.cablecast;

import static dev.backlot.cablecast.CcHttp.API;
import static dev.backlot.cablecast.CcHttp.rooted;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.time.Clock;
import dev.backlot.wire.Json;
import dev.backlot.time.ManualClock;
import dev.backlot.wire.Multipart;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** VOD transcoding and chunked uploads on the job engine, under a manual clock. */
class CablecastJobsTest {

  private final ManualClock clock = Clock.manual(Instant.parse("2026-12-04T15:30:00Z"));
  private final CablecastFake cc = CablecastFake.builder()
      .clock(clock)
      .processingTime(Duration.ofSeconds(8))
      .start();
  private final CcHttp http = new CcHttp(cc);

  @AfterEach
  void close() {
    cc.close();
  }

  private JsonNode vod(long id) throws Exception {
    return http.ok("/vods/" + id).get("vod");
  }

  private List<Integer> transactionTypes(long vodId) throws Exception {
    List<Integer> out = new ArrayList<>();
    http.ok("/vodtransactions?vod=" + vodId).get("vodTransactions")
        .forEach(t -> out.add(t.get("transactionType").asInt()));
    return out;
  }

  private int lastType(JsonNode vod) throws Exception {
    return http.ok("/vodtransactions/" + vod.get("lastTransaction").asLong())
        .at("/vodTransaction/transactionType").asInt();
  }

  @Test
  void aNewVodTranscodesStepByStepUnderTheManualClock() throws Exception {
    JsonNode created = http.write("POST", "/vods", rooted("vod",
        Json.object().put("show", 12).put("vodConfiguration", 1))).json().get("vod");
    long id = created.get("id").asLong();
    List<String> seen = new ArrayList<>();
    seen.add(created.get("vodState").asText());
    assertThat(created.get("vodState").asText()).isEqualTo("Queued");
    assertThat(created.get("isWatchable").asBoolean()).isFalse();
    assertThat(created.get("url").isNull()).isTrue();
    assertThat(lastType(created)).isEqualTo(1);

    clock.advance(Duration.ZERO);
    JsonNode running = vod(id);
    seen.add(running.get("vodState").asText());
    assertThat(running.get("vodState").asText()).isEqualTo("Transcoding");
    assertThat(running.get("percentComplete").asInt()).isZero();
    assertThat(lastType(running)).isEqualTo(2);

    clock.advance(Duration.ofSeconds(4));
    JsonNode half = vod(id);
    seen.add(half.get("vodState").asText());
    assertThat(half.get("percentComplete").asInt()).isEqualTo(50);
    assertThat(half.get("isWatchable").asBoolean()).isFalse();

    clock.advance(Duration.ofSeconds(4));
    JsonNode ready = vod(id);
    seen.add(ready.get("vodState").asText());
    assertThat(ready.get("vodState").asText()).isEqualTo("Ready");
    assertThat(ready.get("percentComplete").asInt()).isEqualTo(100);
    assertThat(ready.get("isWatchable").asBoolean()).isTrue();
    assertThat(lastType(ready)).isEqualTo(5);
    assertThat(transactionTypes(id)).containsExactly(1, 2, 5);
    String url = ready.get("url").asText();
    assertThat(url).isEqualTo(cc.baseUri() + "/vod/" + id + "/show-12.mp4");
    assertThat(ready.get("embedCode").asText()).contains(url);
    CcHttp.Answer video = http.send("GET", url.substring(cc.baseUri().toString().length()), null, null, null);
    assertThat(video.status()).isEqualTo(200);
    assertThat(video.header("Content-Type")).isEqualTo("video/mp4");
    assertThat(new String(video.raw().body(), 4, 4, StandardCharsets.US_ASCII)).isEqualTo("ftyp");

    CablecastStates.VOD.checkPolled(seen).assertLegal();
    assertThat(CablecastStates.VOD.render(cc.jobs().job("vod-" + id).orElseThrow()))
        .containsExactly("Queued", "Transcoding", "Ready");
    cc.jobs().assertHealthy();
  }

  @Test
  void aScriptedFailureLeavesTheVodFailedAndUnwatchable() throws Exception {
    cc.jobs().script().next(1).fail("unsupported codec");
    long id = http.write("POST", "/vods", rooted("vod", Json.object().put("show", 11))).json().at("/vod/id").asLong();
    clock.advance(Duration.ofSeconds(10));
    JsonNode failed = vod(id);
    assertThat(failed.get("vodState").asText()).isEqualTo("Failed");
    assertThat(failed.get("isWatchable").asBoolean()).isFalse();
    assertThat(lastType(failed)).isEqualTo(6);
    assertThat(http.send("GET", "/vod/" + id + "/show-11.mp4", null, null, null).status()).isEqualTo(404);
    assertThat(cc.jobs().job("vod-" + id).orElseThrow().failure().orElseThrow().message())
        .isEqualTo("unsupported codec");
  }

  @Test
  void deletingATranscodingVodStopsItsJob() throws Exception {
    long id = http.write("POST", "/vods", rooted("vod", Json.object().put("show", 11))).json().at("/vod/id").asLong();
    clock.advance(Duration.ofSeconds(2));
    assertThat(vod(id).get("vodState").asText()).isEqualTo("Transcoding");
    assertThat(http.write("DELETE", "/vods/" + id, null).status()).isEqualTo(204);
    clock.advance(Duration.ofSeconds(30));
    assertThat(http.get("/vods/" + id).status()).isEqualTo(404);
    assertThat(http.ok("/vodtransactions?vod=" + id).get("vodTransactions")).isEmpty();
    assertThat(cc.jobs().job("vod-" + id).orElseThrow().state()).isEqualTo(dev.backlot.jobs.JobState.CANCELLED);
    cc.jobs().assertHealthy();
  }

  // ------------------------------------------------------------------ uploads

  private static byte[] form(String segment, byte[] file) {
    List<Multipart.Part> parts = new ArrayList<>();
    if (segment != null) {
      parts.add(new Multipart.Part(Map.of("Content-Disposition", "form-data; name=\"segment\""),
          segment.getBytes(StandardCharsets.UTF_8)));
    }
    if (file != null) {
      Map<String, String> h = new LinkedHashMap<>();
      h.put("Content-Disposition", "form-data; name=\"file\"; filename=\"meeting.mp4\"");
      h.put("Content-Type", "application/octet-stream");
      parts.add(new Multipart.Part(h, file));
    }
    return Multipart.write("cc-boundary", parts);
  }

  private CcHttp.Answer segment(long upload, String segment, byte[] file) throws Exception {
    return http.sendBytes("POST", API + "/fileuploads/" + upload + "/upload", form(segment, file),
        cc.authorization(), "multipart/form-data; boundary=cc-boundary");
  }

  private JsonNode upload(long id) throws Exception {
    return http.ok("/fileuploads/" + id).get("fileUpload");
  }

  private long createUpload(int segments, long size) throws Exception {
    CcHttp.Answer a = http.write("POST", "/fileuploads", rooted("fileUpload", Json.object()
        .put("fileName", "meeting.mp4").put("destinationStore", 11).put("totalSegments", segments).put("size", size)));
    assertThat(a.status()).as(a.text()).isEqualTo(200);
    return a.json().at("/fileUpload/id").asLong();
  }

  @Test
  void aChunkedUploadGoesThroughItsStatesToAnAsset() throws Exception {
    byte[][] chunks = {"0123456789".getBytes(), "abcdefghij".getBytes(), "XYZ!?".getBytes()};
    long id = createUpload(3, 25);
    List<String> seen = new ArrayList<>();
    JsonNode fresh = upload(id);
    assertThat(fresh.get("state").asInt()).isEqualTo(1);
    assertThat(fresh.get("fileName").asText()).isEqualTo("meeting.mp4");
    assertThat(fresh.get("asset").isNull()).isTrue();
    seen.add(CablecastStates.uploadName(fresh.get("state").asInt()));
    assertThat(segment(id, "2", chunks[2]).status()).isEqualTo(200);
    assertThat(segment(id, "0", "WRONGWRONG".getBytes()).status()).isEqualTo(200);
    assertThat(segment(id, "0", chunks[0]).status()).isEqualTo(200); // a resend replaces
    assertThat(segment(id, "1", chunks[1]).status()).isEqualTo(200);

    CcHttp.Answer done = http.write("PUT", "/fileuploads/" + id, rooted("fileUpload", Json.object().put("state", 2)));
    assertThat(done.status()).isEqualTo(200);
    assertThat(done.json().at("/fileUpload/state").asInt()).isEqualTo(2);
    seen.add("UploadingComplete");
    clock.advance(Duration.ZERO);
    assertThat(upload(id).get("state").asInt()).isEqualTo(3);
    seen.add("PostProcessing");
    clock.advance(Duration.ofSeconds(4));
    assertThat(upload(id).get("state").asInt()).isEqualTo(4);
    seen.add("Transferring");
    clock.advance(Duration.ofSeconds(4));
    JsonNode finished = upload(id);
    assertThat(finished.get("state").asInt()).isEqualTo(5);
    seen.add(CablecastStates.uploadName(finished.get("state").asInt()));
    CablecastStates.FILE_UPLOAD.checkPolled(seen).assertLegal();

    long asset = finished.get("asset").asLong();
    assertThat(asset).isEqualTo(1);
    JsonNode a = http.ok("/assets/" + asset).get("asset");
    assertThat(a.get("size").asInt()).isEqualTo(25);
    assertThat(a.get("fileName").asText()).isEqualTo("meeting.mp4");
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (byte[] c : chunks) {
      all.writeBytes(c);
    }
    assertThat(cc.assetBytes(asset).orElseThrow()).isEqualTo(all.toByteArray());
    assertThat(segment(id, "0", chunks[0]).status()).isEqualTo(400); // finished: no more segments
    cc.jobs().assertHealthy();
  }

  @Test
  void badUploadRequestsAreRefusedAndChangeNothing() throws Exception {
    long id = createUpload(2, 8);
    assertThat(segment(id, "0", "abcd".getBytes()).status()).isEqualTo(200);
    Map<String, Object> before = CcHttp.snapshot(cc);
    List<CcHttp.Answer> refused = List.of(
        segment(id, "2", "ab".getBytes()),
        segment(id, "-1", "ab".getBytes()),
        segment(id, "one", "ab".getBytes()),
        segment(id, null, "ab".getBytes()),
        segment(id, "1", null),
        segment(id, "1", "too many bytes".getBytes()),
        http.write("PUT", "/fileuploads/" + id, rooted("fileUpload", Json.object().put("state", 2))),
        http.write("PUT", "/fileuploads/" + id, rooted("fileUpload", Json.object().put("state", 5))),
        http.write("PUT", "/fileuploads/" + id, rooted("fileUpload", Json.object().put("state", "2"))),
        http.write("POST", "/fileuploads", rooted("fileUpload", Json.object().put("fileName", "x"))),
        http.write("POST", "/fileuploads", rooted("fileUpload", Json.object().put("fileName", "x")
            .put("totalSegments", 1).put("size", -3))),
        http.write("POST", "/fileuploads", rooted("fileUpload", Json.object().put("fileName", "x")
            .put("totalSegments", 1).put("size", 1L << 40))),
        http.write("POST", "/fileuploads", rooted("fileUpload", Json.object().put("fileName", "x")
            .put("totalSegments", 1).put("colour", "red"))),
        http.sendBytes("POST", API + "/fileuploads/" + id + "/upload", "abcd".getBytes(), cc.authorization(),
            "application/octet-stream"));
    for (CcHttp.Answer a : refused) {
      assertThat(a.status()).as(a.text()).isIn(400, 415);
      assertThat(a.json().get("message").isTextual()).isTrue();
    }
    assertThat(segment(999, "0", "ab".getBytes()).status()).isEqualTo(404);
    assertThat(http.sendBytes("POST", API + "/fileuploads/" + id + "/upload", form("1", "efgh".getBytes()),
        null, "multipart/form-data; boundary=cc-boundary").status()).isEqualTo(401);
    assertThat(CcHttp.snapshot(cc)).isEqualTo(before);
    assertThat(upload(id).get("state").asInt()).isEqualTo(1);
    assertThat(segment(id, "1", "efgh".getBytes()).status()).isEqualTo(200);
    assertThat(http.write("PUT", "/fileuploads/" + id, rooted("fileUpload", Json.object().put("state", 2)))
        .status()).isEqualTo(200);
  }

  @Test
  void anIdleUploadTimesOutAfterFourHoursAndAFailedOneShowsError() throws Exception {
    long idle = createUpload(2, 4);
    clock.advance(Duration.ofHours(3));
    assertThat(segment(idle, "0", "ab".getBytes()).status()).isEqualTo(200); // restarts the idle timer
    clock.advance(Duration.ofHours(3));
    assertThat(upload(idle).get("state").asInt()).isEqualTo(1);
    clock.advance(Duration.ofHours(1));
    assertThat(upload(idle).get("state").asInt()).isEqualTo(6);
    assertThat(cc.uploadState(idle)).contains("Timeout");
    assertThat(segment(idle, "1", "cd".getBytes()).status()).isEqualTo(400);
    CablecastStates.FILE_UPLOAD.check("Uploading", "Timeout").assertLegal();

    cc.jobs().script().next(1).fail("store offline");
    long broken = createUpload(1, 2);
    segment(broken, "0", "ok".getBytes());
    http.write("PUT", "/fileuploads/" + broken, rooted("fileUpload", Json.object().put("state", 2)));
    clock.advance(Duration.ofSeconds(10));
    assertThat(upload(broken).get("state").asInt()).isZero();
    assertThat(upload(broken).get("asset").isNull()).isTrue();
  }

  @Test
  void resetDropsJobsUploadsAndRestartsIds() throws Exception {
    long id = http.write("POST", "/vods", rooted("vod", Json.object().put("show", 11))).json().at("/vod/id").asLong();
    long upload = createUpload(1, 1);
    assertThat(id).isEqualTo(8);
    cc.reset();
    assertThat(cc.jobs().jobs()).isEmpty();
    assertThat(http.get("/fileuploads/" + upload).status()).isEqualTo(404);
    assertThat(http.get("/vods/" + id).status()).isEqualTo(404);
    clock.advance(Duration.ofHours(5));
    assertThat(http.write("POST", "/vods", rooted("vod", Json.object().put("show", 11))).json().at("/vod/id").asLong())
        .isEqualTo(8);
    assertThat(createUpload(1, 1)).isEqualTo(upload);
    assertThat(cc.count("scheduleItem")).isEqualTo(189);
    // the default library was rebuilt relative to the clock's new day
    assertThat(http.ok("/scheduleitems/1").at("/scheduleItem/runDateTime").asText())
        .isEqualTo("2026-12-04T06:00:00+00:00");
  }
}
