package dev.backlot.examples.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The archive's Cablecast client, plain {@code java.net.http}: reads shows and their VODs
 * (anonymous), writes shows with HTTP Basic auth. A 5xx, a reset connection or a request that
 * takes longer than {@link ArchiveConfig#httpTimeout()} is tried again, up to {@link
 * ArchiveConfig#httpAttempts()}; any other 4xx is final (a 401 is never retried: the password
 * will not get better).
 *
 * <pre>{@code
 * CablecastClient cc = new CablecastClient(config);
 * JsonNode show = cc.show(7).path("show");
 * cc.updateShow(7, Json.object().put("comments", "transcribed"));
 * }</pre>
 */
public final class CablecastClient {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String API = "/cablecastapi/v1";

  private final ArchiveConfig config;
  private final HttpClient http;
  private final AtomicLong requests = new AtomicLong();

  public CablecastClient(ArchiveConfig config) {
    this.config = config;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** {@code GET /shows/{id}?include=vod}: the show and its VODs sideloaded under {@code vods}. */
  public JsonNode show(long id) throws ArchiveException, InterruptedException {
    return send(get(API + "/shows/" + id + "?include=vod"));
  }

  /** The VODs of a show document (from {@link #show}) that can be watched, in id order. */
  public static List<JsonNode> watchableVods(JsonNode showDoc) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode v : showDoc.path("vods")) {
      if (v.path("isWatchable").asBoolean(false) && v.hasNonNull("url")) {
        out.add(v);
      }
    }
    return out;
  }

  /** How many shows the station has ({@code meta.count} of a one-record page). */
  public int countShows() throws ArchiveException, InterruptedException {
    return send(get(API + "/shows?page_size=1")).path("meta").path("count").asInt(-1);
  }

  /** {@code POST /shows}: creates a show, returns its id. */
  public long createShow(String title) throws ArchiveException, InterruptedException {
    ObjectNode body = JSON.createObjectNode();
    body.putObject("show").put("title", title);
    return send(write("POST", API + "/shows", body)).path("show").path("id").asLong();
  }

  /** {@code PUT /shows/{id}}: changes only the fields given; returns the show as stored. */
  public JsonNode updateShow(long id, ObjectNode fields) throws ArchiveException, InterruptedException {
    ObjectNode body = JSON.createObjectNode();
    body.set("show", fields);
    return send(write("PUT", API + "/shows/" + id, body)).path("show");
  }

  /** Requests sent so far, retries included. */
  public long requestsSent() {
    return requests.get();
  }

  // ------------------------------------------------------------------ plumbing

  private HttpRequest get(String path) {
    return HttpRequest.newBuilder(uri(path)).timeout(config.httpTimeout())
        .header("Accept", "application/json").GET().build();
  }

  private HttpRequest write(String method, String path, ObjectNode body) {
    String basic = Base64.getEncoder().encodeToString(
        (config.username() + ":" + config.password()).getBytes(StandardCharsets.UTF_8));
    return HttpRequest.newBuilder(uri(path)).timeout(config.httpTimeout())
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .header("Authorization", "Basic " + basic)
        .method(method, HttpRequest.BodyPublishers.ofString(body.toString()))
        .build();
  }

  private URI uri(String path) {
    String base = config.cablecast().toString().replaceAll("/+$", "");
    return URI.create(base + path);
  }

  private JsonNode send(HttpRequest req) throws ArchiveException, InterruptedException {
    String last = "no attempt";
    for (int attempt = 1; attempt <= config.httpAttempts(); attempt++) {
      requests.incrementAndGet();
      HttpResponse<String> res;
      try {
        res = http.send(req, HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) { // reset, closed, HttpTimeoutException
        last = e.getClass().getSimpleName() + ": " + e.getMessage();
        backoff(attempt);
        continue;
      }
      int s = res.statusCode();
      if (s < 300) {
        try {
          return JSON.readTree(res.body());
        } catch (IOException e) {
          throw new ArchiveException("cablecast", s, "malformed JSON from " + req.uri(), e);
        }
      }
      last = "HTTP " + s + " " + message(res.body());
      if (s < 500) {
        throw new ArchiveException("cablecast", s, req.method() + " " + req.uri().getPath() + ": " + last, null);
      }
      backoff(attempt);
    }
    throw new ArchiveException("cablecast", statusOf(last), req.method() + " " + req.uri().getPath()
        + " failed " + config.httpAttempts() + " times; last: " + last, null);
  }

  private void backoff(int attempt) throws InterruptedException {
    if (attempt < config.httpAttempts()) {
      Thread.sleep(20L * attempt);
    }
  }

  private static int statusOf(String last) {
    return last.startsWith("HTTP ") ? Integer.parseInt(last.substring(5, 8)) : 0;
  }

  /** ASP.NET Web API's {@code {"message": ...}}, or the raw body. */
  private static String message(String body) {
    try {
      JsonNode n = JSON.readTree(body);
      if (n != null && n.hasNonNull("message")) {
        return n.get("message").asText();
      }
    } catch (IOException notJson) {
      // fall through
    }
    return body.length() > 200 ? body.substring(0, 200) : body;
  }
}
