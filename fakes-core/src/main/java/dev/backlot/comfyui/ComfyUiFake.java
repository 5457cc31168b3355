package dev.backlot.comfyui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.backlot.wire.ErrorShape;
import dev.backlot.engine.FakeServer;
import dev.backlot.engine.Handler;
import dev.backlot.wire.HttpError;
import dev.backlot.wire.Json;
import dev.backlot.wire.Multipart;
import dev.backlot.wire.Request;
import dev.backlot.wire.Response;
import dev.backlot.engine.Routes;
import dev.backlot.engine.WebSocketHandler;
import dev.backlot.engine.WebSocketSession;
import dev.backlot.jobs.JobEngine;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A fake ComfyUI server (0.3.64): the HTTP API and the {@code /ws} WebSocket on one port, every
 * route also under {@code /api}, prompts validated against a node catalogue with ComfyUI's own
 * error shapes, executed through a {@link JobEngine} (so scripts, faults, a manual clock and
 * violations all apply), with the real server's message order, history, node cache and real PNG
 * outputs served by {@code /view}.
 *
 * <pre>{@code
 * ManualClock clock = Clock.manual();
 * try (ComfyUiFake comfy = ComfyUiFake.builder().clock(clock).start()) {
 *   // point the client at comfy.baseUri() / comfy.wsUri() + "/ws?clientId=..."
 *   comfy.jobs().script().next(1).fail("CUDA out of memory"); // the next prompt errors
 *   ... client queues a prompt ...
 *   clock.advance(Duration.ofSeconds(1));                     // it runs: messages, history
 *   comfy.jobs().assertHealthy();
 * }
 * }</pre>
 *
 * <p><b>Initial state</b> ({@link Builder}): the core node catalogue (KSampler, KSamplerAdvanced,
 * CheckpointLoaderSimple, CLIPTextEncode, CLIPSetLastLayer, VAEDecode, VAEEncode, VAELoader,
 * EmptyLatentImage, LatentUpscale, ImageScale, LoraLoader, SaveImage, PreviewImage, LoadImage,
 * SaveImageWebsocket) plus any {@link NodeType} the test adds; one checkpoint, {@code
 * v1-5-pruned-emaonly.safetensors}, so ComfyUI's example workflows validate; one worker (a single
 * GPU); node caching on; no latent previews.
 *
 * <p><b>Timing.</b> A prompt is one job. Nodes before the first sampler run as the job starts;
 * the sampler's steps are the job's progress steps (by default the sum of the prompt's sampler
 * {@code steps}, each reported as {@code progress}); the rest runs when the job ends. Script jobs
 * through {@link #jobs()}: {@code fail(message)} ends the prompt with {@code execution_error} at
 * the node running then (or at {@code details} {@code Map.of("node_id", id)}; {@code
 * "exception_type"} and {@code "traceback"} are read too), {@code stall()} holds it, {@code
 * duration}/{@code steps} shape it; {@code POST /interrupt} interrupts it.
 */
public final class ComfyUiFake extends FakeServer<ComfyUiFake> {

  /** The ComfyUI version the fake answers as. */
  public static final String VERSION = "0.3.64";

  private static final List<String> DEFAULT_FOLDERS = List.of(
      "checkpoints", "configs", "loras", "vae", "text_encoders", "diffusion_models", "clip_vision",
      "style_models", "embeddings", "diffusers", "vae_approx", "controlnet", "gligen",
      "upscale_models", "custom_nodes", "hypernetworks", "photomaker", "classifiers",
      "model_patches", "audio_encoders");

  private final Map<String, NodeType> catalogue;
  private final Map<String, List<String>> models;
  private final Map<String, byte[]> initialInputs;
  private final long maxUploadBytes;
  private final Sockets sockets = new Sockets();
  private final FileStore files = new FileStore();
  private final Executor executor;
  private final JobEngine jobs;
  private final PromptRoutes prompts;
  private final FileRoutes fileRoutes;

  private ComfyUiFake(Builder b) {
    super("comfyui", b);
    this.catalogue = Collections.unmodifiableMap(new LinkedHashMap<>(b.nodes));
    Map<String, List<String>> m = new LinkedHashMap<>();
    b.models.forEach((k, v) -> m.put(k, List.copyOf(v)));
    this.models = Collections.unmodifiableMap(m);
    this.initialInputs = Map.copyOf(b.inputs);
    this.maxUploadBytes = b.maxUploadBytes;
    this.executor = new Executor(catalogue, sockets, files, clock(), ids(), b.cache, b.previews);
    this.jobs = JobEngine.builder()
        .clock(clock())
        .maxRunning(b.workers)
        .defaultDuration(b.duration)
        .defaultSteps(in -> in instanceof QueuedPrompt p ? p.samplerSteps() : JobEngine.DEFAULT_STEPS)
        .queueOrder(QueuedPrompt::compare)
        .build();
    executor.attach(jobs);
    jobs.addListener(executor);
    this.prompts = new PromptRoutes(this, catalogue, models, files, executor, jobs);
    this.fileRoutes = new FileRoutes(files);
    loadInitialFiles();
  }

  /** A fake with the defaults: random port, system clock, core nodes, one worker. */
  public ComfyUiFake() {
    this(builder());
  }

  public static Builder builder() {
    return new Builder();
  }

  // ------------------------------------------------------------------ public handles

  /**
   * The job engine running the prompts: one job per prompt, with the prompt's {@code prompt_id}
   * as id (a second prompt queued with an id already used gets {@code id#2}, {@code id#3}...) and
   * its {@link QueuedPrompt} as input.
   */
  public JobEngine jobs() {
    return jobs;
  }

  /** The history entry of a prompt, as {@code GET /history/{id}} shows it under the id. */
  public Optional<JsonNode> history(String promptId) {
    JsonNode h = executor.history(promptId).get(promptId);
    return Optional.ofNullable(h);
  }

  /** How many prompts the history holds. */
  public int historySize() {
    return executor.historySize();
  }

  /**
   * A stored file: {@code type} is "input", "output" or "temp", {@code path} relative to it
   * (e.g. {@code "ComfyUI_00001_.png"}, {@code "sub/x.png"}).
   */
  public Optional<byte[]> file(String type, String path) {
    return files.get(type, path).map(FileStore.StoredFile::bytes);
  }

  /** The paths of the files of {@code type}, sorted. */
  public List<String> files(String type) {
    Map<String, FileStore.StoredFile> f = files.folder(type);
    if (f == null) {
      throw new IllegalArgumentException("no folder type " + type + "; use input, output or temp");
    }
    List<String> names = new ArrayList<>(f.keySet());
    names.sort(null);
    return names;
  }

  /** Puts a file in the input folder (as an upload would); gone after {@link #reset()}. */
  public ComfyUiFake inputFile(String path, byte[] bytes) {
    String rel = FileStore.inside("input", FileStore.join(FileStore.base("input"), path));
    if (rel == null || rel.isEmpty()) {
      throw new IllegalArgumentException("not a path inside the input folder: " + path);
    }
    files.put("input", rel, new FileStore.StoredFile(bytes.clone()));
    return this;
  }

  /** The open WebSocket of a client ({@code clientId} / sid), for tests that cut it themselves. */
  public Optional<WebSocketSession> webSocket(String clientId) {
    return sockets.session(clientId);
  }

  /** Turns latent previews (binary frames during sampling) on or off, as {@code --preview-method}. */
  public ComfyUiFake previews(boolean on) {
    executor.previews(on);
    return this;
  }

  /** The node catalogue, in {@code /object_info} order. */
  public List<NodeType> nodeTypes() {
    return List.copyOf(catalogue.values());
  }

  // ------------------------------------------------------------------ lifecycle

  @Override
  protected void resetState() {
    jobs.reset();
    executor.reset();
    files.clear();
    loadInitialFiles();
    prompts.reset();
  }

  @Override
  protected void onClose() {
    jobs.close();
  }

  private void loadInitialFiles() {
    initialInputs.forEach(this::inputFile);
  }

  @Override
  protected ErrorShape errorShape() {
    return ComfyUiFake::aiohttpError;
  }

  /** aiohttp's plain-text answers for errors the framework itself produces. */
  private static Response aiohttpError(int status, String message, Map<String, Object> details) {
    String text = switch (status) {
      case 500 -> "500 Internal Server Error\n\nServer got itself in trouble";
      case 404 -> "404: Not Found";
      case 405 -> "405: Method Not Allowed";
      case 413 -> "413: Request Entity Too Large";
      case 400 -> "400: Bad Request";
      default -> status + ": " + message;
    };
    return Response.text(status, text);
  }

  /** ComfyUI's middleware: loopback Host/Origin mismatch is a 403; OPTIONS is an empty 200. */
  @Override
  protected Handler decorate(Handler next) {
    return req -> {
      String host = req.header("Host");
      String origin = req.header("Origin");
      if (host != null && origin != null && originMismatch(host, origin)) {
        return Response.status(403);
      }
      if ("OPTIONS".equals(req.method())) {
        return Response.status(200);
      }
      try {
        return next.handle(req);
      } catch (Validator.ServerError | Py.PyException e) {
        return aiohttpError(500, e.getMessage(), Map.of());
      }
    };
  }

  private static boolean originMismatch(String host, String origin) {
    String hostDomain = host.toLowerCase(Locale.ROOT);
    URI o;
    URI h;
    try {
      o = new URI(origin);
      h = new URI("//" + hostDomain);
    } catch (Exception e) {
      return false;
    }
    String originDomain = o.getRawAuthority() == null ? "" : o.getRawAuthority().toLowerCase(Locale.ROOT);
    String hostName = h.getHost();
    if (hostName == null) {
      return false;
    }
    String hn = hostName.startsWith("[") ? hostName.substring(1, hostName.length() - 1) : hostName;
    boolean loopback = "localhost".equals(hn) || hn.startsWith("127.") || "::1".equals(hn);
    if (o.getPort() < 0) {
      hostDomain = hostName;
    }
    if (h.getPort() < 0) {
      originDomain = o.getHost() == null ? "" : o.getHost().toLowerCase(Locale.ROOT);
    }
    return loopback && !hostDomain.isEmpty() && !originDomain.isEmpty()
        && !hostDomain.equals(originDomain);
  }

  // ------------------------------------------------------------------ routes

  // Called from the engine's constructor, before this class's fields are set: handlers are
  // lambdas that read the fields when a request arrives.
  @Override
  protected void routes(Routes r) {
    for (String prefix : List.of("/api", "")) {
      r.ws(prefix + "/ws", socketHandler());
      r.get(prefix + "/embeddings", req -> json(200, embeddings()));
      r.get(prefix + "/models", req -> json(200, modelFolders()));
      r.get(prefix + "/models/{folder}", this::modelsIn);
      r.get(prefix + "/extensions", req -> json(200, Json.array()));
      r.post(prefix + "/upload/image", req -> fileRoutes.uploadImage(req));
      r.get(prefix + "/view", req -> fileRoutes.view(req));
      r.get(prefix + "/view_metadata/{folder}", req -> Response.status(404));
      r.get(prefix + "/system_stats", req -> json(200, systemStats()));
      r.get(prefix + "/features", req -> json(200, features()));
      r.get(prefix + "/prompt", req -> json(200, Executor.statusInfo(executor.queueRemaining())));
      r.post(prefix + "/prompt", req -> prompts.postPrompt(req));
      r.get(prefix + "/object_info", req -> json(200, objectInfo()));
      r.get(prefix + "/object_info/{class}", this::objectInfoOf);
      r.get(prefix + "/history", req -> prompts.getHistory(req));
      r.get(prefix + "/history/{id}", req -> json(200, executor.history(req.pathParam("id"))));
      r.post(prefix + "/history", req -> prompts.postHistory(req));
      r.get(prefix + "/queue", req -> prompts.getQueue(req));
      r.post(prefix + "/queue", req -> prompts.postQueue(req));
      r.post(prefix + "/interrupt", req -> prompts.interrupt(req));
      r.post(prefix + "/free", req -> prompts.free(req));
    }
    r.get("/", req -> Response.bytes(200, ("<!DOCTYPE html><html><head><title>ComfyUI</title>"
        + "</head><body>ComfyUI (Backlot fake)</body></html>").getBytes(StandardCharsets.UTF_8),
        "text/html").addHeader("Cache-Control", "no-cache"));
  }

  private static Response json(int status, JsonNode body) {
    return Replies.json(status, body);
  }

  // ---- catalogue and models

  private ObjectNode objectInfo() {
    ObjectNode out = Json.object();
    for (NodeType t : catalogue.values()) {
      out.set(t.name(), t.info(in -> prompts.choices(in)));
    }
    return out;
  }

  private Response objectInfoOf(Request req) {
    ObjectNode out = Json.object();
    NodeType t = catalogue.get(req.pathParam("class"));
    if (t != null) {
      out.set(t.name(), t.info(in -> prompts.choices(in)));
    }
    return json(200, out);
  }

  private ArrayNode embeddings() {
    ArrayNode out = Json.array();
    for (String e : models.getOrDefault("embeddings", List.of())) {
      out.add(FileStore.splitext(e)[0]);
    }
    return out;
  }

  private ArrayNode modelFolders() {
    ArrayNode out = Json.array();
    models.keySet().forEach(out::add);
    return out;
  }

  private Response modelsIn(Request req) {
    List<String> list = models.get(req.pathParam("folder"));
    if (list == null) {
      return Response.status(404);
    }
    ArrayNode out = Json.array();
    list.forEach(out::add);
    return json(200, out);
  }

  private ObjectNode features() {
    ObjectNode f = Json.object();
    f.put("supports_preview_metadata", true);
    f.put("max_upload_size", maxUploadBytes);
    return f;
  }

  private static ObjectNode systemStats() {
    ObjectNode out = Json.object();
    ObjectNode s = out.putObject("system");
    s.put("os", "posix");
    s.put("ram_total", 67_108_864_000L);
    s.put("ram_free", 52_613_349_376L);
    s.put("comfyui_version", VERSION);
    s.put("required_frontend_version", "1.27.10");
    s.put("installed_templates_version", "0.1.95");
    s.put("required_templates_version", "0.1.95");
    s.put("python_version", "3.12.3 (main, Sep 11 2024, 14:17:37) [GCC 13.2.0]");
    s.put("pytorch_version", "2.8.0+cu128");
    s.put("embedded_python", false);
    s.putArray("argv").add("main.py");
    ObjectNode d = out.putArray("devices").addObject();
    d.put("name", "cuda:0 NVIDIA GeForce RTX 4090 : cudaMallocAsync");
    d.put("type", "cuda");
    d.put("index", 0);
    d.put("vram_total", 25_386_352_640L);
    d.put("vram_free", 24_110_956_544L);
    d.put("torch_vram_total", 0L);
    d.put("torch_vram_free", 0L);
    return out;
  }

  // ---- WebSocket

  private WebSocketHandler socketHandler() {
    return new WebSocketHandler() {
      @Override
      public void onOpen(WebSocketSession session) {
        String sid = session.request().query("clientId", "");
        if (sid.isEmpty()) {
          sid = ids().hex(32);
        }
        ObjectNode d = Json.object();
        d.set("status", Executor.statusInfo(executor.queueRemaining()));
        d.put("sid", sid);
        sockets.open(sid, session, Sockets.format("status", d));
        executor.connected(sid);
      }

      @Override
      public void onText(WebSocketSession session, String text) {
        Sockets.Client c = sockets.of(session);
        if (c == null || !c.firstMessage) {
          return;
        }
        JsonNode m;
        try {
          m = Json.parse(text);
        } catch (HttpError e) {
          return; // JSONDecodeError: logged, and the next message is still "first"
        }
        if (!m.isObject()) {
          return; // data.get fails: logged, still "first"
        }
        if ("feature_flags".equals(m.path("type").asText(null))) {
          c.previewMetadata = m.path("data").path("supports_preview_metadata").asBoolean(false)
              && m.path("data").get("supports_preview_metadata").isBoolean();
          sockets.send(c.sid, "feature_flags", features());
        }
        c.firstMessage = false;
      }

      @Override
      public void onClose(WebSocketSession session, int code, String reason) {
        sockets.closed(session);
      }
    };
  }

  @Override
  public String toString() {
    return "ComfyUiFake[" + (isRunning() ? baseUri() : "stopped") + ", " + jobs + "]";
  }

  // ------------------------------------------------------------------ builder

  /**
   * The fake's initial state. Every setting has a default; {@link #start()} builds and starts.
   *
   * <pre>{@code
   * ComfyUiFake comfy = ComfyUiFake.builder()
   *     .clock(clock)
   *     .workers(2)
   *     .models("checkpoints", "sdxl_base_1.0.safetensors")
   *     .models("loras", "detail.safetensors")
   *     .embeddings("easynegative.safetensors")
   *     .node(NodeType.builder("MyNode").required("image", "IMAGE").outputs("IMAGE").build())
   *     .inputFile("example.png", pngBytes)
   *     .jobDuration(Duration.ofSeconds(2))
   *     .start();
   * }</pre>
   */
  public static final class Builder extends FakeServer.Builder<Builder, ComfyUiFake> {
    private final Map<String, NodeType> nodes = new LinkedHashMap<>();
    private final Map<String, List<String>> models = new LinkedHashMap<>();
    private final Map<String, byte[]> inputs = new LinkedHashMap<>();
    private int workers = 1;
    private Duration duration = JobEngine.DEFAULT_DURATION;
    private boolean previews;
    private boolean cache = true;
    private long maxUploadBytes = 100L * 1024 * 1024;

    private Builder() {
      super.maxBodyBytes(maxUploadBytes);
      for (NodeType t : CoreNodes.all()) {
        nodes.put(t.name(), t);
      }
      for (String f : DEFAULT_FOLDERS) {
        models.put(f, new ArrayList<>());
      }
      models.get("checkpoints").add("v1-5-pruned-emaonly.safetensors");
    }

    /** Adds a node class to the catalogue, or replaces the one with the same name. */
    public Builder node(NodeType type) {
      nodes.put(type.name(), Objects.requireNonNull(type, "type"));
      return this;
    }

    /** Removes a node class from the catalogue (prompts using it then fail validation). */
    public Builder withoutNode(String name) {
      nodes.remove(name);
      return this;
    }

    /**
     * Adds model files to a folder ("checkpoints", "loras", "vae", "upscale_models"...; a new
     * name adds a folder, as a custom node registering one).
     */
    public Builder models(String folder, String... fileNames) {
      models.computeIfAbsent(folder, f -> new ArrayList<>()).addAll(List.of(fileNames));
      return this;
    }

    /** Removes every model of a folder (the folder stays listed by {@code /models}). */
    public Builder noModels(String folder) {
      models.computeIfAbsent(folder, f -> new ArrayList<>()).clear();
      return this;
    }

    /** Adds embedding files ({@code /embeddings} lists them without extension). */
    public Builder embeddings(String... fileNames) {
      return models("embeddings", fileNames);
    }

    /** A file in the input folder at start and after every reset (for LoadImage). */
    public Builder inputFile(String path, byte[] bytes) {
      inputs.put(path, bytes.clone());
      return this;
    }

    /** How many prompts run at once (default 1, as ComfyUI's single prompt worker). */
    public Builder workers(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("workers must be at least 1: " + n);
      }
      this.workers = n;
      return this;
    }

    /** How long a prompt runs unless scripted otherwise (default 50 ms). */
    public Builder jobDuration(Duration duration) {
      if (duration.isNegative()) {
        throw new IllegalArgumentException("duration must not be negative: " + duration);
      }
      this.duration = duration;
      return this;
    }

    /** Latent previews: a binary PNG frame after each sampler step (default off). */
    public Builder previews(boolean on) {
      this.previews = on;
      return this;
    }

    /** ComfyUI's node cache (default on; off is {@code --cache-none}'s effect on re-runs). */
    public Builder cache(boolean on) {
      this.cache = on;
      return this;
    }

    /**
     * The request size limit, {@code --max-upload-size} (default 100 MiB): larger requests get a
     * 413 and {@code /features} reports it. Same as {@link #maxBodyBytes(long)}.
     */
    public Builder maxUploadBytes(long bytes) {
      return maxBodyBytes(bytes);
    }

    @Override
    public Builder maxBodyBytes(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxUploadBytes must be positive: " + bytes);
      }
      this.maxUploadBytes = bytes;
      return super.maxBodyBytes(bytes);
    }

    /**
     * Settings for the standalone launcher's JSON/YAML config, with the meaning of the methods
     * above:
     *
     * <pre>{@code
     * {"workers": 2, "jobDurationMs": 500, "previews": true, "cache": false,
     *  "maxUploadBytes": 1048576,
     *  "models": {"checkpoints": ["sdxl.safetensors"], "loras": ["detail.safetensors"]},
     *  "embeddings": ["easynegative.safetensors"],
     *  "nodes": {"MyNode": { ...an entry of a real server's /object_info... }}}
     * }</pre>
     */
    @Override
    protected List<String> settingKeys() {
      return withKeys(super.settingKeys(), "workers", "jobDurationMs", "previews", "cache",
          "maxUploadBytes", "models", "embeddings", "nodes");
    }

    @Override
    protected String fakeName() {
      return "comfyui";
    }

    @Override
    protected boolean configure(String key, JsonNode value) {
      switch (key) {
        case "workers" -> workers(intValue(key, value));
        case "jobDurationMs" -> jobDuration(Duration.ofMillis(longValue(key, value)));
        case "previews" -> previews(bool(key, value));
        case "cache" -> cache(bool(key, value));
        case "maxUploadBytes" -> maxUploadBytes(longValue(key, value));
        case "models" -> {
          if (!value.isObject()) {
            throw new IllegalArgumentException("'models' must map folders to lists of file names");
          }
          value.properties().forEach(e -> models(e.getKey(), names("models." + e.getKey(), e.getValue())));
        }
        case "embeddings" -> embeddings(names(key, value));
        case "nodes" -> {
          if (!value.isObject()) {
            throw new IllegalArgumentException("'nodes' must map class names to /object_info entries");
          }
          value.properties().forEach(e -> node(
              NodeType.builder(e.getKey()).fromObjectInfo(e.getValue()).build()));
        }
        default -> {
          return super.configure(key, value);
        }
      }
      return true;
    }

    private static boolean bool(String key, JsonNode v) {
      if (v == null || !v.isBoolean()) {
        throw new IllegalArgumentException("'" + key + "' must be true or false, not " + v);
      }
      return v.booleanValue();
    }

    private static String[] names(String key, JsonNode v) {
      if (v == null || !v.isArray()) {
        throw new IllegalArgumentException("'" + key + "' must be a list of file names, not " + v);
      }
      List<String> out = new ArrayList<>();
      for (JsonNode n : v) {
        if (!n.isTextual()) {
          throw new IllegalArgumentException("'" + key + "' must hold file names, not " + n);
        }
        out.add(n.textValue());
      }
      return out.toArray(String[]::new);
    }

    @Override
    public ComfyUiFake build() {
      return new ComfyUiFake(this);
    }
  }
}
