package dev.backlot.examples.director;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

/**
 * The add-on's video generator: Wan2GP's Gradio app, spoken as Gradio's own clients do.
 * {@link #connect()} reads {@code /config} (protocol {@code sse_v3}, the API prefix, the
 * {@code fn_index} of {@code generate_video}); {@link #generateVideo} joins the queue ({@code
 * POST queue/join}), follows {@code GET queue/data?session_hash=...} (Server-Sent Events) until
 * {@code process_completed}, then downloads the video the Gallery output points at.
 *
 * <pre>{@code
 * var wan = new Wan2GpClient(http, URI.create("http://127.0.0.1:7860"), Duration.ofSeconds(120));
 * wan.connect();
 * Wan2GpClient.Video v = wan.generateVideo("a red fox running", "416x240", 5, 2, 7);
 * }</pre>
 */
public final class Wan2GpClient implements BackendConnection {

  /** A generated clip: the queue's event id, the file name Gradio gave it, the MP4 bytes. */
  public record Video(String eventId, String fileName, byte[] mp4, int progressUpdates) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ENDPOINT = "generate_video";

  private final HttpClient http;
  private final URI base;
  private final Duration timeout;
  private final String sessionHash = UUID.randomUUID().toString().replace("-", "").substring(0, 11);
  private volatile String apiPrefix;
  private volatile int fnIndex = -1;
  private volatile boolean closed;
  private int progress; // progress messages of the last call (a pooled connection serves one caller at a time)

  public Wan2GpClient(HttpClient http, URI base, Duration timeout) {
    this.http = http;
    this.base = base;
    this.timeout = timeout;
  }

  @Override
  public String service() {
    return "wan2gp";
  }

  /** Reads the app's config; fails unless it is a Gradio app with {@code generate_video}. */
  public Wan2GpClient connect() throws BackendException, InterruptedException {
    JsonNode config = json(get("/config"));
    if (!"sse_v3".equals(config.path("protocol").asText())) {
      throw new BackendException(service(), "unsupported", "protocol " + config.path("protocol"), null);
    }
    apiPrefix = config.path("api_prefix").asText("");
    JsonNode deps = config.path("dependencies");
    for (int i = 0; i < deps.size(); i++) {
      if (ENDPOINT.equals(deps.get(i).path("api_name").asText())) {
        fnIndex = deps.get(i).path("id").asInt(i);
      }
    }
    if (fnIndex < 0) {
      throw new BackendException(service(), "unsupported", "no /" + ENDPOINT + " endpoint", null);
    }
    return this;
  }

  /** Gradio's {@code /config}; throws unless it answers 200. */
  public void checkHealth() throws BackendException, InterruptedException {
    get("/config");
  }

  /** Text to video: queues the call, follows the queue until it completes, downloads the clip. */
  public Video generateVideo(String prompt, String resolution, int frames, int steps, long seed)
      throws BackendException, InterruptedException {
    if (fnIndex < 0) {
      connect();
    }
    ArrayNode data = JSON.createArrayNode();
    data.addNull(); // the session State
    data.add(prompt).add("").add(resolution).add(frames).add(steps).add(seed).add(5.0);
    ObjectNode join = JSON.createObjectNode();
    join.set("data", data);
    join.putNull("event_data");
    join.put("fn_index", fnIndex);
    join.putNull("trigger_id");
    join.put("session_hash", sessionHash);
    HttpRequest req = HttpRequest.newBuilder(base.resolve(apiPrefix + "/queue/join"))
        .timeout(timeout).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(join.toString())).build();
    String eventId = json(send(req, HttpResponse.BodyHandlers.ofString()).body()).path("event_id").asText();

    JsonNode completed = follow(eventId);
    if (!completed.path("success").asBoolean()) {
      throw new BackendException(service(), "failed", completed.at("/output/error").asText("generation failed"), null);
    }
    JsonNode file = completed.at("/output/data/0/0/video");
    if (file.isMissingNode()) {
      throw new BackendException(service(), "no video", completed.toString(), null);
    }
    String url = file.path("url").asText(null);
    URI where = url != null ? URI.create(url) : base.resolve(apiPrefix + "/file=" + file.path("path").asText());
    byte[] mp4 = send(HttpRequest.newBuilder(where).timeout(timeout).build(), HttpResponse.BodyHandlers.ofByteArray()).body();
    return new Video(eventId, file.path("orig_name").asText(file.path("path").asText()), mp4, progress);
  }

  /** Reads the session's event stream until our event's {@code process_completed}. */
  private JsonNode follow(String eventId) throws BackendException, InterruptedException {
    HttpRequest req = HttpRequest.newBuilder(base.resolve(apiPrefix + "/queue/data?session_hash=" + sessionHash))
        .timeout(timeout).header("Accept", "text/event-stream").build();
    HttpResponse<InputStream> res = send(req, HttpResponse.BodyHandlers.ofInputStream());
    progress = 0;
    try (BufferedReader in = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (!line.startsWith("data:")) {
          continue;
        }
        JsonNode msg = json(line.substring(5).trim());
        String type = msg.path("msg").asText();
        if (!eventId.equals(msg.path("event_id").asText())) {
          continue;
        }
        if (type.equals("progress")) {
          progress++;
        } else if (type.equals("process_completed")) {
          return msg;
        }
      }
    } catch (IOException e) {
      throw new BackendException(service(), BackendException.reasonOf(e), "queue/data: " + e, e);
    }
    throw new BackendException(service(), "stream ended", "no process_completed for " + eventId, null);
  }

  private String get(String path) throws BackendException, InterruptedException {
    return send(HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private <T> HttpResponse<T> send(HttpRequest req, HttpResponse.BodyHandler<T> handler)
      throws BackendException, InterruptedException {
    try {
      HttpResponse<T> r = http.send(req, handler);
      if (r.statusCode() >= 300) {
        throw new BackendException(service(), "http " + r.statusCode(), req.uri().getPath(), null);
      }
      return r;
    } catch (IOException e) {
      throw new BackendException(service(), BackendException.reasonOf(e), e.toString(), e);
    }
  }

  private JsonNode json(String body) throws BackendException {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new BackendException(service(), "bad answer", body, e);
    }
  }

  @Override
  public boolean isUsable() {
    return !closed;
  }

  @Override
  public void close() {
    closed = true;
  }
}
