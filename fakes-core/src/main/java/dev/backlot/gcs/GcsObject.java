package dev.backlot.gcs;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * One stored object generation in a {@link GcsFake}: its bytes and its metadata, immutable. A test
 * reads it straight from the fake, without a client:
 *
 * <pre>{@code
 * GcsObject o = gcs.object("media", "clips/intro.mp4");
 * assertThat(o.bytes()).isEqualTo(expected);
 * assertThat(o.contentType()).isEqualTo("video/mp4");
 * assertThat(o.metageneration()).isEqualTo(2); // one metadata patch since the upload
 * }</pre>
 *
 * <p>{@code md5Hash} and {@code crc32c} are the base64 strings GCS shows (of the raw MD5 digest
 * and of the big-endian CRC-32C). Composite objects (made by compose) have no MD5, as on GCS.
 */
public final class GcsObject {

  private final String bucket;
  private final String name;
  private final long generation;
  private final long metageneration;
  private final byte[] data;
  private final String md5Hash;
  private final String crc32c;
  private final ObjectMeta meta;
  private final Instant timeCreated;
  private final Instant updated;
  private final Instant timeDeleted;
  private final Integer componentCount;

  GcsObject(
      String bucket,
      String name,
      long generation,
      long metageneration,
      byte[] data,
      String md5Hash,
      String crc32c,
      ObjectMeta meta,
      Instant timeCreated,
      Instant updated,
      Instant timeDeleted,
      Integer componentCount) {
    this.bucket = bucket;
    this.name = name;
    this.generation = generation;
    this.metageneration = metageneration;
    this.data = data;
    this.md5Hash = md5Hash;
    this.crc32c = crc32c;
    this.meta = meta;
    this.timeCreated = timeCreated;
    this.updated = updated;
    this.timeDeleted = timeDeleted;
    this.componentCount = componentCount;
  }

  public String bucket() {
    return bucket;
  }

  public String name() {
    return name;
  }

  /** The content generation (a new one for every write of the bytes). */
  public long generation() {
    return generation;
  }

  /** Starts at 1 for a new generation; one more for each metadata change. */
  public long metageneration() {
    return metageneration;
  }

  /** A copy of the stored bytes. */
  public byte[] bytes() {
    return data.clone();
  }

  /** The bytes as UTF-8 text. */
  public String text() {
    return new String(data, StandardCharsets.UTF_8);
  }

  public long size() {
    return data.length;
  }

  /** Base64 of the MD5 digest; null for composite objects. */
  public String md5Hash() {
    return md5Hash;
  }

  /** Base64 of the big-endian CRC-32C. */
  public String crc32c() {
    return crc32c;
  }

  public String contentType() {
    return meta.contentType();
  }

  public String contentEncoding() {
    return meta.contentEncoding();
  }

  public String contentDisposition() {
    return meta.contentDisposition();
  }

  public String contentLanguage() {
    return meta.contentLanguage();
  }

  public String cacheControl() {
    return meta.cacheControl();
  }

  public String storageClass() {
    return meta.storageClass();
  }

  /** Custom metadata (the {@code metadata} map of the JSON API, {@code x-goog-meta-*} in XML). */
  public Map<String, String> metadata() {
    return meta.metadata();
  }

  public Instant timeCreated() {
    return timeCreated;
  }

  public Instant updated() {
    return updated;
  }

  /** When this generation stopped being live (versioned buckets); null while live. */
  public Instant timeDeleted() {
    return timeDeleted;
  }

  /** Whether this is the live generation (not a noncurrent version). */
  public boolean isLive() {
    return timeDeleted == null;
  }

  /** Number of components for composite objects, else null. */
  public Integer componentCount() {
    return componentCount;
  }

  // ------------------------------------------------------------------ package internals

  byte[] data() {
    return data;
  }

  ObjectMeta meta() {
    return meta;
  }

  GcsObject withMeta(ObjectMeta newMeta, Instant now) {
    return new GcsObject(bucket, name, generation, metageneration + 1, data, md5Hash, crc32c,
        newMeta, timeCreated, now, timeDeleted, componentCount);
  }

  GcsObject archived(Instant now) {
    return new GcsObject(bucket, name, generation, metageneration, data, md5Hash, crc32c, meta,
        timeCreated, updated, now, componentCount);
  }

  @Override
  public String toString() {
    return "gs://" + bucket + "/" + name + "#" + generation + " (" + data.length + " bytes, "
        + meta.contentType() + ", metageneration " + metageneration + ")";
  }
}
