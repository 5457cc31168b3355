package dev.backlot.gcs;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.WriteChannel;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Many writers at once through the official client: nothing lost, nothing mixed up. */
class GcsConcurrencyTest {

  private static final long SEED = 20261122L;
  private static final int WRITERS = 32;
  private static final int OBJECTS_PER_WRITER = 2;

  private static GcsFake gcs;
  private static Storage storage;

  @BeforeAll
  static void start() {
    gcs = GcsFake.builder().bucket("media").start();
    storage = Clients.storage(gcs);
  }

  @AfterAll
  static void stop() throws Exception {
    storage.close();
    gcs.close();
  }

  @Test
  void thirtyTwoConcurrentWritersOfRandomSizesReadBackByteIdentical() throws Exception {
    Map<String, byte[]> written = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    try {
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        futures.add(pool.submit(() -> {
          Random rnd = new Random(SEED + writer);
          go.await();
          for (int i = 0; i < OBJECTS_PER_WRITER; i++) {
            byte[] data = new byte[rnd.nextInt(600 * 1024)];
            rnd.nextBytes(data);
            String name = "w" + writer + "/obj-" + i + ".bin";
            if ((writer + i) % 2 == 0) {
              storage.create(BlobInfo.newBuilder("media", name).build(), data);
            } else {
              try (WriteChannel ch = storage.writer(BlobInfo.newBuilder("media", name).build())) {
                ch.setChunkSize(256 * 1024);
                ch.write(ByteBuffer.wrap(data));
              }
            }
            written.put(name, data);
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : futures) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(written).hasSize(WRITERS * OBJECTS_PER_WRITER);
    assertThat(gcs.objects("media")).hasSize(WRITERS * OBJECTS_PER_WRITER);
    for (Map.Entry<String, byte[]> e : written.entrySet()) {
      assertThat(storage.readAllBytes(BlobId.of("media", e.getKey())))
          .as(e.getKey()).isEqualTo(e.getValue());
      GcsObject o = gcs.object("media", e.getKey());
      assertThat(o.md5Hash()).isEqualTo(GcsStore.md5(e.getValue()));
    }
    long distinctGenerations = gcs.objects("media").stream().mapToLong(GcsObject::generation).distinct().count();
    assertThat(distinctGenerations).isEqualTo(WRITERS * OBJECTS_PER_WRITER);
    assertThat(gcs.openUploads()).isZero();
  }

  @Test
  void createOnlyRacesHaveExactlyOneWinner() throws Exception {
    int racers = 16;
    ExecutorService pool = Executors.newFixedThreadPool(racers);
    CountDownLatch go = new CountDownLatch(1);
    AtomicInteger won = new AtomicInteger();
    AtomicInteger lost = new AtomicInteger();
    List<Future<?>> futures = new ArrayList<>();
    try {
      for (int r = 0; r < racers; r++) {
        byte[] data = ("racer " + r).getBytes();
        futures.add(pool.submit(() -> {
          go.await();
          try {
            storage.create(BlobInfo.newBuilder("media", "race/winner.txt").build(), data,
                Storage.BlobTargetOption.doesNotExist());
            won.incrementAndGet();
          } catch (StorageException e) {
            assertThat(e.getCode()).isEqualTo(412);
            lost.incrementAndGet();
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(won.get()).isEqualTo(1);
    assertThat(lost.get()).isEqualTo(racers - 1);
    assertThat(gcs.versions("media", "race/winner.txt")).hasSize(1);
  }
}
