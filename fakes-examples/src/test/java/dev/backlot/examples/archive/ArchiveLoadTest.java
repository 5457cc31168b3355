package dev.backlot.examples.archive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backlot.cablecast.CablecastFake;
import dev.backlot.examples.archive.VodCatalog.Vod;
import dev.backlot.junit.BacklotTest;
import dev.backlot.redis.RedisFake;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Many users at once (seed 002's "concurrent access" and "performance under load"): 20 creators
 * and 30 readers on the archive's catalog, and the catalog's read time under load compared with
 * its unloaded baseline as a ratio, printed and written to {@code target/} (never asserted: this
 * machine stalls at random; only correctness is asserted).
 */
@BacklotTest
class ArchiveLoadTest {

  CablecastFake cablecast;
  RedisFake redis;

  LiveUpdates live;
  Archivist archive;
  ExecutorService pool;

  @BeforeEach
  void startTheArchive() {
    live = LiveUpdates.start();
    archive = new Archivist(ArchiveRig.config(cablecast, redis), live, ArchiveRig.taskIds());
    pool = Executors.newFixedThreadPool(20);
  }

  @AfterEach
  void stopTheArchive() throws InterruptedException {
    pool.shutdownNow();
    pool.awaitTermination(10, TimeUnit.SECONDS);
    archive.close();
    live.close();
  }

  @Test
  void twentyConcurrentCreatorsThenThirtyConcurrentReadersSeeTheSameCount() throws Exception {
    long show = ArchiveRig.showWithVod(cablecast);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Vod>> created = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      int n = i;
      created.add(pool.submit(() -> {
        go.await();
        return archive.catalog().create("Concurrent VOD " + n, show, "/vod/" + n);
      }));
    }
    go.countDown();
    List<Long> ids = new ArrayList<>();
    for (Future<Vod> f : created) {
      ids.add(f.get(30, TimeUnit.SECONDS).id());
    }

    List<Callable<Integer>> readers = Collections.nCopies(30, () -> archive.catalog().list().size());
    List<Integer> counts = new ArrayList<>();
    for (Future<Integer> f : pool.invokeAll(readers, 30, TimeUnit.SECONDS)) {
      counts.add(f.get());
    }

    assertThat(ids).doesNotHaveDuplicates().hasSize(20);
    assertThat(counts).hasSize(30).containsOnly(20);
    assertThat(archive.catalog().list()).allSatisfy(v -> {
      assertThat(v.title()).startsWith("Concurrent VOD ");
      assertThat(v.status()).isEqualTo("pending");
    });
  }

  @Test
  void readersRacingCreatorsNeverSeeAHalfCreatedVodOrACountGoingBack() throws Exception {
    long show = ArchiveRig.showWithVod(cablecast);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> all = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      int n = i;
      all.add(pool.submit(() -> {
        go.await();
        return archive.catalog().create("Racing VOD " + n, show, "/vod/" + n);
      }));
    }
    List<List<Integer>> seen = Collections.synchronizedList(new ArrayList<>());
    for (int r = 0; r < 30; r++) {
      all.add(pool.submit(() -> {
        go.await();
        List<Integer> mine = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
          List<Vod> vods = archive.catalog().list();
          assertThat(vods).allSatisfy(v -> assertThat(v.fields()).containsKeys("title", "show", "status"));
          mine.add(vods.size());
        }
        seen.add(mine);
        return null;
      }));
    }
    go.countDown();
    for (Future<?> f : all) {
      f.get(60, TimeUnit.SECONDS); // rethrows a reader's failed assertion
    }

    assertThat(seen).hasSize(30).allSatisfy(counts -> assertThat(counts).isSorted());
    assertThat(archive.catalog().count()).isEqualTo(20);
  }

  @Test
  void theCatalogUnderLoadIsComparedWithItsBaselineAsARatio() throws Exception {
    long show = ArchiveRig.showWithVod(cablecast);
    for (int i = 0; i < 50; i++) {
      archive.catalog().create("Baseline VOD " + i, show, "/vod/" + i);
    }
    long baseline = medianListNanos(15);

    CountDownLatch go = new CountDownLatch(1);
    List<Future<Boolean>> load = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      int n = i;
      load.add(pool.submit(() -> {
        go.await();
        Vod v = archive.catalog().create("Load VOD " + n, show, "/vod/load-" + n);
        boolean read = archive.catalog().get(v.id()).isPresent();
        archive.catalog().update(v.id(), "processing", Map.of());
        return read && archive.cablecast().countShows() > 0;
      }));
    }
    go.countDown();
    long underLoad = medianListNanos(15); // while the 100 operations run
    for (Future<Boolean> f : load) {
      assertThat(f.get(60, TimeUnit.SECONDS)).isTrue();
    }

    double ratio = (double) underLoad / baseline;
    String line = String.format("{\"sample\":\"archive\",\"metric\":\"catalog list median, loaded/unloaded\","
        + "\"baselineMicros\":%d,\"underLoadMicros\":%d,\"ratio\":%.2f}", baseline / 1000, underLoad / 1000, ratio);
    System.out.println("[archive load] " + line);
    Path out = Path.of("target", "archive-load-ratio.json");
    Files.createDirectories(out.getParent());
    Files.writeString(out, line + "\n");
    assertThat(archive.catalog().count()).isEqualTo(150);
    assertThat(archive.catalog().list()).filteredOn(v -> v.title().startsWith("Load VOD"))
        .hasSize(100).allSatisfy(v -> assertThat(v.status()).isEqualTo("processing"));
  }

  private long medianListNanos(int runs) throws Exception {
    long[] t = new long[runs];
    for (int i = 0; i < runs; i++) {
      long start = System.nanoTime();
      assertThat(archive.catalog().list()).isNotEmpty();
      t[i] = System.nanoTime() - start;
    }
    java.util.Arrays.sort(t);
    return t[runs / 2];
  }
}
