package dev.backlot.veo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.wire.ErrorShape;
import dev.backlot.engine.FakeServer;
import dev.backlot.wire.HttpError;
import dev.backlot.wire.Request;
import dev.backlot.engine.Routes;
import dev.backlot.jobs.Job;
import dev.backlot.jobs.JobEngine;
import dev.backlot.jobs.JobSettings;
import dev.backlot.media.Media;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A fake Google Veo: the Gemini Developer API ({@code /v1beta/models/{model}:predictLongRunning},
 * operations, generated files) and Vertex AI ({@code :predictLongRunning} and {@code
 * :fetchPredictOperation} under {@code /v1/projects/{p}/locations/{l}/publishers/google/models/
 * {m}}), on one port. Each request is a job of {@link #jobs()}; a finished job's videos are real
 * H.264 MP4s from {@link Media}, with the geometry of {@code aspectRatio} and {@code resolution}
 * and the length of {@code durationSeconds}.
 *
 * <pre>{@code
 * ManualClock clock = Clock.manual();
 * try (VeoFake veo = VeoFake.builder().clock(clock).start()) {
 *   Client client = Client.builder().apiKey("test-key")
 *       .httpOptions(HttpOptions.builder().baseUrl(veo.baseUri().toString()).build()).build();
 *   GenerateVideosOperation op = client.models.generateVideos("veo-3.0-generate-001", "a cat", null,
 *       GenerateVideosConfig.builder().aspectRatio("9:16").durationSeconds(4).build());
 *   clock.advance(VeoFake.DEFAULT_DURATION);                 // the operation is done
 *   op = client.operations.getVideosOperation(op, null);
 *   client.files.download(op.response().get().generatedVideos().get().get(0), "out.mp4", null);
 * }
 * }</pre>
 *
 * <p><b>Defaults.</b> Every documented Veo model ({@link #DEFAULT_MODELS}); any non-empty API key
 * ({@code x-goog-api-key} or {@code ?key=}) and any bearer token are accepted until the builder
 * names some; an operation runs {@link #DEFAULT_DURATION} on the fake's clock (instant under a
 * manual clock once advanced), eight at once; clips at 24 fps. Script jobs with {@code
 * jobs().script()}: {@code fail(message, code)} ends the operation with {@code error} (a
 * google.rpc.Status; the code is a number or a name such as {@code "INVALID_ARGUMENT"}, default
 * 13 INTERNAL), {@code stall()} keeps it not done, {@code duration(..)} slows it, {@code
 * succeedWith(VeoFake.raiFiltered(reason))} finishes it with every sample filtered.
 *
 * <p><b>File URIs.</b> The SDKs download a video by taking the file id out of its {@code uri}, and
 * only from an {@code https://} URI, then calling their own base URL. So the fake's URIs are
 * {@code https://127.0.0.1:<port>/v1beta/files/<id>:download?alt=media} (the fake itself serves
 * plain HTTP): the SDKs download from the fake; a plain HTTP client uses {@link
 * #downloadUri(String)}.
 */
public final class VeoFake extends FakeServer<VeoFake> {

  /** The models accepted by default (Gemini API and Vertex AI model ids). */
  public static final List<String> DEFAULT_MODELS = List.of(
      "veo-2.0-generate-001", "veo-2.0-generate-exp", "veo-2.0-generate-preview",
      "veo-3.0-generate-001", "veo-3.0-fast-generate-001", "veo-3.0-generate-preview",
      "veo-3.0-fast-generate-preview", "veo-3.1-generate-preview", "veo-3.1-fast-generate-preview",
      "veo-3.1-generate-001", "veo-3.1-fast-generate-001");

  /** How long an operation runs by default (on the fake's clock). */
  public static final Duration DEFAULT_DURATION = Duration.ofSeconds(2);

  /** How long a generated Gemini file can be downloaded (the Gemini API keeps them 2 days). */
  public static final Duration FILE_LIFETIME = Duration.ofDays(2);

  static final String GEMINI_SERVICE = "generativelanguage.googleapis.com";
  static final String VERTEX_SERVICE = "aiplatform.googleapis.com";

  private final Set<String> models;
  private final Set<String> apiKeys;
  private final Set<String> accessTokens;
  private volatile GcsSink storage;
  private final int fps;
  private final JobEngine jobs;
  // Minted at submission, so ids follow the order of requests; cleared by reset.
  private final Map<String, Plan> plans = new ConcurrentHashMap<>();
  private final Map<String, String> fileOwners = new ConcurrentHashMap<>();

  /** Outputs named when an operation is accepted: Gemini file ids, or a GCS folder. */
  record Plan(List<String> fileIds, String bucket, String objectPrefix, GcsSink sink) {}

  /** A fake with the defaults (as {@code builder().build()}), not started yet. */
  public VeoFake() {
    this(new Builder());
  }

  private VeoFake(Builder b) {
    super("veo", b);
    this.models = Collections.unmodifiableSet(new LinkedHashSet<>(b.models));
    this.apiKeys = Set.copyOf(b.apiKeys);
    this.accessTokens = Set.copyOf(b.accessTokens);
    this.storage = b.storage;
    this.fps = b.fps;
    this.jobs = b.jobs.engine(clock())
        .defaultSteps(0)
        .worker(this::work)
        .build();
  }


  public static Builder builder() {
    return new Builder();
  }

  // ------------------------------------------------------------------ public handles

  /**
   * The operations, as jobs: the id is the operation's full name, the input its {@link
   * VeoRequest}. A job shows as not done until it SUCCEEDED (a response), FAILED or was CANCELLED
   * (an error); see {@link dev.backlot.jobs.LongRunningOperations}.
   */
  public JobEngine jobs() {
    return jobs;
  }

  /** The models this fake accepts. */
  public Set<String> models() {
    return models;
  }

  /**
   * Wires (or, with null, unwires) the sink for Vertex outputs after the fake was built, e.g. to a
   * GCS fake started later; operations accepted from now on use it. Kept across {@link #reset()}.
   *
   * <pre>{@code
   * veo.storage((bucket, name, bytes, type) -> gcs.putObject(bucket, name, bytes, type, Map.of()));
   * }</pre>
   */
  public VeoFake storage(GcsSink sink) {
    this.storage = sink;
    return this;
  }

  /**
   * An operation as a client polling it now receives it (the Gemini or the Vertex form, as it was
   * created), if the name is known.
   */
  public Optional<JsonNode> operation(String name) {
    return jobs.job(name).map(this::render);
  }

  /**
   * The ids of the Gemini files generated since the last reset (of operations that finished with
   * videos), in order, expired ones included.
   */
  public List<String> files() {
    List<String> out = new ArrayList<>();
    for (Job j : jobs.jobs()) {
      if (j.output().orElse(null) instanceof Outcome o) {
        for (Clip c : o.clips()) {
          if (c.fileId != null) {
            out.add(c.fileId);
          }
        }
      }
    }
    return out;
  }

  /**
   * The MP4 of a generated Gemini file, as {@code files/{id}:download} serves it (empty for an
   * unknown or expired file). Builds the clip if nobody downloaded it yet.
   */
  public Optional<byte[]> file(String fileId) {
    return clipOf(fileId).map(c -> c.bytes().clone());
  }

  /**
   * A plain-HTTP URL on this fake for a video {@code uri} the fake returned (its https form
   * is for the SDKs), e.g. for curl or {@code java.net.http}; add the API key ({@code &key=} or
   * the {@code x-goog-api-key} header).
   */
  public URI downloadUri(String videoUri) {
    int at = videoUri.indexOf("/v1beta/files/");
    if (at < 0) {
      throw new IllegalArgumentException("not a Gemini file uri of this fake: " + videoUri);
    }
    return URI.create(baseUri().toString().replaceAll("/$", "") + videoUri.substring(at));
  }

  /**
   * A job output that finishes an operation with no video, every sample dropped by the
   * responsible-AI filters with {@code reason}: {@code jobs().script().next(1)
   * .succeedWith(VeoFake.raiFiltered("..."))}.
   */
  public static Object raiFiltered(String reason) {
    return new Outcome(List.of(), 1, List.of(Objects.requireNonNull(reason, "reason")));
  }

  // ------------------------------------------------------------------ lifecycle

  @Override
  protected void resetState() {
    jobs.reset();
    plans.clear();
    fileOwners.clear();
  }

  @Override
  protected void onClose() {
    jobs.close();
  }

  @Override
  protected ErrorShape errorShape() {
    return GoogleErrors::render;
  }

  @Override
  protected void routes(Routes r) {
    // Called from the super constructor: the API classes read this fake's fields per request.
    new GeminiApi(this).routes(r);
    new VertexApi(this).routes(r);
  }

  // ------------------------------------------------------------------ shared by the two APIs

  boolean knowsModel(String model) {
    return models.contains(model);
  }

  int fps() {
    return fps;
  }

  /** The sink wired now, or null. */
  GcsSink storage() {
    return storage;
  }

  /** Records the plan and submits the job (the plan first: a job may finish at once). */
  Job submit(VeoRequest request, Plan plan) {
    plans.put(request.operationName(), plan);
    for (String id : plan.fileIds()) {
      fileOwners.put(id, request.operationName());
    }
    return jobs.submit(request.operationName(), request);
  }

  Optional<Job> job(String name) {
    return jobs.job(name);
  }

  JsonNode render(Job job) {
    return OperationJson.render(job, this);
  }

  /** The https URI the SDKs parse a file id out of; see the class comment. */
  String fileUri(String fileId) {
    return "https://" + baseUri().getAuthority() + "/v1beta/files/" + fileId + ":download?alt=media";
  }

  /** The clip of a Gemini file, if its operation finished with it and it has not expired. */
  Optional<Clip> clipOf(String fileId) {
    String op = fileOwners.get(fileId);
    if (op == null) {
      return Optional.empty();
    }
    Optional<Job> job = jobs.job(op);
    if (job.isEmpty() || !(job.get().output().orElse(null) instanceof Outcome o)) {
      return Optional.empty();
    }
    for (Clip c : o.clips()) {
      if (fileId.equals(c.fileId) && clock().instant().isBefore(c.created.plus(FILE_LIFETIME))) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  /** The body as JSON; malformed JSON is Google's 400. */
  static JsonNode body(Request req) {
    try {
      return req.json();
    } catch (HttpError e) {
      throw GoogleErrors.invalid("Invalid JSON payload received. "
          + (req.body().length == 0 ? "Unexpected end of input." : "Unexpected token."));
    }
  }

  /** Gemini API auth: an API key in {@code x-goog-api-key} or {@code ?key=}. */
  void checkApiKey(Request req) {
    String key = apiKeyOf(req);
    if (key == null) {
      throw new HttpError(403, "Method doesn't allow unregistered callers (callers without "
          + "established identity). Please use API Key or other form of API consumer identity to "
          + "call this API.").with("status", "PERMISSION_DENIED");
    }
    checkKeyValue(key, GEMINI_SERVICE);
  }

  /** Vertex AI auth: a bearer token, or an API key (express mode). */
  void checkVertexAuth(Request req) {
    String auth = req.header("Authorization");
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String token = auth.substring(7).trim();
      if (token.isEmpty() || (!accessTokens.isEmpty() && !accessTokens.contains(token))) {
        throw new HttpError(401, "Request had invalid authentication credentials. Expected OAuth 2 "
            + "access token, login cookie or other valid authentication credential. See "
            + "https://developers.google.com/identity/sign-in/web/devconsole-project.")
            .with("status", "UNAUTHENTICATED")
            .with("details", GoogleErrors.errorInfo("ACCESS_TOKEN_TYPE_UNSUPPORTED", VERTEX_SERVICE));
      }
      return;
    }
    String key = apiKeyOf(req);
    if (key == null) {
      throw new HttpError(401, "Request is missing required authentication credential. Expected "
          + "OAuth 2 access token, login cookie or other valid authentication credential. See "
          + "https://developers.google.com/identity/sign-in/web/devconsole-project.")
          .with("status", "UNAUTHENTICATED")
          .with("details", GoogleErrors.errorInfo("CREDENTIALS_MISSING", VERTEX_SERVICE));
    }
    checkKeyValue(key, VERTEX_SERVICE);
  }

  private static String apiKeyOf(Request req) {
    String key = req.header("x-goog-api-key");
    if (key == null || key.isBlank()) {
      key = req.query("key");
    }
    return key == null || key.isBlank() ? null : key.trim();
  }

  private void checkKeyValue(String key, String service) {
    if (!apiKeys.isEmpty() && !apiKeys.contains(key)) {
      throw GoogleErrors.invalid("API key not valid. Please pass a valid API key.")
          .with("details", GoogleErrors.errorInfo("API_KEY_INVALID", service));
    }
  }

  // ------------------------------------------------------------------ the worker

  /**
   * Names the clips of a finished job. Gemini and inline Vertex clips are built when first
   * downloaded or polled; clips for a GCS sink are built and written here.
   */
  private Object work(Job job) {
    VeoRequest r = job.input(VeoRequest.class);
    Plan plan = plans.get(job.id());
    if (plan == null) {
      throw new IllegalStateException("no plan for operation " + job.id() + " (reset?)");
    }
    Instant now = clock().instant();
    List<Clip> clips = new ArrayList<>();
    for (int i = 0; i < r.sampleCount(); i++) {
      String fileId = i < plan.fileIds().size() ? plan.fileIds().get(i) : null;
      Clip c = new Clip(fileId, null, r.width(), r.height(), r.frames(), r.fps(),
          Media.seedOf(r.seed(), i), now);
      if (plan.bucket() != null) {
        String name = plan.objectPrefix() + "sample_" + i + ".mp4";
        plan.sink().write(plan.bucket(), name, c.bytes(), Media.MP4);
        c = c.storedAt("gs://" + plan.bucket() + "/" + name);
      }
      clips.add(c);
    }
    return new Outcome(List.copyOf(clips), 0, List.of());
  }

  // ------------------------------------------------------------------ builder

  /** Builds a {@link VeoFake}; every setting has a default. */
  public static final class Builder extends FakeServer.Builder<Builder, VeoFake> {
    private final Set<String> models = new LinkedHashSet<>(DEFAULT_MODELS);
    private final Set<String> apiKeys = new LinkedHashSet<>();
    private final Set<String> accessTokens = new LinkedHashSet<>();
    private GcsSink storage;
    private int fps = 24;
    private final JobSettings<VeoFake> jobs = new JobSettings<>(8, DEFAULT_DURATION, VeoFake::jobs);

    private Builder() {}

    /**
     * Also accepts these model ids (a {@code veo-2} prefix follows Veo 2's rules, {@code veo-3.1}
     * Veo 3.1's, anything else Veo 3's).
     */
    public Builder models(String... ids) {
      models.addAll(Arrays.asList(ids));
      return this;
    }

    /** Accepts only these API keys (default: any non-empty key); others get API_KEY_INVALID. */
    public Builder apiKeys(String... keys) {
      apiKeys.addAll(Arrays.asList(keys));
      return this;
    }

    /** Accepts only these Vertex bearer tokens (default: any non-empty token). */
    public Builder accessTokens(String... tokens) {
      accessTokens.addAll(Arrays.asList(tokens));
      return this;
    }

    /**
     * Writes Vertex outputs of requests with {@code parameters.storageUri} through this sink (a
     * GCS fake, see {@link GcsSink}); without one they come back inline, base64-encoded.
     */
    public Builder storage(GcsSink sink) {
      this.storage = Objects.requireNonNull(sink, "sink");
      return this;
    }

    /** How long an operation runs on the fake's clock (default {@link #DEFAULT_DURATION}). */
    public Builder duration(Duration d) {
      jobs.duration(d);
      return this;
    }

    /** Frames per second of the rendered clips (default 24, as Veo; fewer build faster). */
    public Builder fps(int fps) {
      if (fps < 1 || fps > 60) {
        throw new IllegalArgumentException("fps must be 1 to 60: " + fps);
      }
      this.fps = fps;
      return this;
    }

    /** How many operations run at once; the rest wait, not done (default 8). */
    public Builder maxRunning(int n) {
      jobs.concurrency(n);
      return this;
    }

    /**
     * Launcher settings, with the meaning of the methods above: {@code models}, {@code apiKeys},
     * {@code accessTokens}, {@code durationMs}, {@code fps}, {@code maxRunning}; and the {@link
     * JobSettings} every video fake shares: {@code concurrency} (the same as {@code maxRunning}),
     * {@code jobDurationMs} (the same as {@code durationMs}) and {@code jobScript} (a list of
     * {@link dev.backlot.jobs.ScriptConfig} rules, applied again after every reset).
     *
     * <pre>{@code
     * {"apiKeys": ["k1"], "durationMs": 2000, "maxRunning": 2,
     *  "jobScript": [{"next": 1, "fail": "quota", "details": 8}]}
     * }</pre>
     */
    @Override
    protected List<String> settingKeys() {
      return withKeys(super.settingKeys(), "models", "apiKeys", "accessTokens", "durationMs",
          "fps", "maxRunning", "concurrency", "jobDurationMs", "jobScript");
    }

    @Override
    protected String fakeName() {
      return "veo";
    }

    @Override
    protected boolean configure(String key, JsonNode value) {
      if (jobs.configure(key, value, this::setup)) {
        return true;
      }
      switch (key) {
        case "models" -> models(strings(key, value));
        case "apiKeys" -> apiKeys(strings(key, value));
        case "accessTokens" -> accessTokens(strings(key, value));
        case "durationMs" -> duration(Duration.ofMillis(longValue(key, value)));
        case "fps" -> fps(intValue(key, value));
        case "maxRunning" -> maxRunning(intValue(key, value));
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
        if (!n.isTextual() || n.asText().isBlank()) {
          throw new IllegalArgumentException("'" + key + "' must hold non-empty strings, not " + n);
        }
        out.add(n.asText());
      }
      return out.toArray(String[]::new);
    }

    @Override
    public VeoFake build() {
      return new VeoFake(this);
    }
  }
}
