package dev.backlot.engine;

import dev.backlot.wire.Hints;
import dev.backlot.wire.PathTemplate;
import dev.backlot.wire.Response;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Stubs described as data (launcher config files, the admin API):
 *
 * <pre>{@code
 * {"method": "GET", "path": "/users/{id}", "status": 200,
 *  "headers": {"X-Trace": "1"}, "json": {"id": 7}}      // or "body": "text", or "base64": "..."
 * {"method": "POST", "path": "/jobs", "responses": [{"status": 503}, {"status": 202}]}
 * }</pre>
 */
public final class StubConfig {

  private static final List<String> KEYS =
      List.of("method", "path", "status", "headers", "json", "body", "base64", "contentType",
          "responses", "query", "header");

  // the keys of an entry of "responses"
  private static final List<String> RESPONSE_KEYS =
      List.of("status", "headers", "json", "body", "base64", "contentType");

  private StubConfig() {}

  /** Throws IllegalArgumentException naming the first problem. */
  public static void validate(JsonNode stub) {
    if (!stub.isObject()) {
      throw new IllegalArgumentException("a stub must be an object, not " + stub);
    }
    stub.fieldNames().forEachRemaining(k -> {
      if (!KEYS.contains(k)) {
        throw new IllegalArgumentException(Hints.unknown("stub key", k, KEYS));
      }
    });
    if (!stub.path("path").isTextual() || !stub.path("path").asText().startsWith("/")) {
      throw new IllegalArgumentException("a stub needs a \"path\" starting with '/': " + stub);
    }
    PathTemplate.of(stub.get("path").asText());
    if (stub.has("responses")) {
      if (!stub.get("responses").isArray() || stub.get("responses").isEmpty()) {
        throw new IllegalArgumentException("\"responses\" must be a non-empty list: " + stub);
      }
      for (JsonNode r : stub.get("responses")) {
        Hints.requireKnown("stub response key", r.fieldNames(), null, RESPONSE_KEYS);
        response(r);
      }
    } else {
      response(stub);
    }
  }

  /** Adds the stub to {@code fake}. */
  public static Stub apply(FakeServer<?> fake, JsonNode stub) {
    validate(stub);
    Stub s = fake.stub(stub.path("method").asText("GET"), stub.get("path").asText());
    stub.path("query").properties().forEach(e -> s.query(e.getKey(), e.getValue().asText()));
    stub.path("header").properties().forEach(e -> s.header(e.getKey(), e.getValue().asText()));
    if (stub.has("responses")) {
      JsonNode rs = stub.get("responses");
      Response first = response(rs.get(0));
      Response[] rest = new Response[rs.size() - 1];
      for (int i = 1; i < rs.size(); i++) {
        rest[i - 1] = response(rs.get(i));
      }
      s.respond(first, rest);
    } else {
      s.respond(response(stub));
    }
    return s;
  }

  static Response response(JsonNode r) {
    int status = r.path("status").asInt(200);
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status must be 100-599: " + r.path("status"));
    }
    String type = r.path("contentType").asText(null);
    Response resp;
    if (r.has("json")) {
      resp = Response.json(status, r.get("json"));
    } else if (r.has("body")) {
      resp = Response.bytes(status, r.get("body").asText().getBytes(StandardCharsets.UTF_8),
          type == null ? "text/plain; charset=utf-8" : type);
      type = null;
    } else if (r.has("base64")) {
      try {
        resp = Response.bytes(status, Base64.getDecoder().decode(r.get("base64").asText()),
            type == null ? "application/octet-stream" : type);
        type = null;
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("\"base64\" is not valid base64");
      }
    } else {
      resp = Response.status(status);
    }
    if (type != null) {
      resp = resp.setHeader("Content-Type", type);
    }
    for (var h : r.path("headers").properties()) {
      resp = resp.addHeader(h.getKey(), h.getValue().asText());
    }
    return resp;
  }
}
