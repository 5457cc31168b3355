package dev.backlot.gcs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.wire.HttpError;
import dev.backlot.wire.Json;
import dev.backlot.wire.Multipart;
import dev.backlot.wire.Request;
import dev.backlot.wire.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Object uploads: {@code uploadType=media}, {@code multipart} and {@code resumable} (initiation,
 * chunk PUTs with {@code Content-Range}, status queries, finalisation, cancel). Preconditions and
 * declared checksums are captured when a resumable session starts and applied when it finishes.
 */
final class Uploads {

  // "bytes first-last/total", "bytes first-*/total" (the body runs to the end of the object),
  // "bytes */total"; total may be "*" (not known yet)
  private static final Pattern CONTENT_RANGE =
      Pattern.compile("bytes\\s+(?:(\\d+)-(\\d+|\\*)|\\*)/(\\d+|\\*)");

  /** How long GCS keeps a resumable session: a week after it was started. */
  static final Duration SESSION_LIFETIME = Duration.ofDays(7);

  /** An open resumable session. Guarded by its own monitor. */
  static final class Session {
    final String id;
    final String bucket;
    final String name;
    final ObjectMeta meta;
    final Preconditions pre;
    final String declaredMd5;
    final String declaredCrc32c;
    final Long declaredLength;
    /** Started through the XML API (signed URL): finishes with an empty body, as GCS does. */
    final boolean xml;
    /** When the session stops being usable (GCS: a week after it was started). */
    final Instant expires;
    // Grows only as bytes arrive: a start that declares a large length allocates nothing.
    byte[] buf = new byte[0];
    int size;
    volatile GcsObject result;

    Session(String id, String bucket, String name, ObjectMeta meta, Preconditions pre,
        String declaredMd5, String declaredCrc32c, Long declaredLength, boolean xml,
        Instant expires) {
      this.id = id;
      this.bucket = bucket;
      this.name = name;
      this.meta = meta;
      this.pre = pre;
      this.declaredMd5 = declaredMd5;
      this.declaredCrc32c = declaredCrc32c;
      this.declaredLength = declaredLength;
      this.xml = xml;
      this.expires = expires;
    }

    void append(byte[] data, int from) {
      int n = data.length - from;
      if (n <= 0) {
        return;
      }
      if (size + n > buf.length) {
        long want = Math.max(Math.min((long) buf.length * 2, (long) size + n + (16L << 20)),
            (long) size + n);
        if (want > Integer.MAX_VALUE - 16) {
          throw new HttpError(400, "Upload exceeds the size the fake can hold").with("reason", "invalid");
        }
        buf = Arrays.copyOf(buf, (int) want);
      }
      System.arraycopy(data, from, buf, size, n);
      size += n;
    }
  }

  private final GcsFake fake;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();

  Uploads(GcsFake fake) {
    this.fake = fake;
  }

  void clear() {
    sessions.clear();
  }

  int open() {
    expire();
    return (int) sessions.values().stream().filter(s -> s.result == null).count();
  }

  /** Bytes the open sessions hold in their buffers (what they received, nothing declared). */
  long heldBytes() {
    long n = 0;
    for (Session s : sessions.values()) {
      synchronized (s) {
        n += s.buf == null ? 0 : s.buf.length;
      }
    }
    return n;
  }

  /** Drops the sessions older than a week on the fake's clock, as GCS forgets them. */
  void expire() {
    Instant now = fake.clock().instant();
    sessions.values().removeIf(s -> !now.isBefore(s.expires));
  }

  /** The live session {@code id}; a 404 when it never existed, was cancelled or has expired. */
  private Session session(String id) {
    Session s = id == null ? null : sessions.get(id);
    if (s != null && !fake.clock().instant().isBefore(s.expires)) {
      sessions.remove(id, s);
      s = null;
    }
    if (s == null) {
      throw new HttpError(404, "No such upload session: " + id).with("reason", "notFound");
    }
    return s;
  }

  /** {@code POST /upload/storage/v1/b/{bucket}/o}. */
  Response insert(Request req) {
    if (req.hasQuery("upload_id")) {
      return chunk(req);
    }
    String bucket = req.pathParam("bucket");
    String type = req.query("uploadType");
    if (type == null) {
      type = req.header("X-Goog-Upload-Protocol") != null ? "resumable" : "media";
    }
    switch (type) {
      case "media":
        return media(req, bucket);
      case "multipart":
        return multipart(req, bucket);
      case "resumable":
        return start(req, bucket);
      default:
        throw new HttpError(400, "Invalid upload type: " + type).with("reason", "invalid");
    }
  }

  private Response media(Request req, String bucket) {
    fake.store().requireBucket(bucket);
    String name = req.query("name");
    ObjectMeta meta = ObjectMeta.of(req.contentType().orElse(ObjectMeta.DEFAULT_CONTENT_TYPE));
    if (req.query("contentEncoding") != null) {
      meta = meta.withContentEncoding(req.query("contentEncoding"));
    }
    GcsObject o = commit(bucket, name, req.body(), meta, Preconditions.of(req), null, null,
        req.header("x-goog-hash"));
    return Response.json(200, GcsJson.object(o, fake.base(req)));
  }

  private Response multipart(Request req, String bucket) {
    fake.store().requireBucket(bucket);
    List<Multipart.Part> parts = Multipart.parse(req.header("Content-Type"), req.body());
    if (parts.size() != 2) {
      throw new HttpError(400, "A multipart upload needs exactly two parts (metadata, media); got "
          + parts.size()).with("reason", "invalid");
    }
    JsonNode json = parts.get(0).body().length == 0 ? Json.object() : Json.parse(parts.get(0).body());
    String mediaType = parts.get(1).contentType();
    ObjectMeta meta = ObjectMeta.from(json,
        mediaType == null ? ObjectMeta.DEFAULT_CONTENT_TYPE : mediaType);
    if (req.query("contentEncoding") != null) {
      meta = meta.withContentEncoding(req.query("contentEncoding"));
    }
    String name = req.query("name") != null ? req.query("name") : text(json, "name");
    GcsObject o = commit(bucket, name, parts.get(1).body(), meta, Preconditions.of(req),
        text(json, "md5Hash"), text(json, "crc32c"), req.header("x-goog-hash"));
    return Response.json(200, GcsJson.object(o, fake.base(req)));
  }

  /** Verifies declared checksums, then writes; a mismatch is a 400 and nothing is stored. */
  private GcsObject commit(String bucket, String name, byte[] data, ObjectMeta meta,
      Preconditions pre, String declaredMd5, String declaredCrc32c, String xGoogHash) {
    GcsStore.validateName(name);
    GcsStore.Hashes h = GcsStore.Hashes.of(data);
    verify(h, declaredMd5, declaredCrc32c, xGoogHash);
    return fake.store().write(bucket, name, data, h, meta, pre, null);
  }

  static void verify(GcsStore.Hashes h, String md5, String crc32c, String xGoogHash) {
    if (xGoogHash != null) {
      for (String piece : xGoogHash.split(",")) {
        String p = piece.trim();
        if (p.startsWith("md5=")) {
          checkMd5(h, p.substring(4));
        } else if (p.startsWith("crc32c=")) {
          checkCrc(h, p.substring(7));
        }
      }
    }
    if (md5 != null) {
      checkMd5(h, md5);
    }
    if (crc32c != null) {
      checkCrc(h, crc32c);
    }
  }

  private static void checkMd5(GcsStore.Hashes h, String declared) {
    if (!declared.equals(h.md5())) {
      throw new HttpError(400, "Provided MD5 hash \"" + declared
          + "\" doesn't match calculated MD5 hash \"" + h.md5() + "\".").with("reason", "invalid")
          .with("xmlCode", "BadDigest");
    }
  }

  private static void checkCrc(GcsStore.Hashes h, String declared) {
    if (!declared.equals(h.crc32c())) {
      throw new HttpError(400, "Provided CRC32C \"" + declared
          + "\" doesn't match calculated CRC32C \"" + h.crc32c() + "\".").with("reason", "invalid")
          .with("xmlCode", "BadDigest");
    }
  }

  // ------------------------------------------------------------------ resumable

  private Response start(Request req, String bucket) {
    fake.store().requireBucket(bucket);
    JsonNode json = req.body().length == 0 ? Json.object() : req.json();
    String contentType = req.header("X-Upload-Content-Type");
    ObjectMeta meta = ObjectMeta.from(json,
        contentType == null || contentType.isEmpty() ? ObjectMeta.DEFAULT_CONTENT_TYPE : contentType);
    if (req.query("contentEncoding") != null) {
      meta = meta.withContentEncoding(req.query("contentEncoding"));
    }
    String name = req.query("name") != null ? req.query("name") : text(json, "name");
    GcsStore.validateName(name);
    Session s = newSession(bucket, name, meta, Preconditions.of(req), text(json, "md5Hash"),
        text(json, "crc32c"), lengthHeader(req), false);
    String location = fake.base(req) + "/upload/storage/v1/b/" + Paths.segment(bucket)
        + "/o?uploadType=resumable&name=" + Paths.segment(name) + "&upload_id=" + s.id;
    Response r = Response.status(200).setHeader("Location", location)
        .setHeader("X-GUploader-UploadID", s.id);
    if ("start".equalsIgnoreCase(req.header("X-Goog-Upload-Command"))) {
      r = r.setHeader("X-Goog-Upload-URL", location).setHeader("X-Goog-Upload-Status", "active");
    }
    return r;
  }

  /** Starts a session for an XML-API resumable upload ({@code x-goog-resumable: start}). */
  Session startXml(String bucket, String name, ObjectMeta meta, Preconditions pre) {
    GcsStore.validateName(name);
    return newSession(bucket, name, meta, pre, null, null, null, true);
  }

  private Session newSession(String bucket, String name, ObjectMeta meta, Preconditions pre,
      String md5, String crc32c, Long length, boolean xml) {
    expire();
    String id = "ABPtcP" + fake.ids().hex(32);
    Session s = new Session(id, bucket, name, meta, pre, md5, crc32c, length, xml,
        fake.clock().instant().plus(SESSION_LIFETIME));
    sessions.put(id, s);
    return s;
  }

  private static Long lengthHeader(Request req) {
    String v = req.header("X-Upload-Content-Length");
    if (v == null || v.isEmpty()) {
      return null;
    }
    try {
      long n = Long.parseLong(v.trim());
      if (n < 0) {
        throw new NumberFormatException("negative");
      }
      return n;
    } catch (NumberFormatException e) {
      throw new HttpError(400, "Invalid X-Upload-Content-Length: " + v).with("reason", "invalid");
    }
  }

  /** {@code DELETE} on a session URL: cancels it with GCS's 499. */
  Response cancel(Request req) {
    String id = req.query("upload_id");
    sessions.remove(id, session(id));
    return Response.status(499);
  }

  /** {@code PUT} on a session URL: a chunk, a status query, or the finalising request. */
  Response chunk(Request req) {
    Session s = session(req.query("upload_id"));
    return chunk(req, s, o -> s.xml ? xmlFinal(o) : Response.json(200, GcsJson.object(o, fake.base(req))));
  }

  private static Response xmlFinal(GcsObject o) {
    return XmlApi.objectHeaders(Response.status(200), o)
        .setHeader("x-goog-stored-content-length", Long.toString(o.size()));
  }

  private Response chunk(Request req, Session s, Function<GcsObject, Response> done) {
    synchronized (s) {
      Response r = chunkLocked(req, s, done);
      if ("yes".equalsIgnoreCase(req.header("X-GUploader-No-308")) && r.status() == 308) {
        r = r.withStatus(200).setHeader("X-Http-Status-Code-Override", "308");
      }
      return r;
    }
  }

  private Response chunkLocked(Request req, Session s, Function<GcsObject, Response> done) {
    if (s.result != null) {
      return done.apply(s.result);
    }
    byte[] body = req.body();
    String cr = req.header("Content-Range");
    long first;
    long last;
    long total;
    if (cr == null || cr.isEmpty()) {
      // the whole object in one request
      first = 0;
      last = body.length - 1L;
      total = body.length;
    } else {
      Matcher m = CONTENT_RANGE.matcher(cr.trim());
      if (!m.matches()) {
        throw badRange(cr);
      }
      total = m.group(3).equals("*") ? -1 : number(m.group(3), cr);
      if (m.group(1) == null) {
        // bytes */N or bytes */*: a status query, or finalising when every byte is here
        if (total >= 0 && total == s.size) {
          return finish(s, done, req);
        }
        if (total >= 0 && total < s.size) {
          throw new HttpError(400, "Content-Range total " + total + " is below the "
              + s.size + " bytes already uploaded").with("reason", "invalid");
        }
        return incomplete(s);
      }
      first = number(m.group(1), cr);
      if (m.group(2).equals("*")) {
        // "first-*": the body is the rest of the object (the Node client's single-request
        // upload, whose length it may not know), so this request ends the upload
        last = first + body.length - 1;
        if (total < 0) {
          total = first + body.length;
        } else if (last >= total) {
          throw new HttpError(400, "Invalid Content-Range: " + cr).with("reason", "invalid");
        }
      } else {
        last = number(m.group(2), cr);
        if (last < first || (total >= 0 && last >= total)) {
          throw new HttpError(400, "Invalid Content-Range: " + cr).with("reason", "invalid");
        }
        if (body.length != last - first + 1) {
          throw new HttpError(400, "Content-Range " + cr + " does not match the " + body.length
              + " bytes of the request body").with("reason", "invalid");
        }
      }
    }
    if (first > s.size) {
      // GCS answers this 503 in plain text; the Java client recognises it by "content-range"
      return Response.text(503, "Invalid request. According to the Content-Range header, the upload"
          + " offset is " + first + " byte(s), which exceeds already uploaded size of " + s.size
          + " byte(s).");
    }
    if (total >= 0 && total > Integer.MAX_VALUE - 16) {
      throw new HttpError(400, "Upload exceeds the size the fake can hold").with("reason", "invalid");
    }
    // bytes the session already holds are skipped, as GCS does on a resend
    long skip = s.size - first;
    if (skip < body.length) {
      s.append(body, (int) skip);
    }
    if (total >= 0 && s.size == total) {
      return finish(s, done, req);
    }
    if (total >= 0 && s.size > total) {
      throw new HttpError(400, "Upload is larger than the declared total " + total).with("reason", "invalid");
    }
    return incomplete(s);
  }

  private static HttpError badRange(String cr) {
    return new HttpError(400, "Failed to parse Content-Range header: " + cr).with("reason", "invalid");
  }

  /** A Content-Range number; one too large for a long is a 400, as GCS answers. */
  private static long number(String digits, String cr) {
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      throw badRange(cr);
    }
  }

  private static Response incomplete(Session s) {
    Response r = Response.status(308);
    if (s.size > 0) {
      r = r.setHeader("Range", "bytes=0-" + (s.size - 1));
    }
    return r.setHeader("X-GUploader-UploadID", s.id);
  }

  private Response finish(Session s, Function<GcsObject, Response> done, Request req) {
    byte[] data = Arrays.copyOf(s.buf, s.size);
    if (s.declaredLength != null && s.declaredLength != data.length) {
      throw new HttpError(400, "Upload of " + data.length + " bytes does not match X-Upload-Content-Length "
          + s.declaredLength).with("reason", "invalid");
    }
    GcsStore.Hashes h = GcsStore.Hashes.of(data);
    verify(h, s.declaredMd5, s.declaredCrc32c, req.header("x-goog-hash"));
    GcsObject o = fake.store().write(s.bucket, s.name, data, h, s.meta, s.pre, null);
    s.result = o;
    s.buf = null;
    Response r = done.apply(o);
    if (req.header("X-Goog-Upload-Command") != null) {
      r = r.setHeader("X-Goog-Upload-Status", "final");
    }
    return r;
  }

  private static String text(JsonNode json, String field) {
    JsonNode v = json.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
