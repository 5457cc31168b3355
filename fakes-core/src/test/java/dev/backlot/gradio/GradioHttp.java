package dev.backlot.gradio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.wire.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Plain java.net.http calls, as Gradio's curl docs make them, and the Python client's SSE parser. */
final class GradioHttp {

  final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  final String base;

  GradioHttp(URI base) {
    this.base = base.toString();
  }

  HttpResponse<String> get(String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<byte[]> getBytes(String path, String range) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
    if (range != null) {
      b.header("Range", range);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  HttpResponse<String> post(String path, String json) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  JsonNode json(HttpResponse<String> r) {
    return Json.parse(r.body());
  }

  /** Joins the queue with {@code data} for {@code fn_index}; returns the event id. */
  String join(String session, int fnIndex, JsonNode data) throws Exception {
    ObjectNode body = Json.object();
    body.set("data", data);
    body.putNull("event_data");
    body.put("fn_index", fnIndex);
    body.putNull("trigger_id");
    body.put("session_hash", session);
    HttpResponse<String> r = post("/gradio_api/queue/join", Json.write(body));
    if (r.statusCode() != 200) {
      throw new AssertionError("join: " + r.statusCode() + " " + r.body());
    }
    return json(r).get("event_id").asText();
  }

  /**
   * gradio_client's reading of {@code queue/data}: the body split on blank lines, every block
   * must start with {@code data:} (the Python client raises otherwise), JSON after it.
   */
  static List<JsonNode> pythonMessages(String body) {
    List<JsonNode> out = new ArrayList<>();
    for (String block : body.split("\n\n")) {
      if (block.isEmpty()) {
        continue;
      }
      if (!block.startsWith("data:")) {
        throw new AssertionError("block does not start with 'data:' (gradio_client raises): " + block);
      }
      out.add(Json.parse(block.substring(5).strip()));
    }
    return out;
  }

  /** Named events of the call API: {@code [event, data]} pairs. */
  static List<String[]> namedEvents(String body) {
    List<String[]> out = new ArrayList<>();
    for (String block : body.split("\n\n")) {
      if (block.isBlank()) {
        continue;
      }
      String event = null;
      StringBuilder data = new StringBuilder();
      for (String line : block.split("\n")) {
        if (line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data.append(line.substring(6));
        } else {
          throw new AssertionError("unexpected line " + line);
        }
      }
      out.add(new String[] {event, data.toString()});
    }
    return out;
  }
}
