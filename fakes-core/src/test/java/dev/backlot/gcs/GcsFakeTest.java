package dev.backlot.gcs;

import static dev.backlot.gcs.RawHttp.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backlot.time.Clock;
import dev.backlot.time.ManualClock;
import dev.backlot.wire.Response;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fake's own surface: seeding, direct access, reset, stubs, lifecycle. */
class GcsFakeTest {

  @Test
  void builderSeedsBucketsAndObjectsFromBytesTextAndResources() {
    try (GcsFake gcs = GcsFake.builder()
        .bucket("empty")
        .versionedBucket("archive")
        .object("media", "a.bin", new byte[] {1, 2, 3})
        .object("media", "b.json", "{}".getBytes(StandardCharsets.UTF_8), "application/json")
        .object("media", "c.txt", "text")
        .objectFromResource("media", "fixtures/fixture.txt", "/gcs/fixture.txt")
        .start()) {
      assertThat(gcs.buckets()).containsExactly("archive", "empty", "media");
      assertThat(gcs.object("media", "a.bin").bytes()).containsExactly(1, 2, 3);
      assertThat(gcs.object("media", "b.json").contentType()).isEqualTo("application/json");
      assertThat(gcs.object("media", "c.txt").text()).isEqualTo("text");
      GcsObject fixture = gcs.object("media", "fixtures/fixture.txt");
      assertThat(fixture.text()).isEqualTo("fixture bytes\n");
      assertThat(fixture.contentType()).isEqualTo("text/plain");
      assertThat(fixture.md5Hash()).isEqualTo(GcsStore.md5("fixture bytes\n".getBytes(StandardCharsets.UTF_8)));
      assertThat(gcs.object("media", "missing")).isNull();
      assertThat(gcs.objects("nope")).isEmpty();
    }
    assertThatThrownBy(() -> GcsFake.builder().objectFromResource("m", "x", "/no/such/resource"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> GcsFake.builder().bucket("Not A Bucket"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Invalid bucket name");
  }

  @Test
  void resetRestoresTheSeededStateAndClearsSessionsAndStubs() throws Exception {
    try (GcsFake gcs = GcsFake.builder().object("media", "seed.txt", "seed").start()) {
      RawHttp http = new RawHttp(gcs);
      gcs.putObject("media", "added.txt", new byte[] {1});
      gcs.putObject("media", "seed.txt", "changed".getBytes(StandardCharsets.UTF_8));
      gcs.createBucket("extra");
      http.send("POST", "/upload/storage/v1/b/media/o?uploadType=resumable&name=x", null);
      gcs.stub("GET", "/storage/v1/b/{bucket}").respond(Response.status(503));
      assertThat(gcs.openUploads()).isEqualTo(1);

      gcs.reset();

      assertThat(gcs.buckets()).containsExactly("media");
      assertThat(gcs.objects("media")).extracting(GcsObject::name).containsExactly("seed.txt");
      assertThat(gcs.object("media", "seed.txt").text()).isEqualTo("seed");
      assertThat(gcs.openUploads()).isZero();
      assertThat(gcs.journal().size()).isZero();
      assertThat(http.send("GET", "/storage/v1/b/media", null).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void anyRouteCanBeStubbedInFrontOfTheProtocol() throws Exception {
    try (GcsFake gcs = GcsFake.builder().bucket("media").start()) {
      RawHttp http = new RawHttp(gcs);
      gcs.stub("GET", "/storage/v1/b/{bucket}/o/{object}")
          .respond(Response.json(503, "{\"error\":{\"code\":503,\"message\":\"busy\"}}"), Response.status(200));
      assertThat(http.send("GET", "/storage/v1/b/media/o/x", null).statusCode()).isEqualTo(503);
      gcs.stubs().forEach(s -> s.remove());
      assertThat(http.send("GET", "/storage/v1/b/media/o/x", null).statusCode()).isEqualTo(404);
    }
  }

  @Test
  void timestampsAndGenerationsComeFromTheFakesClock() throws Exception {
    ManualClock clock = Clock.manual(Instant.parse("2030-01-02T03:04:05.678Z"));
    try (GcsFake gcs = GcsFake.builder().clock(clock).bucket("media").start()) {
      GcsObject first = gcs.putObject("media", "t.txt", new byte[] {1});
      GcsObject second = gcs.putObject("media", "t.txt", new byte[] {2});
      assertThat(first.timeCreated()).isEqualTo(Instant.parse("2030-01-02T03:04:05.678Z"));
      assertThat(second.generation()).isGreaterThan(first.generation()); // same instant, still new
      assertThat(first.generation()).isEqualTo(Instant.parse("2030-01-02T03:04:05.678Z").toEpochMilli() * 1000);

      clock.advance(Duration.ofMinutes(5));
      HttpResponse<byte[]> r = new RawHttp(gcs).send("PATCH", "/storage/v1/b/media/o/t.txt",
          "{\"metadata\":{\"x\":\"y\"}}".getBytes(StandardCharsets.UTF_8));
      assertThat(json(r).get("updated").asText()).isEqualTo("2030-01-02T03:09:05.678Z");
      assertThat(json(r).get("timeCreated").asText()).isEqualTo("2030-01-02T03:04:05.678Z");
    }
  }

  @Test
  void launcherConfigSeedsBucketsAndObjects() {
    GcsFake.Builder b = GcsFake.builder().configure(dev.backlot.wire.Json.parse(
        "{\"buckets\": [\"media\", {\"name\": \"archive\", \"versioning\": true}],"
            + " \"objects\": [{\"bucket\": \"media\", \"name\": \"a.txt\", \"text\": \"hi\"},"
            + " {\"bucket\": \"media\", \"name\": \"b.bin\", \"base64\": \"AQID\", \"contentType\": \"x/y\"},"
            + " {\"bucket\": \"media\", \"name\": \"f.txt\", \"resource\": \"gcs/fixture.txt\"}]}"));
    try (GcsFake gcs = b.start()) {
      assertThat(gcs.buckets()).containsExactly("archive", "media");
      assertThat(gcs.object("media", "a.txt").text()).isEqualTo("hi");
      assertThat(gcs.object("media", "b.bin").bytes()).containsExactly(1, 2, 3);
      assertThat(gcs.object("media", "b.bin").contentType()).isEqualTo("x/y");
      assertThat(gcs.object("media", "f.txt").text()).isEqualTo("fixture bytes\n");
    }
    assertThatThrownBy(() -> GcsFake.builder().configure(dev.backlot.wire.Json.parse("{\"buckets\": 3}")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> GcsFake.builder().configure(dev.backlot.wire.Json.parse("{\"objects\": [{\"name\": \"x\"}]}")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bucket");
  }

  @Test
  void closingFreesThePort() throws IOException {
    GcsFake gcs = GcsFake.builder().bucket("media").start();
    int port = gcs.port();
    gcs.putObject("media", "x", new byte[1024 * 1024]);
    gcs.close();
    try (ServerSocket again = new ServerSocket(port, 50, java.net.InetAddress.getLoopbackAddress())) {
      assertThat(again.getLocalPort()).isEqualTo(port);
    }
  }

  @Test
  void restartKeepsStoredObjects() throws Exception {
    try (GcsFake gcs = GcsFake.builder().object("media", "kept.txt", "kept").start()) {
      int port = gcs.port();
      gcs.stop();
      gcs.restart();
      assertThat(gcs.port()).isEqualTo(port);
      HttpResponse<byte[]> r = new RawHttp(gcs).send("GET", "/download/storage/v1/b/media/o/kept.txt?alt=media", null);
      assertThat(RawHttp.text(r)).isEqualTo("kept");
      assertThat(gcs.object("media", "kept.txt").metadata()).isEqualTo(Map.of());
    }
  }
}
