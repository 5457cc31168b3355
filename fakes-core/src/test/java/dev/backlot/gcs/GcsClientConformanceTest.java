package dev.backlot.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.gax.paging.Page;
import com.google.cloud.ReadChannel;
import com.google.cloud.WriteChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Bucket;
import com.google.cloud.storage.BucketInfo;
import com.google.cloud.storage.CopyWriter;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.Storage.BlobListOption;
import com.google.cloud.storage.StorageException;
import dev.backlot.journal.RequestPattern;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The official google-cloud-storage client, unchanged, against the fake. */
class GcsClientConformanceTest {

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

  @BeforeEach
  void reset() {
    gcs.reset();
  }

  private static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static String md5(byte[] data) throws Exception {
    return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(data));
  }

  @Test
  void bucketLifecycle() {
    Bucket created = storage.create(BucketInfo.newBuilder("clips").setVersioningEnabled(true).build());
    assertThat(created.getName()).isEqualTo("clips");
    assertThat(created.versioningEnabled()).isTrue();
    assertThat(created.getMetageneration()).isEqualTo(1L);

    assertThatThrownBy(() -> storage.create(BucketInfo.of("clips")))
        .isInstanceOfSatisfying(StorageException.class, e -> {
          assertThat(e.getCode()).isEqualTo(409);
          assertThat(e.getReason()).isEqualTo("conflict");
        });

    assertThat(storage.get("clips").versioningEnabled()).isTrue();
    assertThat(storage.get("no-such-bucket")).isNull();

    List<String> names = new ArrayList<>();
    storage.list().iterateAll().forEach(b -> names.add(b.getName()));
    assertThat(names).containsExactly("clips", "media");

    Bucket patched = storage.update(BucketInfo.newBuilder("clips").setVersioningEnabled(false)
        .setLabels(Map.of("team", "video")).build());
    assertThat(patched.versioningEnabled()).isFalse();
    assertThat(patched.getLabels()).containsEntry("team", "video");
    assertThat(patched.getMetageneration()).isEqualTo(2L);

    storage.create(BlobInfo.newBuilder("clips", "x").build(), new byte[] {1});
    assertThatThrownBy(() -> storage.delete("clips"))
        .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.getCode()).isEqualTo(409));
    assertThat(gcs.buckets()).contains("clips");

    assertThat(storage.delete(BlobId.of("clips", "x"))).isTrue();
    assertThat(storage.delete("clips")).isTrue();
    assertThat(gcs.buckets()).containsExactly("media");
    assertThat(storage.delete("clips")).isFalse();
  }

  @Test
  void createFromBytesStoresBytesHashesAndMetadata() throws Exception {
    byte[] data = "frame data".getBytes(StandardCharsets.UTF_8);
    Blob blob = storage.create(
        BlobInfo.newBuilder("media", "clips/2024/intro one.txt")
            .setContentType("text/plain")
            .setMetadata(Map.of("owner", "ana"))
            .build(),
        data);

    assertThat(blob.getSize()).isEqualTo(data.length);
    assertThat(blob.getMd5()).isEqualTo(md5(data));
    assertThat(blob.getGeneration()).isPositive();
    assertThat(blob.getMetageneration()).isEqualTo(1L);
    assertThat(blob.getMetadata()).containsEntry("owner", "ana");

    GcsObject stored = gcs.object("media", "clips/2024/intro one.txt");
    assertThat(stored.bytes()).isEqualTo(data);
    assertThat(stored.contentType()).isEqualTo("text/plain");
    assertThat(stored.crc32c()).isEqualTo(blob.getCrc32c());
    assertThat(storage.readAllBytes(BlobId.of("media", "clips/2024/intro one.txt"))).isEqualTo(data);
  }

  @Test
  void writerUploadsTwentyMegabytesInSmallResumableChunks() throws Exception {
    byte[] data = random(20 * 1024 * 1024, 7);
    BlobInfo info = BlobInfo.newBuilder("media", "big/clip.bin").setContentType("video/mp4").build();
    try (WriteChannel writer = storage.writer(info)) {
      writer.setChunkSize(256 * 1024);
      ByteBuffer buf = ByteBuffer.wrap(data);
      while (buf.hasRemaining()) {
        ByteBuffer slice = buf.slice();
        slice.limit(Math.min(100_000, buf.remaining()));
        int n = writer.write(slice);
        buf.position(buf.position() + n);
      }
    }

    GcsObject stored = gcs.object("media", "big/clip.bin");
    assertThat(stored.size()).isEqualTo(data.length);
    assertThat(stored.md5Hash()).isEqualTo(md5(data));
    assertThat(stored.contentType()).isEqualTo("video/mp4");
    // small chunks: many PUTs on the session, each answered 308 until the last
    int puts = gcs.journal().count(RequestPattern.put("/upload/storage/v1/b/media/o"));
    assertThat(puts).isGreaterThanOrEqualTo(20 * 4);
    assertThat(gcs.openUploads()).isZero();
  }

  @Test
  void readerSeeksAndLimits() throws Exception {
    byte[] data = random(3 * 1024 * 1024 + 17, 11);
    gcs.putObject("media", "r.bin", data);

    try (ReadChannel reader = storage.reader(BlobId.of("media", "r.bin"))) {
      reader.seek(1_000_000);
      reader.limit(1_000_000 + 123_456);
      byte[] got = drain(reader);
      assertThat(got).isEqualTo(java.util.Arrays.copyOfRange(data, 1_000_000, 1_123_456));
    }
    try (ReadChannel reader = storage.reader(BlobId.of("media", "r.bin"))) {
      reader.seek(data.length - 10);
      assertThat(drain(reader)).isEqualTo(java.util.Arrays.copyOfRange(data, data.length - 10, data.length));
    }
    try (ReadChannel reader = storage.reader(BlobId.of("media", "r.bin"))) {
      assertThat(drain(reader)).isEqualTo(data);
    }
    assertThat(gcs.journal().find(e -> e.header("Range") != null)).isNotEmpty();
  }

  private static byte[] drain(ReadChannel reader) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
    while (reader.read(buf) >= 0) {
      buf.flip();
      out.write(buf.array(), 0, buf.limit());
      buf.clear();
    }
    return out.toByteArray();
  }

  @Test
  void listsWithDelimiterAndPaginatesAcross2500Objects() {
    // seeded through the test API: 2,500 objects in 5 folders, plus 3 at the top level
    for (int i = 0; i < 2500; i++) {
      gcs.putObject("media", String.format("dir%d/file-%04d.txt", i % 5, i), new byte[] {(byte) i});
    }
    gcs.putObject("media", "top-a.txt", new byte[0]);
    gcs.putObject("media", "top-b.txt", new byte[0]);
    gcs.putObject("media", "top-c.txt", new byte[0]);

    Page<Blob> folders = storage.list("media", BlobListOption.currentDirectory(), BlobListOption.prefix(""));
    List<String> prefixes = new ArrayList<>();
    List<String> files = new ArrayList<>();
    for (Blob b : folders.iterateAll()) {
      if (b.isDirectory()) {
        prefixes.add(b.getName());
      } else {
        files.add(b.getName());
      }
    }
    assertThat(prefixes).containsExactly("dir0/", "dir1/", "dir2/", "dir3/", "dir4/");
    assertThat(files).containsExactly("top-a.txt", "top-b.txt", "top-c.txt");

    Page<Blob> page = storage.list("media", BlobListOption.pageSize(300));
    Set<String> seen = new HashSet<>();
    int pages = 0;
    String previous = "";
    while (page != null) {
      pages++;
      for (Blob b : page.getValues()) {
        assertThat(b.getName()).isGreaterThan(previous);
        previous = b.getName();
        assertThat(seen.add(b.getName())).isTrue();
      }
      page = page.hasNextPage() ? page.getNextPage() : null;
    }
    assertThat(seen).hasSize(2503);
    assertThat(pages).isEqualTo(9);

    List<String> dir3 = new ArrayList<>();
    storage.list("media", BlobListOption.prefix("dir3/"), BlobListOption.pageSize(200))
        .iterateAll().forEach(b -> dir3.add(b.getName()));
    assertThat(dir3).hasSize(500).allMatch(n -> n.startsWith("dir3/"));
  }

  @Test
  void copyRunsTheRewriteTokenLoop() {
    byte[] data = random(5 * 1024 * 1024 + 3, 5);
    gcs.putObject("media", "src.bin", data, "application/x-test", Map.of("k", "v"));
    storage.create(BucketInfo.of("backup"));

    CopyWriter copy = storage.copy(Storage.CopyRequest.newBuilder()
        .setSource(BlobId.of("media", "src.bin"))
        .setTarget(BlobId.of("backup", "dst.bin"))
        .setMegabytesCopiedPerChunk(1L)
        .build());
    Blob result = copy.getResult();

    assertThat(result.getSize()).isEqualTo(data.length);
    assertThat(result.getContentType()).isEqualTo("application/x-test");
    assertThat(result.getMetadata()).containsEntry("k", "v");
    assertThat(gcs.object("backup", "dst.bin").bytes()).isEqualTo(data);
    // 5 MiB + 3 bytes in 1 MiB steps: six rewrite calls linked by rewriteToken
    assertThat(gcs.journal().count(e -> e.path().contains("/rewriteTo/"))).isEqualTo(6);
  }

  @Test
  void composeConcatenatesSources() {
    gcs.putObject("media", "part-1", "hello ".getBytes(StandardCharsets.UTF_8));
    gcs.putObject("media", "part-2", "composed ".getBytes(StandardCharsets.UTF_8));
    gcs.putObject("media", "part-3", "world".getBytes(StandardCharsets.UTF_8));

    Blob composed = storage.compose(Storage.ComposeRequest.newBuilder()
        .addSource("part-1", "part-2", "part-3")
        .setTarget(BlobInfo.newBuilder("media", "whole.txt").setContentType("text/plain").build())
        .build());

    assertThat(composed.getComponentCount()).isEqualTo(3);
    assertThat(new String(storage.readAllBytes(BlobId.of("media", "whole.txt")), StandardCharsets.UTF_8))
        .isEqualTo("hello composed world");
    assertThat(gcs.object("media", "whole.txt").md5Hash()).isNull();
    assertThat(composed.getCrc32c()).isEqualTo(gcs.object("media", "whole.txt").crc32c());

    List<String> tooMany = new ArrayList<>();
    for (int i = 0; i < 33; i++) {
      tooMany.add("part-1");
    }
    assertThatThrownBy(() -> storage.compose(Storage.ComposeRequest.newBuilder()
            .addSource(tooMany).setTarget(BlobInfo.newBuilder("media", "nope").build()).build()))
        .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.getCode()).isEqualTo(400));
    assertThat(gcs.object("media", "nope")).isNull();
  }

  @Test
  void failedPreconditionsSurfaceAsStorageExceptionsAndChangeNothing() {
    byte[] first = "v1".getBytes(StandardCharsets.UTF_8);
    Blob v1 = storage.create(BlobInfo.newBuilder("media", "p.txt").build(), first);

    // create-only: an object already exists
    assertThatThrownBy(() -> storage.create(BlobInfo.newBuilder("media", "p.txt").build(),
            "v2".getBytes(StandardCharsets.UTF_8), Storage.BlobTargetOption.doesNotExist()))
        .isInstanceOfSatisfying(StorageException.class, e -> {
          assertThat(e.getCode()).isEqualTo(412);
          assertThat(e.getReason()).isEqualTo("conditionNotMet");
        });
    // generation match against a stale generation
    BlobInfo stale = BlobInfo.newBuilder(BlobId.of("media", "p.txt", v1.getGeneration() - 1)).build();
    assertThatThrownBy(() -> storage.create(stale, "v3".getBytes(StandardCharsets.UTF_8),
            Storage.BlobTargetOption.generationMatch()))
        .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.getCode()).isEqualTo(412));
    // metageneration match on update: the first wins, the second holds a stale metageneration
    Blob patched = storage.update(v1.toBuilder().setMetadata(Map.of("a", "b")).build(),
        Storage.BlobTargetOption.metagenerationMatch());
    assertThat(patched.getMetageneration()).isEqualTo(2L);
    assertThatThrownBy(() -> storage.update(v1.toBuilder().setMetadata(Map.of("a", "stale")).build(),
            Storage.BlobTargetOption.metagenerationMatch()))
        .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.getCode()).isEqualTo(412));
    assertThatThrownBy(() -> storage.delete(BlobId.of("media", "p.txt"),
            Storage.BlobSourceOption.generationMatch(v1.getGeneration() - 1)))
        .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.getCode()).isEqualTo(412));
    assertThatThrownBy(() -> storage.delete(BlobId.of("media", "p.txt"),
            Storage.BlobSourceOption.metagenerationMatch(9L)))
        .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.getCode()).isEqualTo(412));

    GcsObject after = gcs.object("media", "p.txt");
    assertThat(after.bytes()).isEqualTo(first);
    assertThat(after.generation()).isEqualTo(v1.getGeneration());
    assertThat(after.metageneration()).isEqualTo(2L);
    assertThat(after.metadata()).containsExactlyEntriesOf(Map.of("a", "b"));

    // the right generation succeeds
    Blob v2 = storage.create(BlobInfo.newBuilder(BlobId.of("media", "p.txt", v1.getGeneration())).build(),
        "v2".getBytes(StandardCharsets.UTF_8), Storage.BlobTargetOption.generationMatch());
    assertThat(v2.getGeneration()).isGreaterThan(v1.getGeneration());
  }

  @Test
  void metadataUpdateBumpsMetagenerationAndKeepsGeneration() {
    Blob blob = storage.create(BlobInfo.newBuilder("media", "m.txt").setContentType("text/plain")
        .setMetadata(Map.of("a", "1", "b", "2")).build(), new byte[] {1, 2, 3});

    Blob updated = storage.update(blob.toBuilder()
        .setMetadata(new java.util.HashMap<>(Map.of("a", "9")))
        .setContentType("application/json")
        .setCacheControl("no-cache")
        .build());

    assertThat(updated.getGeneration()).isEqualTo(blob.getGeneration());
    assertThat(updated.getMetageneration()).isEqualTo(2L);
    assertThat(updated.getContentType()).isEqualTo("application/json");
    assertThat(updated.getCacheControl()).isEqualTo("no-cache");
    GcsObject stored = gcs.object("media", "m.txt");
    assertThat(stored.metageneration()).isEqualTo(2L);
    assertThat(stored.metadata()).containsEntry("a", "9");
    assertThat(stored.bytes()).containsExactly(1, 2, 3);

    Map<String, String> removeA = new java.util.HashMap<>();
    removeA.put("a", null);
    Blob again = storage.update(updated.toBuilder().setMetadata(removeA).build(),
        Storage.BlobTargetOption.metagenerationMatch());
    assertThat(again.getMetageneration()).isEqualTo(3L);
    assertThat(gcs.object("media", "m.txt").metadata()).doesNotContainKey("a");
  }

  @Test
  void deleteAndBatchGetAndDelete() {
    gcs.putObject("media", "d1", new byte[] {1});
    gcs.putObject("media", "d2", new byte[] {2});
    gcs.putObject("media", "d3", new byte[] {3});

    List<Blob> got = storage.get(BlobId.of("media", "d1"), BlobId.of("media", "missing"),
        BlobId.of("media", "d3"));
    assertThat(got).hasSize(3);
    assertThat(got.get(0).getName()).isEqualTo("d1");
    assertThat(got.get(1)).isNull();
    assertThat(got.get(2).getSize()).isEqualTo(1L);

    List<Boolean> deleted = storage.delete(BlobId.of("media", "d1"), BlobId.of("media", "missing"),
        BlobId.of("media", "d2"));
    assertThat(deleted).containsExactly(true, false, true);
    assertThat(gcs.objects("media")).extracting(GcsObject::name).containsExactly("d3");
    assertThat(gcs.journal().count(RequestPattern.post("/batch/storage/v1"))).isEqualTo(2);

    assertThat(storage.delete(BlobId.of("media", "d3"))).isTrue();
    assertThat(storage.delete(BlobId.of("media", "d3"))).isFalse();
    assertThat(storage.get(BlobId.of("media", "d3"))).isNull();
  }

  @Test
  void versionedBucketKeepsNoncurrentGenerations() {
    storage.create(BucketInfo.newBuilder("history").setVersioningEnabled(true).build());
    Blob v1 = storage.create(BlobInfo.newBuilder("history", "doc").build(), "one".getBytes(StandardCharsets.UTF_8));
    Blob v2 = storage.create(BlobInfo.newBuilder("history", "doc").build(), "two".getBytes(StandardCharsets.UTF_8));

    List<Long> generations = new ArrayList<>();
    storage.list("history", BlobListOption.versions(true)).iterateAll()
        .forEach(b -> generations.add(b.getGeneration()));
    assertThat(generations).containsExactly(v1.getGeneration(), v2.getGeneration());
    assertThat(storage.readAllBytes(BlobId.of("history", "doc", v1.getGeneration())))
        .isEqualTo("one".getBytes(StandardCharsets.UTF_8));

    assertThat(storage.delete(BlobId.of("history", "doc"))).isTrue();
    assertThat(storage.get(BlobId.of("history", "doc"))).isNull();
    assertThat(gcs.versions("history", "doc")).hasSize(2).allMatch(o -> !o.isLive());
    assertThat(storage.get(BlobId.of("history", "doc", v2.getGeneration())).getDeleteTimeOffsetDateTime())
        .isNotNull();
  }
}
