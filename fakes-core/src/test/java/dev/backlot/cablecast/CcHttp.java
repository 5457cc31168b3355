package dev.backlot.cablecast;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.wire.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** A plain java.net.http client for the Cablecast fake's tests. */
final class CcHttp {

  static final String API = "/cablecastapi/v1";

  /** One answer: status, headers and the body (parsed as JSON when it is). */
  record Answer(int status, HttpResponse<byte[]> raw) {
    JsonNode json() {
      return Json.parse(raw.body());
    }

    String text() {
      return new String(raw.body(), StandardCharsets.UTF_8);
    }

    String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }
  }

  private final CablecastFake fake;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

  CcHttp(CablecastFake fake) {
    this.fake = fake;
  }

  static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /** GET {@code /cablecastapi/v1 + path}, anonymously; asserts nothing. */
  Answer get(String path) throws Exception {
    return send("GET", API + path, null, null, null);
  }

  /** GET that must answer 200; returns the JSON. */
  JsonNode ok(String path) throws Exception {
    Answer a = get(path);
    if (a.status() != 200) {
      throw new AssertionError("GET " + path + " answered " + a.status() + ": " + a.text());
    }
    return a.json();
  }

  /** A write with the fake's credentials and a JSON body. */
  Answer write(String method, String path, Object body) throws Exception {
    return send(method, API + path, body == null ? null : Json.write(body), fake.authorization(),
        "application/json");
  }

  Answer send(String method, String fullPath, String body, String authorization, String contentType)
      throws Exception {
    return sendBytes(method, fullPath, body == null ? null : body.getBytes(StandardCharsets.UTF_8),
        authorization, contentType);
  }

  Answer sendBytes(String method, String fullPath, byte[] body, String authorization, String contentType)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(fake.baseUri() + fullPath))
        .timeout(Duration.ofSeconds(60))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    return new Answer(r.statusCode(), r);
  }

  /** Everything the fake stores, as the Java API reports it: to prove a refused request changed nothing. */
  static Map<String, Object> snapshot(CablecastFake fake) {
    Map<String, Object> all = new LinkedHashMap<>();
    for (Schema.Kind k : Schema.ALL) {
      all.put(k.type(), fake.records(k.type()));
    }
    Map<Long, String> uploads = new LinkedHashMap<>();
    for (long id : fake.uploads().ids()) {
      uploads.put(id, Json.write(fake.uploads().render(id)));
    }
    all.put("fileUploads", uploads);
    all.put("jobs", fake.jobs().submittedCount());
    return all;
  }

  /** {@code {"<root>": fields}}. */
  static ObjectNode rooted(String root, ObjectNode fields) {
    ObjectNode o = Json.object();
    o.set(root, fields);
    return o;
  }
}
