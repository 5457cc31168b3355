package dev.backlot.examples.ttv;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;

/**
 * Runway's developer API with java.net.http: {@code POST /v1/text_to_video} (model {@code
 * gen4.5}, 1280:720), then {@code GET /v1/tasks/{id}} until SUCCEEDED, FAILED or CANCELLED, then
 * the first {@code output} link; a cancelled job sends {@code DELETE /v1/tasks/{id}}.
 *
 * <pre>{@code
 * Generator runway = new RunwayGenerator(URI.create("https://api.dev.runwayml.com"), key, Duration.ofSeconds(6));
 * }</pre>
 */
public final class RunwayGenerator implements Generator {

  private final URI base;
  private final String apiKey;
  private final Duration poll;
  private final Http http = new Http("runway");

  public RunwayGenerator(URI base, String apiKey, Duration poll) {
    this.base = base;
    this.apiKey = apiKey;
    this.poll = poll;
  }

  @Override
  public String name() {
    return "runway";
  }

  private HttpRequest.Builder call(String path) {
    return http.request(base.resolve(path))
        .header("Authorization", "Bearer " + apiKey)
        .header("X-Runway-Version", "2024-11-06")
        .header("Content-Type", "application/json");
  }

  @Override
  public byte[] render(Context ctx) throws RenderFailed, Cancelled, InterruptedException {
    Map<String, Object> body = Map.of("model", "gen4.5", "promptText", ctx.request().prompt(),
        "ratio", "1280:720", "duration", Math.max(2, Math.min(10, ctx.request().durationSeconds())));
    String task = http.send(call("/v1/text_to_video").POST(Http.json(body)).build()).path("id").asText();
    ctx.log().accept("runway task " + task + " created");
    String last = "";
    while (true) {
      if (ctx.cancelled().getAsBoolean()) {
        int s = http.sendQuietly(call("/v1/tasks/" + task).DELETE().build());
        ctx.log().accept("runway task " + task + " deleted (HTTP " + s + ")");
        throw new Cancelled("cancelled while runway task " + task + " was " + last);
      }
      JsonNode t = http.send(call("/v1/tasks/" + task).GET().build());
      String status = t.path("status").asText();
      if (!status.equals(last)) {
        ctx.log().accept("runway task " + task + " " + status);
        last = status;
      }
      switch (status) {
        case "SUCCEEDED" -> {
          ctx.progress().report(1.0, task);
          return http.download(URI.create(t.path("output").path(0).asText()));
        }
        case "FAILED" -> throw new RenderFailed("runway: " + t.path("failure").asText()
            + (t.hasNonNull("failureCode") ? " (" + t.path("failureCode").asText() + ")" : ""));
        case "CANCELLED" -> throw new RenderFailed("runway: task " + task + " was cancelled by Runway");
        default -> ctx.progress().report(t.path("progress").asDouble(0), task);
      }
      Thread.sleep(poll.toMillis());
    }
  }
}
