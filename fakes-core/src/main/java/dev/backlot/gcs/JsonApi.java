package dev.backlot.gcs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.wire.HttpError;
import dev.backlot.wire.Json;
import dev.backlot.wire.Multipart;
import dev.backlot.wire.Request;
import dev.backlot.wire.Response;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/** The JSON API: buckets, object metadata, listing, rewrite, compose and batch. */
final class JsonApi {

  private static final Pattern BUCKET_NAME =
      Pattern.compile("^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$");
  private static final int MAX_COMPOSE_SOURCES = 32;
  private static final int MAX_BATCH = 100;
  // Batches answer their parts on the calling thread: this marks a batch being answered, so a
  // part that is itself a batch is refused instead of recursing (GCS does not nest batches).
  private static final ThreadLocal<Boolean> IN_BATCH = ThreadLocal.withInitial(() -> false);

  /** A rewrite that needs more calls: the source generation it copies and how far it got. */
  private record Rewrite(GcsObject source, String bucket, String name, long done) {}

  private final GcsFake fake;
  private final Map<String, Rewrite> rewrites = new ConcurrentHashMap<>();

  JsonApi(GcsFake fake) {
    this.fake = fake;
  }

  void clear() {
    rewrites.clear();
  }

  private GcsStore store() {
    return fake.store();
  }

  // ------------------------------------------------------------------ buckets

  Response createBucket(Request req) {
    requireProject(req);
    JsonNode body = req.json();
    String name = text(body, "name");
    if (name == null || name.isEmpty()) {
      throw new HttpError(400, "Required parameter: name").with("reason", "required");
    }
    validateBucketName(name);
    JsonNode versioning = body.path("versioning").path("enabled");
    GcsStore.Bucket b = store().createBucket(name, versioning.asBoolean(false),
        text(body, "location"), text(body, "storageClass"),
        body.path("defaultEventBasedHold").asBoolean(false), GcsStore.labels(body.get("labels")));
    return Response.json(200, GcsJson.bucket(b.meta, fake.base(req)));
  }

  static void validateBucketName(String name) {
    boolean ok = BUCKET_NAME.matcher(name).matches()
        && (name.contains(".") ? name.length() <= 222 : name.length() <= 63)
        && !name.contains("..")
        && !name.startsWith("goog");
    if (!ok) {
      throw new HttpError(400, "Invalid bucket name: '" + name + "'").with("reason", "invalid");
    }
  }

  Response getBucket(Request req) {
    GcsStore.Bucket b = store().requireBucket(req.pathParam("bucket"));
    GcsStore.checkBucket(b.meta, req.queryLong("ifMetagenerationMatch"),
        req.queryLong("ifMetagenerationNotMatch"), true);
    return Response.json(200, GcsJson.bucket(b.meta, fake.base(req)));
  }

  Response listBuckets(Request req) {
    requireProject(req);
    int max = maxResults(req);
    String prefix = req.query("prefix", "");
    String token = req.query("pageToken");
    String after = token == null || token.isEmpty() ? null : decodeToken(token);
    ArrayNode items = Json.array();
    String next = null;
    String last = null;
    int n = 0;
    for (GcsStore.Bucket b : store().bucketsFrom(after == null ? prefix : max(after, prefix)).values()) {
      String name = b.meta.name();
      if (after != null && name.compareTo(after) <= 0) {
        continue;
      }
      if (!name.startsWith(prefix)) {
        break;
      }
      if (n == max) {
        next = encodeToken(last);
        break;
      }
      items.add(GcsJson.bucket(b.meta, fake.base(req)));
      last = name;
      n++;
    }
    ObjectNode out = Json.object();
    out.put("kind", "storage#buckets");
    if (next != null) {
      out.put("nextPageToken", next);
    }
    out.set("items", items);
    return Response.json(200, out);
  }

  Response patchBucket(Request req) {
    return updateBucket(req, true);
  }

  Response replaceBucket(Request req) {
    return updateBucket(req, false);
  }

  private Response updateBucket(Request req, boolean patch) {
    JsonNode body = req.body().length == 0 ? Json.object() : req.json();
    GcsStore.BucketMeta m = store().updateBucket(req.pathParam("bucket"),
        req.queryLong("ifMetagenerationMatch"), req.queryLong("ifMetagenerationNotMatch"),
        old -> {
          boolean versioning = old.versioning();
          JsonNode v = body.get("versioning");
          if (v != null) {
            versioning = v.path("enabled").asBoolean(false);
          } else if (!patch) {
            versioning = false;
          }
          Map<String, String> labels = old.labels();
          JsonNode l = body.get("labels");
          if (l != null) {
            Map<String, String> merged = new java.util.TreeMap<>(patch ? old.labels() : Map.of());
            if (l.isObject()) {
              for (Map.Entry<String, JsonNode> e : l.properties()) {
                if (e.getValue().isNull()) {
                  merged.remove(e.getKey());
                } else {
                  merged.put(e.getKey(), e.getValue().asText());
                }
              }
            } else if (l.isNull()) {
              merged.clear();
            }
            labels = Map.copyOf(merged);
          } else if (!patch) {
            labels = Map.of();
          }
          String storageClass = body.has("storageClass")
              ? body.get("storageClass").asText() : old.storageClass();
          boolean hold = body.has("defaultEventBasedHold")
              ? body.get("defaultEventBasedHold").asBoolean() : patch && old.defaultEventBasedHold();
          return new GcsStore.BucketMeta(old.name(), old.timeCreated(), old.updated(),
              old.metageneration(), versioning, old.location(), storageClass, hold, labels);
        });
    return Response.json(200, GcsJson.bucket(m, fake.base(req)));
  }

  Response deleteBucket(Request req) {
    store().deleteBucket(req.pathParam("bucket"), req.queryLong("ifMetagenerationMatch"),
        req.queryLong("ifMetagenerationNotMatch"));
    return Response.status(204);
  }

  /** POST on a resource with {@code X-HTTP-Method-Override}, as the Java client sends patches. */
  Response bucketOverride(Request req) {
    String m = override(req);
    switch (m) {
      case "PATCH": return patchBucket(req);
      case "PUT": return replaceBucket(req);
      case "DELETE": return deleteBucket(req);
      case "GET": return getBucket(req);
      default: throw methodNotAllowed(req);
    }
  }

  // ------------------------------------------------------------------ objects

  /** {@code GET /storage/v1/b/{bucket}/o/{object}}: metadata, or the bytes with {@code alt=media}. */
  Response getObject(Request req) {
    if ("media".equals(req.query("alt"))) {
      return download(req);
    }
    GcsObject o = store().require(req.pathParam("bucket"), req.pathParam("object"), generation(req));
    Preconditions.of(req).checkRead(o);
    return Response.json(200, GcsJson.object(o, fake.base(req)));
  }

  /** {@code GET /download/storage/v1/b/{bucket}/o/{object}?alt=media}. */
  Response download(Request req) {
    GcsObject o = store().require(req.pathParam("bucket"), req.pathParam("object"), generation(req));
    Preconditions.of(req).checkRead(o);
    return Media.download(req, o, GcsJson.etag(o), fake.maxBodyBytes());
  }

  Response patchObject(Request req) {
    JsonNode body = req.json();
    GcsObject o = store().updateMeta(req.pathParam("bucket"), req.pathParam("object"),
        generation(req), Preconditions.of(req), m -> m.patch(body));
    return Response.json(200, GcsJson.object(o, fake.base(req)));
  }

  Response updateObject(Request req) {
    JsonNode body = req.json();
    GcsObject o = store().updateMeta(req.pathParam("bucket"), req.pathParam("object"),
        generation(req), Preconditions.of(req), m -> {
          ObjectMeta next = ObjectMeta.from(body, null);
          // the content type stays when an update leaves it out
          return next.contentType() == null ? next.withContentType(m.contentType()) : next;
        });
    return Response.json(200, GcsJson.object(o, fake.base(req)));
  }

  Response deleteObject(Request req) {
    store().delete(req.pathParam("bucket"), req.pathParam("object"), generation(req),
        Preconditions.of(req));
    return Response.status(204);
  }

  Response objectOverride(Request req) {
    String m = override(req);
    switch (m) {
      case "PATCH": return patchObject(req);
      case "PUT": return updateObject(req);
      case "DELETE": return deleteObject(req);
      case "GET": return getObject(req);
      default: throw methodNotAllowed(req);
    }
  }

  Response listObjects(Request req) {
    GcsStore.Bucket b = store().requireBucket(req.pathParam("bucket"));
    Listing.Query q = new Listing.Query(
        req.query("prefix"),
        req.query("delimiter"),
        emptyToNull(req.query("startOffset")),
        emptyToNull(req.query("endOffset")),
        Listing.glob(req.query("matchGlob")),
        "true".equalsIgnoreCase(req.query("versions")),
        "true".equalsIgnoreCase(req.query("includeTrailingDelimiter")),
        maxResults(req),
        req.query("pageToken"));
    Listing.Page page = Listing.objects(b, q);
    ObjectNode out = Json.object();
    out.put("kind", "storage#objects");
    if (page.nextPageToken() != null) {
      out.put("nextPageToken", page.nextPageToken());
    }
    if (!page.prefixes().isEmpty()) {
      ArrayNode prefixes = out.putArray("prefixes");
      page.prefixes().forEach(prefixes::add);
    }
    ArrayNode items = out.putArray("items");
    String base = fake.base(req);
    for (GcsObject o : page.items()) {
      items.add(GcsJson.object(o, base));
    }
    return Response.json(200, out);
  }

  // ------------------------------------------------------------------ rewrite, copy, compose

  /**
   * {@code POST .../o/{src}/rewriteTo/b/{dstBucket}/o/{dst}}: copies in steps of {@code
   * maxBytesRewrittenPerCall} when given (else in one call), linked by {@code rewriteToken}. The
   * source generation is pinned at the first call; destination preconditions apply at the end.
   */
  Response rewrite(Request req) {
    String dstBucket = req.pathParam("dstBucket");
    String dstName = req.pathParam("dstObject");
    String token = emptyToNull(req.query("rewriteToken"));
    Rewrite rw;
    if (token != null) {
      rw = rewrites.get(token);
      if (rw == null) {
        throw new HttpError(400, "Invalid rewrite token: " + token).with("reason", "invalid");
      }
    } else {
      GcsObject src = store().require(req.pathParam("bucket"), req.pathParam("object"),
          req.queryLong("sourceGeneration"));
      Preconditions.ofSource(req).checkWrite(src);
      store().requireBucket(dstBucket);
      GcsStore.validateName(dstName);
      Preconditions dst = Preconditions.of(req);
      dst.checkWrite(store().live(dstBucket, dstName)); // fail early; checked again at commit
      rw = new Rewrite(src, dstBucket, dstName, 0);
    }
    long size = rw.source().size();
    Long step = req.queryLong("maxBytesRewrittenPerCall");
    long done = step == null || step <= 0 ? size : Math.min(size, rw.done() + step);
    ObjectNode out = Json.object();
    out.put("kind", "storage#rewriteResponse");
    out.put("totalBytesRewritten", Long.toString(done));
    out.put("objectSize", Long.toString(size));
    if (done < size) {
      String next = token != null ? token : "rw" + fake.ids().hex(32);
      rewrites.put(next, new Rewrite(rw.source(), rw.bucket(), rw.name(), done));
      out.put("done", false);
      out.put("rewriteToken", next);
      return Response.json(200, out);
    }
    JsonNode body = req.body().length == 0 ? Json.object() : req.json();
    GcsObject written = copyTo(rw.source(), rw.bucket(), rw.name(), body, Preconditions.of(req));
    if (token != null) {
      rewrites.remove(token);
    }
    out.put("done", true);
    out.set("resource", GcsJson.object(written, fake.base(req)));
    return Response.json(200, out);
  }

  /** {@code POST .../o/{src}/copyTo/b/{dstBucket}/o/{dst}}: a one-call copy. */
  Response copy(Request req) {
    GcsObject src = store().require(req.pathParam("bucket"), req.pathParam("object"),
        req.queryLong("sourceGeneration"));
    Preconditions.ofSource(req).checkWrite(src);
    JsonNode body = req.body().length == 0 ? Json.object() : req.json();
    GcsObject written = copyTo(src, req.pathParam("dstBucket"), req.pathParam("dstObject"), body,
        Preconditions.of(req));
    return Response.json(200, GcsJson.object(written, fake.base(req)));
  }

  /** The destination keeps the source's metadata unless the request body sets fields. */
  private GcsObject copyTo(GcsObject src, String bucket, String name, JsonNode body, Preconditions pre) {
    ObjectMeta meta = src.meta().patch(stripIdentity(body));
    GcsStore.Hashes h = new GcsStore.Hashes(src.md5Hash(), src.crc32c());
    return store().write(bucket, name, src.data(), h, meta, pre, src.componentCount());
  }

  Response compose(Request req) {
    String bucket = req.pathParam("bucket");
    String name = req.pathParam("object");
    store().requireBucket(bucket);
    JsonNode body = req.json();
    JsonNode sources = body.get("sourceObjects");
    if (sources == null || !sources.isArray() || sources.isEmpty()) {
      throw new HttpError(400, "sourceObjects must contain at least one source")
          .with("reason", "required");
    }
    if (sources.size() > MAX_COMPOSE_SOURCES) {
      throw new HttpError(400, "The number of source components provided (" + sources.size()
          + ") exceeds the maximum (" + MAX_COMPOSE_SOURCES + ")").with("reason", "invalid");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int components = 0;
    ObjectMeta first = null;
    for (JsonNode s : sources) {
      String srcName = text(s, "name");
      if (srcName == null) {
        throw new HttpError(400, "Required: sourceObjects[].name").with("reason", "required");
      }
      Long gen = s.hasNonNull("generation") ? s.get("generation").asLong() : null;
      GcsObject src = store().require(bucket, srcName, gen);
      JsonNode pre = s.path("objectPreconditions").path("ifGenerationMatch");
      if (!pre.isMissingNode() && !pre.isNull() && src.generation() != pre.asLong()) {
        throw Preconditions.failed();
      }
      out.writeBytes(src.data());
      components += src.componentCount() == null ? 1 : src.componentCount();
      if (first == null) {
        first = src.meta();
      }
    }
    if (components > 1024) {
      throw new HttpError(400, "The composite object would have more than 1024 components")
          .with("reason", "invalid");
    }
    JsonNode dest = body.path("destination");
    ObjectMeta meta = ObjectMeta.from(dest.isObject() ? stripIdentity(dest) : Json.object(),
        first.contentType());
    byte[] data = out.toByteArray();
    // composite objects carry a CRC-32C but no MD5, as on GCS
    GcsStore.Hashes h = new GcsStore.Hashes(null, GcsStore.crc32c(data));
    GcsObject o = store().write(bucket, name, data, h, meta, Preconditions.of(req), components);
    return Response.json(200, GcsJson.object(o, fake.base(req)));
  }

  // ------------------------------------------------------------------ batch

  /**
   * {@code POST /batch/storage/v1}: a {@code multipart/mixed} body of {@code application/http}
   * requests, each answered through the fake's own routes (stubs included), in order.
   */
  Response batch(Request req) {
    if (IN_BATCH.get()) {
      throw new HttpError(400, "Nested batch requests are not allowed.").with("reason", "invalid");
    }
    IN_BATCH.set(true);
    try {
      return batchParts(req);
    } finally {
      IN_BATCH.set(false);
    }
  }

  private Response batchParts(Request req) {
    List<Multipart.Part> parts = Multipart.parse(req.header("Content-Type"), req.body());
    if (parts.size() > MAX_BATCH) {
      throw new HttpError(400, "A batch may hold at most " + MAX_BATCH + " requests; got "
          + parts.size()).with("reason", "invalid");
    }
    List<Multipart.Part> answers = new ArrayList<>(parts.size());
    int index = 0;
    for (Multipart.Part part : parts) {
      index++;
      Response r;
      try {
        r = fake.dispatch(embedded(part.body(), req));
      } catch (HttpError e) {
        r = fake.dispatchError(e);
      }
      String id = part.header("Content-ID");
      id = id == null ? String.valueOf(index) : id.replace("<", "").replace(">", "").trim();
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put("Content-Type", "application/http");
      headers.put("Content-ID", "<response-" + id + ">");
      answers.add(new Multipart.Part(headers, httpResponse(r)));
    }
    String boundary = "batch_" + fake.ids().hex(32);
    return Response.bytes(200, Multipart.write(boundary, answers),
        "multipart/mixed; boundary=" + boundary);
  }

  /** Parses one embedded HTTP request (request line, headers, blank line, body). */
  private static Request embedded(byte[] raw, Request outer) {
    int pos = 0;
    String requestLine = null;
    Map<String, String> headers = new LinkedHashMap<>();
    while (pos < raw.length) {
      int eol = pos;
      while (eol < raw.length && raw[eol] != '\n') {
        eol++;
      }
      int end = eol > pos && raw[eol - 1] == '\r' ? eol - 1 : eol;
      String line = new String(raw, pos, end - pos, StandardCharsets.UTF_8);
      pos = Math.min(raw.length, eol + 1);
      if (requestLine == null) {
        if (line.isBlank()) {
          continue;
        }
        requestLine = line;
        continue;
      }
      if (line.isEmpty()) {
        break;
      }
      int colon = line.indexOf(':');
      if (colon > 0) {
        headers.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
      }
    }
    if (requestLine == null) {
      throw new HttpError(400, "Empty request in batch").with("reason", "invalid");
    }
    String[] rl = requestLine.split(" ");
    if (rl.length < 2) {
      throw new HttpError(400, "Malformed request line in batch: " + requestLine).with("reason", "invalid");
    }
    String target = rl[1];
    if (!headers.containsKey("Host") && outer.header("Host") != null) {
      headers.put("Host", outer.header("Host"));
    }
    byte[] body = java.util.Arrays.copyOfRange(raw, pos, raw.length);
    try {
      if (target.startsWith("http://") || target.startsWith("https://")) {
        URI u = URI.create(target);
        target = u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
      }
      return Request.of(rl[0].toUpperCase(Locale.ROOT), target, headers, body);
    } catch (IllegalArgumentException e) {
      // a malformed escape or URL in one part: that part is a 400, the others are answered
      throw new HttpError(400, "Invalid request URL in batch: " + target).with("reason", "invalid");
    }
  }

  private static byte[] httpResponse(Response r) {
    StringBuilder head = new StringBuilder();
    head.append("HTTP/1.1 ").append(r.status()).append(' ').append(reasonPhrase(r.status())).append("\r\n");
    for (Response.Header h : r.headers()) {
      if (!h.name().equalsIgnoreCase("Content-Length")) {
        head.append(h.name()).append(": ").append(h.value()).append("\r\n");
      }
    }
    head.append("Content-Length: ").append(r.body().length).append("\r\n\r\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
    out.writeBytes(r.body());
    return out.toByteArray();
  }

  private static String reasonPhrase(int status) {
    switch (status) {
      case 200: return "OK";
      case 204: return "No Content";
      case 304: return "Not Modified";
      case 400: return "Bad Request";
      case 403: return "Forbidden";
      case 404: return "Not Found";
      case 409: return "Conflict";
      case 412: return "Precondition Failed";
      case 429: return "Too Many Requests";
      case 500: return "Internal Server Error";
      case 503: return "Service Unavailable";
      default: return "Status";
    }
  }

  // ------------------------------------------------------------------ helpers

  private static JsonNode stripIdentity(JsonNode body) {
    if (body == null || !body.isObject()) {
      return Json.object();
    }
    ObjectNode copy = ((ObjectNode) body).deepCopy();
    copy.remove(List.of("name", "bucket", "generation", "metageneration", "size", "md5Hash",
        "crc32c", "id", "kind", "selfLink", "mediaLink", "etag", "timeCreated", "updated"));
    return copy;
  }

  private static String override(Request req) {
    String m = req.header("X-HTTP-Method-Override");
    if (m == null || m.isBlank()) {
      throw methodNotAllowed(req);
    }
    return m.trim().toUpperCase(Locale.ROOT);
  }

  private static HttpError methodNotAllowed(Request req) {
    return new HttpError(405, "Method not allowed: " + req.method() + " " + req.path())
        .with("reason", "methodNotAllowed");
  }

  private static void requireProject(Request req) {
    String p = req.query("project");
    if (p == null || p.isEmpty()) {
      throw new HttpError(400, "Required parameter: project").with("reason", "required");
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
      throw new HttpError(400, "Invalid argument for generation: " + g).with("reason", "invalid");
    }
  }

  private static int maxResults(Request req) {
    int max = req.queryInt("maxResults", 1000);
    if (max < 1) {
      throw new HttpError(400, "Invalid maxResults: " + max).with("reason", "invalid");
    }
    return Math.min(max, 1000);
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private static String text(JsonNode json, String field) {
    JsonNode v = json == null ? null : json.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static String max(String a, String b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static String encodeToken(String name) {
    return java.util.Base64.getUrlEncoder().withoutPadding()
        .encodeToString(name.getBytes(StandardCharsets.UTF_8));
  }

  private static String decodeToken(String token) {
    try {
      return new String(java.util.Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new HttpError(400, "Invalid pageToken: " + token).with("reason", "invalid");
    }
  }
}
