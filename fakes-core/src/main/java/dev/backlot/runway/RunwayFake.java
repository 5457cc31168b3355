package dev.backlot.runway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.wire.ErrorShape;
import dev.backlot.engine.ExpiringFiles;
import dev.backlot.engine.FakeServer;
import dev.backlot.wire.HttpError;
import dev.backlot.wire.Json;
import dev.backlot.wire.Request;
import dev.backlot.wire.Response;
import dev.backlot.engine.Routes;
import dev.backlot.jobs.Job;
import dev.backlot.jobs.JobEngine;
import dev.backlot.jobs.JobSettings;
import dev.backlot.jobs.JobFailure;
import dev.backlot.jobs.ScriptConfig;
import dev.backlot.jobs.Vocabularies;
import dev.backlot.media.Media;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A fake of Runway's developer API ({@code api.dev.runwayml.com}): the task routes ({@code POST
 * /v1/image_to_video}, {@code /v1/text_to_video}, {@code /v1/video_to_video}, {@code
 * /v1/video_upscale}, {@code /v1/character_performance}), {@code GET} and {@code DELETE
 * /v1/tasks/{id}}, and the generated videos, real H.264 MP4s of the requested ratio and duration
 * served by the fake itself under links that expire on its clock.
 *
 * <pre>{@code
 * RunwayFake runway = RunwayFake.builder().start();
 * // point @runwayml/sdk at it: RUNWAYML_BASE_URL=runway.baseUri(), RUNWAYML_API_SECRET=anything
 * runway.jobs().script().next(1).fail("Input text flagged", "SAFETY.INPUT.TEXT");
 * runway.jobs().script().next(1).throttle(Duration.ofSeconds(3));   // THROTTLED, then PENDING
 * runway.jobs().script().next(1).stall();                           // RUNNING until released
 * runway.jobs().assertHealthy();
 * }</pre>
 *
 * <p>Tasks are jobs of {@link #jobs()} (id = task id, input = its {@link TaskRequest}); statuses
 * are {@link Vocabularies#RUNWAY}'s names of the job states, {@code progress} the job's progress
 * fraction. A scripted failure's details, when text, become {@code failureCode}. By default a
 * task runs 2 s on the fake's clock in 4 progress steps, at most 4 at once.
 */
public final class RunwayFake extends FakeServer<RunwayFake> {

  /** The API version the SDK sends ({@code X-Runway-Version}). */
  public static final String API_VERSION = "2024-11-06";

  private static final ErrorShape RUNWAY_ERRORS = (status, message, details) -> {
    ObjectNode body = Json.object();
    body.put("error", message);
    details.forEach((k, v) -> body.set(k, Json.mapper().valueToTree(v))); // not Json.tree: it parses strings
    return Response.json(status, body);
  };

  private final Set<String> apiKeys;
  private final Set<String> versions;
  private final Duration outputTtl;
  private final int fps;
  private final JobEngine jobs;
  private final ExpiringFiles files;
  private final Map<String, Task> tasks = new ConcurrentHashMap<>();

  /** A live task: its creation and its (lazily rendered) video. */
  private record Task(String id, Instant createdAt, TaskRequest request, Supplier<byte[]> video) {}

  /** A fake with the defaults: random port, system clock, any bearer key accepted (as {@code builder().build()}). */
  public RunwayFake() {
    this(new Builder());
  }

  private RunwayFake(Builder b) {
    super("runway", b);
    this.apiKeys = Set.copyOf(b.apiKeys);
    this.versions = Set.copyOf(b.versions);
    this.outputTtl = b.outputTtl;
    this.fps = b.fps;
    this.files = new ExpiringFiles(clock(), () -> ids().token(40));
    this.jobs = b.jobs.engine(clock())
        .defaultSteps(4)
        .worker(job -> {
          Task t = tasks.get(job.id());
          return t == null ? null : t.video();
        })
        .build();
  }


  /** A builder: set keys, timing, limits, then {@code start()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** The job engine running the tasks: script them here (fail, stall, throttle, slow down). */
  public JobEngine jobs() {
    return jobs;
  }

  /** The creation request of a task that exists (not deleted). */
  public Optional<TaskRequest> task(String id) {
    Task t = tasks.get(id);
    return t == null ? Optional.empty() : Optional.of(t.request());
  }

  /** The ids of the tasks that exist, in no particular order. */
  public Set<String> taskIds() {
    return Collections.unmodifiableSet(new LinkedHashSet<>(tasks.keySet()));
  }

  @Override
  protected ErrorShape errorShape() {
    return RUNWAY_ERRORS;
  }

  @Override
  protected void resetState() {
    jobs.reset();
    tasks.clear();
    files.clear();
  }

  @Override
  protected void onClose() {
    jobs.close();
  }

  // ------------------------------------------------------------------ routes

  @Override
  protected void routes(Routes r) {
    for (String route : RunwayModels.routes()) {
      r.post("/v1/" + route, req -> create(route, req));
    }
    r.get("/v1/tasks/{id}", this::retrieve);
    r.delete("/v1/tasks/{id}", this::delete);
    r.get("/_output/{token}/{file}", this::download);
    r.head("/_output/{token}/{file}", this::download);
  }

  /** 401 without a (known) bearer key, then 400 without a known API version. */
  private void guard(Request req) {
    String auth = req.header("Authorization");
    String key = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).trim() : "";
    if (key.isEmpty() || (!apiKeys.isEmpty() && !apiKeys.contains(key))) {
      throw new HttpError(401, "Invalid API key");
    }
    String version = req.header("X-Runway-Version");
    if (version == null || !versions.contains(version)) {
      throw HttpError.badRequest("Invalid API Version");
    }
  }

  private Response create(String route, Request req) {
    guard(req);
    TaskRequest t = TaskRequest.parse(route, req.json());
    String id = ids().uuid();
    long seed = t.seed() != null
        ? Media.seedOf("runway", t.model(), t.promptText(), t.seed())
        : Media.seedOf("runway", t.model(), t.promptText(), id);
    int frames = Math.max(1, t.seconds() * fps);
    Supplier<byte[]> video = ExpiringFiles.memoize(() -> Media.mp4(t.width(), t.height(), frames, fps, seed));
    tasks.put(id, new Task(id, clock().instant(), t, video));
    jobs.submit(id, t);
    ObjectNode body = Json.object();
    body.put("id", id);
    body.putObject("estimatedCost").put("credits", t.credits());
    return Response.json(200, body);
  }

  private Response retrieve(Request req) {
    guard(req);
    String id = req.pathParam("id");
    Task t = tasks.get(id);
    Job job = t == null ? null : jobs.job(id).orElse(null);
    if (job == null) {
      throw HttpError.notFound("Task not found");
    }
    ObjectNode body = Json.object();
    body.put("id", id);
    body.put("createdAt", t.createdAt().truncatedTo(ChronoUnit.MILLIS).toString());
    body.put("status", Vocabularies.RUNWAY.nameOf(job.state()));
    switch (job.state()) {
      case QUEUED, THROTTLED -> body.putObject("estimatedCost").put("credits", t.request().credits());
      case RUNNING -> {
        body.put("progress", Math.round(job.progress().fraction() * 100) / 100.0);
        body.putObject("estimatedCost").put("credits", t.request().credits());
      }
      case SUCCEEDED -> {
        ArrayNode out = body.putArray("output");
        for (String url : outputUrls(req, t, job.output().orElse(null))) {
          out.add(url);
        }
        body.putObject("cost").put("credits", t.request().credits());
      }
      case FAILED -> {
        JobFailure f = job.failure().orElse(JobFailure.of("An unexpected error occurred."));
        body.put("failure", f.message());
        if (f.details() instanceof String code) {
          body.put("failureCode", code);
        }
        body.putObject("cost").put("credits", 0);
      }
      case CANCELLED -> body.putObject("cost").put("credits", 0);
    }
    return Response.json(200, body);
  }

  /**
   * Fresh links for a task's output, as each fetch of a real task signs new ones. A scripted
   * {@code succeedWith(...)} output may be bytes (served), a URL or a list of URLs (returned as is).
   */
  private List<String> outputUrls(Request req, Task t, Object output) {
    Supplier<byte[]> content;
    if (output instanceof String url) {
      return List.of(url);
    } else if (output instanceof List<?> urls) {
      List<String> out = new ArrayList<>();
      urls.forEach(u -> out.add(String.valueOf(u)));
      return out;
    } else if (output instanceof byte[] bytes) {
      content = () -> bytes;
    } else {
      content = t.video();
    }
    String file = t.id() + ".mp4";
    ExpiringFiles.Link link = files.publish(t.id(), file, Media.MP4, content, outputTtl);
    return List.of(origin(req) + "/_output/" + link.token() + "/" + file);
  }

  /** Where the client reached this fake (its Host header), so links work through proxies too. */
  private String origin(Request req) {
    String host = req.header("Host");
    return host != null && !host.isBlank() ? "http://" + host : baseUri().toString();
  }

  private Response delete(Request req) {
    guard(req);
    String id = req.pathParam("id");
    if (tasks.remove(id) == null) {
      throw HttpError.notFound("Task not found");
    }
    jobs.abort(id); // PENDING, THROTTLED or RUNNING -> CANCELLED; a finished task is just deleted
    files.removeOwner(id);
    return Response.status(204);
  }

  /** The output links: no credentials; 403 once expired, as a signed CDN URL answers. */
  private Response download(Request req) {
    ExpiringFiles.Entry e = files.find(req.pathParam("token"));
    if (e == null || !e.fileName().equals(req.pathParam("file"))) {
      return Response.bytes(404, xmlError("NoSuchKey", "The specified key does not exist."), "application/xml");
    }
    if (files.isExpired(e)) {
      return Response.bytes(403, xmlError("AccessDenied", "Request has expired"), "application/xml");
    }
    byte[] bytes = e.bytes();
    Response r = Response.bytes(200, "HEAD".equals(req.method()) ? new byte[0] : bytes, e.contentType());
    return "HEAD".equals(req.method()) ? r.setHeader("Content-Length", String.valueOf(bytes.length)) : r;
  }

  private static byte[] xmlError(String code, String message) {
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>"
        + message + "</Message></Error>").getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "RunwayFake[" + (isRunning() ? baseUri() : "stopped") + ", " + jobs + "]";
  }

  // ------------------------------------------------------------------ builder

  /**
   * Settings of a {@link RunwayFake}; every one has a default.
   *
   * <pre>{@code
   * RunwayFake runway = RunwayFake.builder()
   *     .clock(clock)
   *     .apiKeys("key_test")                  // default: any bearer key
   *     .concurrency(1)                       // tasks RUNNING at once (default 4)
   *     .jobDuration(Duration.ofSeconds(10))  // default 2 s
   *     .fps(8)                               // frames per second of the videos (default 24)
   *     .outputTtl(Duration.ofHours(24))      // output links' lifetime (default 24 h)
   *     .start();
   * }</pre>
   */
  public static final class Builder extends FakeServer.Builder<Builder, RunwayFake> {
    private final Set<String> apiKeys = new LinkedHashSet<>();
    private final Set<String> versions = new LinkedHashSet<>(List.of(API_VERSION));
    private final JobSettings<RunwayFake> jobs =
        new JobSettings<>(4, Duration.ofSeconds(2), RunwayFake::jobs);
    private int fps = 24;
    private Duration outputTtl = Duration.ofHours(24);

    private Builder() {}

    /** Only these bearer keys are accepted (default: any non-empty key). */
    public Builder apiKeys(String... keys) {
      apiKeys.addAll(List.of(keys));
      return this;
    }

    /** Accepts these {@code X-Runway-Version} values too (default only {@value #API_VERSION}). */
    public Builder versions(String... more) {
      versions.addAll(List.of(more));
      return this;
    }

    /** How many tasks run at once (the organisation's concurrency; default 4). */
    public Builder concurrency(int n) {
      jobs.concurrency(n);
      return this;
    }

    /** How long a task runs unless scripted otherwise (default 2 s on the fake's clock). */
    public Builder jobDuration(Duration d) {
      jobs.duration(d);
      return this;
    }

    /** Frames per second of generated videos (default 24; fewer frames render faster). */
    public Builder fps(int fps) {
      if (fps < 1 || fps > 60) {
        throw new IllegalArgumentException("fps must be 1 to 60: " + fps);
      }
      this.fps = fps;
      return this;
    }

    /** How long an output link works after the task fetch that signed it (default 24 h). */
    public Builder outputTtl(Duration ttl) {
      this.outputTtl = Objects.requireNonNull(ttl, "ttl");
      return this;
    }

    /**
     * Launcher settings, with the meaning of the methods above:
     *
     * <pre>{@code
     * {"apiKeys": ["key_test"], "versions": ["2024-11-06"], "concurrency": 2, "jobDurationMs": 4000,
     *  "fps": 12, "outputTtlSeconds": 86400,
     *  "jobScript": [{"next": 1, "fail": "Flagged", "details": "SAFETY.INPUT.TEXT"}]}
     * }</pre>
     *
     * {@code concurrency}, {@code jobDurationMs} and {@code jobScript} (a list of {@link
     * ScriptConfig} rules, applied again after every reset) are the {@link JobSettings} every
     * video fake shares.
     */
    @Override
    protected List<String> settingKeys() {
      return withKeys(super.settingKeys(), "apiKeys", "versions", "concurrency", "jobDurationMs",
          "fps", "outputTtlSeconds", "jobScript");
    }

    @Override
    protected String fakeName() {
      return "runway";
    }

    @Override
    protected boolean configure(String key, JsonNode value) {
      if (jobs.configure(key, value, this::setup)) {
        return true;
      }
      switch (key) {
        case "apiKeys" -> apiKeys(strings(key, value));
        case "versions" -> versions(strings(key, value));
        case "fps" -> fps(intValue(key, value));
        case "outputTtlSeconds" -> outputTtl(Duration.ofSeconds(longValue(key, value)));
        default -> {
          return super.configure(key, value);
        }
      }
      return true;
    }

    private static String[] strings(String key, JsonNode v) {
      if (v == null || !v.isArray()) {
        throw new IllegalArgumentException("'" + key + "' must be a list of strings, not " + v);
      }
      List<String> out = new ArrayList<>();
      for (JsonNode n : v) {
        if (!n.isTextual()) {
          throw new IllegalArgumentException("'" + key + "' must hold strings, not " + n);
        }
        out.add(n.textValue());
      }
      return out.toArray(String[]::new);
    }

    @Override
    public RunwayFake build() {
      return new RunwayFake(this);
    }
  }
}
