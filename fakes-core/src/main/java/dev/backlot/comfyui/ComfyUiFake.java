package dev.backlot.comfyui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.LongNode;
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
import dev.backlot.jobs.Job;
import dev.backlot.jobs.JobEngine;
import dev.backlot.jobs.JobState;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

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
  private static final Pattern DIGITS = Pattern.compile("[0-9]+");

  private final Map<String, NodeType> catalogue;
  private final Map<String, List<String>> models;
  private final Map<String, byte[]> initialInputs;
  private final long maxUploadBytes;
  private final Sockets sockets = new Sockets();
  private final FileStore files = new FileStore();
  private final Executor executor;
  private final JobEngine jobs;
  private final AtomicLong number = new AtomicLong();
  private final Object enqueueLock = new Object();

  private ComfyUiFake(Builder b) {
    super("comfyui", b);
    this.catalogue = Collections.unmodifiableMap(new LinkedHashMap<>(b.nodes));
    Map<String, List<String>> m = new LinkedHashMap<>();
    b.models.forEach((k, v) -> m.put(k, List.copyOf(v)));
    this.models = Collections.unmodifiableMap(m);
    this.initialInputs = Map.copyOf(b.inputs);
    this.maxUploadBytes = b.maxUploadBytes;
    this.executor = new Executor(catalogue, sockets, files, clock(), b.cache, b.previews);
    this.jobs = JobEngine.builder()
        .clock(clock())
        .maxRunning(b.workers)
        .defaultDuration(b.duration)
        .defaultSteps(in -> in instanceof QueuedPrompt p ? p.samplerSteps() : JobEngine.DEFAULT_STEPS)
        .queueOrder(QueuedPrompt::compare)
        .build();
    executor.attach(jobs);
    jobs.addListener(executor);
    loadInitialFiles();
  }

  /** A fake with the defaults: random port, system clock, core nodes, one worker. */
  public ComfyUiFake() {
    this(builder());
  }

  /**
   * A fake with the defaults.
   *
   * @deprecated use {@code new ComfyUiFake()} or {@code ComfyUiFake.builder()...build()}, as
   *     every fake is constructed
   */
  @Deprecated
  public static ComfyUiFake create() {
    return new ComfyUiFake();
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
    number.set(0);
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

  @Override
  protected void routes(Routes r) {
    for (String prefix : List.of("/api", "")) {
      r.ws(prefix + "/ws", socketHandler());
      r.get(prefix + "/embeddings", req -> json(200, embeddings()));
      r.get(prefix + "/models", req -> json(200, modelFolders()));
      r.get(prefix + "/models/{folder}", this::modelsIn);
      r.get(prefix + "/extensions", req -> json(200, Json.array()));
      r.post(prefix + "/upload/image", this::uploadImage);
      r.get(prefix + "/view", this::view);
      r.get(prefix + "/view_metadata/{folder}", req -> Response.status(404));
      r.get(prefix + "/system_stats", req -> json(200, systemStats()));
      r.get(prefix + "/features", req -> json(200, features()));
      r.get(prefix + "/prompt", req -> json(200, Executor.statusInfo(executor.queueRemaining())));
      r.post(prefix + "/prompt", this::postPrompt);
      r.get(prefix + "/object_info", req -> json(200, objectInfo()));
      r.get(prefix + "/object_info/{class}", this::objectInfoOf);
      r.get(prefix + "/history", this::getHistory);
      r.get(prefix + "/history/{id}", req -> json(200, executor.history(req.pathParam("id"))));
      r.post(prefix + "/history", this::postHistory);
      r.get(prefix + "/queue", this::getQueue);
      r.post(prefix + "/queue", this::postQueue);
      r.post(prefix + "/interrupt", this::interrupt);
      r.post(prefix + "/free", this::free);
    }
    r.get("/", req -> Response.bytes(200, ("<!DOCTYPE html><html><head><title>ComfyUI</title>"
        + "</head><body>ComfyUI (Backlot fake)</body></html>").getBytes(StandardCharsets.UTF_8),
        "text/html").addHeader("Cache-Control", "no-cache"));
  }

  private static Response json(int status, JsonNode body) {
    return Response.bytes(status, Py.dumps(body).getBytes(StandardCharsets.UTF_8),
        "application/json; charset=utf-8");
  }

  /** {@code await request.json()}: malformed JSON makes the handler fail (a 500). */
  private static JsonNode body(Request req) {
    try {
      return Json.parse(req.body());
    } catch (HttpError e) {
      throw new Validator.ServerError("Expecting value: line 1 column 1 (char 0)");
    }
  }

  // ---- POST /prompt

  private Response postPrompt(Request req) {
    JsonNode body = body(req);
    JsonNode number;
    if (body.isObject() && body.has("number")) {
      number = Py.toFloat(body.get("number"));
    } else {
      long n = this.number.getAndIncrement();
      boolean front = body.isObject() && Py.truthy(body.get("front"));
      number = LongNode.valueOf(front ? -n : n);
    }
    if (!body.isObject() || !body.has("prompt")) {
      ObjectNode error = Validator.error("no_prompt", "No prompt provided", "No prompt provided");
      ObjectNode out = Json.object();
      out.set("error", error);
      out.putObject("node_errors");
      return json(400, out);
    }
    JsonNode prompt = body.get("prompt").deepCopy();
    String promptId = body.has("prompt_id") ? Py.str(body.get("prompt_id"))
        : UUID.randomUUID().toString();
    JsonNode partial = body.get("partial_execution_targets");
    Validator.Result valid = Validator.validate(catalogue, validationContext(), prompt, partial);

    JsonNode extraNode = body.has("extra_data") ? body.get("extra_data").deepCopy() : Json.object();
    if (!extraNode.isObject()) {
      throw new Validator.ServerError("extra_data is a " + Py.typeName(extraNode));
    }
    ObjectNode extra = (ObjectNode) extraNode;
    if (body.has("client_id")) {
      extra.set("client_id", body.get("client_id").deepCopy());
    }
    if (!valid.ok()) {
      ObjectNode out = Json.object();
      out.set("error", valid.error());
      out.set("node_errors", valid.nodeErrors());
      return json(400, out);
    }
    ObjectNode graphPrompt = (ObjectNode) prompt;
    Graph g = new Graph(graphPrompt, catalogue);
    int steps = 0;
    for (String id : g.executionOrder(valid.goodOutputs(), Collections.emptySet())) {
      NodeType t = g.typeOf(id);
      if (t != null && t.behaviour() == NodeType.Behaviour.SAMPLER) {
        steps += g.samplerSteps(id);
      }
    }
    QueuedPrompt p = new QueuedPrompt(number, promptId, graphPrompt, extra, valid.goodOutputs(),
        steps);
    synchronized (enqueueLock) {
      String jobId = promptId;
      for (int i = 2; jobs.job(jobId).isPresent(); i++) {
        jobId = promptId + "#" + i;
      }
      executor.accepted(jobId, p);
      try {
        jobs.submit(jobId, p);
      } catch (RuntimeException e) {
        executor.forget(jobId);
        throw e;
      }
    }
    ObjectNode out = Json.object();
    out.put("prompt_id", promptId);
    out.set("number", number);
    out.set("node_errors", valid.nodeErrors());
    return json(200, out);
  }

  private Validator.Context validationContext() {
    return new Validator.Context() {
      @Override
      public List<String> choices(NodeType.Input input) {
        return ComfyUiFake.this.choices(input);
      }

      @Override
      public boolean inputImageExists(String name) {
        return existsAnnotated(files, name);
      }
    };
  }

  private List<String> choices(NodeType.Input in) {
    if (in.source() == NodeType.Source.INPUT_IMAGES) {
      return files.inputImages();
    }
    if (in.source() == NodeType.Source.MODELS) {
      List<String> list = new ArrayList<>(models.getOrDefault(in.folder(), List.of()));
      if ("vae".equals(in.folder())) {
        list.add("pixel_space"); // VAELoader.vae_list()
      }
      return list;
    }
    return List.of();
  }

  // ---- queue, interrupt, history, free

  private Response getQueue(Request req) {
    List<List<QueuedPrompt>> q = executor.queue();
    ObjectNode out = Json.object();
    ArrayNode running = out.putArray("queue_running");
    q.get(0).forEach(p -> running.add(p.toQueueItem()));
    ArrayNode pending = out.putArray("queue_pending");
    q.get(1).forEach(p -> pending.add(p.toQueueItem()));
    return json(200, out);
  }

  private Response postQueue(Request req) {
    JsonNode body = body(req);
    if (body.isObject()) {
      if (body.has("clear") && Py.truthy(body.get("clear"))) {
        jobs.clearQueue();
      }
      if (body.has("delete")) {
        for (String id : idList(body.get("delete"))) {
          deletePending(id);
        }
      }
    }
    return Response.status(200);
  }

  /** {@code delete_queue_item}: the first waiting prompt with this id, in queue order. */
  private void deletePending(String promptId) {
    for (QueuedPrompt p : executor.queue().get(1)) {
      if (p.promptId().equals(promptId)) {
        for (Job j : jobs.queue()) {
          if (j.input() == p && jobs.cancel(j.id())) {
            return;
          }
        }
        for (Job j : jobs.jobs(JobState.THROTTLED)) {
          if (j.input() == p && jobs.cancel(j.id())) {
            return;
          }
        }
      }
    }
  }

  private static List<String> idList(JsonNode v) {
    List<String> out = new ArrayList<>();
    if (v.isArray()) {
      v.forEach(x -> out.add(Py.str(x)));
    } else if (v.isObject()) {
      v.fieldNames().forEachRemaining(out::add);
    } else if (!v.isTextual()) {
      throw new Validator.ServerError("'" + Py.typeName(v) + "' object is not iterable");
    }
    return out;
  }

  private Response interrupt(Request req) {
    JsonNode body;
    try {
      body = Json.parse(req.body());
    } catch (HttpError e) {
      body = Json.object(); // invalid or missing JSON: a global interrupt
    }
    if (!body.isObject()) {
      throw new Validator.ServerError("'" + Py.typeName(body) + "' object has no attribute 'get'");
    }
    JsonNode id = body.get("prompt_id");
    if (id != null && Py.truthy(id)) {
      String want = Py.str(id);
      for (QueuedPrompt p : executor.queue().get(0)) {
        if (p.promptId().equals(want)) {
          // ComfyUI raises its global interrupt flag; with one worker that is this prompt.
          for (Job j : jobs.running()) {
            if (j.input() == p) {
              jobs.interrupt(j.id());
            }
          }
        }
      }
    } else {
      jobs.interruptRunning();
    }
    return Response.status(200);
  }

  private Response free(Request req) {
    JsonNode body = body(req);
    if (body.isObject() && Py.truthy(body.get("free_memory"))) {
      executor.clearCache();
    }
    return Response.status(200);
  }

  private Response getHistory(Request req) {
    Integer max = null;
    if (req.hasQuery("max_items")) {
      max = Py.toInt(TextNode.valueOf(req.query("max_items"))).intValue();
    }
    int offset = -1;
    if (req.hasQuery("offset")) {
      offset = Py.toInt(TextNode.valueOf(req.query("offset"))).intValue();
    }
    return json(200, executor.history(max, offset));
  }

  private Response postHistory(Request req) {
    JsonNode body = body(req);
    if (body.isObject()) {
      if (body.has("clear") && Py.truthy(body.get("clear"))) {
        executor.clearHistory();
      }
      if (body.has("delete")) {
        idList(body.get("delete")).forEach(executor::deleteHistory);
      }
    }
    return Response.status(200);
  }

  // ---- catalogue and models

  private ObjectNode objectInfo() {
    ObjectNode out = Json.object();
    for (NodeType t : catalogue.values()) {
      out.set(t.name(), t.info(this::choices));
    }
    return out;
  }

  private Response objectInfoOf(Request req) {
    ObjectNode out = Json.object();
    NodeType t = catalogue.get(req.pathParam("class"));
    if (t != null) {
      out.set(t.name(), t.info(this::choices));
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

  // ---- files

  private Response view(Request req) {
    if (!req.hasQuery("filename")) {
      return Response.status(404);
    }
    String[] annotated = annotated(req.query("filename"));
    String filename = annotated[0];
    String type = annotated[1];
    if (filename.isEmpty()) {
      return Response.status(400);
    }
    if (filename.startsWith("/") || filename.contains("..")) {
      return Response.status(400);
    }
    if (type == null) {
      type = req.query("type", "output");
      if (!FileStore.TYPES.contains(type)) {
        return Response.status(400);
      }
    }
    String dir = FileStore.base(type);
    if (req.hasQuery("subfolder")) {
      String full = FileStore.join(dir, req.query("subfolder"));
      if (FileStore.inside(type, full) == null) {
        return Response.status(403);
      }
      dir = full;
    }
    String name = FileStore.basename(filename);
    String rel = FileStore.inside(type, FileStore.join(dir, name));
    Optional<FileStore.StoredFile> file =
        rel == null || rel.isEmpty() ? Optional.empty() : files.get(type, rel);
    if (file.isEmpty()) {
      return Response.status(404);
    }
    byte[] bytes = file.get().bytes();
    String disposition = "filename=\"" + name + "\"";
    String channel = req.query("channel");
    if (req.hasQuery("preview")) {
      String[] info = req.query("preview").split(";", -1);
      String format = info[0];
      if (!List.of("webp", "jpeg").contains(format) || (channel != null && channel.contains("a"))) {
        format = "webp";
      }
      int quality = DIGITS.matcher(info[info.length - 1]).matches()
          ? Integer.parseInt(info[info.length - 1]) : 90;
      // The JDK has no WebP encoder: webp previews are JPEG (see the class notes in the report).
      byte[] jpeg = reencode(bytes, "jpeg", quality);
      return Response.bytes(200, jpeg, "image/jpeg").addHeader("Content-Disposition", disposition);
    }
    if ("rgb".equals(channel) || "a".equals(channel)) {
      return Response.bytes(200, reencode(bytes, channel, 0), "image/png")
          .addHeader("Content-Disposition", disposition);
    }
    String type2 = FileStore.contentType(name);
    if (List.of("text/html", "text/html-sandboxed", "application/xhtml+xml", "text/javascript",
        "text/css").contains(type2)) {
      type2 = "application/octet-stream";
    }
    return Response.bytes(200, bytes, type2).addHeader("Content-Disposition", disposition);
  }

  /** PIL-style conversions for {@code /view}: RGB or alpha-only PNG, or a JPEG preview. */
  private static byte[] reencode(byte[] bytes, String mode, int quality) {
    BufferedImage in;
    try {
      in = ImageIO.read(new ByteArrayInputStream(bytes));
    } catch (IOException e) {
      in = null;
    }
    if (in == null) {
      throw new Validator.ServerError("cannot identify image file");
    }
    int w = in.getWidth();
    int h = in.getHeight();
    BufferedImage out;
    if ("a".equals(mode)) {
      out = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
      boolean alpha = in.getColorModel().hasAlpha();
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int a = alpha ? (in.getRGB(x, y) >>> 24) : 255;
          out.setRGB(x, y, a << 24);
        }
      }
    } else {
      out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      out.getGraphics().drawImage(in, 0, 0, null);
    }
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    try {
      if ("jpeg".equals(mode)) {
        javax.imageio.ImageWriter wr = ImageIO.getImageWritersByFormatName("jpeg").next();
        javax.imageio.ImageWriteParam p = wr.getDefaultWriteParam();
        p.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
        p.setCompressionQuality(Math.max(0, Math.min(100, quality)) / 100f);
        try (javax.imageio.stream.ImageOutputStream ios = ImageIO.createImageOutputStream(o)) {
          wr.setOutput(ios);
          wr.write(null, new javax.imageio.IIOImage(out, null, null), p);
        } finally {
          wr.dispose();
        }
      } else {
        ImageIO.write(out, "png", o);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return o.toByteArray();
  }

  private Response uploadImage(Request req) {
    String ct = req.header("Content-Type");
    Map<String, Multipart.Part> form = new LinkedHashMap<>();
    Map<String, String> fields = new LinkedHashMap<>();
    String lower = ct == null ? "" : ct.toLowerCase(Locale.ROOT);
    if (lower.startsWith("multipart/form-data")) {
      for (Multipart.Part part : Multipart.parse(ct, req.body())) {
        String name = part.name();
        if (name != null && !form.containsKey(name)) {
          form.put(name, part);
        }
      }
    } else if (lower.startsWith("application/x-www-form-urlencoded")) {
      Request.of("POST", "/?" + req.bodyText(), Map.of(), null).queryParams()
          .forEach((k, v) -> fields.putIfAbsent(k, v.get(0)));
    }
    form.forEach((k, part) -> {
      if (part.filename() == null) {
        fields.putIfAbsent(k, part.text());
      }
    });
    Multipart.Part image = form.get("image");
    if (image == null || image.filename() == null) {
      if (fields.containsKey("image")) {
        throw new Validator.ServerError("'str' object has no attribute 'file'");
      }
      return Response.status(400);
    }
    String uploadType = fields.get("type");
    if (uploadType == null) {
      uploadType = "input";
    } else if (!FileStore.TYPES.contains(uploadType)) {
      throw new Validator.ServerError(
          "cannot access local variable 'type_dir' where it is not associated with a value");
    }
    String filename = image.filename();
    if (filename.isEmpty()) {
      return Response.status(400);
    }
    String subfolder = fields.getOrDefault("subfolder", "");
    String base = FileStore.base(uploadType);
    String folder = FileStore.join(base, FileStore.normpath(subfolder));
    String rel = FileStore.inside(uploadType, FileStore.join(folder, filename));
    if (rel == null) {
      return Response.status(400);
    }
    if (rel.isEmpty()) {
      throw new Validator.ServerError("[Errno 21] Is a directory: '" + base + "'");
    }
    byte[] bytes = image.body();
    String overwrite = fields.get("overwrite");
    boolean duplicate = false;
    synchronized (files) {
      if (!("true".equals(overwrite) || "1".equals(overwrite))) {
        String[] split = FileStore.splitext(filename);
        for (int i = 1; files.exists(uploadType, rel); i++) {
          Optional<FileStore.StoredFile> existing = files.get(uploadType, rel);
          if (existing.isPresent() && FileStore.sha256(existing.get().bytes())
              .equals(FileStore.sha256(bytes))) {
            duplicate = true;
            break;
          }
          filename = split[0] + " (" + i + ")" + split[1];
          rel = FileStore.inside(uploadType, FileStore.join(folder, filename));
          if (rel == null) {
            return Response.status(400);
          }
        }
      }
      if (!duplicate) {
        files.put(uploadType, rel, new FileStore.StoredFile(bytes.clone()));
      }
    }
    ObjectNode out = Json.object();
    out.put("name", filename);
    out.put("subfolder", subfolder);
    out.put("type", uploadType);
    return json(200, out);
  }

  /** {@code folder_paths.annotated_filepath}: "x.png [output]" names a file of another folder. */
  static String[] annotated(String name) {
    if (name.endsWith("[output]")) {
      return new String[] {cut(name, 9), "output"};
    }
    if (name.endsWith("[input]")) {
      return new String[] {cut(name, 8), "input"};
    }
    if (name.endsWith("[temp]")) {
      return new String[] {cut(name, 7), "temp"};
    }
    return new String[] {name, null};
  }

  private static String cut(String s, int n) {
    return s.length() <= n ? "" : s.substring(0, s.length() - n);
  }

  /** {@code exists_annotated_filepath}: the path (file or folder) exists; input by default. */
  static boolean existsAnnotated(FileStore files, String name) {
    String[] a = annotated(name);
    String type = a[1] == null ? "input" : a[1];
    String rel = FileStore.inside(type, FileStore.join(FileStore.base(type), a[0]));
    return rel != null && files.exists(type, rel);
  }

  /** The bytes of an annotated input name, or null. */
  static byte[] readAnnotated(FileStore files, String name) {
    String[] a = annotated(name);
    String type = a[1] == null ? "input" : a[1];
    String rel = FileStore.inside(type, FileStore.join(FileStore.base(type), a[0]));
    return rel == null ? null : files.get(type, rel).map(FileStore.StoredFile::bytes).orElse(null);
  }

  // ---- WebSocket

  private WebSocketHandler socketHandler() {
    return new WebSocketHandler() {
      @Override
      public void onOpen(WebSocketSession session) {
        String sid = session.request().query("clientId", "");
        if (sid.isEmpty()) {
          sid = UUID.randomUUID().toString().replace("-", "");
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
          value.fields().forEachRemaining(e -> models(e.getKey(), names("models." + e.getKey(), e.getValue())));
        }
        case "embeddings" -> embeddings(names(key, value));
        case "nodes" -> {
          if (!value.isObject()) {
            throw new IllegalArgumentException("'nodes' must map class names to /object_info entries");
          }
          value.fields().forEachRemaining(e -> node(
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
