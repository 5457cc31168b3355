package dev.backlot.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.time.Clock;
import dev.backlot.wire.Hints;
import dev.backlot.wire.ErrorShape;
import dev.backlot.engine.FakeServer;
import dev.backlot.wire.HttpError;
import dev.backlot.wire.Json;
import dev.backlot.wire.Request;
import dev.backlot.wire.Response;
import dev.backlot.engine.Routes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A LiteLLM proxy, i.e. the OpenAI-compatible API that the official {@code openai-java} SDK,
 * LangChain4j, Spring AI and raw HTTP clients talk: chat completions (plain and streamed as SSE),
 * text completions, embeddings, models, and LiteLLM's health routes, with and without the {@code
 * /v1} prefix. Answers are deterministic: an echo of the prompt unless the test programs a reply.
 *
 * <pre>{@code
 * try (OpenAiFake llm = OpenAiFake.builder().model("gpt-4o-mini").start()) {
 *   OpenAIClient client = OpenAIOkHttpClient.builder()
 *       .baseUrl(llm.baseUri() + "/v1").apiKey("sk-anything").build();
 *
 *   llm.reply("Hello!");                              // every call
 *   llm.replyWhen("weather", "Sunny, 21 degrees");   // by prompt (regex)
 *   llm.rateLimitNext(2, Duration.ofMillis(20));     // next 2 calls: 429 + Retry-After
 *   llm.failStreamAfter(3);                          // next stream: 3 chunks, then an error event
 *   // (each is a rule of llm.faults(), the plan every fake has)
 *
 *   ... code under test ...
 *
 *   llm.journal().verify(RequestPattern.post("/v1/chat/completions"));
 * }
 * }</pre>
 *
 * <p>Replies are chosen in this order: LiteLLM's {@code mock_response} in the request body; the
 * rules added with {@link #replyWith}, {@link #replyWhen} and {@link #replyFor}, newest first; the
 * default {@link #reply}; a tool call when the request offers tools and the last message is the
 * user's (or {@code tool_choice} demands one); else {@code "Echo: <last message>"}, shaped as JSON
 * when {@code response_format} asks for it. Tokens are counted as about four characters each (see
 * {@link #countTokens}), for {@code usage} and for a model's context window alike.
 *
 * <p>Errors come in LiteLLM's shape {@code {"error": {"message", "type", "param", "code"}}}, with
 * {@code code} the status as a string; the engine's own errors (unknown route, bad method,
 * oversized body, malformed JSON) too. {@code type} and {@code param} are what LiteLLM sends:
 * strings for its proxy errors (auth, unknown model, limits) and for upstream-style 400s, JSON null
 * for its mock errors and injected failures, so, as against LiteLLM, the SDK's {@code e.type()}
 * throws on those.
 */
public final class OpenAiFake extends FakeServer<OpenAiFake> {

  /** The LiteLLM version the fake reports (readiness, {@code x-litellm-version}). */
  public static final String LITELLM_VERSION = "1.80.0";

  private final List<Model> models;
  private final Access access;
  private final Replies replies = new Replies();
  private final LlmFaultRules llmFaults;
  private final ChatCompletions chat;
  private final TextCompletions completions;
  private final EmbeddingsEndpoint embeddings;
  private final ModelsAndHealth modelsAndHealth;
  private final Map<String, Response.Header[]> modelHeaders = new ConcurrentHashMap<>();
  private volatile int chunkSize;
  private volatile Duration streamDelay;

  /** A fake with the default models, no keys, echo replies, on a random loopback port. */
  public OpenAiFake() {
    this(builder());
  }

  private OpenAiFake(Builder b) {
    super("openai", b);
    this.models = b.models.isEmpty() ? Builder.DEFAULT_MODELS : List.copyOf(b.models.values());
    this.access = new Access(models, Map.copyOf(b.keys), clock());
    this.llmFaults = new LlmFaultRules(faults(), access);
    this.chat = new ChatCompletions(this);
    this.completions = new TextCompletions(this);
    this.embeddings = new EmbeddingsEndpoint(this);
    this.modelsAndHealth = new ModelsAndHealth(this);
    resetState();
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  protected ErrorShape errorShape() {
    return LiteLlmErrors.SHAPE;
  }

  // Replies, pacing and the LLM fault rules go back to the defaults; the builder's setup (run by
  // reset() right after) programs them again.
  @Override
  protected void resetState() {
    replies.clear();
    llmFaults.clear();
    access.clear();
    chunkSize = 4;
    streamDelay = Duration.ZERO;
  }

  // ------------------------------------------------------------------ public API

  /** The models this fake serves, as {@code GET /v1/models} lists them. */
  public List<Model> models() {
    return models;
  }

  /** Every call without a more specific rule gets this text (until {@link #reset}). */
  public OpenAiFake reply(String text) {
    return reply(Reply.text(text));
  }

  /** Every call without a more specific rule gets this reply (until {@link #reset}). */
  public OpenAiFake reply(Reply reply) {
    replies.setDefault(reply);
    return this;
  }

  /** Calls for {@code model} get this text. */
  public OpenAiFake replyFor(String model, String text) {
    return replyFor(model, Reply.text(text));
  }

  /** Calls for {@code model} get this reply. */
  public OpenAiFake replyFor(String model, Reply reply) {
    replies.forModel(model, reply);
    return this;
  }

  /**
   * Calls whose prompt (the last message; for completions the prompt) contains a match of {@code
   * regex} get this text.
   */
  public OpenAiFake replyWhen(String regex, String text) {
    return replyWhen(regex, Reply.text(text));
  }

  /** Calls whose prompt contains a match of {@code regex} get this reply. */
  public OpenAiFake replyWhen(String regex, Reply reply) {
    replies.whenPrompt(regex, reply);
    return this;
  }

  /**
   * Calls get what {@code fn} returns; a null return lets older rules and the default answer. The
   * function may throw {@link HttpError} to answer with an error in LiteLLM's shape.
   */
  public OpenAiFake replyWith(Function<LlmRequest, Reply> fn) {
    replies.with(fn);
    return this;
  }

  /** How many characters each streamed chunk carries (default 4). */
  public OpenAiFake streamChunkSize(int characters) {
    this.chunkSize = checkChunkSize(characters);
    return this;
  }

  /**
   * The pause between streamed chunks, on the fake's clock (default zero: all at once). With a
   * {@linkplain Clock#manual() manual clock} the first chunk goes out at once and each next one
   * when the test advances the clock by this much.
   */
  public OpenAiFake streamDelay(Duration delay) {
    this.streamDelay = checkDelay(delay);
    return this;
  }

  /** The next {@code calls} LLM calls get a 429 with {@code retry-after: 1}. */
  public OpenAiFake rateLimitNext(int calls) {
    return rateLimitNext(calls, Duration.ofSeconds(1));
  }

  /**
   * The next {@code calls} LLM calls (chat, completions, embeddings) get LiteLLM's 429 {@code
   * RateLimitError} with {@code retry-after} in whole seconds (rounded up); when {@code
   * retryAfter} is not a whole number of seconds, {@code retry-after-ms} too, which the OpenAI SDKs
   * prefer, so a test can keep retries fast. A rule of {@link #faults()}, like every fault here.
   */
  public OpenAiFake rateLimitNext(int calls, Duration retryAfter) {
    llmFaults.rateLimit(calls, checkDelay(retryAfter));
    return this;
  }

  /** The next {@code calls} LLM calls get {@code status} with {@code message} in LiteLLM's shape. */
  public OpenAiFake failNext(int calls, int status, String message) {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("an error status is 4xx or 5xx: " + status);
    }
    llmFaults.fail(calls, status, message);
    return this;
  }

  /**
   * The next streamed call sends {@code chunks} chunks, then LiteLLM's mid-stream error event
   * {@code data: {"error": {...,"code": "500"}}}, and ends (no {@code [DONE]}). A stream with
   * fewer chunks ends normally.
   */
  public OpenAiFake failStreamAfter(int chunks) {
    return failStreamAfter(chunks, 500, LlmFaultRules.DEFAULT_FAILURE);
  }

  /** As {@link #failStreamAfter(int)} with the error's status and message. */
  public OpenAiFake failStreamAfter(int chunks, int status, String message) {
    if (chunks < 0) {
      throw new IllegalArgumentException("chunks cannot be negative: " + chunks);
    }
    llmFaults.failStream(chunks, status, message);
    return this;
  }

  /** The next streamed call sends {@code chunks} chunks, then its connection is cut. */
  public OpenAiFake cutStreamAfter(int chunks) {
    if (chunks < 0) {
      throw new IllegalArgumentException("chunks cannot be negative: " + chunks);
    }
    llmFaults.cutStream(chunks);
    return this;
  }

  /** How many uses of the faults programmed here ({@code rateLimitNext}...) are still to fire. */
  public int pendingFaults() {
    return llmFaults.pending();
  }

  /**
   * The fake's token count of {@code text}: ceil(characters / 4). A chat prompt counts each
   * message's text, role and name plus 3 per message and 3 for the reply.
   */
  public static int countTokens(String text) {
    return Tokens.count(text);
  }

  /** The embedding the fake returns for {@code text}: unit length, deterministic. */
  public static float[] embedding(String text, int dimensions) {
    return Embeddings.of(text, dimensions);
  }

  // ------------------------------------------------------------------ routes

  // Called from the engine's constructor, before this class's fields are set: handlers are
  // lambdas that read the fields when a request arrives. Every route answers from memory, so
  // it runs on the IO thread, except LLM calls that stream (SSE, paced on the clock) or whose
  // reply comes from the test's own replyWith code: those go to a worker.
  @Override
  protected void routes(Routes r) {
    for (String p : new String[] {"/v1", ""}) {
      r.post(p + "/chat/completions", req -> chat.handle(req, null)).nonBlockingWhen(this::inline);
      r.post(p + "/completions", req -> completions.handle(req, null)).nonBlockingWhen(this::inline);
      r.post(p + "/embeddings", req -> embeddings.handle(req, null)).nonBlocking();
      r.get(p + "/models", req -> modelsAndHealth.list(req)).nonBlocking();
      r.get(p + "/models/{model*}", req -> modelsAndHealth.get(req)).nonBlocking();
    }
    for (String p : new String[] {"/openai/deployments/{deployment}", "/engines/{deployment}"}) {
      r.post(p + "/chat/completions", req -> chat.handle(req, req.pathParam("deployment")))
          .nonBlockingWhen(this::inline);
      r.post(p + "/completions", req -> completions.handle(req, req.pathParam("deployment")))
          .nonBlockingWhen(this::inline);
      r.post(p + "/embeddings", req -> embeddings.handle(req, req.pathParam("deployment")))
          .nonBlocking();
    }
    for (String p : new String[] {"/health/liveliness", "/health/liveness"}) {
      r.get(p, req -> Response.json(200, "\"I'm alive!\"")).nonBlocking();
      r.add("OPTIONS", p, req -> Response.status(200).addHeader("Allow", "GET, OPTIONS"))
          .nonBlocking();
    }
    r.get("/health/readiness", req -> modelsAndHealth.readiness()).nonBlocking();
    r.get("/health", req -> modelsAndHealth.health(req)).nonBlocking();
  }

  /**
   * Whether an LLM call is answered on the IO thread: unless it streams or a {@link #replyWith}
   * function (the test's code, which may wait) is programmed. A body that is not JSON is a 400,
   * answered at once too. Parsing here costs nothing extra: the handler reuses the parsed body.
   */
  private boolean inline(Request req) {
    if (replies.runsTestCode()) {
      return false;
    }
    JsonNode body;
    try {
      body = req.json();
    } catch (RuntimeException malformed) {
      return true;
    }
    JsonNode stream = body.get("stream");
    return stream == null || !stream.isBoolean() || !stream.booleanValue();
  }

  // ------------------------------------------------------------------ for the endpoints

  Access access() {
    return access;
  }

  Replies replies() {
    return replies;
  }

  int chunkSize() {
    return chunkSize;
  }

  /** LiteLLM's response headers of a call, added in one copy. */
  Response callHeaders(Response r, String model) {
    Response.Header[] fixed = modelHeaders.get(model);
    if (fixed == null) {
      fixed = modelHeaders.computeIfAbsent(model, OpenAiFake::modelHeaders);
    }
    return r.headers(new Response.Header("x-litellm-call-id", ids().uuid()), fixed[0], fixed[1], fixed[2], fixed[3]);
  }

  // The same for every call of a model: x-litellm-model-id is a hash of the name, made once.
  private static Response.Header[] modelHeaders(String model) {
    return new Response.Header[] {
      new Response.Header("x-litellm-model-id", LiteLlmErrors.sha256(model)),
      new Response.Header("x-litellm-model-group", model),
      new Response.Header("x-litellm-version", LITELLM_VERSION),
      new Response.Header("x-litellm-response-cost", "0.0"),
    };
  }

  /** {@code r}, answered after {@code delay} on the fake's clock. */
  Response later(Duration delay, Response r) {
    CompletableFuture<Response> f = new CompletableFuture<>();
    clock().schedule(delay, () -> f.complete(r));
    return Response.later(f);
  }

  /** An event stream of {@code events}, paced by {@link #streamDelay}. */
  Response stream(List<String> events, MockResponse.StreamError error, Duration initialDelay) {
    Duration delay = streamDelay;
    Clock clock = clock();
    return Response.sse(stream -> new Pacer(stream, events, error, delay, clock).start(initialDelay));
  }

  /** A JSON body written straight to bytes (no intermediate String). */
  static Response json(ObjectNode body) {
    try {
      return Response.bytes(200, Json.mapper().writeValueAsBytes(body), "application/json");
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static ObjectNode chunkHead(String id, String object, long created, String model) {
    ObjectNode chunk = Json.object();
    chunk.put("id", id);
    chunk.put("object", object);
    chunk.put("created", created);
    chunk.put("model", model);
    return chunk;
  }

  // ------------------------------------------------------------------ helpers

  private static int checkChunkSize(int characters) {
    if (characters < 1) {
      throw new IllegalArgumentException("a chunk carries at least one character: " + characters);
    }
    return characters;
  }

  private static Duration checkDelay(Duration d) {
    if (d == null || d.isNegative()) {
      throw new IllegalArgumentException("a delay cannot be negative: " + d);
    }
    return d;
  }

  // ------------------------------------------------------------------ builder

  /**
   * The fake's initial state: models and accepted keys; {@link #reset()} returns to it, and runs
   * {@link #setup} again, which is where replies and stream pacing that survive a reset go.
   * Without any {@link #model}, the fake serves gpt-4o-mini, gpt-4o, gpt-3.5-turbo-instruct and
   * text-embedding-3-small.
   *
   * <pre>{@code
   * OpenAiFake llm = OpenAiFake.builder()
   *     .model(Model.of("gpt-4o-mini").contextWindow(4_096))
   *     .masterKey("sk-master")
   *     .setup(f -> f.replyWhen("capital of France", "Paris").streamChunkSize(8))
   *     .start();
   * }</pre>
   */
  public static final class Builder extends FakeServer.Builder<Builder, OpenAiFake> {

    static final List<Model> DEFAULT_MODELS =
        List.of(Model.of("gpt-4o-mini"), Model.of("gpt-4o"), Model.of("gpt-3.5-turbo-instruct"), Model.of("text-embedding-3-small"));

    private final Map<String, Model> models = new LinkedHashMap<>();
    private final Map<String, ApiKey> keys = new LinkedHashMap<>();

    private Builder() {}

    /** Serves a model by this name (replacing the default list). */
    public Builder model(String id) {
      return model(Model.of(id));
    }

    /** Serves this model (replacing the default list; a later model of the same name wins). */
    public Builder model(Model model) {
      models.put(model.id(), model);
      return this;
    }

    /** Serves these model names. */
    public Builder models(String... ids) {
      for (String id : ids) {
        model(id);
      }
      return this;
    }

    /** LiteLLM's master key: accepted for every model, without limits. Turns authentication on. */
    public Builder masterKey(String key) {
      return key(ApiKey.of(key));
    }

    /** A virtual key that is accepted. Turns authentication on. */
    public Builder key(String key) {
      return key(ApiKey.of(key));
    }

    /** A virtual key with its model list and limits. Turns authentication on. */
    public Builder key(ApiKey key) {
      keys.put(key.key(), key);
      return this;
    }

    /**
     * The standalone launcher's settings for this fake, besides the engine's own:
     *
     * <pre>{@code
     * {"models": ["gpt-4o-mini", {"id": "small", "ownedBy": "local", "contextWindow": 4096, "dimensions": 256}],
     *  "masterKey": "sk-master",
     *  "keys": ["sk-a", {"key": "sk-b", "models": ["small"], "rpmLimit": 10}],
     *  "reply": "Hello!",
     *  "replies": [{"model": "small", "text": "tiny"}, {"when": "(?i)weather", "text": "Sunny"}],
     *  "streamChunkSize": 8, "streamDelayMs": 20}
     * }</pre>
     */
    @Override
    protected List<String> settingKeys() {
      return withKeys(super.settingKeys(), "models", "masterKey", "keys", "reply", "replies",
          "streamChunkSize", "streamDelayMs");
    }

    @Override
    protected String fakeName() {
      return "openai";
    }

    @Override
    protected boolean configure(String key, JsonNode value) {
      switch (key) {
        case "models" -> each(key, value, m -> model(m.isTextual() ? Model.of(m.asText()) : modelOf(m)));
        case "masterKey" -> masterKey(text(key, value));
        case "keys" -> each(key, value, k -> key(k.isTextual() ? ApiKey.of(k.asText()) : keyOf(k)));
        // replies and pacing live on the fake; through setup they are there from the start and
        // come back on reset(). Each value is checked here, so a bad one fails at configure time.
        case "reply" -> {
          String text = text(key, value);
          setup(f -> f.reply(text));
        }
        case "replies" -> each(key, value, r -> {
          Hints.requireKnown("reply setting", r.fieldNames(), "openai", REPLY_KEYS);
          String text = text("replies[].text", r.get("text"));
          if (r.hasNonNull("model")) {
            String model = text("replies[].model", r.get("model"));
            setup(f -> f.replyFor(model, text));
          } else if (r.hasNonNull("when")) {
            String regex = text("replies[].when", r.get("when"));
            java.util.regex.Pattern.compile(regex); // a bad pattern fails here, not at start
            setup(f -> f.replyWhen(regex, text));
          } else {
            throw new IllegalArgumentException("each of 'replies' needs a 'model' or a 'when'");
          }
        });
        case "streamChunkSize" -> {
          int characters = checkChunkSize(intValue(key, value));
          setup(f -> f.streamChunkSize(characters));
        }
        case "streamDelayMs" -> {
          Duration delay = checkDelay(Duration.ofMillis(longValue(key, value)));
          setup(f -> f.streamDelay(delay));
        }
        default -> {
          return super.configure(key, value);
        }
      }
      return true;
    }

    // the keys of an entry of "models" (when not just an id), "keys" (when not just a key) and "replies"
    private static final List<String> MODEL_KEYS = List.of("id", "ownedBy", "contextWindow", "dimensions");
    private static final List<String> KEY_KEYS = List.of("key", "models", "rpmLimit");
    private static final List<String> REPLY_KEYS = List.of("model", "when", "text");

    private static Model modelOf(JsonNode m) {
      Hints.requireKnown("model setting", m.fieldNames(), "openai", MODEL_KEYS);
      Model model = Model.of(text("models[].id", m.get("id")));
      if (m.hasNonNull("ownedBy")) {
        model = model.ownedBy(text("models[].ownedBy", m.get("ownedBy")));
      }
      if (m.hasNonNull("contextWindow")) {
        model = model.contextWindow(intValue("models[].contextWindow", m.get("contextWindow")));
      }
      if (m.hasNonNull("dimensions")) {
        model = model.dimensions(intValue("models[].dimensions", m.get("dimensions")));
      }
      return model;
    }

    private static ApiKey keyOf(JsonNode k) {
      Hints.requireKnown("key setting", k.fieldNames(), "openai", KEY_KEYS);
      ApiKey key = ApiKey.of(text("keys[].key", k.get("key")));
      if (k.hasNonNull("models")) {
        List<String> names = new ArrayList<>();
        each("keys[].models", k.get("models"), n -> names.add(text("keys[].models[]", n)));
        key = key.models(names.toArray(String[]::new));
      }
      if (k.hasNonNull("rpmLimit")) {
        key = key.rpmLimit(intValue("keys[].rpmLimit", k.get("rpmLimit")));
      }
      return key;
    }

    private static String text(String key, JsonNode v) {
      if (v == null || !v.isTextual()) {
        throw new IllegalArgumentException("'" + key + "' must be a string, not " + v);
      }
      return v.asText();
    }

    private static void each(String key, JsonNode v, java.util.function.Consumer<JsonNode> action) {
      if (v == null || !v.isArray()) {
        throw new IllegalArgumentException("'" + key + "' must be a list, not " + v);
      }
      v.forEach(action);
    }

    @Override
    public OpenAiFake build() {
      return new OpenAiFake(this);
    }
  }
}
