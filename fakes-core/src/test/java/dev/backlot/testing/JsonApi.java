package dev.backlot.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.media.Media;
import dev.backlot.wire.Json;
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

/**
 * A plain java.net.http client for a JSON API fake's tests (the video APIs: Runway, MiniMax),
 * sending the same headers with every request; each fake's tests subclass it with their own
 * headers and request bodies.
 *
 * <pre>{@code
 * JsonApi api = new JsonApi(fake.baseUri(), Map.of("Authorization", "Bearer k"));
 * JsonApi.Reply r = api.post("/v1/tasks", Map.of("model", "m"));
 * }</pre>
 */
public class JsonApi {

  public static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /** A small PNG as a data URI, as a client would send a first frame or prompt image. */
  public static final String PNG_DATA_URI =
      "data:image/png;base64," + Base64.getEncoder().encodeToString(Media.png(64, 48, 7));

  private final URI base;
  private final Map<String, String> headers = new LinkedHashMap<>();

  public JsonApi(URI base, Map<String, String> headers) {
    this.base = base;
    this.headers.putAll(headers);
  }

  /** Sets (value) or removes (null) a header sent with every request. */
  public JsonApi header(String name, String value) {
    if (value == null) {
      headers.remove(name);
    } else {
      headers.put(name, value);
    }
    return this;
  }

  /** A response: its JSON when the type says JSON and the body is not empty, else null. */
  public record Reply(int status, JsonNode json, byte[] bytes, HttpResponse<byte[]> raw) {}

  /** POSTs {@code body}: a String as it is, anything else as JSON. */
  public Reply post(String path, Object body) {
    return send(HttpRequest.newBuilder(base.resolve(path))
        .POST(HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : Json.write(body)))
        .header("Content-Type", "application/json"));
  }

  public Reply get(String path) {
    return send(HttpRequest.newBuilder(base.resolve(path)).GET());
  }

  public Reply delete(String path) {
    return send(HttpRequest.newBuilder(base.resolve(path)).DELETE());
  }

  private Reply send(HttpRequest.Builder b) {
    headers.forEach(b::header);
    return call(b.timeout(Duration.ofSeconds(30)).build());
  }

  /** A GET with no headers at all (how an output link is fetched). */
  public static Reply fetch(String url) {
    return call(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).GET().build());
  }

  /** A HEAD with no headers. */
  public static Reply head(String url) {
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
}
