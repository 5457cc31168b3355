package dev.backlot.gradio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.wire.ErrorShape;
import dev.backlot.engine.FakeServer;
import dev.backlot.engine.Handler;
import dev.backlot.wire.HttpError;
import dev.backlot.wire.Json;
import dev.backlot.wire.Multipart;
import dev.backlot.wire.Request;
import dev.backlot.wire.Response;
import dev.backlot.engine.Routes;
import dev.backlot.jobs.JobEngine;
import dev.backlot.jobs.JobSettings;
import dev.backlot.jobs.JobState;
import dev.backlot.jobs.Vocabulary;
import dev.backlot.media.Media;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A fake Gradio server (5.29 by default, the version Wan2GP pins): {@code /config}, {@code
 * /gradio_api/info}, the sse_v3 queue ({@code queue/join} + {@code queue/data}), the call API,
 * {@code run}, uploads, {@code file=} downloads with Range, cancel, reset, app_id and heartbeat,
 * for an app of named {@link Endpoint}s. Queued calls run as jobs on {@link #jobs()}, so
 * scripts, faults, a manual clock and the engine's invariants all apply; each call reports
 * {@code estimation}, {@code process_starts}, one {@code progress} per step, {@code
 * process_generating} for generators, then {@code process_completed} and {@code close_stream}.
 *
 * <pre>{@code
 * try (GradioFake wan = GradioFake.wan2gp().start()) {      // a Wan2GP-shaped app
 *   // @gradio/client: Client.connect(wan.baseUri()); client.predict("/generate_video", {...})
 *   wan.jobs().script().next(1).fail("CUDA out of memory", new GradioError("CUDA out of memory"));
 *   ...
 *   wan.jobs().assertHealthy();
 * }
 * }</pre>
 *
 * <p>Presets: {@link Presets#wan2gp()} (default) and {@link Presets#wan21()}; any other app with
 * {@link Builder#app(GradioApp)}.
 */
public final class GradioFake extends FakeServer<GradioFake> {

  /**
   * The status stages {@code @gradio/client} reports for a call ({@code status.stage}), over the
   * job states: QUEUED is {@code pending}, RUNNING {@code generating} (a progress update shows as
   * {@code pending} again), SUCCEEDED {@code complete}, FAILED {@code error}; a call cancelled by
   * {@code /cancel} is completed with an empty output, so it shows as {@code complete}.
   *
   * <pre>{@code
   * GradioFake.STAGES.check("pending", "generating", "pending", "complete").assertLegal();
   * }</pre>
   */
  public static final Vocabulary STAGES = Vocabulary.builder("Gradio")
      .state(JobState.QUEUED, "pending")
      .state(JobState.RUNNING, "generating")
      .state(JobState.SUCCEEDED, "complete")
      .state(JobState.FAILED, "error")
      .render(JobState.THROTTLED, "pending")
      .render(JobState.CANCELLED, "complete")
      .initial("pending")
      .transitions("pending", "generating", "complete", "error")
      .transitions("generating", "pending", "complete", "error")
      .build();

  private final GradioApp app;
  private final boolean showError;
  private final Integer maxQueueSize;
  private final long maxFileSize;
  private final long appId;
  private final JobEngine jobs;
  private final FileStore files = new FileStore();
  private final EventQueue queue = new EventQueue(this);
  private final Object joinLock = new Object();

  /** A fake with the defaults (as {@code builder().build()}): random port, system clock. */
  public GradioFake() {
    this(new Builder());
  }

  private GradioFake(Builder b) {
    super("gradio", b);
    this.app = b.app != null ? b.app : Presets.wan2gp();
    this.showError = b.showError;
    this.maxQueueSize = b.maxQueueSize;
    this.maxFileSize = b.maxFileSize;
    this.appId = Math.floorMod(Media.seedOf("gradio app_id", faults().seed()), 1L << 53);
    this.jobs = b.jobs.engine(clock())
        .defaultSteps(in -> in instanceof EventQueue.Event e ? e.steps : 0)
        .worker(job -> {
          EventQueue.Event e = (EventQueue.Event) job.input();
          return postprocess(e, e.endpoint.handler().run(e.call));
        })
        .build();
    jobs.addListener(queue);
  }

  /** A builder for a Wan2GP-shaped fake (the default app). */
  public static Builder builder() {
    return new Builder();
  }

  /** A Wan2GP-shaped fake (Gradio 5.29): {@code /generate_video}, {@code /generate_video_1}... */
  public static Builder wan2gp() {
    return builder().app(Presets.wan2gp());
  }

  /** A Wan2.1-shaped fake: {@code /t2v_generation}, {@code /i2v_generation}. */
  public static Builder wan21() {
    return builder().app(Presets.wan21());
  }

  // ------------------------------------------------------------------ handles

  /** The app this fake serves. */
  public GradioApp app() {
    return app;
  }

  /**
   * The job engine running queued calls: one job per event, with the {@code event_id} as id.
   * Script it as on every fake; a failure whose details are a {@link GradioError} reaches the
   * client as {@code gr.Error} (others show their message only with {@code showError}).
   */
  public JobEngine jobs() {
    return jobs;
  }

  /** The files clients uploaded, in no particular order. */
  public List<GradioFile> uploads() {
    return files.all(FileStore.Origin.UPLOAD);
  }

  /** The output files handlers returned. */
  public List<GradioFile> outputs() {
    return files.all(FileStore.Origin.OUTPUT);
  }

  /** The Gradio {@code app_id} (fixed per seed; {@code client.reconnect()} compares it). */
  public long appId() {
    return appId;
  }

  boolean showError() {
    return showError;
  }

  // ------------------------------------------------------------------ lifecycle

  @Override
  protected void resetState() {
    queue.reset();
    jobs.reset();
    files.clear();
  }

  @Override
  protected void onClose() {
    queue.reset();
    jobs.close();
  }

  @Override
  protected ErrorShape errorShape() {
    return GradioErrors.SHAPE;
  }

  // ------------------------------------------------------------------ routes

  @Override
  protected void routes(Routes r) {
    r.get("/config", this::config);
    r.get("/", req -> Response.bytes(200, ("<!doctype html><html><head><title>" + app.title()
        + "</title></head><body>Gradio (Backlot fake)</body></html>").getBytes(StandardCharsets.UTF_8),
        "text/html; charset=utf-8"));
    for (String p : List.of("/gradio_api", "")) {
      api(r, "GET", p, "/info", req -> Response.json(200, app.info()));
      api(r, "GET", p, "/app_id", req -> Response.json(200, Map.of("app_id", appId)));
      api(r, "POST", p, "/queue/join", this::join);
      api(r, "GET", p, "/queue/data", this::queueData);
      api(r, "POST", p, "/call/{api}", this::callPost);
      api(r, "GET", p, "/call/{api}/{event}", this::callGet);
      api(r, "POST", p, "/run/{api}", this::run);
      api(r, "POST", p, "/api/{api}", this::run);
      api(r, "POST", p, "/upload", this::upload);
      api(r, "GET", p, "/file={path*}", req -> files.serve(req, req.pathParam("path")));
      api(r, "GET", p, "/file/{path*}", req -> files.serve(req, "/" + req.pathParam("path")));
      api(r, "GET", p, "/heartbeat/{session}", this::heartbeat);
      api(r, "POST", p, "/cancel", this::cancel);
      api(r, "POST", p, "/reset", this::resetIterator);
    }
  }

  /** A route under one API prefix, answered only when the app's version uses that prefix. */
  private void api(Routes r, String method, String prefix, String path, Handler h) {
    r.add(method, prefix + path, req -> {
      if (!prefix.equals(app.apiPrefix())) {
        throw new HttpError(404, "Not Found");
      }
      return h.handle(req);
    });
  }

  /** The absolute base URL clients reached (Gradio computes {@code root} per request). */
  String root(Request req) {
    String host = req.header("Host");
    return host == null || host.isBlank() ? baseUri().toString() : "http://" + host;
  }

  private Response config(Request req) {
    ObjectNode c = app.config(root(req), appId, showError, true);
    if (maxFileSize != Long.MAX_VALUE) {
      c.put("max_file_size", maxFileSize);
    }
    return Response.json(200, c);
  }

  // ---- queue

  private Response join(Request req) {
    JsonNode body = Bodies.predictBody(req);
    JsonNode hash = body.get("session_hash");
    if (hash == null || hash.isNull()) {
      throw GradioErrors.detail(400, "Session hash not found.");
    }
    return Response.json(200, Map.of("event_id", push(req, body, hash.asText(), false)));
  }

  private String push(Request req, JsonNode body, String sessionHash, boolean simple) {
    JsonNode fn = body.get("fn_index");
    if (fn == null || fn.isNull()) {
      throw GradioErrors.detail(400, "No function index provided.");
    }
    synchronized (joinLock) { // the size check and the submission together
      int waiting = jobs.count(JobState.QUEUED) + jobs.count(JobState.THROTTLED);
      if (maxQueueSize != null && waiting >= maxQueueSize) {
        throw GradioErrors.detail(503, "Queue is full. Max size is " + maxQueueSize + " and size is " + waiting + ".");
      }
      int fnIndex = Bodies.intOf(fn);
      Endpoint ep = app.endpoint(fnIndex);
      if (ep == null) {
        throw GradioErrors.internal("KeyError: " + fnIndex);
      }
      return enqueue(req, ep, fnIndex, body, sessionHash, simple);
    }
  }

  private String enqueue(Request req, Endpoint ep, int fnIndex, JsonNode body, String sessionHash,
      boolean simple) {
    String eventId = ids().hex(32);
    String session = sessionHash != null ? sessionHash : eventId;
    JsonNode data = body.get("data");
    RuntimeException bad = null;
    List<Object> values;
    try {
      values = Values.preprocess(ep, data, files);
    } catch (RuntimeException e) {
      bad = e;
      values = Values.lenient(ep, data, files);
    }
    Call call = new Call(ep, fnIndex, eventId, session, data, values);
    String urlBase = root(req) + app.apiPrefix();
    queue.join(new EventQueue.Event(eventId, session, ep, fnIndex, call, simple, urlBase, bad,
        bad == null ? ep.stepsOf(call) : 0), jobs);
    return eventId;
  }

  private Response queueData(Request req) {
    String hash = req.query("session_hash");
    if (hash == null) {
      throw Bodies.queryMissing("session_hash");
    }
    return Response.sse(sse -> queue.attach(hash, sse, false));
  }

  private Response callPost(Request req) {
    JsonNode body = Bodies.simpleBody(req);
    int fnIndex = app.fnIndex(req.pathParam("api"));
    if (fnIndex < 0) {
      throw GradioErrors.internal("FnIndexInferError: Could not infer function index for API name: " + req.pathParam("api"));
    }
    ObjectNode full = body.deepCopy();
    full.put("fn_index", fnIndex);
    JsonNode hash = body.get("session_hash");
    String eventId = push(req, full, hash == null || hash.isNull() ? null : hash.asText(), true);
    return Response.json(200, Map.of("event_id", eventId));
  }

  private Response callGet(Request req) {
    String event = req.pathParam("event");
    return Response.sse(sse -> queue.attach(event, sse, true));
  }

  private Response heartbeat(Request req) {
    return Response.sse(sse -> heartbeatTick(sse));
  }

  private void heartbeatTick(dev.backlot.wire.SseStream sse) {
    if (!sse.isOpen()) {
      return;
    }
    sse.sendRaw("data: ALIVE\n\n");
    clock().schedule(EventQueue.HEARTBEAT, () -> heartbeatTick(sse));
  }

  private Response cancel(Request req) {
    JsonNode body = Bodies.cancelBody(req);
    queue.cancel(body.get("session_hash").asText(), body.get("event_id").asText(), jobs);
    return Response.json(200, Map.of("success", true));
  }

  private Response resetIterator(Request req) {
    Bodies.resetBody(req);
    return Response.json(200, Map.of("success", true));
  }

  // ---- direct calls

  private Response run(Request req) {
    JsonNode body = Bodies.predictBody(req);
    JsonNode fn = body.get("fn_index");
    int fnIndex = fn == null || fn.isNull() ? app.fnIndex(req.pathParam("api")) : Bodies.intOf(fn);
    Endpoint ep = app.endpoint(fnIndex);
    if (ep == null) {
      throw GradioErrors.internal("no endpoint " + req.pathParam("api"));
    }
    JsonNode hash = body.get("session_hash");
    String urlBase = root(req) + app.apiPrefix();
    Instant start = clock().instant();
    try {
      List<Object> values = Values.preprocess(ep, body.get("data"), files);
      Call call = new Call(ep, fnIndex, null, hash == null || hash.isNull() ? null : hash.asText(),
          body.get("data"), values);
      ArrayNode data = postprocess(urlBase, ep, ep.handler().run(call));
      ObjectNode out = Json.object();
      out.set("data", data);
      out.put("is_generating", false);
      double secs = Duration.between(start, clock().instant()).toNanos() / 1e9;
      out.put("duration", secs);
      out.put("average_duration", secs);
      out.putNull("render_config");
      out.putArray("changed_state_ids");
      return Response.json(200, out);
    } catch (Exception e) {
      return Response.json(500, queue.errorPayload(new dev.backlot.jobs.JobFailure(
          String.valueOf(e.getMessage()), e)));
    }
  }

  ArrayNode postprocess(EventQueue.Event e, List<Object> values) {
    return postprocess(e.urlBase, e.endpoint, values);
  }

  private ArrayNode postprocess(String urlBase, Endpoint ep, List<Object> values) {
    return Values.postprocess(ep, values, files, ids(), urlBase);
  }

  // ---- uploads

  private Response upload(Request req) {
    String type = req.header("Content-Type");
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/form-data")) {
      throw GradioErrors.detail(400, "Invalid content type.");
    }
    List<Multipart.Part> parts;
    try {
      parts = Multipart.parse(type, req.body());
    } catch (HttpError e) {
      return Response.text(400, e.getMessage());
    }
    ArrayNode paths = Json.array();
    for (Multipart.Part p : parts) {
      if (!"files".equals(p.name()) || p.filename() == null) {
        continue;
      }
      if (p.body().length > maxFileSize) {
        return Response.text(413, "Maximum file size exceeded");
      }
    }
    for (Multipart.Part p : parts) {
      if ("files".equals(p.name()) && p.filename() != null) {
        String ct = p.contentType();
        String mime = ct == null || ct.equals("application/octet-stream") ? null : ct;
        paths.add(files.put(ids(), p.filename(), p.body(), mime, FileStore.Origin.UPLOAD).path());
      }
    }
    return Response.json(200, paths);
  }

  // ------------------------------------------------------------------ builder

  /** Builds a {@link GradioFake}; the defaults give a Wan2GP-shaped app. */
  public static final class Builder extends FakeServer.Builder<Builder, GradioFake> {
    private GradioApp app;
    private boolean showError;
    private Integer maxQueueSize;
    private long maxFileSize = Long.MAX_VALUE;
    private final JobSettings<GradioFake> jobs =
        new JobSettings<>(1, JobEngine.DEFAULT_DURATION, GradioFake::jobs);

    private Builder() {}

    /** The app to serve (default {@link Presets#wan2gp()}). */
    public Builder app(GradioApp app) {
      this.app = Objects.requireNonNull(app, "app");
      return this;
    }

    /** {@code launch(show_error=True)}: error messages of any exception reach clients. */
    public Builder showError(boolean show) {
      this.showError = show;
      return this;
    }

    /** {@code queue(max_size=n)}: joins beyond {@code n} waiting events get a 503. */
    public Builder maxQueueSize(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("maxQueueSize must not be negative: " + n);
      }
      this.maxQueueSize = n;
      return this;
    }

    /** {@code default_concurrency_limit}: calls running at once (default 1, as Gradio). */
    public Builder concurrency(int n) {
      jobs.concurrency(n);
      return this;
    }

    /** How long a queued call runs unless scripted otherwise (default 50 ms). */
    public Builder jobDuration(Duration d) {
      jobs.duration(d);
      return this;
    }

    /**
     * {@code launch(max_file_size=...)}: larger uploads get a 413, and {@code /config} tells
     * clients (default: none; the engine's body limit, 64 MiB, still applies).
     */
    public Builder maxFileSize(long bytes) {
      this.maxFileSize = bytes;
      return this;
    }

    /**
     * Launcher settings, with the meaning of the methods above: {@code preset} ({@code wan2gp}
     * or {@code wan21}), {@code app}, {@code showError}, {@code maxQueueSize}, {@code
     * maxFileSize}, {@code jobDurationMillis}; and the {@link JobSettings} every video fake
     * shares: {@code concurrency}, {@code jobDurationMs} (the same as {@code jobDurationMillis})
     * and {@code jobScript} (a list of {@link dev.backlot.jobs.ScriptConfig} rules, applied again
     * after every reset).
     */
    @Override
    protected List<String> settingKeys() {
      return withKeys(super.settingKeys(), "preset", "app", "showError", "maxQueueSize",
          "concurrency", "jobDurationMs", "jobDurationMillis", "jobScript", "maxFileSize");
    }

    @Override
    protected String fakeName() {
      return "gradio";
    }

    @Override
    protected boolean configure(String key, JsonNode v) {
      if (jobs.configure(key, v, this::setup)) {
        return true;
      }
      switch (key) {
        case "preset" -> app(switch (v.asText()) {
          case "wan2gp" -> Presets.wan2gp();
          case "wan21" -> Presets.wan21();
          default -> throw new IllegalArgumentException("'preset' is wan2gp or wan21, not " + v);
        });
        case "app" -> app(AppConfig.read(v));
        case "showError" -> showError(v.asBoolean());
        case "maxQueueSize" -> maxQueueSize(intValue(key, v));
        case "jobDurationMillis" -> jobDuration(Duration.ofMillis(longValue(key, v)));
        case "maxFileSize" -> maxFileSize(longValue(key, v));
        default -> {
          return super.configure(key, v);
        }
      }
      return true;
    }

    @Override
    public GradioFake build() {
      return new GradioFake(this);
    }
  }
}
