package dev.backlot.gcs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.wire.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Hand-written HTTP for the protocol details a client library hides. */
final class RawHttp {

  private final HttpClient client = HttpClient.newHttpClient();
  private final String base;

  RawHttp(GcsFake fake) {
    this.base = fake.baseUri().toString();
  }

  HttpResponse<byte[]> send(String method, String target, byte[] body, String... headers) throws Exception {
    String url = target.startsWith("http") ? target : base + target;
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
    if (headers.length > 0) {
      b.headers(headers);
    }
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
  }

  static JsonNode json(HttpResponse<byte[]> r) {
    return Json.parse(r.body());
  }
}
