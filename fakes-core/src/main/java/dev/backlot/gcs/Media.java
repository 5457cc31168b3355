package dev.backlot.gcs;

import dev.backlot.wire.HttpError;
import dev.backlot.wire.Request;
import dev.backlot.wire.Response;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/** Object bytes on the wire: download headers, {@code Range}, gzip transcoding. */
final class Media {

  private Media() {}

  /**
   * The download response for {@code o}: 200 with the whole object, 206 for a satisfiable
   * {@code Range}, 416 (XML body, {@code Content-Range: bytes *}{@code /size}) when it starts past
   * the end. {@code etag} differs between the JSON and XML APIs.
   */
  static Response download(Request req, GcsObject o, String etag, long inflateCap) {
    byte[] data = o.data();
    boolean transcode =
        "gzip".equalsIgnoreCase(o.contentEncoding()) && !acceptsGzip(req.header("Accept-Encoding"));
    Response r;
    byte[] plain = transcode ? gunzip(data, inflateCap) : null;
    if (plain != null) {
      // served decompressed; GCS ignores Range when it transcodes
      r = Response.bytes(200, plain, contentType(o));
    } else {
      long[] range = range(req.header("Range"), data.length);
      if (range == null) {
        r = Response.bytes(200, data, contentType(o));
      } else if (range.length == 0) {
        return XmlApi.error(416, "InvalidRange", "The requested range cannot be satisfied.", null)
            .setHeader("Content-Range", "bytes */" + data.length);
      } else {
        int from = (int) range[0];
        int to = (int) range[1];
        r = Response.bytes(206, Arrays.copyOfRange(data, from, to + 1), contentType(o))
            .setHeader("Content-Range", "bytes " + from + "-" + to + "/" + data.length);
      }
      if (o.contentEncoding() != null) {
        r = r.setHeader("Content-Encoding", o.contentEncoding());
      }
    }
    r = headers(r, o).setHeader("ETag", etag).setHeader("Accept-Ranges", "bytes");
    return r;
  }

  /** The {@code x-goog-*} and entity headers GCS sends with object bytes (and XML HEAD). */
  static Response headers(Response r, GcsObject o) {
    r = r.setHeader("x-goog-generation", Long.toString(o.generation()))
        .setHeader("x-goog-metageneration", Long.toString(o.metageneration()))
        .setHeader("x-goog-storage-class", o.storageClass())
        .setHeader("x-goog-stored-content-length", Long.toString(o.size()))
        .setHeader("x-goog-stored-content-encoding",
            o.contentEncoding() == null ? "identity" : o.contentEncoding())
        .setHeader("x-goog-hash", hash(o))
        .setHeader("Last-Modified", DateTimeFormatter.RFC_1123_DATE_TIME.format(
            o.updated().atOffset(ZoneOffset.UTC)));
    if (o.contentDisposition() != null) {
      r = r.setHeader("Content-Disposition", o.contentDisposition());
    }
    if (o.contentLanguage() != null) {
      r = r.setHeader("Content-Language", o.contentLanguage());
    }
    if (o.cacheControl() != null) {
      r = r.setHeader("Cache-Control", o.cacheControl());
    }
    for (Map.Entry<String, String> e : o.metadata().entrySet()) {
      r = r.addHeader("x-goog-meta-" + e.getKey(), e.getValue());
    }
    return r;
  }

  static String hash(GcsObject o) {
    return "crc32c=" + o.crc32c() + (o.md5Hash() == null ? "" : ",md5=" + o.md5Hash());
  }

  private static String contentType(GcsObject o) {
    return o.contentType() == null ? ObjectMeta.DEFAULT_CONTENT_TYPE : o.contentType();
  }

  private static boolean acceptsGzip(String acceptEncoding) {
    return acceptEncoding != null && acceptEncoding.toLowerCase(Locale.ROOT).contains("gzip");
  }

  /**
   * Parses a {@code Range} header against {@code size}: null for the whole object (absent,
   * unparseable, reversed or multiple ranges), an empty array when unsatisfiable, else {from, to}
   * inclusive with the end clamped to the object.
   */
  static long[] range(String header, long size) {
    if (header == null) {
      return null;
    }
    String h = header.trim();
    if (!h.toLowerCase(Locale.ROOT).startsWith("bytes=") || h.indexOf(',') >= 0) {
      return null;
    }
    String spec = h.substring(6).trim();
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return null;
    }
    try {
      String a = spec.substring(0, dash).trim();
      String b = spec.substring(dash + 1).trim();
      if (a.isEmpty()) {
        long n = Long.parseLong(b);
        if (n <= 0 || size == 0) {
          return new long[0];
        }
        return new long[] {Math.max(0, size - n), size - 1};
      }
      long from = Long.parseLong(a);
      long to = b.isEmpty() ? Long.MAX_VALUE : Long.parseLong(b);
      if (to < from) {
        return null;
      }
      if (from >= size) {
        return new long[0];
      }
      return new long[] {from, Math.min(to, size - 1)};
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * The inflated object, or null when it would inflate past {@code cap}: the fake then serves the
   * stored gzip bytes with {@code Content-Encoding: gzip} (as GCS does for {@code no-transform})
   * rather than hold an unbounded inflation in memory.
   */
  private static byte[] gunzip(byte[] data, long cap) {
    try {
      return Gzip.inflate(data, cap);
    } catch (Gzip.TooLarge e) {
      return null;
    } catch (IOException e) {
      throw new HttpError(500, "Stored object is not valid gzip: " + e.getMessage())
          .with("reason", "backendError");
    }
  }
}
