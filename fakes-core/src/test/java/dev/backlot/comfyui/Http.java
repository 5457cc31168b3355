package dev.backlot.comfyui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.wire.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/** java.net.http against a fake, the way ComfyUI's example scripts use urllib. */
final class Http {

  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private final URI base;

  Http(URI base) {
    this.base = base;
  }

  HttpResponse<byte[]> get(String pathAndQuery) {
    return send(HttpRequest.newBuilder(base.resolve(pathAndQuery)).GET());
  }

  JsonNode getJson(String pathAndQuery) {
    HttpResponse<byte[]> r = get(pathAndQuery);
    if (r.statusCode() != 200) {
      throw new AssertionError("GET " + pathAndQuery + " -> " + r.statusCode() + " "
          + new String(r.body(), StandardCharsets.UTF_8));
    }
    return Json.parse(r.body());
  }

  /** POSTs JSON bytes with urllib's default Content-Type, as the example scripts do. */
  HttpResponse<byte[]> post(String path, String body) {
    return send(HttpRequest.newBuilder(base.resolve(path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  HttpResponse<byte[]> post(String path, JsonNode body) {
    return post(path, Json.write(body));
  }

  HttpResponse<byte[]> post(String path, String contentType, byte[] body) {
    return send(HttpRequest.newBuilder(base.resolve(path))
        .header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  /** {@code {"prompt": prompt, "client_id": clientId, "prompt_id": promptId}} (nulls omitted). */
  HttpResponse<byte[]> queue(JsonNode prompt, String clientId, String promptId) {
    ObjectNode body = Json.object();
    body.set("prompt", prompt);
    if (clientId != null) {
      body.put("client_id", clientId);
    }
    if (promptId != null) {
      body.put("prompt_id", promptId);
    }
    return post("/prompt", body);
  }

  /** Queues and checks the 200; returns the response JSON. */
  JsonNode queueOk(JsonNode prompt, String clientId, String promptId) {
    HttpResponse<byte[]> r = queue(prompt, clientId, promptId);
    if (r.statusCode() != 200) {
      throw new AssertionError("POST /prompt -> " + r.statusCode() + " "
          + new String(r.body(), StandardCharsets.UTF_8));
    }
    return Json.parse(r.body());
  }

  static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  static JsonNode json(HttpResponse<byte[]> r) {
    return Json.parse(r.body());
  }

  /** {@code urllib.parse.urlencode}. */
  static String query(Map<String, String> params) {
    StringJoiner j = new StringJoiner("&");
    params.forEach((k, v) -> j.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "="
        + URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return j.toString();
  }

  static Map<String, String> params(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  private static HttpResponse<byte[]> send(HttpRequest.Builder b) {
    try {
      return CLIENT.send(b.timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
