package dev.backlot.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.NoCredentials;
import com.google.cloud.WriteChannel;
import com.google.cloud.http.HttpTransportOptions;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import dev.backlot.fault.HttpRule;
import dev.backlot.journal.Entry;
import dev.backlot.net.Direction;
import dev.backlot.net.Toxic;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A resumable upload through the official client survives connections broken in the middle of
 * it: cut mid-chunk on the wire (NetworkLink), reset by the fault engine before or after the fake
 * stored a chunk, or after the final chunk. The client asks the session how far it got ({@code
 * bytes *}{@code /*}), rewinds or moves on, and the stored bytes are exactly the original ones.
 */
class GcsResumableFaultTest {

  private static final int CHUNK = 256 * 1024;

  private final GcsFake gcs = GcsFake.builder().bucket("media").behindLink().start();
  private final Storage storage = StorageOptions.newBuilder()
      .setHost(gcs.baseUri().toString())
      .setProjectId("test")
      .setCredentials(NoCredentials.getInstance())
      .setTransportOptions(HttpTransportOptions.newBuilder()
          .setConnectTimeout(20_000).setReadTimeout(60_000).build())
      // backoff long enough for the test to lift the fault between attempts, budget to spare
      .setRetrySettings(RetrySettings.newBuilder()
          .setMaxAttempts(10)
          .setInitialRetryDelayDuration(Duration.ofMillis(300))
          .setMaxRetryDelayDuration(Duration.ofSeconds(2))
          .setRetryDelayMultiplier(1.5)
          .setTotalTimeoutDuration(Duration.ofSeconds(90))
          .build())
      .build()
      .getService();

  @AfterEach
  void close() throws Exception {
    storage.close();
    gcs.close();
  }

  @Test
  void aConnectionCutMidChunkIsResumedAndTheBytesAreExact() throws Exception {
    byte[] data = new byte[8 * CHUNK + 12_345];
    new Random(99).nextBytes(data);

    try (WriteChannel writer = storage.writer(BlobInfo.newBuilder("media", "cut/clip.bin").build())) {
      writer.setChunkSize(CHUNK);
      // two chunks go through untouched
      writer.write(ByteBuffer.wrap(data, 0, 2 * CHUNK + 10));
      await().atMost(30, TimeUnit.SECONDS).until(() -> gcs.openUploads() == 1
          && gcs.journal().count(e -> "PUT".equals(e.method()) && e.status() == 308) >= 2);

      // the next chunk's connection passes 100,000 bytes (headers and part of the chunk), then dies
      Toxic cut = gcs.link().toxics().limitData(Direction.UPSTREAM, 100_000);
      CompletableFuture<Void> rest = CompletableFuture.runAsync(() -> {
        try {
          writer.write(ByteBuffer.wrap(data, 2 * CHUNK + 10, data.length - (2 * CHUNK + 10)));
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      // lift the fault once the fake has seen a chunk end early; the client's next attempt works
      await().atMost(30, TimeUnit.SECONDS).until(() -> gcs.journal().count(GcsResumableFaultTest::cutShort) >= 1);
      cut.remove();
      rest.get(90, TimeUnit.SECONDS);
    }

    GcsObject stored = gcs.object("media", "cut/clip.bin");
    assertThat(stored.size()).isEqualTo(data.length);
    assertThat(stored.md5Hash()).isEqualTo(GcsStore.md5(data));
    assertThat(stored.bytes()).isEqualTo(data);
    assertThat(gcs.versions("media", "cut/clip.bin")).hasSize(1);
    // the client recovered by asking the session how much it holds
    assertThat(gcs.journal().count(e -> "PUT".equals(e.method())
        && "bytes */*".equals(e.header("Content-Range")))).isGreaterThanOrEqualTo(1);
    assertThat(gcs.openUploads()).isZero();
  }

  @Test
  void aFaultResettingAChunkBeforeItIsStoredIsResent() throws Exception {
    byte[] data = data(6 * CHUNK + 777);
    // the first try of the third chunk: the fake reads it, then resets the connection (TCP RST)
    HttpRule rule = gcs.faults().on("PUT", "/upload/storage/v1/b/{bucket}/o")
        .where("the third chunk", r -> "bytes 524288-786431/*".equals(r.header("Content-Range")))
        .next(1)
        .reset();

    upload("rst/before.bin", data);

    assertThat(rule.fired()).isEqualTo(1);
    assertExact("rst/before.bin", data);
    // the chunk was sent twice: once into the reset, once after the status query
    assertThat(gcs.journal().count(e -> "bytes 524288-786431/*".equals(e.header("Content-Range"))))
        .isEqualTo(2);
    assertThat(gcs.journal().count(e -> "bytes */*".equals(e.header("Content-Range")))).isGreaterThanOrEqualTo(1);
  }

  @Test
  void aFaultResettingAfterAChunkWasStoredIsNotResent() throws Exception {
    byte[] data = data(6 * CHUNK + 777);
    // the third chunk is stored, then the answer is lost to a reset
    HttpRule rule = gcs.faults().on("PUT", "/upload/storage/v1/b/{bucket}/o")
        .where("the third chunk", r -> "bytes 524288-786431/*".equals(r.header("Content-Range")))
        .next(1)
        .afterHandling()
        .reset();

    upload("rst/after.bin", data);

    assertThat(rule.fired()).isEqualTo(1);
    assertExact("rst/after.bin", data);
    // the status query told the client the session already held the chunk
    assertThat(gcs.journal().count(e -> "bytes 524288-786431/*".equals(e.header("Content-Range"))))
        .isEqualTo(1);
  }

  @Test
  void aResetAfterTheFinalChunkStillEndsWithOneObject() throws Exception {
    byte[] data = data(3 * CHUNK + 5);
    HttpRule rule = gcs.faults().on("PUT", "/upload/storage/v1/b/{bucket}/o")
        .where("the final chunk", r -> String.valueOf(r.header("Content-Range")).endsWith("/" + data.length))
        .next(1)
        .afterHandling()
        .reset();

    upload("rst/final.bin", data);

    assertThat(rule.fired()).isEqualTo(1);
    assertExact("rst/final.bin", data);
  }

  private static byte[] data(int size) {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    return b;
  }

  private void upload(String name, byte[] data) throws Exception {
    try (WriteChannel writer = storage.writer(BlobInfo.newBuilder("media", name).build())) {
      writer.setChunkSize(CHUNK);
      writer.write(ByteBuffer.wrap(data));
    }
  }

  private void assertExact(String name, byte[] data) {
    GcsObject stored = gcs.object("media", name);
    assertThat(stored.md5Hash()).isEqualTo(GcsStore.md5(data));
    assertThat(stored.bytes()).isEqualTo(data);
    assertThat(gcs.versions("media", name)).hasSize(1);
    assertThat(gcs.openUploads()).isZero();
  }

  private static boolean cutShort(Entry e) {
    return "PUT".equals(e.method()) && e.outcome() != null
        && e.outcome().startsWith("request body not received");
  }
}
