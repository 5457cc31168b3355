package dev.backlot.examples.ttv;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Wan2.1 served by its Gradio demo, through Gradio's documented call API with plain HTTP: {@code
 * POST /gradio_api/call/t2v_generation} answers an {@code event_id}; {@code GET
 * /gradio_api/call/t2v_generation/{event_id}} streams named events until {@code complete} (the
 * outputs) or {@code error}; the video is then read from {@code /gradio_api/file=}. A render
 * cannot be stopped half way through this API: a cancel is honoured once it ends, before upload.
 *
 * <pre>{@code
 * Generator wan = new WanGenerator(URI.create("http://gpu-box:7860"));
 * }</pre>
 */
public final class WanGenerator implements Generator {

  private final URI base;
  private final Http http = new Http("wan");

  public WanGenerator(URI base) {
    this.base = base;
  }

  @Override
  public String name() {
    return "wan";
  }

  @Override
  public byte[] render(Context ctx) throws RenderFailed, InterruptedException {
    // t2v_generation's inputs: prompt, size, frame_num, sd_steps, guide_scale, shift_scale, seed, n_prompt
    int frames = 1 + 4 * Math.max(1, ctx.request().durationSeconds()); // Wan's 4n+1 frames
    List<Object> data = List.of(ctx.request().prompt(), "416*240", frames, 4, 5.0, 5.0, -1, "");
    String event = http.send(http.request(base.resolve("/gradio_api/call/t2v_generation"))
        .header("Content-Type", "application/json").POST(Http.json(Map.of("data", data))).build())
        .path("event_id").asText();
    ctx.log().accept("wan event " + event + " queued");
    ctx.progress().report(0.0, event);
    JsonNode outputs = follow(event);
    JsonNode video = outputs.path(0).path("video");
    String url = video.hasNonNull("url") ? video.path("url").asText()
        : base.resolve("/gradio_api/file=" + video.path("path").asText()).toString();
    ctx.log().accept("wan event " + event + " complete");
    ctx.progress().report(1.0, event);
    return http.download(URI.create(url));
  }

  /** Reads the event stream to its {@code complete} or {@code error} event. */
  private JsonNode follow(String event) throws RenderFailed, InterruptedException {
    URI uri = base.resolve("/gradio_api/call/t2v_generation/" + event);
    HttpResponse<Stream<String>> r;
    try {
      r = http.client().send(http.request(uri).timeout(java.time.Duration.ofMinutes(10)).GET().build(),
          HttpResponse.BodyHandlers.ofLines());
    } catch (IOException e) {
      throw new RenderFailed("wan: event stream failed: " + e, e);
    }
    if (r.statusCode() != 200) {
      throw new RenderFailed("wan: event stream answered HTTP " + r.statusCode());
    }
    try (Stream<String> lines = r.body()) {
      String name = null;
      for (Iterator<String> it = lines.iterator(); it.hasNext(); ) {
        String line = it.next();
        if (line.startsWith("event:")) {
          name = line.substring(6).strip();
        } else if (line.startsWith("data:") && name != null) {
          String payload = line.substring(5).strip();
          if (name.equals("complete")) {
            return Http.JSON.readTree(payload);
          }
          if (name.equals("error")) {
            throw new RenderFailed("wan: " + (payload.equals("null") ? "the app raised an error" : payload));
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new RenderFailed("wan: event stream broke: " + e, e);
    }
    throw new RenderFailed("wan: the event stream ended without a result");
  }
}
