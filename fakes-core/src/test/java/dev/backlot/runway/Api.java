package dev.backlot.runway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.wire.Json;
import dev.backlot.media.Media;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** A plain java.net.http client for the Runway fake's tests, sending the SDK's headers. */
final class Api {

  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /** A small PNG as a data URI, as a client would send a promptImage. */
  static final String PNG_DATA_URI =
      "data:image/png;base64," + Base64.getEncoder().encodeToString(Media.png(64, 48, 7));

  private final URI base;
  private final Map<String, String> headers = new LinkedHashMap<>();

  Api(URI base) {
    this.base = base;
    headers.put("Authorization", "Bearer key_test");
    headers.put("X-Runway-Version", RunwayFake.API_VERSION);
  }

  /** Sets (value) or removes (null) a header sent with every request. */
  Api header(String name, String value) {
    if (value == null) {
      headers.remove(name);
    } else {
      headers.put(name, value);
    }
    return this;
  }

  record Reply(int status, JsonNode json, byte[] bytes, HttpResponse<byte[]> raw) {}

  Reply post(String path, Object body) {
    return send(HttpRequest.newBuilder(base.resolve(path))
        .POST(HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : Json.write(body)))
        .header("Content-Type", "application/json"));
  }

  Reply get(String path) {
    return send(HttpRequest.newBuilder(base.resolve(path)).GET());
  }

  Reply delete(String path) {
    return send(HttpRequest.newBuilder(base.resolve(path)).DELETE());
  }

  private Reply send(HttpRequest.Builder b) {
    headers.forEach(b::header);
    return call(b.timeout(Duration.ofSeconds(30)).build());
  }

  /** A GET with no headers at all (how an output link is fetched). */
  static Reply fetch(String url) {
    return call(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).GET().build());
  }

  /** A HEAD with no headers. */
  static Reply head(String url) {
    return call(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
  }

  private static Reply call(HttpRequest req) {
    try {
      HttpResponse<byte[]> r = HTTP.send(req, HttpResponse.BodyHandlers.ofByteArray());
      String type = r.headers().firstValue("Content-Type").orElse("");
      JsonNode json = type.contains("json") && r.body().length > 0 ? Json.parse(r.body()) : null;
      return new Reply(r.statusCode(), json, r.body(), r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** An image-to-video body. */
  static Map<String, Object> i2v(String model, String ratio, Object duration) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", model);
    m.put("promptImage", PNG_DATA_URI);
    m.put("promptText", "a lighthouse at dusk");
    m.put("ratio", ratio);
    if (duration != null) {
      m.put("duration", duration);
    }
    return m;
  }
}
