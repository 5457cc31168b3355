package dev.backlot.gcs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.wire.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;

/** The JSON-API resources as GCS writes them: int64 values as strings, RFC 3339 times. */
final class GcsJson {

  private static final DateTimeFormatter RFC3339 =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private GcsJson() {}

  static String time(Instant t) {
    return RFC3339.format(t);
  }

  /** The object resource; {@code base} is the address the client used (for links). */
  static ObjectNode object(GcsObject o, String base) {
    ObjectNode j = Json.object();
    String enc = Paths.segment(o.name());
    j.put("kind", "storage#object");
    j.put("id", o.bucket() + "/" + o.name() + "/" + o.generation());
    j.put("selfLink", base + "/storage/v1/b/" + Paths.segment(o.bucket()) + "/o/" + enc);
    j.put("mediaLink", base + "/download/storage/v1/b/" + Paths.segment(o.bucket()) + "/o/" + enc
        + "?generation=" + o.generation() + "&alt=media");
    j.put("name", o.name());
    j.put("bucket", o.bucket());
    j.put("generation", Long.toString(o.generation()));
    j.put("metageneration", Long.toString(o.metageneration()));
    ObjectMeta m = o.meta();
    putIf(j, "contentType", m.contentType());
    putIf(j, "contentEncoding", m.contentEncoding());
    putIf(j, "contentDisposition", m.contentDisposition());
    putIf(j, "contentLanguage", m.contentLanguage());
    putIf(j, "cacheControl", m.cacheControl());
    j.put("storageClass", m.storageClass());
    j.put("size", Long.toString(o.size()));
    putIf(j, "md5Hash", o.md5Hash());
    j.put("crc32c", o.crc32c());
    j.put("etag", etag(o));
    j.put("timeCreated", time(o.timeCreated()));
    j.put("updated", time(o.updated()));
    j.put("timeStorageClassUpdated", time(o.timeCreated()));
    if (o.timeDeleted() != null) {
      j.put("timeDeleted", time(o.timeDeleted()));
    }
    putIf(j, "customTime", m.customTime());
    if (m.eventBasedHold() != null) {
      j.put("eventBasedHold", m.eventBasedHold());
    }
    if (m.temporaryHold() != null) {
      j.put("temporaryHold", m.temporaryHold());
    }
    if (o.componentCount() != null) {
      j.put("componentCount", o.componentCount());
    }
    if (!m.metadata().isEmpty()) {
      ObjectNode md = j.putObject("metadata");
      m.metadata().forEach(md::put);
    }
    return j;
  }

  static ObjectNode bucket(GcsStore.BucketMeta b, String base) {
    ObjectNode j = Json.object();
    j.put("kind", "storage#bucket");
    j.put("id", b.name());
    j.put("selfLink", base + "/storage/v1/b/" + Paths.segment(b.name()));
    j.put("projectNumber", "0");
    j.put("name", b.name());
    j.put("timeCreated", time(b.timeCreated()));
    j.put("updated", time(b.updated()));
    j.put("metageneration", Long.toString(b.metageneration()));
    j.put("location", b.location());
    j.put("locationType", b.location().contains("-") ? "region" : "multi-region");
    j.put("storageClass", b.storageClass());
    j.put("etag", Base64.getEncoder().encodeToString(
        ("b" + b.metageneration()).getBytes(StandardCharsets.UTF_8)));
    j.putObject("versioning").put("enabled", b.versioning());
    if (b.defaultEventBasedHold()) {
      j.put("defaultEventBasedHold", true);
    }
    if (!b.labels().isEmpty()) {
      ObjectNode labels = j.putObject("labels");
      for (Map.Entry<String, String> e : b.labels().entrySet()) {
        labels.put(e.getKey(), e.getValue());
      }
    }
    ObjectNode iam = j.putObject("iamConfiguration");
    iam.putObject("uniformBucketLevelAccess").put("enabled", true);
    iam.putObject("bucketPolicyOnly").put("enabled", true);
    iam.put("publicAccessPrevention", "inherited");
    return j;
  }

  /** The JSON-API etag: GCS uses an opaque base64 value that changes with the metageneration. */
  static String etag(GcsObject o) {
    return Base64.getEncoder().encodeToString(
        (o.generation() + "/" + o.metageneration()).getBytes(StandardCharsets.UTF_8));
  }

  private static void putIf(ObjectNode j, String field, String value) {
    if (value != null) {
      j.put(field, value);
    }
  }
}
