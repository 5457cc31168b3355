package dev.backlot.cablecast;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.cablecast.Schema.Kind;
import dev.backlot.wire.Json;
import dev.backlot.wire.Multipart;
import dev.backlot.wire.Request;
import dev.backlot.wire.Response;
import dev.backlot.media.Media;
import java.util.List;
import java.util.Locale;

/**
 * The {@code /cablecastapi/v1} routes: reads of every resource (anonymous), writes of shows,
 * reels, schedule items and VODs, chunked file uploads, and assets. The API's path segment is
 * matched without regard to case ({@code /CablecastAPI/v1/Shows} works, as on IIS).
 */
final class Api {

  private final CablecastFake fake;

  Api(CablecastFake fake) {
    this.fake = fake;
  }

  private Library lib() {
    return fake.library();
  }

  // ------------------------------------------------------------------ dispatch

  Response collection(Request req) {
    String resource = resource(req);
    if (resource.equals("fileuploads")) {
      return switch (req.method()) {
        case "GET" -> listUploads(req);
        case "POST" -> createUpload(req);
        default -> throw Errors.methodNotAllowed(req.method());
      };
    }
    if (resource.equals("assets")) {
      if (!req.method().equals("GET")) {
        throw Errors.methodNotAllowed(req.method());
      }
      return listAssets();
    }
    Kind kind = kind(req, resource);
    return switch (req.method()) {
      case "GET" -> list(kind, req);
      case "POST" -> create(kind, req);
      default -> throw Errors.methodNotAllowed(req.method());
    };
  }

  Response member(Request req) {
    String resource = resource(req);
    long id = id(req);
    if (resource.equals("fileuploads")) {
      return switch (req.method()) {
        case "GET" -> getUpload(id);
        case "PUT" -> completeUpload(req, id);
        default -> throw Errors.methodNotAllowed(req.method());
      };
    }
    if (resource.equals("assets")) {
      if (!req.method().equals("GET")) {
        throw Errors.methodNotAllowed(req.method());
      }
      return getAsset(id);
    }
    Kind kind = kind(req, resource);
    return switch (req.method()) {
      case "GET" -> get(kind, id, req);
      case "PUT" -> update(kind, id, req);
      case "DELETE" -> delete(kind, id, req);
      default -> throw Errors.methodNotAllowed(req.method());
    };
  }

  Response action(Request req) {
    String resource = resource(req);
    String action = req.pathParam("action").toLowerCase(Locale.ROOT);
    if (resource.equals("fileuploads") && action.equals("upload")) {
      if (!req.method().equals("POST")) {
        throw Errors.methodNotAllowed(req.method());
      }
      return uploadSegment(req, id(req));
    }
    throw Errors.noResource(fake.publicBase() + req.target());
  }

  /** {@code GET /vod/{id}/{file}}: a VOD's video once it is Ready (a small valid MP4). */
  Response vodFile(Request req) {
    Long id = Queries.parseLong(req.pathParam("id"));
    ObjectNode vod = id == null ? null : lib().get(Schema.VOD, id);
    if (vod == null || !vod.path("isWatchable").asBoolean(false)) {
      throw Errors.noResource(fake.publicBase() + req.target());
    }
    return Response.bytes(200, Media.mp4(64, 36, 4, 2, Media.seedOf("cablecast-vod", id)), Media.MP4);
  }

  // ------------------------------------------------------------------ records

  private Response list(Kind kind, Request req) {
    Queries.ListQuery q = Queries.parse(kind, req, lib().dates());
    Queries.Page page = Queries.select(kind, lib().all(kind), q, lib().dates());
    return json(req, Render.list(lib(), kind, page, q.include()));
  }

  private Response get(Kind kind, long id, Request req) {
    ObjectNode r = lib().get(kind, id);
    if (r == null) {
      throw Errors.notFound(kind.type(), id);
    }
    return json(req, Render.one(lib(), kind, r, Queries.parse(kind, req, lib().dates()).include()));
  }

  private Response create(Kind kind, Request req) {
    writable(kind, req);
    fake.authorize(req);
    ObjectNode in = Writes.root(kind, req);
    long id;
    synchronized (lib()) {
      ObjectNode fields = Writes.fields(lib(), kind, in, true);
      if (kind == Schema.SCHEDULE_ITEM && !fields.has("idType")) {
        fields.put("idType", 1);
      }
      if (kind == Schema.VOD) {
        defaultVodFields(fields);
      }
      id = lib().insert(kind, fields);
    }
    if (kind == Schema.VOD) {
      fake.processing().transcode(id);
    }
    return json(req, Render.one(lib(), kind, lib().get(kind, id), List.of()));
  }

  private Response update(Kind kind, long id, Request req) {
    writable(kind, req);
    fake.authorize(req);
    ObjectNode in = Writes.root(kind, req);
    synchronized (lib()) {
      if (!lib().exists(kind, id)) {
        throw Errors.notFound(kind.type(), id);
      }
      if (in.has("id") && in.get("id").canConvertToLong() && in.get("id").asLong() != id) {
        throw Errors.invalid(kind.type() + ".id",
            "The id in the body (" + in.get("id").asLong() + ") is not the id in the URL (" + id + ").");
      }
      ObjectNode fields = Writes.fields(lib(), kind, in, false);
      if (kind == Schema.VOD && fields.has("show")
          && fields.get("show").asLong() != lib().get(kind, id).path("show").asLong()) {
        throw Errors.invalid("vod.show", "A VOD cannot move to another show.");
      }
      lib().update(kind, id, fields);
    }
    return json(req, Render.one(lib(), kind, lib().get(kind, id), List.of()));
  }

  private Response delete(Kind kind, long id, Request req) {
    writable(kind, req);
    fake.authorize(req);
    List<Library.Removed> removed = lib().delete(kind, id);
    if (removed.isEmpty()) {
      throw Errors.notFound(kind.type(), id);
    }
    for (Library.Removed r : removed) {
      if (r.kind() == Schema.VOD) {
        fake.processing().forget(r.id());
      }
    }
    return Response.status(204);
  }

  /**
   * A document as sent: VOD urls are stored as paths on this fake and made absolute here with the
   * address the client used (its Host header, so a client behind a NetworkLink gets the link's
   * port), with the embed code built around them.
   */
  private Response json(Request req, ObjectNode doc) {
    String host = req.header("Host");
    String base = host == null || host.isBlank() ? fake.publicBase() : "http://" + host;
    List<ObjectNode> vods = new java.util.ArrayList<>();
    if (doc.get("vod") instanceof ObjectNode v) {
      vods.add(v);
    }
    if (doc.get("vods") instanceof ArrayNode a) {
      a.forEach(v -> vods.add((ObjectNode) v));
    }
    for (ObjectNode v : vods) {
      String path = v.path("url").asText(null);
      if (path != null && path.startsWith("/")) {
        String url = base + path;
        v.put("url", url);
        v.put("embedCode", "<iframe src=\"" + url + "\" width=\"640\" height=\"360\" "
            + "frameborder=\"0\" allowfullscreen></iframe>");
      }
    }
    return Response.json(200, doc);
  }

  private void defaultVodFields(ObjectNode fields) {
    long show = fields.get("show").asLong();
    if (!fields.hasNonNull("fileName")) {
      fields.put("fileName", "show-" + show + ".mp4");
    }
    if (!fields.hasNonNull("vodConfiguration")) {
      List<ObjectNode> configs = lib().all(Schema.VOD_CONFIGURATION);
      if (!configs.isEmpty()) {
        fields.put("vodConfiguration", configs.get(0).get("id").asLong());
      }
    }
  }

  private static void writable(Kind kind, Request req) {
    if (!kind.writable()) {
      throw Errors.methodNotAllowed(req.method());
    }
  }

  // ------------------------------------------------------------------ uploads and assets

  private Response listUploads(Request req) {
    ArrayNode items = Json.array();
    for (long id : fake.uploads().ids()) {
      items.add(fake.uploads().render(id));
    }
    ObjectNode doc = Json.object();
    doc.set("fileUploads", items);
    doc.putObject("meta").put("count", items.size()).put("pageSize", items.size()).put("offset", 0);
    return Response.json(200, doc);
  }

  private Response createUpload(Request req) {
    fake.authorize(req);
    long id = fake.uploads().create(Writes.root("fileUpload", req));
    return upload(id);
  }

  private Response getUpload(long id) {
    if (!fake.uploads().exists(id)) {
      throw Errors.notFound("fileUpload", id);
    }
    return upload(id);
  }

  private Response completeUpload(Request req, long id) {
    fake.authorize(req);
    ObjectNode in = Writes.root("fileUpload", req);
    if (!fake.uploads().exists(id)) {
      throw Errors.notFound("fileUpload", id);
    }
    synchronized (fake.uploads()) {
      fake.uploads().checkComplete(id, in);
      fake.processing().process(id);
    }
    return upload(id);
  }

  private Response uploadSegment(Request req, long id) {
    fake.authorize(req);
    String type = req.header("Content-Type");
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
      throw Errors.unsupportedMediaType(type == null ? "(none)" : type.split(";")[0].trim());
    }
    if (!fake.uploads().exists(id)) {
      throw Errors.notFound("fileUpload", id);
    }
    String segment = null;
    byte[] file = null;
    for (Multipart.Part p : Multipart.parse(type, req.body())) {
      if ("segment".equals(p.name())) {
        segment = p.text().trim();
      } else if ("file".equals(p.name())) {
        file = p.body();
      }
    }
    Long index = Queries.parseLong(segment);
    if (index == null || index > Integer.MAX_VALUE) {
      throw Errors.invalid("segment", "A whole-number 'segment' field is required, not " + segment + ".");
    }
    if (file == null) {
      throw Errors.invalid("file", "A 'file' part is required.");
    }
    fake.uploads().segment(id, index.intValue(), file);
    return Response.json(200, Json.object());
  }

  private Response upload(long id) {
    ObjectNode doc = Json.object();
    doc.set("fileUpload", fake.uploads().render(id));
    return Response.json(200, doc);
  }

  private Response listAssets() {
    ArrayNode items = Json.array();
    for (Uploads.Asset a : fake.uploads().assets()) {
      items.add(asset(a));
    }
    ObjectNode doc = Json.object();
    doc.set("assets", items);
    doc.putObject("meta").put("count", items.size()).put("pageSize", items.size()).put("offset", 0);
    return Response.json(200, doc);
  }

  private Response getAsset(long id) {
    Uploads.Asset a = fake.uploads().asset(id);
    if (a == null) {
      throw Errors.notFound("asset", id);
    }
    ObjectNode doc = Json.object();
    doc.set("asset", asset(a));
    return Response.json(200, doc);
  }

  private static ObjectNode asset(Uploads.Asset a) {
    ObjectNode o = Json.object();
    o.put("id", a.id());
    o.put("fileName", a.fileName());
    if (a.fileStore() == null) {
      o.putNull("fileStore");
    } else {
      o.put("fileStore", a.fileStore());
    }
    o.put("size", a.bytes().length);
    return o;
  }

  // ------------------------------------------------------------------ path parts

  private String resource(Request req) {
    String api = req.pathParam("api");
    String version = req.pathParam("version");
    if (!api.equalsIgnoreCase("cablecastapi") || !version.equalsIgnoreCase("v1")) {
      throw Errors.noResource(fake.publicBase() + req.target());
    }
    return req.pathParam("resource").toLowerCase(Locale.ROOT);
  }

  private Kind kind(Request req, String resource) {
    Kind kind = Schema.byPath(resource);
    if (kind == null) {
      throw Errors.noResource(fake.publicBase() + req.target());
    }
    return kind;
  }

  private static long id(Request req) {
    Long id = Queries.parseLong(req.pathParam("id"));
    if (id == null || id > Integer.MAX_VALUE) {
      // ASP.NET's route constraint {id:int} does not match: no action for this URI.
      throw Errors.noResource(req.target());
    }
    return id;
  }
}
