package dev.backlot.examples.ttv;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * MiniMax's video API with java.net.http: {@code POST /v1/video_generation} (model {@code
 * T2V-01}), {@code GET /v1/query/video_generation} until Success or Fail, {@code GET
 * /v1/files/retrieve}, then the {@code download_url}. MiniMax answers errors as HTTP 200 with a
 * non-zero {@code base_resp.status_code}, so every answer is checked for it. MiniMax has no cancel:
 * a cancelled job stops polling and leaves the task to finish on its own.
 *
 * <pre>{@code
 * Generator minimax = new MiniMaxGenerator(URI.create("https://api.minimax.io"), key, Duration.ofSeconds(20));
 * }</pre>
 */
public final class MiniMaxGenerator implements Generator {

  private final URI base;
  private final String apiKey;
  private final Duration poll;
  private final Http http = new Http("minimax");

  public MiniMaxGenerator(URI base, String apiKey, Duration poll) {
    this.base = base;
    this.apiKey = apiKey;
    this.poll = poll;
  }

  @Override
  public String name() {
    return "minimax";
  }

  private JsonNode call(HttpRequest.Builder b) throws RenderFailed, InterruptedException {
    JsonNode r = http.send(b.header("Authorization", "Bearer " + apiKey)
        .header("Content-Type", "application/json").build());
    int code = r.path("base_resp").path("status_code").asInt(0);
    if (code != 0) {
      throw new RenderFailed("minimax: " + r.path("base_resp").path("status_msg").asText() + " (" + code + ")");
    }
    return r;
  }

  private static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Override
  public byte[] render(Context ctx) throws RenderFailed, Cancelled, InterruptedException {
    Map<String, Object> body = Map.of("model", "T2V-01", "prompt", ctx.request().prompt());
    String task = call(http.request(base.resolve("/v1/video_generation")).POST(Http.json(body)))
        .path("task_id").asText();
    ctx.log().accept("minimax task " + task + " created");
    String last = "";
    while (true) {
      if (ctx.cancelled().getAsBoolean()) {
        throw new Cancelled("cancelled while minimax task " + task + " was " + last + " (MiniMax has no cancel)");
      }
      JsonNode t = call(http.request(base.resolve("/v1/query/video_generation?task_id=" + q(task))).GET());
      String status = t.path("status").asText();
      if (!status.equals(last)) {
        ctx.log().accept("minimax task " + task + " " + status);
        last = status;
      }
      if (status.equals("Success")) {
        ctx.progress().report(1.0, task);
        JsonNode file = call(http.request(base.resolve("/v1/files/retrieve?file_id=" + q(t.path("file_id").asText()))).GET());
        return http.download(URI.create(file.path("file").path("download_url").asText()));
      }
      if (status.equals("Fail")) {
        throw new RenderFailed("minimax: task " + task + " failed");
      }
      ctx.progress().report(status.equals("Processing") ? 0.5 : 0.0, task);
      Thread.sleep(poll.toMillis());
    }
  }
}
