package dev.backlot.minimax;

import com.fasterxml.jackson.databind.JsonNode;
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
import dev.backlot.jobs.JobState;
import dev.backlot.jobs.ScriptConfig;
import dev.backlot.jobs.Vocabularies;
import dev.backlot.media.Media;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A fake of MiniMax's video generation API ({@code api.minimax.io}, v1): {@code POST
 * /v1/video_generation}, {@code GET /v1/query/video_generation?task_id=}, {@code GET
 * /v1/files/retrieve?file_id=} and the {@code download_url} it hands out, serving real H.264 MP4s
 * of the requested resolution and duration without credentials, until the link expires on the
 * fake's clock.
 *
 * <p>Errors are MiniMax's: <b>HTTP 200</b> with a non-zero {@code base_resp.status_code} and its
 * {@code status_msg}: 1004 for a missing or wrong key, 2013 for invalid parameters, 1002 when the
 * {@linkplain Builder#rateLimit rate limit} is exceeded, 1008 when the {@linkplain #balance(long)
 * balance} is spent.
 *
 * <pre>{@code
 * MiniMaxFake minimax = MiniMaxFake.builder().apiKeys("test-key").start();
 * minimax.jobs().script().next(1).fail("output video is sensitive", 1027); // Fail, base_resp 1027
 * minimax.balance(0);                                                       // next create: 1008
 * minimax.jobs().assertHealthy();
 * }</pre>
 *
 * <p>Tasks are jobs of {@link #jobs()} (id = {@code task_id}, input = its {@link VideoRequest});
 * by default a task runs 3 s on the fake's clock, at most 4 at once. A waiting task shows {@code
 * Preparing} while a slot is free for it and {@code Queueing} while it waits behind others (or is
 * throttled); then {@code Processing}, {@code Success} or {@code Fail} (also for a cancelled job).
 */
public final class MiniMaxFake extends FakeServer<MiniMaxFake> {

  static final int OK = 0;
  static final int RATE_LIMITED = 1002;
  static final int AUTH_FAILED = 1004;
  static final int NO_BALANCE = 1008;
  private static final String CODE = "status_code";

  /** Keeps the HTTP status; the body is MiniMax's {@code base_resp} (status codes mapped). */
  private static final ErrorShape MINIMAX_ERRORS = (status, message, details) -> {
    ObjectNode body = Json.object();
    details.forEach((k, v) -> {
      if (!k.equals(CODE)) {
        body.set(k, Json.mapper().valueToTree(v)); // not Json.tree: it parses strings
      }
    });
    Object code = details.get(CODE);
    int c = code instanceof Integer i ? i : switch (status) {
      case 401, 403 -> AUTH_FAILED;
      case 429 -> RATE_LIMITED;
      case 400, 404, 405, 413 -> VideoRequest.INVALID_PARAMS;
      default -> 1000;
    };
    body.set("base_resp", baseResp(c, message));
    return Response.json(status, body);
  };

  private final Set<String> apiKeys;
  private final long initialBalance;
  private final int initialRateLimit;
  private final Duration downloadTtl;
  private final int fps;
  private final JobEngine jobs;
  private final ExpiringFiles files;
  private final Map<String, Task> tasks = new ConcurrentHashMap<>();
  private final Map<Long, Task> byFile = new ConcurrentHashMap<>();
  private final Deque<Instant> recentCreates = new ArrayDeque<>(); // guarded by itself
  private volatile long balance;
  private volatile int rateLimit;

  /** A task: its request, its video, and the file id it gets when it succeeds. */
  private record Task(String id, long fileId, VideoRequest request, Supplier<byte[]> video) {}

  /** A fake with the defaults: random port, system clock, any bearer key, no limits (as {@code builder().build()}). */
  public MiniMaxFake() {
    this(new Builder());
  }

  private MiniMaxFake(Builder b) {
    super("minimax", b);
    this.apiKeys = Set.copyOf(b.apiKeys);
    this.initialBalance = b.balance;
    this.initialRateLimit = b.rateLimit;
    this.balance = b.balance;
    this.rateLimit = b.rateLimit;
    this.downloadTtl = b.downloadTtl;
    this.fps = b.fps;
    this.files = new ExpiringFiles(clock(), () -> ids().hex(32));
    this.jobs = b.jobs.engine(clock())
        .defaultSteps(3)
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

  /** The request of a task. */
  public Optional<VideoRequest> task(String taskId) {
    Task t = tasks.get(taskId);
    return t == null ? Optional.empty() : Optional.of(t.request());
  }

  /**
   * How many more tasks the account can pay for; at 0, creation answers 1008 "insufficient
   * balance". Negative: unlimited (the default). Back to the builder's value on reset.
   */
  public MiniMaxFake balance(long tasksLeft) {
    this.balance = tasksLeft;
    return this;
  }

  /** The balance left, in tasks (negative: unlimited). */
  public long balance() {
    return balance;
  }

  /** Creations allowed per minute on the fake's clock (0: no limit); over it, 1002. */
  public MiniMaxFake rateLimit(int perMinute) {
    this.rateLimit = perMinute;
    return this;
  }

  @Override
  protected ErrorShape errorShape() {
    return (status, message, details) -> traced(MINIMAX_ERRORS.render(status, message, details));
  }

  @Override
  protected void resetState() {
    jobs.reset();
    tasks.clear();
    byFile.clear();
    files.clear();
    synchronized (recentCreates) {
      recentCreates.clear();
    }
    balance = initialBalance;
    rateLimit = initialRateLimit;
  }

  @Override
  protected void onClose() {
    jobs.close();
  }

  // ------------------------------------------------------------------ routes

  @Override
  protected void routes(Routes r) {
    r.post("/v1/video_generation", this::create);
    r.get("/v1/query/video_generation", this::query);
    r.get("/v1/files/retrieve", this::retrieve);
    r.get("/_download/{token}/{file}", this::download);
  }

  /** An HTTP 200 answer whose {@code base_resp} carries {@code code} and {@code message}. */
  static HttpError error(int code, String message) {
    return new HttpError(200, message).with(CODE, code);
  }

  private void authenticate(Request req) {
    String auth = req.header("Authorization");
    String key = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).trim() : "";
    if (key.isEmpty()) {
      throw error(AUTH_FAILED,
          "login fail: Please carry the API secret key in the 'Authorization' field of the request header");
    }
    if (!apiKeys.isEmpty() && !apiKeys.contains(key)) {
      throw error(AUTH_FAILED, "invalid api key");
    }
  }

  private Response create(Request req) {
    try {
      authenticate(req);
      checkRateLimit();
      JsonNode body;
      try {
        body = req.json();
      } catch (HttpError malformed) {
        throw VideoRequest.invalid("request body is not valid JSON");
      }
      VideoRequest v = VideoRequest.parse(body);
      spendBalance();
      String taskId = String.valueOf(100_000_000_000_000L + ids().nextLong(900_000_000_000_000L));
      long fileId = 200_000_000_000_000L + ids().nextLong(700_000_000_000_000L);
      long seed = Media.seedOf("minimax", v.model(), v.prompt(), taskId);
      int frames = v.seconds() * fps;
      Supplier<byte[]> video = ExpiringFiles.memoize(() -> Media.mp4(v.width(), v.height(), frames, fps, seed));
      Task t = new Task(taskId, fileId, v, video);
      tasks.put(taskId, t);
      byFile.put(fileId, t);
      jobs.submit(taskId, v);
      ObjectNode out = Json.object();
      out.put("task_id", taskId);
      out.set("base_resp", baseResp(OK, "success"));
      return traced(Response.json(200, out));
    } catch (HttpError e) {
      throw e.with("task_id", "");
    }
  }

  private void checkRateLimit() {
    int limit = rateLimit;
    if (limit <= 0) {
      return;
    }
    Instant now = clock().instant();
    synchronized (recentCreates) {
      while (!recentCreates.isEmpty() && !recentCreates.peekFirst().isAfter(now.minusSeconds(60))) {
        recentCreates.pollFirst();
      }
      if (recentCreates.size() >= limit) {
        throw error(RATE_LIMITED, "rate limit exceeded(RPM)");
      }
      recentCreates.addLast(now);
    }
  }

  private synchronized void spendBalance() {
    if (balance == 0) {
      throw error(NO_BALANCE, "insufficient balance");
    }
    if (balance > 0) {
      balance--;
    }
  }

  private Response query(Request req) {
    authenticate(req);
    String taskId = req.query("task_id");
    if (taskId == null || taskId.isBlank()) {
      throw VideoRequest.invalid("task_id is required");
    }
    Task t = tasks.get(taskId);
    Job job = t == null ? null : jobs.job(taskId).orElse(null);
    if (job == null) {
      throw VideoRequest.invalid("task " + taskId + " not found");
    }
    ObjectNode out = Json.object();
    out.put("task_id", taskId);
    out.put("status", statusOf(job));
    int code = OK;
    String message = "success";
    if (job.state() == JobState.SUCCEEDED) {
      out.put("file_id", String.valueOf(t.fileId()));
      out.put("video_width", t.request().width());
      out.put("video_height", t.request().height());
    } else if (job.state() == JobState.FAILED && job.failure().isPresent()
        && job.failure().get().details() instanceof Integer c) {
      code = c;
      message = job.failure().get().message();
    }
    out.set("base_resp", baseResp(code, message));
    return traced(Response.json(200, out));
  }

  /** Preparing while a slot is free, Queueing behind others or throttled; else the vocabulary's. */
  private String statusOf(Job job) {
    if (job.state() == JobState.QUEUED) {
      return jobs.running().size() < jobs.maxRunning() ? "Preparing" : "Queueing";
    }
    return Vocabularies.MINIMAX.nameOf(job.state());
  }

  private Response retrieve(Request req) {
    authenticate(req);
    String raw = req.query("file_id");
    long fileId;
    try {
      fileId = Long.parseLong(raw == null ? "" : raw.trim());
    } catch (NumberFormatException e) {
      throw VideoRequest.invalid("file_id must be an integer");
    }
    Task t = byFile.get(fileId);
    Job job = t == null ? null : jobs.job(t.id()).orElse(null);
    if (job == null || job.state() != JobState.SUCCEEDED) {
      throw VideoRequest.invalid("file " + fileId + " not found");
    }
    Supplier<byte[]> content = job.output().orElse(null) instanceof byte[] b ? () -> b : t.video();
    byte[] bytes = content.get();
    ExpiringFiles.Link link = files.publish(t.id(), "output_aigc.mp4", Media.MP4, content, downloadTtl);
    Instant done = job.enteredAt(JobState.SUCCEEDED).orElse(clock().instant());
    ObjectNode file = Json.object();
    file.put("file_id", fileId);
    file.put("bytes", bytes.length);
    file.put("created_at", done.getEpochSecond());
    file.put("filename", "output_aigc.mp4");
    file.put("purpose", "video_generation");
    file.put("download_url", origin(req) + "/_download/" + link.token() + "/output_aigc.mp4?Expires="
        + link.expiresAt().getEpochSecond());
    ObjectNode out = Json.object();
    out.set("file", file);
    out.set("base_resp", baseResp(OK, "success"));
    return traced(Response.json(200, out));
  }

  /** The download link: no credentials; 403 (as an expired signed OSS URL) once expired. */
  private Response download(Request req) {
    ExpiringFiles.Entry e = files.find(req.pathParam("token"));
    if (e == null || !e.fileName().equals(req.pathParam("file"))) {
      return Response.bytes(404, ossError("NoSuchKey", "The specified key does not exist."), "application/xml");
    }
    if (files.isExpired(e)) {
      return Response.bytes(403, ossError("AccessDenied", "Request has expired."), "application/xml");
    }
    return Response.bytes(200, e.bytes(), e.contentType());
  }

  private String origin(Request req) {
    String host = req.header("Host");
    return host != null && !host.isBlank() ? "http://" + host : baseUri().toString();
  }

  /** A Trace-Id from its own counter, so error answers do not shift the task ids a seed gives. */
  private Response traced(Response r) {
    long n = ids().next("trace-id");
    return r.setHeader("Trace-Id", String.format("%016x%016x", Media.seedOf("trace", n), Media.seedOf(n, "trace")));
  }

  static ObjectNode baseResp(int code, String message) {
    ObjectNode b = Json.object();
    b.put("status_code", code);
    b.put("status_msg", message);
    return b;
  }

  private static byte[] ossError(String code, String message) {
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>\n  <Code>" + code + "</Code>\n  <Message>"
        + message + "</Message>\n</Error>\n").getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "MiniMaxFake[" + (isRunning() ? baseUri() : "stopped") + ", " + jobs + "]";
  }

  // ------------------------------------------------------------------ builder

  /**
   * Settings of a {@link MiniMaxFake}; every one has a default.
   *
   * <pre>{@code
   * MiniMaxFake minimax = MiniMaxFake.builder()
   *     .clock(clock)
   *     .apiKeys("test-key")                  // default: any bearer key
   *     .concurrency(1)                       // tasks Processing at once (default 4)
   *     .jobDuration(Duration.ofSeconds(30))  // default 3 s
   *     .balance(10)                          // tasks the account can pay for (default: unlimited)
   *     .rateLimit(20)                        // creations per minute (default: no limit)
   *     .fps(8)                               // frames per second of the videos (default 24)
   *     .downloadTtl(Duration.ofHours(9))     // download_url lifetime (default 9 h)
   *     .start();
   * }</pre>
   */
  public static final class Builder extends FakeServer.Builder<Builder, MiniMaxFake> {
    private final Set<String> apiKeys = new LinkedHashSet<>();
    private final JobSettings<MiniMaxFake> jobs =
        new JobSettings<>(4, Duration.ofSeconds(3), MiniMaxFake::jobs);
    private long balance = -1;
    private int rateLimit;
    private int fps = 24;
    private Duration downloadTtl = Duration.ofSeconds(32_400);

    private Builder() {}

    /** Only these bearer keys are accepted (default: any non-empty key). */
    public Builder apiKeys(String... keys) {
      apiKeys.addAll(List.of(keys));
      return this;
    }

    /** How many tasks are Processing at once (default 4). */
    public Builder concurrency(int n) {
      jobs.concurrency(n);
      return this;
    }

    /** How long a task runs unless scripted otherwise (default 3 s on the fake's clock). */
    public Builder jobDuration(Duration d) {
      jobs.duration(d);
      return this;
    }

    /** Tasks the account can pay for (negative: unlimited, the default); then 1008. */
    public Builder balance(long tasks) {
      this.balance = tasks;
      return this;
    }

    /** Creations allowed per minute on the fake's clock (0: no limit, the default); then 1002. */
    public Builder rateLimit(int perMinute) {
      if (perMinute < 0) {
        throw new IllegalArgumentException("rateLimit must not be negative: " + perMinute);
      }
      this.rateLimit = perMinute;
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

    /** How long a {@code download_url} works after {@code files/retrieve} issued it (default 9 h). */
    public Builder downloadTtl(Duration ttl) {
      this.downloadTtl = Objects.requireNonNull(ttl, "ttl");
      return this;
    }

    /**
     * Launcher settings, with the meaning of the methods above:
     *
     * <pre>{@code
     * {"apiKeys": ["test-key"], "concurrency": 2, "jobDurationMs": 5000, "balance": 10,
     *  "rateLimit": 20, "fps": 12, "downloadTtlSeconds": 32400,
     *  "jobScript": [{"next": 1, "fail": "output video is sensitive", "details": 1027}]}
     * }</pre>
     *
     * {@code concurrency}, {@code jobDurationMs} and {@code jobScript} (a list of {@link
     * ScriptConfig} rules, applied again after every reset) are the {@link JobSettings} every
     * video fake shares.
     */
    @Override
    protected List<String> settingKeys() {
      return withKeys(super.settingKeys(), "apiKeys", "concurrency", "jobDurationMs", "balance",
          "rateLimit", "fps", "downloadTtlSeconds", "jobScript");
    }

    @Override
    protected String fakeName() {
      return "minimax";
    }

    @Override
    protected boolean configure(String key, JsonNode value) {
      if (jobs.configure(key, value, this::setup)) {
        return true;
      }
      switch (key) {
        case "apiKeys" -> {
          if (!value.isArray()) {
            throw new IllegalArgumentException("'apiKeys' must be a list of strings, not " + value);
          }
          List<String> keys = new ArrayList<>();
          value.forEach(k -> keys.add(k.asText()));
          apiKeys(keys.toArray(String[]::new));
        }
        case "balance" -> balance(longValue(key, value));
        case "rateLimit" -> rateLimit(intValue(key, value));
        case "fps" -> fps(intValue(key, value));
        case "downloadTtlSeconds" -> downloadTtl(Duration.ofSeconds(longValue(key, value)));
        default -> {
          return super.configure(key, value);
        }
      }
      return true;
    }

    @Override
    public MiniMaxFake build() {
      return new MiniMaxFake(this);
    }
  }
}
