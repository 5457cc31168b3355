package dev.backlot.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The sample application: turns a one-line idea into a stored storyboard frame.
 *
 * <ol>
 *   <li>asks an OpenAI-compatible LLM (LiteLLM) to expand the idea into an image prompt, retrying
 *       429s and 5xx as its gateway asks;
 *   <li>queues a ComfyUI workflow, follows it on ComfyUI's WebSocket until the prompt finishes,
 *       reads the history and downloads the image from {@code /view};
 *   <li>uploads the PNG to a Google Cloud Storage bucket (JSON API, media upload), retrying 5xx.
 * </ol>
 *
 * It is deliberately plain client code (java.net.http and Jackson), the kind a team writes; the
 * tests in this module run it unchanged against Backlot's fakes.
 */
public final class StoryboardPipeline {

  /** Where the three services live, and how patient to be. */
  public record Endpoints(URI llm, URI comfyUi, URI storage, String bucket) {}

  /** What a run produced. */
  public record Frame(String prompt, String promptId, String objectName, long bytes) {}

  /** A run that could not finish, with the stage that failed. */
  public static final class PipelineException extends Exception {
    private final String stage;

    PipelineException(String stage, String message, Throwable cause) {
      super(stage + ": " + message, cause);
      this.stage = stage;
    }

    public String stage() {
      return stage;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Endpoints endpoints;
  private final HttpClient http;
  private final Duration renderTimeout;
  private final int attempts;

  public StoryboardPipeline(Endpoints endpoints, Duration renderTimeout, int attempts) {
    this.endpoints = endpoints;
    this.renderTimeout = renderTimeout;
    this.attempts = attempts;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** Runs the whole pipeline for {@code idea}. */
  public Frame run(String idea, long seed) throws PipelineException, InterruptedException {
    String prompt = expand(idea);
    String clientId = UUID.randomUUID().toString();
    Rendered image = render(prompt, seed, clientId);
    String object = "frames/" + image.promptId + ".png";
    store(object, image.png);
    return new Frame(prompt, image.promptId, object, image.png.length);
  }

  // ---------------------------------------------------------------- 1. LLM

  String expand(String idea) throws PipelineException, InterruptedException {
    ObjectNode body = JSON.createObjectNode().put("model", "gpt-4o-mini");
    body.putArray("messages")
        .addObject()
        .put("role", "user")
        .put("content", "Write one vivid image prompt for: " + idea);
    HttpRequest req =
        HttpRequest.newBuilder(endpoints.llm().resolve("/v1/chat/completions"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer sk-storyboard")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
            .build();
    HttpResponse<String> res = sendWithRetries("llm", req);
    JsonNode content = parse("llm", res.body()).at("/choices/0/message/content");
    if (!content.isTextual() || content.asText().isBlank()) {
      throw new PipelineException("llm", "no message content in " + res.body(), null);
    }
    return content.asText();
  }

  // ---------------------------------------------------------------- 2. ComfyUI

  private record Rendered(String promptId, byte[] png) {}

  Rendered render(String prompt, long seed, String clientId)
      throws PipelineException, InterruptedException {
    CompletableFuture<JsonNode> finished = new CompletableFuture<>();
    String[] promptId = new String[1];
    URI ws = URI.create(endpoints.comfyUi().toString().replaceFirst("^http", "ws") + "/ws?clientId=" + clientId);
    WebSocket socket;
    try {
      socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
          .buildAsync(ws, new Listener(finished, promptId)).get(10, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new PipelineException("comfyui", "cannot open the WebSocket " + ws, e);
    }
    try {
      ObjectNode body = JSON.createObjectNode();
      body.set("prompt", workflow(prompt, seed));
      body.put("client_id", clientId);
      HttpRequest queue =
          HttpRequest.newBuilder(endpoints.comfyUi().resolve("/prompt"))
              .timeout(Duration.ofSeconds(30))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
              .build();
      JsonNode queued = parse("comfyui", sendWithRetries("comfyui", queue).body());
      synchronized (promptId) {
        promptId[0] = queued.path("prompt_id").asText();
      }
      JsonNode end;
      try {
        end = finished.get(renderTimeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        throw new PipelineException("comfyui", "prompt " + promptId[0] + " did not finish within " + renderTimeout, e);
      } catch (ExecutionException e) {
        throw new PipelineException("comfyui", "lost the WebSocket while waiting: " + e.getCause(), e.getCause());
      }
      if ("execution_error".equals(end.path("type").asText())) {
        throw new PipelineException("comfyui", "execution_error: " + end.at("/data/exception_message").asText(), null);
      }
      HttpRequest history =
          HttpRequest.newBuilder(endpoints.comfyUi().resolve("/history/" + promptId[0])).timeout(Duration.ofSeconds(30)).build();
      JsonNode entry = parse("comfyui", sendWithRetries("comfyui", history).body()).path(promptId[0]);
      for (JsonNode output : entry.path("outputs")) {
        for (JsonNode image : output.path("images")) {
          String query = "filename=" + enc(image.path("filename").asText())
              + "&subfolder=" + enc(image.path("subfolder").asText())
              + "&type=" + enc(image.path("type").asText());
          HttpRequest view = HttpRequest.newBuilder(endpoints.comfyUi().resolve("/view?" + query))
              .timeout(Duration.ofSeconds(30)).build();
          byte[] png = send("comfyui", view, HttpResponse.BodyHandlers.ofByteArray()).body();
          return new Rendered(promptId[0], png);
        }
      }
      throw new PipelineException("comfyui", "prompt " + promptId[0] + " produced no image: " + entry, null);
    } finally {
      socket.abort();
    }
  }

  /** Completes on the message that ends our prompt: executing with node null, or an error. */
  private static final class Listener implements WebSocket.Listener {
    private final CompletableFuture<JsonNode> finished;
    private final String[] promptId;
    private final StringBuilder text = new StringBuilder();

    Listener(CompletableFuture<JsonNode> finished, String[] promptId) {
      this.finished = finished;
      this.promptId = promptId;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        try {
          JsonNode msg = JSON.readTree(text.toString());
          String ours;
          synchronized (promptId) {
            ours = promptId[0];
          }
          String type = msg.path("type").asText();
          boolean mine = ours != null && ours.equals(msg.at("/data/prompt_id").asText());
          if (mine && (type.equals("execution_error")
              || (type.equals("executing") && msg.at("/data/node").isNull()))) {
            finished.complete(msg);
          }
        } catch (IOException e) {
          finished.completeExceptionally(e);
        }
        text.setLength(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
      finished.completeExceptionally(new IOException("WebSocket closed " + code + " " + reason));
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      finished.completeExceptionally(error);
    }
  }

  static JsonNode workflow(String prompt, long seed) {
    ObjectNode w = JSON.createObjectNode();
    node(w, "4", "CheckpointLoaderSimple").put("ckpt_name", "v1-5-pruned-emaonly.safetensors");
    ObjectNode pos = node(w, "6", "CLIPTextEncode").put("text", prompt);
    pos.putArray("clip").add("4").add(1);
    ObjectNode neg = node(w, "7", "CLIPTextEncode").put("text", "blurry");
    neg.putArray("clip").add("4").add(1);
    node(w, "5", "EmptyLatentImage").put("width", 64).put("height", 64).put("batch_size", 1);
    ObjectNode k = node(w, "3", "KSampler").put("seed", seed).put("steps", 4).put("cfg", 7.0)
        .put("sampler_name", "euler").put("scheduler", "normal").put("denoise", 1.0);
    k.putArray("model").add("4").add(0);
    k.putArray("positive").add("6").add(0);
    k.putArray("negative").add("7").add(0);
    k.putArray("latent_image").add("5").add(0);
    ObjectNode decode = node(w, "8", "VAEDecode");
    decode.putArray("samples").add("3").add(0);
    decode.putArray("vae").add("4").add(2);
    ObjectNode save = node(w, "9", "SaveImage").put("filename_prefix", "storyboard");
    save.putArray("images").add("8").add(0);
    return w;
  }

  private static ObjectNode node(ObjectNode workflow, String id, String classType) {
    ObjectNode n = workflow.putObject(id);
    n.put("class_type", classType);
    return n.putObject("inputs");
  }

  // ---------------------------------------------------------------- 3. GCS

  void store(String object, byte[] png) throws PipelineException, InterruptedException {
    URI upload = endpoints.storage().resolve("/upload/storage/v1/b/" + enc(endpoints.bucket())
        + "/o?uploadType=media&name=" + enc(object));
    HttpRequest req = HttpRequest.newBuilder(upload)
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "image/png")
        .POST(HttpRequest.BodyPublishers.ofByteArray(png))
        .build();
    JsonNode meta = parse("storage", sendWithRetries("storage", req).body());
    if (meta.path("size").asLong(-1) != png.length) {
      throw new PipelineException("storage", "stored size " + meta.path("size") + " != " + png.length, null);
    }
  }

  // ---------------------------------------------------------------- plumbing

  /** Retries 429 (after the server's Retry-After / retry-after-ms) and 5xx, up to {@code attempts}. */
  private HttpResponse<String> sendWithRetries(String stage, HttpRequest req)
      throws PipelineException, InterruptedException {
    HttpResponse<String> last = null;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      try {
        last = http.send(req, HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        if (attempt == attempts) {
          throw new PipelineException(stage, "no answer after " + attempts + " attempts: " + e, e);
        }
        continue;
      }
      int s = last.statusCode();
      if (s < 300) {
        return last;
      }
      if (s != 429 && s < 500) {
        break;
      }
      if (attempt < attempts) {
        Thread.sleep(retryDelayMillis(last));
      }
    }
    throw new PipelineException(stage, "HTTP " + last.statusCode() + ": " + last.body(), null);
  }

  private <T> HttpResponse<T> send(String stage, HttpRequest req, HttpResponse.BodyHandler<T> h)
      throws PipelineException, InterruptedException {
    try {
      HttpResponse<T> r = http.send(req, h);
      if (r.statusCode() >= 300) {
        throw new PipelineException(stage, "HTTP " + r.statusCode() + " for " + req.uri(), null);
      }
      return r;
    } catch (IOException e) {
      throw new PipelineException(stage, e.toString(), e);
    }
  }

  static long retryDelayMillis(HttpResponse<?> r) {
    var ms = r.headers().firstValue("retry-after-ms");
    if (ms.isPresent()) {
      return Math.min(5_000, Long.parseLong(ms.get().trim()));
    }
    return r.headers().firstValue("Retry-After")
        .map(v -> Math.min(5_000, Long.parseLong(v.trim()) * 1000))
        .orElse(50L);
  }

  private static JsonNode parse(String stage, String body) throws PipelineException {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new PipelineException(stage, "malformed JSON: " + body, e);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** For logs. */
  @Override
  public String toString() {
    return "StoryboardPipeline" + Map.of("llm", endpoints.llm(), "comfyui", endpoints.comfyUi(),
        "storage", endpoints.storage());
  }
}
