package dev.backlot.examples.ttv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The JSON-over-HTTP plumbing the REST generators share: retries 429 and 5xx a few times. */
final class Http {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final int ATTEMPTS = 3;

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String backend;

  Http(String backend) {
    this.backend = backend;
  }

  HttpRequest.Builder request(URI uri) {
    return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
  }

  static HttpRequest.BodyPublisher json(Object body) {
    return HttpRequest.BodyPublishers.ofString(JobQueue.write(body));
  }

  /** Sends, retrying 429/5xx and I/O errors; answers the parsed JSON of a 2xx. */
  JsonNode send(HttpRequest req) throws Generator.RenderFailed, InterruptedException {
    HttpResponse<String> last = null;
    IOException error = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        last = client.send(req, HttpResponse.BodyHandlers.ofString());
        error = null;
      } catch (IOException e) {
        error = e;
        continue;
      }
      int s = last.statusCode();
      if (s < 300) {
        try {
          return last.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(last.body());
        } catch (IOException e) {
          throw new Generator.RenderFailed(backend + ": malformed JSON: " + last.body(), e);
        }
      }
      if (s != 429 && s < 500) {
        break;
      }
      Thread.sleep(50L * attempt); // backoff between attempts (real backends ask for seconds)
    }
    if (error != null) {
      throw new Generator.RenderFailed(backend + ": no answer: " + error, error);
    }
    throw new Generator.RenderFailed(backend + ": HTTP " + last.statusCode() + " " + last.body());
  }

  /** Downloads bytes from {@code uri} (a 2xx or a RenderFailed). */
  byte[] download(URI uri) throws Generator.RenderFailed, InterruptedException {
    try {
      HttpResponse<byte[]> r = client.send(request(uri).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() >= 300) {
        throw new Generator.RenderFailed(backend + ": download answered HTTP " + r.statusCode());
      }
      return r.body();
    } catch (IOException e) {
      throw new Generator.RenderFailed(backend + ": download failed: " + e, e);
    }
  }

  /** Fire-and-report: for cancels, whose failure must not hide the cancel itself. */
  int sendQuietly(HttpRequest req) throws InterruptedException {
    try {
      return client.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    }
  }

  HttpClient client() {
    return client;
  }
}
