package dev.backlot.examples.ttv;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A test's HTTP client for the job API (what the seed's {@code client.post("/v1/jobs")} is). */
final class Api {

  static final ObjectMapper JSON = new ObjectMapper();
  static final Set<String> ENDED = Set.of("finished", "failed", "canceled");

  private final URI base;
  private final HttpClient http;

  Api(URI base) {
    this(base, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());
  }

  Api(URI base, HttpClient http) {
    this.base = base;
    this.http = http;
  }

  record Reply(int status, JsonNode json, HttpResponse<String> raw) {}

  Reply send(String method, String path, Object body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
    if (body != null) {
      b.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body instanceof String raw ? raw : JobQueue.write(body)));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.body().isEmpty() ? null : JSON.readTree(r.body()), r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** POST /v1/jobs; the new job's id. */
  String submit(String prompt, String generator) {
    Reply r = send("POST", "/v1/jobs", Map.of("prompt", prompt, "generator", generator, "duration_seconds", 2));
    if (r.status() != 202) {
      throw new AssertionError("submit answered " + r.status() + " " + r.json());
    }
    return r.json().path("id").asText();
  }

  JsonNode status(String id) {
    return send("GET", "/v1/jobs/" + id, null).json();
  }

  Reply cancel(String id) {
    return send("POST", "/v1/jobs/" + id + "/cancel", null);
  }

  Reply artifact(String id) {
    return send("GET", "/v1/jobs/" + id + "/artifact", null);
  }

  /** The log lines without their timestamps. */
  List<String> logs(String id) {
    List<String> out = new ArrayList<>();
    for (JsonNode l : send("GET", "/v1/jobs/" + id + "/logs", null).json().path("lines")) {
      out.add(l.asText().substring(l.asText().indexOf(' ') + 1));
    }
    return out;
  }

  /** Polls GET /v1/jobs/{id} until the job has ended; its last status document. */
  JsonNode awaitEnd(String id) {
    JsonNode[] last = new JsonNode[1];
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> {
      last[0] = status(id);
      return ENDED.contains(last[0].path("status").asText());
    });
    return last[0];
  }

  /** Polls until the job has the status. */
  void awaitStatus(String id, String status) {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
        .until(() -> status.equals(status(id).path("status").asText()));
  }

  /** GET of an absolute URL (a signed one), as a browser would: no credentials. */
  HttpResponse<byte[]> fetch(String url) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
