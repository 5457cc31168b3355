package dev.backlot.gcs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.time.Clock;
import dev.backlot.wire.HttpError;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.zip.CRC32C;

/**
 * The buckets and objects of one fake. Reads are lock-free (concurrent maps of immutable values);
 * every change takes one lock, and checks its preconditions under that lock, so a failed request
 * never changes anything and concurrent writers never lose an update. Hashing and copying of bytes
 * happen before the lock is taken.
 */
final class GcsStore {

  /** Bucket metadata, immutable; replaced as a whole on change. */
  record BucketMeta(
      String name,
      Instant timeCreated,
      Instant updated,
      long metageneration,
      boolean versioning,
      String location,
      String storageClass,
      boolean defaultEventBasedHold,
      Map<String, String> labels) {}

  /** The live generation of one name (or null) and its noncurrent generations, oldest first. */
  record History(GcsObject live, List<GcsObject> noncurrent) {
    boolean isEmpty() {
      return live == null && noncurrent.isEmpty();
    }
  }

  static final class Bucket {
    volatile BucketMeta meta;
    final ConcurrentSkipListMap<String, History> objects = new ConcurrentSkipListMap<>();

    Bucket(BucketMeta meta) {
      this.meta = meta;
    }
  }

  /** Hashes computed once when bytes are written. */
  record Hashes(String md5, String crc32c) {
    static Hashes of(byte[] data) {
      return new Hashes(GcsStore.md5(data), GcsStore.crc32c(data));
    }
  }

  private final Object lock = new Object();
  private final Clock clock;
  private final ConcurrentSkipListMap<String, Bucket> buckets = new ConcurrentSkipListMap<>();
  private final AtomicLong lastGeneration = new AtomicLong();

  GcsStore(Clock clock) {
    this.clock = clock;
  }

  Instant now() {
    // GCS timestamps carry milliseconds
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  /** A generation that never repeats: the clock in microseconds, or one more than the last. */
  long nextGeneration() {
    Instant t = clock.instant();
    long micros = t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
    return lastGeneration.updateAndGet(last -> Math.max(last + 1, micros));
  }

  void clear() {
    synchronized (lock) {
      buckets.clear();
      // nothing stored is left to collide with: a reset fake numbers generations as a new one
      lastGeneration.set(0);
    }
  }

  // ------------------------------------------------------------------ buckets

  Bucket bucket(String name) {
    return buckets.get(name);
  }

  Bucket requireBucket(String name) {
    Bucket b = buckets.get(name);
    if (b == null) {
      throw new HttpError(404, "The specified bucket does not exist.").with("reason", "notFound")
          .with("xmlCode", "NoSuchBucket");
    }
    return b;
  }

  Iterable<Bucket> buckets() {
    return buckets.values();
  }

  Map<String, Bucket> bucketsFrom(String fromInclusive) {
    return fromInclusive == null ? buckets : buckets.tailMap(fromInclusive, true);
  }

  Bucket createBucket(
      String name,
      boolean versioning,
      String location,
      String storageClass,
      boolean defaultEventBasedHold,
      Map<String, String> labels) {
    synchronized (lock) {
      if (buckets.containsKey(name)) {
        throw new HttpError(
                409, "Your previous request to create the named bucket succeeded and you already own it.")
            .with("reason", "conflict");
      }
      Instant now = now();
      Bucket b = new Bucket(new BucketMeta(name, now, now, 1, versioning,
          location == null ? "US" : location.toUpperCase(java.util.Locale.ROOT),
          storageClass == null ? "STANDARD" : storageClass, defaultEventBasedHold,
          labels == null ? Map.of() : Map.copyOf(labels)));
      buckets.put(name, b);
      return b;
    }
  }

  BucketMeta updateBucket(String name, Long ifMetagenerationMatch, Long ifMetagenerationNotMatch,
      Function<BucketMeta, BucketMeta> change) {
    synchronized (lock) {
      Bucket b = requireBucket(name);
      checkBucket(b.meta, ifMetagenerationMatch, ifMetagenerationNotMatch, false);
      BucketMeta m = change.apply(b.meta);
      BucketMeta next = new BucketMeta(m.name(), m.timeCreated(), now(), m.metageneration() + 1,
          m.versioning(), m.location(), m.storageClass(), m.defaultEventBasedHold(), m.labels());
      b.meta = next;
      return next;
    }
  }

  void deleteBucket(String name, Long ifMetagenerationMatch, Long ifMetagenerationNotMatch) {
    synchronized (lock) {
      Bucket b = requireBucket(name);
      checkBucket(b.meta, ifMetagenerationMatch, ifMetagenerationNotMatch, false);
      if (!b.objects.isEmpty()) {
        throw new HttpError(409, "The bucket you tried to delete is not empty.")
            .with("reason", "conflict").with("xmlCode", "BucketNotEmpty");
      }
      buckets.remove(name);
    }
  }

  static void checkBucket(BucketMeta m, Long match, Long notMatch, boolean read) {
    if (match != null && m.metageneration() != match) {
      throw Preconditions.failed();
    }
    if (notMatch != null && m.metageneration() == notMatch) {
      throw read ? Preconditions.notModified() : Preconditions.failed();
    }
  }

  // ------------------------------------------------------------------ objects: reads

  /** The live object, or null. */
  GcsObject live(String bucket, String name) {
    Bucket b = buckets.get(bucket);
    if (b == null) {
      return null;
    }
    History h = b.objects.get(name);
    return h == null ? null : h.live();
  }

  /** The live object or a given generation; 404 in the GCS shape when absent. */
  GcsObject require(String bucket, String name, Long generation) {
    Bucket b = requireBucket(bucket);
    GcsObject o = find(b, name, generation);
    if (o == null) {
      throw noSuchObject(bucket, name);
    }
    return o;
  }

  static GcsObject find(Bucket b, String name, Long generation) {
    History h = b.objects.get(name);
    if (h == null) {
      return null;
    }
    if (generation == null) {
      return h.live();
    }
    if (h.live() != null && h.live().generation() == generation) {
      return h.live();
    }
    for (GcsObject o : h.noncurrent()) {
      if (o.generation() == generation) {
        return o;
      }
    }
    return null;
  }

  static HttpError noSuchObject(String bucket, String name) {
    return new HttpError(404, "No such object: " + bucket + "/" + name)
        .with("reason", "notFound").with("xmlCode", "NoSuchKey");
  }

  // ------------------------------------------------------------------ objects: writes

  /**
   * Stores a new generation of {@code name}, if {@code pre} holds against the live one. With
   * versioning on, the previous live generation becomes noncurrent.
   */
  GcsObject write(String bucket, String name, byte[] data, Hashes hashes, ObjectMeta meta,
      Preconditions pre, Integer componentCount) {
    validateName(name);
    synchronized (lock) {
      Bucket b = requireBucket(bucket);
      History h = b.objects.get(name);
      GcsObject live = h == null ? null : h.live();
      pre.checkWrite(live);
      Instant now = now();
      GcsObject o = new GcsObject(bucket, name, nextGeneration(), 1, data, hashes.md5(),
          hashes.crc32c(), meta, now, now, null, componentCount);
      List<GcsObject> noncurrent = h == null ? List.of() : h.noncurrent();
      if (live != null && b.meta.versioning()) {
        noncurrent = append(noncurrent, live.archived(now));
      }
      b.objects.put(name, new History(o, noncurrent));
      return o;
    }
  }

  /** Changes the metadata of the live object (or a given generation); bumps metageneration. */
  GcsObject updateMeta(String bucket, String name, Long generation, Preconditions pre,
      Function<ObjectMeta, ObjectMeta> change) {
    synchronized (lock) {
      Bucket b = requireBucket(bucket);
      History h = b.objects.get(name);
      GcsObject target = find(b, name, generation);
      if (target == null) {
        throw noSuchObject(bucket, name);
      }
      pre.checkWrite(target);
      GcsObject next = target.withMeta(change.apply(target.meta()), now());
      if (h.live() == target) {
        b.objects.put(name, new History(next, h.noncurrent()));
      } else {
        List<GcsObject> nc = new ArrayList<>(h.noncurrent());
        nc.set(nc.indexOf(target), next);
        b.objects.put(name, new History(h.live(), List.copyOf(nc)));
      }
      return next;
    }
  }

  /**
   * Deletes the live object (archiving it when versioning is on), or one given generation for
   * good.
   */
  void delete(String bucket, String name, Long generation, Preconditions pre) {
    synchronized (lock) {
      Bucket b = requireBucket(bucket);
      History h = b.objects.get(name);
      GcsObject target = find(b, name, generation);
      if (target == null) {
        throw noSuchObject(bucket, name);
      }
      pre.checkWrite(target);
      History next;
      if (generation != null && h.live() != target) {
        List<GcsObject> nc = new ArrayList<>(h.noncurrent());
        nc.remove(target);
        next = new History(h.live(), List.copyOf(nc));
      } else if (generation == null && b.meta.versioning()) {
        next = new History(null, append(h.noncurrent(), target.archived(now())));
      } else {
        next = new History(null, h.noncurrent());
      }
      if (next.isEmpty()) {
        b.objects.remove(name);
      } else {
        b.objects.put(name, next);
      }
    }
  }

  private static List<GcsObject> append(List<GcsObject> list, GcsObject o) {
    List<GcsObject> out = new ArrayList<>(list.size() + 1);
    out.addAll(list);
    out.add(o);
    return Collections.unmodifiableList(out);
  }

  static void validateName(String name) {
    if (name == null || name.isEmpty()) {
      throw new HttpError(400, "Required parameter: name").with("reason", "required");
    }
    if (name.length() > 1024 * 3 || name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 1024) {
      throw new HttpError(400, "The maximum object length is 1024 characters, but got a name with "
          + name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + " characters")
          .with("reason", "invalid");
    }
    if (name.equals(".") || name.equals("..") || name.indexOf('\r') >= 0 || name.indexOf('\n') >= 0) {
      throw new HttpError(400, "Invalid object name: '" + name + "'").with("reason", "invalid");
    }
  }

  // ------------------------------------------------------------------ snapshots for tests

  List<String> bucketNames() {
    return List.copyOf(buckets.keySet());
  }

  List<GcsObject> liveObjects(String bucket) {
    Bucket b = buckets.get(bucket);
    if (b == null) {
      return List.of();
    }
    List<GcsObject> out = new ArrayList<>();
    for (History h : b.objects.values()) {
      if (h.live() != null) {
        out.add(h.live());
      }
    }
    return out;
  }

  List<GcsObject> versions(String bucket, String name) {
    Bucket b = buckets.get(bucket);
    History h = b == null ? null : b.objects.get(name);
    if (h == null) {
      return List.of();
    }
    List<GcsObject> out = new ArrayList<>(h.noncurrent());
    if (h.live() != null) {
      out.add(h.live());
    }
    return out;
  }

  // ------------------------------------------------------------------ hashing

  static String md5(byte[] data) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String crc32c(byte[] data) {
    CRC32C c = new CRC32C();
    c.update(data);
    long v = c.getValue();
    byte[] be = {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    return Base64.getEncoder().encodeToString(be);
  }

  static Map<String, String> labels(JsonNode json) {
    Map<String, String> out = new TreeMap<>();
    if (json != null && json.isObject()) {
      for (Map.Entry<String, JsonNode> e : json.properties()) {
        if (!e.getValue().isNull()) {
          out.put(e.getKey(), e.getValue().asText());
        }
      }
    }
    return out;
  }
}
