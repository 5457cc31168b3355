package dev.backlot.examples.director;

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
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The add-on's ComfyUI connection: a WebSocket ({@code /ws?clientId=...}) that reports progress,
 * and HTTP for queueing workflows ({@code POST /prompt}), reading results ({@code /history})
 * and images ({@code /view}).
 *
 * <p>When the socket drops, the client reconnects by itself with exponential backoff, under the
 * same clientId. Workflows submitted while it is not connected wait in a bounded queue and are
 * sent, in order, once it is: ComfyUI reports a prompt's progress only to the socket of the
 * clientId it was queued with, so queueing blind would lose the progress.
 *
 * <pre>{@code
 * var comfy = new ComfyUiClient(http, URI.create("http://127.0.0.1:8188"), settings, scheduler, worker);
 * comfy.connect();
 * ComfyUiClient.Queued q = comfy.sendWorkflow(ComfyUiClient.textToImage("a red fox", 42));
 * ComfyUiClient.Image img = comfy.awaitImage(q.promptId(), Duration.ofSeconds(60));
 * }</pre>
 */
public final class ComfyUiClient implements BackendConnection {

  public enum ConnectionState { DISCONNECTED, CONNECTING, CONNECTED, RECONNECTING, CLOSED }

  /** Timeouts and limits. */
  public record Settings(Duration requestTimeout, int attempts, Duration backoffStart, Duration backoffMax,
      int maxQueued) {
    public static Settings defaults() {
      return new Settings(Duration.ofSeconds(10), 3, Duration.ofMillis(50), Duration.ofSeconds(1), 100);
    }
  }

  /** A workflow ComfyUI accepted: {@code status} is "queued". */
  public record Queued(String status, String promptId, int number) {}

  /** The first image a finished prompt produced. */
  public record Image(String promptId, String filename, byte[] png) {}

  private record Outgoing(JsonNode workflow, CompletableFuture<Queued> result) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final URI base;
  private final Settings settings;
  private final ScheduledExecutorService scheduler;
  private final Executor worker;
  private final String clientId = UUID.randomUUID().toString();
  private final Object lock = new Object();
  private final List<ConnectionState> history = new CopyOnWriteArrayList<>();
  private final BlockingDeque<Outgoing> outbox;
  private final Map<String, CompletableFuture<JsonNode>> waiting = new ConcurrentHashMap<>();
  private final Map<String, JsonNode> ended = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, JsonNode> e) {
      return size() > 256;
    }
  };
  private final AtomicInteger reconnects = new AtomicInteger();
  private volatile ConnectionState state = ConnectionState.DISCONNECTED;
  private volatile WebSocket socket;
  private ScheduledFuture<?> pendingReconnect;
  private int backoffStep;

  public ComfyUiClient(HttpClient http, URI base, Settings settings, ScheduledExecutorService scheduler, Executor worker) {
    this.http = http;
    this.base = base;
    this.settings = settings;
    this.scheduler = scheduler;
    this.worker = worker;
    this.outbox = new LinkedBlockingDeque<>(settings.maxQueued());
    history.add(state);
  }

  @Override
  public String service() {
    return "comfyui";
  }

  public String clientId() {
    return clientId;
  }

  public ConnectionState state() {
    return state;
  }

  /** Every state this client went through, oldest first. */
  public List<ConnectionState> stateHistory() {
    return List.copyOf(history);
  }

  /** Successful reconnects after a drop. */
  public int reconnects() {
    return reconnects.get();
  }

  /** Workflows waiting for a connection. */
  public int queuedMessages() {
    return outbox.size();
  }

  // ------------------------------------------------------------------ connection

  /** Opens the WebSocket now, or fails: no retry (reconnects happen only after a drop). */
  public void connect() throws BackendException, InterruptedException {
    synchronized (lock) {
      if (state == ConnectionState.CLOSED) {
        throw new BackendException(service(), "closed", null, null);
      }
      if (state == ConnectionState.CONNECTED) {
        return;
      }
      cancelReconnect();
      setState(ConnectionState.CONNECTING);
    }
    WebSocket ws;
    try {
      ws = open().get(settings.requestTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      synchronized (lock) {
        if (state == ConnectionState.CONNECTING) {
          setState(ConnectionState.DISCONNECTED);
        }
      }
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new BackendException(service(), BackendException.reasonOf(cause), "WebSocket " + wsUri(), cause);
    }
    connected(ws, false);
  }

  private CompletableFuture<WebSocket> open() {
    return http.newWebSocketBuilder().connectTimeout(settings.requestTimeout())
        .buildAsync(wsUri(), new Listener());
  }

  private URI wsUri() {
    return URI.create(base.toString().replaceFirst("^http", "ws") + "/ws?clientId=" + clientId);
  }

  private void connected(WebSocket ws, boolean reconnect) {
    synchronized (lock) {
      if (state == ConnectionState.CLOSED) {
        ws.abort();
        return;
      }
      socket = ws;
      backoffStep = 0;
      if (reconnect) {
        reconnects.incrementAndGet();
      }
      setState(ConnectionState.CONNECTED);
    }
    worker.execute(this::drain);
    for (String promptId : waiting.keySet()) {
      worker.execute(() -> checkHistory(promptId)); // it may have ended while we were away
    }
  }

  /** The socket ended without us asking: reconnect with backoff. */
  private void dropped(WebSocket ws) {
    synchronized (lock) {
      if (ws != socket || state == ConnectionState.CLOSED) {
        return;
      }
      socket = null;
      setState(ConnectionState.RECONNECTING);
      scheduleReconnect();
    }
  }

  private void scheduleReconnect() {
    long start = settings.backoffStart().toMillis();
    long delay = Math.min(settings.backoffMax().toMillis(), start << Math.min(backoffStep, 20));
    backoffStep++;
    pendingReconnect = scheduler.schedule(this::tryReconnect, delay, TimeUnit.MILLISECONDS);
  }

  private void tryReconnect() {
    synchronized (lock) {
      if (state != ConnectionState.RECONNECTING) {
        return;
      }
    }
    open().whenComplete((ws, err) -> {
      if (err == null) {
        connected(ws, true);
      } else {
        synchronized (lock) {
          if (state == ConnectionState.RECONNECTING) {
            scheduleReconnect();
          }
        }
      }
    });
  }

  private void cancelReconnect() {
    if (pendingReconnect != null) {
      pendingReconnect.cancel(false);
      pendingReconnect = null;
    }
  }

  private void setState(ConnectionState s) {
    state = s;
    history.add(s);
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder text = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        String msg = text.toString();
        text.setLength(0);
        onMessage(msg);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      ws.request(1); // latent previews: the add-on does not show them
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
      dropped(ws);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      dropped(ws);
    }
  }

  private void onMessage(String text) {
    JsonNode msg;
    try {
      msg = JSON.readTree(text);
    } catch (IOException e) {
      return;
    }
    String type = msg.path("type").asText();
    String promptId = msg.at("/data/prompt_id").asText(null);
    // Not execution_success: ComfyUI sends it before it writes the history entry; "executing"
    // with node null comes after, so /history is ready when we read it.
    boolean end = type.equals("execution_error") || type.equals("execution_interrupted")
        || (type.equals("executing") && msg.at("/data/node").isNull());
    if (promptId != null && end) {
      finish(promptId, msg);
    }
  }

  private void finish(String promptId, JsonNode endMessage) {
    synchronized (ended) {
      ended.putIfAbsent(promptId, endMessage);
    }
    CompletableFuture<JsonNode> f = waiting.get(promptId);
    if (f != null) {
      f.complete(endMessage);
    }
  }

  // ------------------------------------------------------------------ workflows

  /**
   * Queues a workflow: at once when connected, else when the connection is (back). The future
   * fails with {@link BackendException} when ComfyUI refuses the workflow, the queue is full, or
   * the client is closed.
   */
  public CompletableFuture<Queued> submit(JsonNode workflow) {
    Outgoing o = new Outgoing(workflow, new CompletableFuture<>());
    synchronized (lock) {
      if (state == ConnectionState.CLOSED) {
        o.result.completeExceptionally(new BackendException(service(), "closed", null, null));
      } else if (state == ConnectionState.CONNECTED && outbox.isEmpty()) {
        worker.execute(() -> post(o));
      } else if (!outbox.offerLast(o)) {
        o.result.completeExceptionally(new BackendException(service(), "queue full",
            settings.maxQueued() + " workflows wait for a connection", null));
      } else if (state == ConnectionState.CONNECTED) {
        worker.execute(this::drain);
      }
    }
    return o.result;
  }

  /** {@link #submit} and wait (up to the request timeout times the attempts, plus a connection wait). */
  public Queued sendWorkflow(JsonNode workflow) throws BackendException, InterruptedException {
    long limit = settings.requestTimeout().toMillis() * (settings.attempts() + 1);
    try {
      return submit(workflow).get(limit, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof BackendException b) {
        throw b;
      }
      throw new BackendException(service(), "io", e.getCause().toString(), e.getCause());
    } catch (TimeoutException e) {
      throw new BackendException(service(), "timeout", "not queued within " + limit + " ms (" + state + ")", e);
    }
  }

  private void drain() {
    Outgoing o;
    while (state == ConnectionState.CONNECTED && (o = outbox.pollFirst()) != null) {
      post(o);
    }
  }

  private void post(Outgoing o) {
    ObjectNode body = JSON.createObjectNode();
    body.set("prompt", o.workflow);
    body.put("client_id", clientId);
    HttpRequest req = HttpRequest.newBuilder(base.resolve("/prompt"))
        .timeout(settings.requestTimeout())
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
        .build();
    try {
      JsonNode r = JSON.readTree(send(req));
      o.result.complete(new Queued("queued", r.path("prompt_id").asText(), r.path("number").asInt()));
    } catch (BackendException e) {
      o.result.completeExceptionally(e);
    } catch (IOException e) {
      o.result.completeExceptionally(new BackendException(service(), "bad answer", e.toString(), e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      o.result.completeExceptionally(e);
    }
  }

  /** Waits for the prompt to end and downloads its first image. */
  public Image awaitImage(String promptId, Duration timeout) throws BackendException, InterruptedException {
    CompletableFuture<JsonNode> f = waiting.computeIfAbsent(promptId, k -> new CompletableFuture<>());
    synchronized (ended) {
      JsonNode seen = ended.get(promptId);
      if (seen != null) {
        f.complete(seen);
      }
    }
    checkHistory(promptId);
    JsonNode end;
    try {
      end = f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new BackendException(service(), "io", e.getCause().toString(), e.getCause());
    } catch (TimeoutException e) {
      throw new BackendException(service(), "timeout", "prompt " + promptId + " did not finish within " + timeout, e);
    } finally {
      waiting.remove(promptId);
    }
    String type = end.path("type").asText();
    if (type.equals("execution_error") || type.equals("execution_interrupted")) {
      throw new BackendException(service(), "failed", end.at("/data/exception_message").asText(end.toString()), null);
    }
    JsonNode entry = history(promptId);
    for (JsonNode output : entry.path("outputs")) {
      for (JsonNode image : output.path("images")) {
        String q = "filename=" + enc(image.path("filename").asText()) + "&subfolder="
            + enc(image.path("subfolder").asText()) + "&type=" + enc(image.path("type").asText());
        HttpRequest view = HttpRequest.newBuilder(base.resolve("/view?" + q)).timeout(settings.requestTimeout()).build();
        try {
          HttpResponse<byte[]> r = http.send(view, HttpResponse.BodyHandlers.ofByteArray());
          if (r.statusCode() != 200) {
            throw new BackendException(service(), "http " + r.statusCode(), "/view", null);
          }
          return new Image(promptId, image.path("filename").asText(), r.body());
        } catch (IOException e) {
          throw new BackendException(service(), BackendException.reasonOf(e), e.toString(), e);
        }
      }
    }
    throw new BackendException(service(), "no image", "prompt " + promptId + ": " + entry, null);
  }

  /** Completes a waiting prompt from {@code /history} when it ended while nobody listened. */
  private void checkHistory(String promptId) {
    try {
      JsonNode entry = history(promptId);
      JsonNode status = entry.path("status");
      if (status.path("completed").asBoolean(false)) {
        finish(promptId, JSON.createObjectNode().put("type", "execution_success"));
      } else if ("error".equals(status.path("status_str").asText())) {
        ObjectNode m = JSON.createObjectNode().put("type", "execution_error");
        m.putObject("data").put("exception_message", "failed (from history)");
        finish(promptId, m);
      }
    } catch (BackendException | InterruptedException e) {
      // the socket tells us when it ends
    }
  }

  private JsonNode history(String promptId) throws BackendException, InterruptedException {
    HttpRequest req = HttpRequest.newBuilder(base.resolve("/history/" + enc(promptId)))
        .timeout(settings.requestTimeout()).build();
    try {
      return JSON.readTree(send(req)).path(promptId);
    } catch (IOException e) {
      throw new BackendException(service(), "bad answer", e.toString(), e);
    }
  }

  /** ComfyUI's {@code /system_stats}; throws unless it answers 200. */
  public void checkHealth() throws BackendException, InterruptedException {
    send(HttpRequest.newBuilder(base.resolve("/system_stats")).timeout(settings.requestTimeout()).build());
  }

  /** Sends with retries of timeouts, refused connections and 5xx; a 4xx fails at once. */
  private String send(HttpRequest req) throws BackendException, InterruptedException {
    BackendException last = null;
    for (int attempt = 1; attempt <= settings.attempts(); attempt++) {
      try {
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() < 300) {
          return r.body();
        }
        last = new BackendException(service(), "http " + r.statusCode(), r.body(), null);
        if (r.statusCode() < 500) {
          break;
        }
      } catch (IOException e) {
        last = new BackendException(service(), BackendException.reasonOf(e), e.toString(), e);
      }
    }
    throw last;
  }

  // ------------------------------------------------------------------ lifecycle

  @Override
  public boolean isUsable() {
    return state != ConnectionState.CLOSED;
  }

  /** Closes the socket, stops reconnecting, fails what still waits; idempotent. */
  @Override
  public void close() {
    WebSocket ws;
    List<Outgoing> unsent = new ArrayList<>();
    synchronized (lock) {
      if (state == ConnectionState.CLOSED) {
        return;
      }
      cancelReconnect();
      setState(ConnectionState.CLOSED);
      ws = socket;
      socket = null;
      outbox.drainTo(unsent);
    }
    BackendException closed = new BackendException(service(), "closed", null, null);
    unsent.forEach(o -> o.result.completeExceptionally(closed));
    waiting.values().forEach(f -> f.completeExceptionally(closed));
    if (ws != null) {
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye")
          .orTimeout(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
          .whenComplete((x, e) -> ws.abort());
    }
  }

  /** A small text-to-image workflow (SD 1.5, 64x64, 4 steps), the add-on's storyboard preset. */
  public static JsonNode textToImage(String prompt, long seed) {
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
    ObjectNode save = node(w, "9", "SaveImage").put("filename_prefix", "director");
    save.putArray("images").add("8").add(0);
    return w;
  }

  private static ObjectNode node(ObjectNode workflow, String id, String classType) {
    ObjectNode n = workflow.putObject(id);
    n.put("class_type", classType);
    return n.putObject("inputs");
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Override
  public String toString() {
    return "ComfyUiClient[" + base + ", " + state + ", clientId=" + clientId + "]";
  }
}
