package dev.backlot.gcs;

import dev.backlot.engine.Handler;
import dev.backlot.wire.HttpError;
import dev.backlot.wire.Request;
import dev.backlot.wire.Response;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The XML API's object routes ({@code /{bucket}/{object}}), which is what signed URLs address:
 * GET and HEAD (with Range), PUT (a whole object, empty 200), POST with {@code x-goog-resumable:
 * start} (201 and a session {@code Location}), DELETE. Errors are XML, as GCS writes them.
 */
final class XmlApi {

  private final GcsFake fake;

  XmlApi(GcsFake fake) {
    this.fake = fake;
  }

  /** Wraps a handler so its errors come out as GCS XML errors. */
  static Handler xml(Handler h) {
    return req -> {
      try {
        return h.handle(req);
      } catch (HttpError e) {
        return error(e);
      }
    };
  }

  Response get(Request req) {
    verify(req);
    String bucket = req.pathParam("bucket");
    String name = req.pathParam("object");
    GcsObject o = fake.store().require(bucket, name, generation(req));
    Preconditions.ofXmlHeaders(req).checkRead(o);
    return Media.download(req, o, xmlEtag(o), fake.maxBodyBytes());
  }

  Response put(Request req) {
    if (req.hasQuery("upload_id")) {
      return fake.uploads().chunk(req);
    }
    verify(req);
    String bucket = req.pathParam("bucket");
    String name = req.pathParam("object");
    fake.store().requireBucket(bucket);
    byte[] data = req.body();
    GcsStore.Hashes h = GcsStore.Hashes.of(data);
    String contentMd5 = req.header("Content-MD5");
    Uploads.verify(h, contentMd5, null, req.header("x-goog-hash"));
    GcsObject o = fake.store().write(bucket, name, data, h, metaFromHeaders(req),
        Preconditions.ofXmlHeaders(req), null);
    return objectHeaders(Response.status(200), o);
  }

  Response post(Request req) {
    verify(req);
    if (!"start".equalsIgnoreCase(req.header("x-goog-resumable"))) {
      throw new HttpError(400, "POST to an object needs x-goog-resumable: start")
          .with("xmlCode", "InvalidArgument");
    }
    String bucket = req.pathParam("bucket");
    fake.store().requireBucket(bucket);
    Uploads.Session s = fake.uploads().startXml(bucket, req.pathParam("object"),
        metaFromHeaders(req), Preconditions.ofXmlHeaders(req));
    String location = fake.base(req) + req.rawPath() + "?"
        + (req.rawQuery().isEmpty() ? "" : req.rawQuery() + "&") + "upload_id=" + s.id;
    return Response.status(201).setHeader("Location", location)
        .setHeader("X-GUploader-UploadID", s.id);
  }

  Response delete(Request req) {
    if (req.hasQuery("upload_id")) {
      return fake.uploads().cancel(req);
    }
    verify(req);
    fake.store().delete(req.pathParam("bucket"), req.pathParam("object"), generation(req),
        Preconditions.ofXmlHeaders(req));
    return Response.status(204);
  }

  private void verify(Request req) {
    if (SignedUrls.isSigned(req)) {
      fake.signedUrls().verify(req);
    } else if (fake.signedUrls().strict()) {
      throw SignedUrls.anonymous(req);
    }
  }

  private static Long generation(Request req) {
    String g = req.query("generation");
    if (g == null || g.isEmpty()) {
      return null;
    }
    try {
      return Long.parseLong(g);
    } catch (NumberFormatException e) {
      throw new HttpError(400, "Invalid argument: generation " + g).with("xmlCode", "InvalidArgument");
    }
  }

  private static ObjectMeta metaFromHeaders(Request req) {
    Map<String, String> md = new TreeMap<>();
    for (Map.Entry<String, List<String>> h : req.headers().entrySet()) {
      String n = h.getKey().toLowerCase(Locale.ROOT);
      if (n.startsWith("x-goog-meta-") && !h.getValue().isEmpty()) {
        md.put(n.substring("x-goog-meta-".length()), h.getValue().get(0));
      }
    }
    String type = req.header("Content-Type");
    return new ObjectMeta(
        type == null || type.isEmpty() ? ObjectMeta.DEFAULT_CONTENT_TYPE : type,
        req.header("Content-Encoding"),
        req.header("Content-Disposition"),
        req.header("Content-Language"),
        req.header("Cache-Control"),
        req.header("x-goog-custom-time"),
        req.header("x-goog-storage-class"),
        null,
        null,
        md);
  }

  /** The headers an XML write answers with (its body is empty). */
  static Response objectHeaders(Response r, GcsObject o) {
    return r.setHeader("ETag", xmlEtag(o))
        .setHeader("x-goog-generation", Long.toString(o.generation()))
        .setHeader("x-goog-metageneration", Long.toString(o.metageneration()))
        .setHeader("x-goog-hash", Media.hash(o))
        .setHeader("x-goog-stored-content-length", Long.toString(o.size()))
        .setHeader("x-goog-stored-content-encoding",
            o.contentEncoding() == null ? "identity" : o.contentEncoding());
  }

  /** XML-API ETags are the quoted hex MD5 (composites: the quoted hex CRC-32C and a count). */
  static String xmlEtag(GcsObject o) {
    if (o.md5Hash() != null) {
      return "\"" + HexFormat.of().formatHex(Base64.getDecoder().decode(o.md5Hash())) + "\"";
    }
    return "\"" + HexFormat.of().formatHex(Base64.getDecoder().decode(o.crc32c())) + "-"
        + (o.componentCount() == null ? 1 : o.componentCount()) + "\"";
  }

  static Response error(HttpError e) {
    if (e.status() == 304) {
      return Response.status(304);
    }
    Object code = e.details().get("xmlCode");
    StringBuilder extra = new StringBuilder();
    Object toSign = e.details().get("xmlStringToSign");
    if (toSign != null && !toSign.toString().isEmpty()) {
      extra.append("<StringToSign>").append(escape(toSign.toString())).append("</StringToSign>");
    }
    Object canonical = e.details().get("xmlCanonicalRequest");
    if (canonical != null && !canonical.toString().isEmpty()) {
      extra.append("<CanonicalRequest>").append(escape(canonical.toString())).append("</CanonicalRequest>");
    }
    Object details = e.details().get("xmlDetails");
    String body = "<?xml version='1.0' encoding='UTF-8'?><Error><Code>"
        + escape(code != null ? code.toString() : defaultCode(e.status()))
        + "</Code><Message>" + escape(e.getMessage()) + "</Message>"
        + (details != null ? "<Details>" + escape(details.toString()) + "</Details>" : "")
        + extra + "</Error>";
    return Response.bytes(e.status(), body.getBytes(StandardCharsets.UTF_8), "application/xml; charset=UTF-8");
  }

  static Response error(int status, String code, String message, String details) {
    HttpError e = new HttpError(status, message).with("xmlCode", code);
    if (details != null) {
      e.with("xmlDetails", details);
    }
    return error(e);
  }

  private static String defaultCode(int status) {
    switch (status) {
      case 400: return "InvalidArgument";
      case 401: return "AuthenticationRequired";
      case 403: return "AccessDenied";
      case 404: return "NoSuchKey";
      case 409: return "Conflict";
      case 412: return "PreconditionFailed";
      case 413: return "EntityTooLarge";
      case 416: return "InvalidRange";
      case 429: return "SlowDown";
      case 503: return "ServiceUnavailable";
      default: return "InternalError";
    }
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;").replace("'", "&apos;");
  }
}
