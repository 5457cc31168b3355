package dev.backlot.examples.ttv;

import com.google.genai.Client;
import com.google.genai.types.GenerateVideosConfig;
import com.google.genai.types.GenerateVideosOperation;
import com.google.genai.types.GenerateVideosResponse;
import com.google.genai.types.GenerateVideosSource;
import com.google.genai.types.GeneratedVideo;
import com.google.genai.types.HttpOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Google Veo through the official Gen AI SDK (com.google.genai), Gemini Developer API:
 * {@code models.generateVideos}, {@code operations.getVideosOperation} until done, then {@code
 * files.download}. The Gemini API offers no cancel for video operations: a cancelled job stops
 * polling.
 *
 * <pre>{@code
 * Generator veo = new VeoGenerator(URI.create("https://generativelanguage.googleapis.com"), key, Duration.ofSeconds(10));
 * }</pre>
 */
public final class VeoGenerator implements Generator {

  static final String MODEL = "veo-3.0-generate-001";

  private final Client client;
  private final Duration poll;

  /** @param base the API's base URL ({@code https://generativelanguage.googleapis.com} in production) */
  public VeoGenerator(URI base, String apiKey, Duration poll) {
    this.client = Client.builder().apiKey(apiKey)
        .httpOptions(HttpOptions.builder().baseUrl(base.toString()).build())
        .build();
    this.poll = poll;
  }

  @Override
  public String name() {
    return "veo";
  }

  @Override
  public byte[] render(Context ctx) throws RenderFailed, Cancelled, InterruptedException {
    GenerateVideosOperation op;
    try {
      int seconds = ctx.request().durationSeconds() <= 4 ? 4 : ctx.request().durationSeconds() <= 6 ? 6 : 8;
      op = client.models.generateVideos(MODEL,
          GenerateVideosSource.builder().prompt(ctx.request().prompt()).build(),
          GenerateVideosConfig.builder().aspectRatio("16:9").durationSeconds(seconds).build());
    } catch (RuntimeException e) { // the SDK's ApiException family
      throw new RenderFailed("veo: " + e.getMessage(), e);
    }
    String name = op.name().orElse("?");
    ctx.log().accept("veo operation " + name + " started");
    while (!op.done().orElse(false)) {
      if (ctx.cancelled().getAsBoolean()) {
        throw new Cancelled("cancelled while veo operation " + name + " ran (the Gemini API has no cancel)");
      }
      ctx.progress().report(0.0, name);
      Thread.sleep(poll.toMillis());
      try {
        op = client.operations.getVideosOperation(op, null);
      } catch (RuntimeException e) {
        throw new RenderFailed("veo: polling " + name + ": " + e.getMessage(), e);
      }
    }
    if (op.error().isPresent()) {
      Map<String, Object> error = op.error().get();
      throw new RenderFailed("veo: " + error.get("message") + " (" + error.get("code") + ")");
    }
    GenerateVideosResponse response = op.response().orElseThrow(() -> new IllegalStateException("done without response"));
    List<GeneratedVideo> videos = response.generatedVideos().orElse(List.of());
    if (videos.isEmpty()) {
      throw new RenderFailed("veo: every sample was filtered: " + response.raiMediaFilteredReasons().orElse(List.of()));
    }
    ctx.log().accept("veo operation " + name + " done");
    ctx.progress().report(1.0, name);
    try {
      Path file = Files.createTempFile("veo-" + ctx.jobId(), ".mp4");
      try {
        client.files.download(videos.get(0), file.toString(), null);
        return Files.readAllBytes(file);
      } finally {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      throw new RenderFailed("veo: download failed: " + e.getMessage(), e);
    }
  }
}
