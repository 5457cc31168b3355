package dev.backlot.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.time.Clock;
import dev.backlot.wire.ErrorShape;
import dev.backlot.engine.FakeServer;
import dev.backlot.wire.HttpError;
import dev.backlot.wire.Json;
import dev.backlot.wire.Request;
import dev.backlot.wire.Response;
import dev.backlot.engine.Routes;
import dev.backlot.journal.Entry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A LiteLLM proxy, i.e. the OpenAI-compatible API that the official {@code openai-java} SDK,
 * LangChain4j, Spring AI and raw HTTP clients talk: chat completions (plain and streamed as SSE),
 * text completions, embeddings, models, and LiteLLM's health routes, with and without the {@code
 * /v1} prefix. Answers are deterministic: an echo of the prompt unless the test programs a reply.
 *
 * <pre>{@code
 * try (OpenAiFake llm = OpenAiFake.builder().model("gpt-4o-mini").reply("Hello!").start()) {
 *   OpenAIClient client = OpenAIOkHttpClient.builder()
 *       .baseUrl(llm.baseUri() + "/v1").apiKey("sk-anything").build();
 *
 *   llm.replyWhen("weather", "Sunny, 21 degrees");   // by prompt (regex)
 *   llm.rateLimitNext(2, Duration.ofMillis(20));     // next 2 calls: 429 + Retry-After
 *   llm.failStreamAfter(3);                          // next stream: 3 chunks, then an error event
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

  private static final List<String> KEY_HEADERS =
      List.of("x-litellm-api-key", "Authorization", "API-Key", "x-api-key", "x-goog-api-key", "Ocp-Apim-Subscription-Key");
  private static final DateTimeFormatter RESET_AT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
  private static final String DEFAULT_FAILURE =
      "litellm.InternalServerError: InternalServerError: OpenAIException - The server had an error while processing your request. Sorry about that!";

  private record ReplyRule(String description, Function<LlmRequest, Reply> fn) {}

  private record RpmWindow(Instant start, int count) {}

  // Initial state, from the builder; reset() returns to it.
  private final List<Model> models;
  private final Map<String, ApiKey> keys;
  private final List<ReplyRule> initialRules;
  private final Reply initialDefault;
  private final int initialChunkSize;
  private final Duration initialDelay;

  // Live state.
  private final CopyOnWriteArrayList<ReplyRule> rules = new CopyOnWriteArrayList<>();
  private final LlmFaults faults = new LlmFaults();
  private final Map<String, RpmWindow> rpm = new ConcurrentHashMap<>();
  private final AtomicLong sequence = new AtomicLong();
  private volatile Reply defaultReply;
  private volatile int chunkSize;
  private volatile Duration streamDelay;

  /** A fake with the default models, no keys, echo replies, on a random loopback port. */
  public OpenAiFake() {
    this(builder());
  }

  private OpenAiFake(Builder b) {
    super("openai", b);
    this.models = b.models.isEmpty() ? Builder.DEFAULT_MODELS : List.copyOf(b.models.values());
    this.keys = Map.copyOf(b.keys);
    this.initialRules = List.copyOf(b.rules);
    this.initialDefault = b.defaultReply;
    this.initialChunkSize = b.chunkSize;
    this.initialDelay = b.streamDelay;
    resetState();
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  protected ErrorShape errorShape() {
    return LiteLlmErrors.SHAPE;
  }

  @Override
  protected void resetState() {
    rules.clear();
    rules.addAll(initialRules);
    faults.clear();
    rpm.clear();
    sequence.set(0);
    defaultReply = initialDefault;
    chunkSize = initialChunkSize;
    streamDelay = initialDelay;
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
    this.defaultReply = Objects.requireNonNull(reply, "reply");
    return this;
  }

  /** Calls for {@code model} get this text. */
  public OpenAiFake replyFor(String model, String text) {
    return replyFor(model, Reply.text(text));
  }

  /** Calls for {@code model} get this reply. */
  public OpenAiFake replyFor(String model, Reply reply) {
    rules.add(0, forModel(model, reply));
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
    rules.add(0, whenPrompt(regex, reply));
    return this;
  }

  /**
   * Calls get what {@code fn} returns; a null return lets older rules and the default answer. The
   * function may throw {@link HttpError} to answer with an error in LiteLLM's shape.
   */
  public OpenAiFake replyWith(Function<LlmRequest, Reply> fn) {
    rules.add(0, new ReplyRule("replyWith(...)", Objects.requireNonNull(fn, "fn")));
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
   * prefer, so a test can keep retries fast.
   */
  public OpenAiFake rateLimitNext(int calls, Duration retryAfter) {
    faults.add(new LlmFaults.Action(LlmFaults.Kind.RATE_LIMIT, 429, null, checkDelay(retryAfter), 0), calls);
    return this;
  }

  /** The next {@code calls} LLM calls get {@code status} with {@code message} in LiteLLM's shape. */
  public OpenAiFake failNext(int calls, int status, String message) {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("an error status is 4xx or 5xx: " + status);
    }
    faults.add(new LlmFaults.Action(LlmFaults.Kind.ERROR, status, message, Duration.ZERO, 0), calls);
    return this;
  }

  /**
   * The next streamed call sends {@code chunks} chunks, then LiteLLM's mid-stream error event
   * {@code data: {"error": {...,"code": "500"}}}, and ends (no {@code [DONE]}).
   */
  public OpenAiFake failStreamAfter(int chunks) {
    return failStreamAfter(chunks, 500, DEFAULT_FAILURE);
  }

  /** As {@link #failStreamAfter(int)} with the error's status and message. */
  public OpenAiFake failStreamAfter(int chunks, int status, String message) {
    if (chunks < 0) {
      throw new IllegalArgumentException("chunks cannot be negative: " + chunks);
    }
    faults.add(new LlmFaults.Action(LlmFaults.Kind.STREAM_ERROR, status, message, Duration.ZERO, chunks), 1);
    return this;
  }

  /** The next streamed call sends {@code chunks} chunks, then its connection is cut. */
  public OpenAiFake cutStreamAfter(int chunks) {
    if (chunks < 0) {
      throw new IllegalArgumentException("chunks cannot be negative: " + chunks);
    }
    faults.add(new LlmFaults.Action(LlmFaults.Kind.STREAM_CUT, 0, null, Duration.ZERO, chunks), 1);
    return this;
  }

  /** How many programmed faults are still to fire. */
  public int pendingFaults() {
    return faults.pending().size();
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

  @Override
  protected void routes(Routes r) {
    for (String p : new String[] {"/v1", ""}) {
      r.post(p + "/chat/completions", req -> chat(req, null));
      r.post(p + "/completions", req -> completions(req, null));
      r.post(p + "/embeddings", req -> embeddings(req, null));
      r.get(p + "/models", this::listModels);
      r.get(p + "/models/{model*}", this::getModel);
    }
    for (String p : new String[] {"/openai/deployments/{deployment}", "/engines/{deployment}"}) {
      r.post(p + "/chat/completions", req -> chat(req, req.pathParam("deployment")));
      r.post(p + "/completions", req -> completions(req, req.pathParam("deployment")));
      r.post(p + "/embeddings", req -> embeddings(req, req.pathParam("deployment")));
    }
    for (String p : new String[] {"/health/liveliness", "/health/liveness"}) {
      r.get(p, req -> Response.json(200, "\"I'm alive!\""));
      r.add("OPTIONS", p, req -> Response.status(200).addHeader("Allow", "GET, OPTIONS"));
    }
    r.get("/health/readiness", req -> readiness());
    r.get("/health", this::health);
  }

  // ------------------------------------------------------------------ chat

  private Response chat(Request req, String pathModel) {
    ApiKey key = authenticate(req);
    applyCallFault(req);
    ObjectNode body = bodyObject(req);
    String model = pathModel != null ? pathModel : modelName(body);
    authorizeModel(key, model);
    countRequest(key);
    Model m = requireModel(model, "/chat/completions");
    Validation.messages(body);
    Validation.sampling(body);
    Validation.toolsAndFormat(body);
    boolean stream = Validation.optBoolean(body, "stream", false);
    boolean includeUsage = Validation.streamOptions(body, stream);
    int n = orDefault(Validation.optInt(body, "n", 1, 128), 1);
    Integer maxTokens = Validation.optInt(body, "max_completion_tokens", 1, Integer.MAX_VALUE);
    if (maxTokens == null) {
      maxTokens = Validation.optInt(body, "max_tokens", 1, Integer.MAX_VALUE);
    }
    List<String> stops = Validation.stops(body);

    JsonNode messages = body.get("messages");
    JsonNode last = messages.get(messages.size() - 1);
    String prompt = contentText(last.get("content"));
    StringBuilder conversation = new StringBuilder();
    for (JsonNode msg : messages) {
      conversation.append(conversation.length() == 0 ? "" : "\n")
          .append(msg.get("role").asText()).append(": ").append(contentText(msg.get("content")));
    }
    LlmRequest call = new LlmRequest("chat/completions", model, prompt, conversation.toString(), body, req);

    Mock mock = mock(body, model, stream);
    if (mock != null && mock.timeout != null) {
      return mock.timeout;
    }
    if (mock != null && mock.raw != null && !stream) {
      return withCallHeaders(Response.json(200, completeMockObject(mock.raw, model)), model, sequence.incrementAndGet());
    }
    int promptTokens = Tokens.chatPrompt(messages, body.get("tools"));
    if (mock == null) {
      checkContextWindow(m, promptTokens);
    }
    Reply reply;
    boolean echoed = false;
    if (mock != null) {
      reply = mock.reply;
    } else {
      reply = ruleReply(call);
      if (reply == null && wantsToolCall(body, last)) {
        reply = autoToolCall(body, prompt);
      }
      if (reply == null) {
        reply = Reply.text("Echo: " + prompt);
        echoed = true;
      }
    }
    if (echoed) {
      reply = shapeJson(reply, body.get("response_format"));
    }
    long seq = sequence.incrementAndGet();
    Answer answer = answer(reply, stops, maxTokens, seq);
    int completionTokens = n * answer.tokens();
    Usage usage = mock != null ? Usage.MOCK : new Usage(promptTokens, completionTokens);
    String id = "chatcmpl-" + uuid("chat", seq);
    long created = clock().instant().getEpochSecond();

    if (stream) {
      List<String> events = chatChunks(id, created, model, answer, n, includeUsage ? usage : null);
      LlmFaults.Action fault = mock != null && mock.streamError != null ? mock.streamError : takeStreamFault(req);
      return withCallHeaders(streamOf(events, fault, mock != null ? mock.delay : Duration.ZERO), model, seq);
    }
    ObjectNode out = Json.object();
    out.put("id", id);
    out.put("object", "chat.completion");
    out.put("created", created);
    out.put("model", model);
    out.putNull("system_fingerprint");
    ArrayNode choices = out.putArray("choices");
    for (int i = 0; i < n; i++) {
      ObjectNode c = choices.addObject();
      c.put("index", i);
      c.put("finish_reason", answer.finishReason());
      ObjectNode msg = c.putObject("message");
      msg.put("role", "assistant");
      if (answer.text() == null) {
        msg.putNull("content");
      } else {
        msg.put("content", answer.text());
      }
      if (answer.calls().isEmpty()) {
        msg.putNull("tool_calls");
      } else {
        ArrayNode calls = msg.putArray("tool_calls");
        for (Reply.ToolCall tc : answer.calls()) {
          ObjectNode call1 = calls.addObject();
          call1.put("id", tc.id());
          call1.put("type", "function");
          call1.putObject("function").put("name", tc.name()).put("arguments", tc.arguments());
        }
      }
      msg.putNull("function_call");
      c.putNull("logprobs");
    }
    out.set("usage", usage.json());
    Response resp = withCallHeaders(Response.json(200, out), model, seq);
    return mock != null && !mock.delay.isZero() ? later(mock.delay, resp) : resp;
  }

  /** Chunks of {@code chat.completion.chunk}, then the usage chunk if asked, then [DONE]. */
  private List<String> chatChunks(String id, long created, String model, Answer a, int n, Usage usage) {
    List<String> out = new ArrayList<>();
    int size = chunkSize;
    for (int i = 0; i < n; i++) {
      List<ObjectNode> deltas = new ArrayList<>();
      List<String> pieces = a.text() == null ? List.of() : split(a.text(), size);
      for (String piece : pieces) {
        deltas.add(Json.object().put("content", piece));
      }
      for (int j = 0; j < a.calls().size(); j++) {
        Reply.ToolCall tc = a.calls().get(j);
        ObjectNode head = Json.object();
        ObjectNode call = head.putArray("tool_calls").addObject();
        call.put("index", j).put("id", tc.id()).put("type", "function");
        call.putObject("function").put("name", tc.name()).put("arguments", "");
        deltas.add(head);
        for (String piece : split(tc.arguments(), size)) {
          ObjectNode d = Json.object();
          d.putArray("tool_calls").addObject().put("index", j).putObject("function").put("arguments", piece);
          deltas.add(d);
        }
      }
      if (deltas.isEmpty()) {
        deltas.add(Json.object().put("content", ""));
      }
      ObjectNode first = deltas.get(0);
      ObjectNode withRole = Json.object().put("role", "assistant");
      if (!first.has("content")) {
        withRole.putNull("content");
      }
      withRole.setAll(first);
      deltas.set(0, withRole);
      for (int k = 0; k < deltas.size(); k++) {
        ObjectNode chunk = chunkHead(id, "chat.completion.chunk", created, model);
        chunk.putNull("system_fingerprint");
        ObjectNode c = chunk.putArray("choices").addObject();
        c.put("index", i);
        c.set("delta", deltas.get(k));
        if (k == deltas.size() - 1) {
          c.put("finish_reason", a.finishReason());
        } else {
          c.putNull("finish_reason");
        }
        c.putNull("logprobs");
        if (usage != null) {
          chunk.putNull("usage");
        }
        out.add(Json.write(chunk));
      }
    }
    if (usage != null) {
      ObjectNode last = chunkHead(id, "chat.completion.chunk", created, model);
      last.putNull("system_fingerprint");
      last.putArray("choices");
      last.set("usage", usage.json());
      out.add(Json.write(last));
    }
    out.add("[DONE]");
    return out;
  }

  private static ObjectNode chunkHead(String id, String object, long created, String model) {
    ObjectNode chunk = Json.object();
    chunk.put("id", id);
    chunk.put("object", object);
    chunk.put("created", created);
    chunk.put("model", model);
    return chunk;
  }

  // ------------------------------------------------------------------ completions

  private Response completions(Request req, String pathModel) {
    ApiKey key = authenticate(req);
    applyCallFault(req);
    ObjectNode body = bodyObject(req);
    String model = pathModel != null ? pathModel : modelName(body);
    authorizeModel(key, model);
    countRequest(key);
    Model m = requireModel(model, "/completions");
    List<String> prompts = prompts(body);
    Validation.sampling(body);
    boolean stream = Validation.optBoolean(body, "stream", false);
    boolean includeUsage = Validation.streamOptions(body, stream);
    boolean echo = Validation.optBoolean(body, "echo", false);
    int n = orDefault(Validation.optInt(body, "n", 1, 128), 1);
    Integer maxTokens = Validation.optInt(body, "max_tokens", 0, Integer.MAX_VALUE);
    List<String> stops = Validation.stops(body);

    Mock mock = mock(body, model, stream);
    if (mock != null && mock.timeout != null) {
      return mock.timeout;
    }
    int promptTokens = 0;
    for (String p : prompts) {
      promptTokens += Tokens.count(p);
      if (mock == null) {
        checkContextWindow(m, Tokens.count(p));
      }
    }
    long seq = sequence.incrementAndGet();
    List<Answer> answers = new ArrayList<>();
    int completionTokens = 0;
    for (String p : prompts) {
      Reply reply = mock != null ? mock.reply : ruleReply(new LlmRequest("completions", model, p, p, body, req));
      if (reply == null) {
        reply = Reply.text("Echo: " + p);
      }
      Answer a = answer(reply.text() == null ? reply.withText("") : reply, stops, maxTokens == null || maxTokens == 0 ? null : maxTokens, seq);
      if (maxTokens != null && maxTokens == 0) {
        a = new Answer("", a.calls(), "length", 0);
      }
      if (echo) {
        a = new Answer(p + a.text(), a.calls(), a.finishReason(), a.tokens());
      }
      for (int k = 0; k < n; k++) {
        answers.add(a);
        completionTokens += a.tokens();
      }
    }
    Usage usage = mock != null ? Usage.MOCK : new Usage(promptTokens, completionTokens);
    String id = "cmpl-" + uuid("cmpl", seq);
    long created = clock().instant().getEpochSecond();
    if (stream) {
      List<String> events = new ArrayList<>();
      for (int i = 0; i < answers.size(); i++) {
        List<String> pieces = split(answers.get(i).text(), chunkSize);
        if (pieces.isEmpty()) {
          pieces = List.of("");
        }
        for (int k = 0; k < pieces.size(); k++) {
          ObjectNode chunk = chunkHead(id, "text_completion", created, model);
          ObjectNode c = chunk.putArray("choices").addObject();
          c.put("text", pieces.get(k)).put("index", i).putNull("logprobs");
          if (k == pieces.size() - 1) {
            c.put("finish_reason", answers.get(i).finishReason());
          } else {
            c.putNull("finish_reason");
          }
          events.add(Json.write(chunk));
        }
      }
      if (includeUsage) {
        ObjectNode last = chunkHead(id, "text_completion", created, model);
        last.putArray("choices");
        last.set("usage", usage.json());
        events.add(Json.write(last));
      }
      events.add("[DONE]");
      LlmFaults.Action fault = mock != null && mock.streamError != null ? mock.streamError : takeStreamFault(req);
      return withCallHeaders(streamOf(events, fault, mock != null ? mock.delay : Duration.ZERO), model, seq);
    }
    ObjectNode out = chunkHead(id, "text_completion", created, model);
    out.putNull("system_fingerprint");
    ArrayNode choices = out.putArray("choices");
    for (int i = 0; i < answers.size(); i++) {
      choices.addObject()
          .put("text", answers.get(i).text())
          .put("index", i)
          .putNull("logprobs")
          .put("finish_reason", answers.get(i).finishReason());
    }
    out.set("usage", usage.json());
    Response resp = withCallHeaders(Response.json(200, out), model, seq);
    return mock != null && !mock.delay.isZero() ? later(mock.delay, resp) : resp;
  }

  /** {@code prompt}: a string, strings, a token array, or token arrays. */
  private static List<String> prompts(ObjectNode body) {
    if (!Validation.present(body, "prompt")) {
      throw Validation.missing("prompt");
    }
    JsonNode p = body.get("prompt");
    if (p.isTextual()) {
      return List.of(p.asText());
    }
    String expected = "one of a string, array of strings, array of integers, or array of arrays of integers";
    if (!p.isArray()) {
      throw Validation.invalidType("prompt", expected, p);
    }
    if (p.isEmpty()) {
      throw LiteLlmErrors.badParam(
          "prompt", "Invalid 'prompt': empty array. Expected an array with minimum length 1, but got an empty array instead.");
    }
    List<String> out = new ArrayList<>();
    if (p.get(0).isIntegralNumber()) {
      out.add(tokensText(p, "prompt", expected));
      return out;
    }
    for (JsonNode x : p) {
      if (x.isTextual()) {
        out.add(x.asText());
      } else if (x.isArray() && !x.isEmpty()) {
        out.add(tokensText(x, "prompt", expected));
      } else {
        throw Validation.invalidType("prompt", expected, p);
      }
    }
    return out;
  }

  /** Token ids as text ("15339 1917"), so they count and echo plausibly. */
  private static String tokensText(JsonNode tokens, String param, String expected) {
    StringBuilder sb = new StringBuilder();
    for (JsonNode t : tokens) {
      if (!t.isIntegralNumber()) {
        throw Validation.invalidType(param, expected, tokens);
      }
      sb.append(sb.length() == 0 ? "" : " ").append(t.asLong());
    }
    return sb.toString();
  }

  // ------------------------------------------------------------------ embeddings

  private Response embeddings(Request req, String pathModel) {
    ApiKey key = authenticate(req);
    applyCallFault(req);
    ObjectNode body = bodyObject(req);
    String model = pathModel != null ? pathModel : modelName(body);
    authorizeModel(key, model);
    countRequest(key);
    Model m = requireModel(model, "/embeddings");
    if (!Validation.present(body, "input")) {
      throw Validation.missing("input");
    }
    List<String> inputs = embeddingInputs(body.get("input"));
    String format = "float";
    if (Validation.present(body, "encoding_format")) {
      JsonNode f = body.get("encoding_format");
      if (!f.isTextual()) {
        throw Validation.invalidType("encoding_format", "a string", f);
      }
      format = f.asText();
      if (!format.equals("float") && !format.equals("base64")) {
        throw Validation.invalidValue("encoding_format", format, List.of("float", "base64"));
      }
    }
    Integer dims = Validation.optInt(body, "dimensions", 1, m.dimensions());
    int d = dims != null ? dims : m.dimensions();
    int tokens = 0;
    for (String in : inputs) {
      int t = Tokens.count(in);
      checkContextWindow(m, t);
      tokens += t;
    }
    ObjectNode out = Json.object();
    out.put("object", "list");
    ArrayNode data = out.putArray("data");
    for (int i = 0; i < inputs.size(); i++) {
      float[] v = Embeddings.of(inputs.get(i), d);
      ObjectNode e = data.addObject();
      e.put("object", "embedding");
      e.put("index", i);
      if (format.equals("base64")) {
        e.put("embedding", Embeddings.base64(v));
      } else {
        ArrayNode arr = e.putArray("embedding");
        for (float f : v) {
          arr.add(f);
        }
      }
    }
    out.put("model", model);
    out.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
    return withCallHeaders(Response.json(200, out), model, sequence.incrementAndGet());
  }

  private static List<String> embeddingInputs(JsonNode input) {
    String invalid = "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.";
    if (input.isTextual()) {
      if (input.asText().isEmpty()) {
        throw LiteLlmErrors.badParam("input", invalid);
      }
      return List.of(input.asText());
    }
    if (!input.isArray() || input.isEmpty()) {
      throw LiteLlmErrors.badParam("input", invalid);
    }
    if (input.size() > 2048) {
      throw LiteLlmErrors.badParam(
          "input", "Invalid 'input': array too long. Expected an array with maximum length 2048, but got an array with length " + input.size() + " instead.");
    }
    if (input.get(0).isIntegralNumber()) {
      return List.of(tokensText(input, "input", "one of a string or array of strings"));
    }
    List<String> out = new ArrayList<>();
    for (JsonNode x : input) {
      if (x.isTextual() && !x.asText().isEmpty()) {
        out.add(x.asText());
      } else if (x.isArray() && !x.isEmpty() && x.get(0).isIntegralNumber()) {
        out.add(tokensText(x, "input", "one of a string or array of strings"));
      } else {
        throw LiteLlmErrors.badParam("input", invalid);
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ models and health

  private Response listModels(Request req) {
    ApiKey key = authenticate(req);
    ObjectNode out = Json.object();
    ArrayNode data = out.putArray("data");
    for (Model m : models) {
      if (key == null || key.models().isEmpty() || key.models().contains(m.id())) {
        data.add(modelJson(m));
      }
    }
    out.put("object", "list");
    return Response.json(200, out);
  }

  private Response getModel(Request req) {
    ApiKey key = authenticate(req);
    String id = req.pathParam("model");
    for (Model m : models) {
      if (m.id().equals(id) && (key == null || key.models().isEmpty() || key.models().contains(id))) {
        return Response.json(200, modelJson(m));
      }
    }
    throw LiteLlmErrors.modelNotFound(id);
  }

  private static ObjectNode modelJson(Model m) {
    return Json.object().put("id", m.id()).put("object", "model").put("created", Model.DEFAULT_CREATED).put("owned_by", m.ownedBy());
  }

  private Response readiness() {
    ObjectNode out = Json.object();
    out.put("status", "healthy");
    out.put("db", "Not connected");
    out.putNull("cache");
    out.put("litellm_version", LITELLM_VERSION);
    out.putArray("success_callbacks");
    out.put("use_aiohttp_transport", true);
    out.put("log_level", "WARNING");
    out.put("is_detailed_debug", false);
    return Response.json(200, out);
  }

  private Response health(Request req) {
    authenticate(req);
    String only = req.query("model");
    ObjectNode out = Json.object();
    ArrayNode healthy = out.putArray("healthy_endpoints");
    for (Model m : models) {
      if (only == null || m.id().equals(only)) {
        healthy.addObject().put("model", m.id());
      }
    }
    out.putArray("unhealthy_endpoints");
    out.put("healthy_count", healthy.size());
    out.put("unhealthy_count", 0);
    return Response.json(200, out);
  }

  // ------------------------------------------------------------------ the request pipeline

  private ApiKey authenticate(Request req) {
    if (keys.isEmpty()) {
      return null;
    }
    String presented = null;
    for (String h : KEY_HEADERS) {
      String v = req.header(h);
      if (v != null) {
        v = v.trim();
        if (v.regionMatches(true, 0, "Bearer ", 0, 7)) {
          v = v.substring(7).trim();
        } else if (v.equalsIgnoreCase("Bearer")) {
          v = "";
        }
        if (!v.isEmpty()) {
          presented = v;
          break;
        }
      }
    }
    if (presented == null) {
      throw LiteLlmErrors.noKey();
    }
    ApiKey k = keys.get(presented);
    if (k == null) {
      throw LiteLlmErrors.invalidKey(presented);
    }
    return k;
  }

  private static void authorizeModel(ApiKey key, String model) {
    if (key != null && !key.models().isEmpty() && !key.models().contains(model)) {
      throw LiteLlmErrors.modelAccessDenied(key.models(), model);
    }
  }

  private void countRequest(ApiKey key) {
    if (key == null || key.rpmLimit() == null) {
      return;
    }
    Instant now = clock().instant();
    int limit = key.rpmLimit();
    Instant[] refusedUntil = new Instant[1];
    rpm.compute(
        key.key(),
        (k, w) -> {
          RpmWindow cur = w == null || !now.isBefore(w.start().plusSeconds(60)) ? new RpmWindow(now, 0) : w;
          if (cur.count() >= limit) {
            refusedUntil[0] = cur.start().plusSeconds(60);
            return cur;
          }
          return new RpmWindow(cur.start(), cur.count() + 1);
        });
    if (refusedUntil[0] != null) {
      throw LiteLlmErrors.rpmExceeded(key.key(), limit, RESET_AT.format(refusedUntil[0]));
    }
  }

  private void applyCallFault(Request req) {
    LlmFaults.Action a = faults.takeCall();
    if (a == null) {
      return;
    }
    noteFault(req, a);
    if (a.kind() == LlmFaults.Kind.RATE_LIMIT) {
      long ms = a.retryAfter().toMillis();
      long secs = (ms + 999) / 1000;
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put("retry-after", String.valueOf(secs));
      if (ms % 1000 != 0) {
        headers.put("retry-after-ms", String.valueOf(ms));
      }
      throw LiteLlmErrors.error(
              429,
              "litellm.RateLimitError: RateLimitError: OpenAIException - Rate limit reached for requests. Please try again in " + secs + "s.",
              "throttling_error",
              null)
          .with(LiteLlmErrors.HEADERS, headers);
    }
    throw LiteLlmErrors.error(a.status(), a.message() == null ? DEFAULT_FAILURE : a.message(), null, null);
  }

  private LlmFaults.Action takeStreamFault(Request req) {
    LlmFaults.Action a = faults.takeStream();
    if (a != null) {
      noteFault(req, a);
    }
    return a;
  }

  /** Marks the journal entry of {@code req} with the fault (best effort: matched by id and path). */
  private void noteFault(Request req, LlmFaults.Action a) {
    for (Entry e : journal().find(e -> e.id() == req.id() && e.kind() == Entry.Kind.HTTP && e.path().equals(req.path()))) {
      recorder().fault(e, "openai." + a.describe());
    }
  }

  private static ObjectNode bodyObject(Request req) {
    JsonNode body = req.json();
    if (!body.isObject()) {
      throw LiteLlmErrors.badParam(null, "Invalid request body: expected a JSON object, but got " + Validation.describe(body) + " instead.");
    }
    return (ObjectNode) body;
  }

  private static String modelName(ObjectNode body) {
    JsonNode m = body.get("model");
    if (m == null || m.isNull()) {
      return "";
    }
    return m.isTextual() ? m.asText() : m.toString();
  }

  private Model requireModel(String name, String route) {
    if (!name.isEmpty()) {
      for (Model m : models) {
        if (m.serves(name)) {
          return m;
        }
      }
    }
    throw LiteLlmErrors.invalidModel(route, name);
  }

  private static void checkContextWindow(Model m, int promptTokens) {
    Integer window = m.contextWindow();
    if (window != null && promptTokens > window) {
      throw LiteLlmErrors.error(
          400,
          "litellm.ContextWindowExceededError: litellm.BadRequestError: ContextWindowExceededError: OpenAIException - "
              + "This model's maximum context length is " + window + " tokens. However, your messages resulted in "
              + promptTokens + " tokens. Please reduce the length of the messages.",
          "invalid_request_error",
          "messages");
    }
  }

  private Response withCallHeaders(Response r, String model, long seq) {
    return r.addHeader("x-litellm-call-id", uuid("call", seq))
        .addHeader("x-litellm-model-id", LiteLlmErrors.sha256(model))
        .addHeader("x-litellm-model-group", model)
        .addHeader("x-litellm-version", LITELLM_VERSION)
        .addHeader("x-litellm-response-cost", "0.0");
  }

  private Response later(Duration delay, Response r) {
    CompletableFuture<Response> f = new CompletableFuture<>();
    clock().schedule(delay, () -> f.complete(r));
    return Response.later(f);
  }

  private Response streamOf(List<String> events, LlmFaults.Action fault, Duration initialDelay) {
    Duration delay = streamDelay;
    Clock clock = clock();
    return Response.sse(stream -> new Pacer(stream, events, fault, delay, clock).start(initialDelay));
  }

  // ------------------------------------------------------------------ replies

  private Reply ruleReply(LlmRequest call) {
    for (ReplyRule r : rules) {
      Reply x = r.fn().apply(call);
      if (x != null) {
        return x;
      }
    }
    return defaultReply;
  }

  private static boolean wantsToolCall(ObjectNode body, JsonNode last) {
    JsonNode tools = body.get("tools");
    if (tools == null || !tools.isArray() || tools.isEmpty()) {
      return false;
    }
    JsonNode choice = body.get("tool_choice");
    if (choice != null && choice.isTextual()) {
      if (choice.asText().equals("none")) {
        return false;
      }
      if (choice.asText().equals("required")) {
        return true;
      }
    } else if (choice != null && choice.isObject()) {
      return true;
    }
    return last.path("role").asText().equals("user");
  }

  /** Calls the named (or the first) function, with arguments made up from its JSON schema. */
  private static Reply autoToolCall(ObjectNode body, String prompt) {
    JsonNode tools = body.get("tools");
    String wanted = body.path("tool_choice").path("function").path("name").asText(null);
    JsonNode fn = null;
    for (JsonNode t : tools) {
      JsonNode f = t.path("function");
      if (f.isObject() && (wanted == null || wanted.equals(f.path("name").asText()))) {
        fn = f;
        break;
      }
    }
    if (fn == null) {
      return null;
    }
    JsonNode args = sample(fn.path("parameters"), prompt, 0);
    return Reply.toolCall(fn.get("name").asText(), Json.write(args.isObject() ? args : Json.object()));
  }

  /** A value matching {@code schema}: strings echo the prompt, enums take their first value. */
  static JsonNode sample(JsonNode schema, String text, int depth) {
    if (schema.has("enum") && schema.get("enum").isArray() && !schema.get("enum").isEmpty()) {
      return schema.get("enum").get(0);
    }
    if (schema.has("const")) {
      return schema.get("const");
    }
    JsonNode typeNode = schema.path("type");
    String type = typeNode.isArray() && !typeNode.isEmpty() ? typeNode.get(0).asText() : typeNode.asText(schema.has("properties") ? "object" : "string");
    if (depth > 8) {
      return Json.mapper().nullNode();
    }
    switch (type) {
      case "object" -> {
        ObjectNode o = Json.object();
        JsonNode props = schema.path("properties");
        List<String> names = new ArrayList<>();
        if (schema.path("required").isArray() && !schema.get("required").isEmpty()) {
          schema.get("required").forEach(n -> names.add(n.asText()));
        } else {
          props.fieldNames().forEachRemaining(names::add);
        }
        for (String name : names) {
          o.set(name, sample(props.path(name), text, depth + 1));
        }
        return o;
      }
      case "array" -> {
        ArrayNode a = Json.array();
        a.add(sample(schema.path("items"), text, depth + 1));
        return a;
      }
      case "integer" -> {
        return Json.mapper().getNodeFactory().numberNode(1);
      }
      case "number" -> {
        return Json.mapper().getNodeFactory().numberNode(1.0);
      }
      case "boolean" -> {
        return Json.mapper().getNodeFactory().booleanNode(true);
      }
      case "null" -> {
        return Json.mapper().nullNode();
      }
      default -> {
        return Json.mapper().getNodeFactory().textNode(text);
      }
    }
  }

  /** JSON mode for the echo: valid JSON as asked by {@code response_format}. */
  private static Reply shapeJson(Reply reply, JsonNode format) {
    if (format == null || !format.isObject() || reply.text() == null) {
      return reply;
    }
    String type = format.path("type").asText();
    if (type.equals("json_object")) {
      return reply.withText(Json.write(Json.object().put("response", reply.text())));
    }
    if (type.equals("json_schema")) {
      JsonNode schema = format.path("json_schema").path("schema");
      JsonNode v = sample(schema.isObject() ? schema : Json.object().put("type", "object"), reply.text(), 0);
      return reply.withText(Json.write(v));
    }
    return reply;
  }

  /** The reply after {@code stop} and {@code max_tokens}, with ids for its tool calls. */
  private static Answer answer(Reply reply, List<String> stops, Integer maxTokens, long seq) {
    String text = reply.text();
    boolean cut = false;
    if (text != null) {
      int at = -1;
      for (String s : stops) {
        int i = text.indexOf(s);
        if (i >= 0 && (at < 0 || i < at)) {
          at = i;
        }
      }
      if (at >= 0) {
        text = text.substring(0, at);
      }
      if (maxTokens != null && Tokens.count(text) > maxTokens) {
        int cps = maxTokens * 4;
        text = text.substring(0, text.offsetByCodePoints(0, cps));
        cut = true;
      }
    }
    List<Reply.ToolCall> calls = new ArrayList<>();
    int tokens = Tokens.count(text);
    for (int i = 0; i < reply.toolCalls().size(); i++) {
      Reply.ToolCall tc = reply.toolCalls().get(i);
      String id = tc.id() != null ? tc.id() : "call_" + LiteLlmErrors.sha256("call:" + seq + ":" + i).substring(0, 24);
      calls.add(new Reply.ToolCall(id, tc.name(), tc.arguments()));
      tokens += Tokens.count(tc.name()) + Tokens.count(tc.arguments());
    }
    String finish = reply.finishReason() != null ? reply.finishReason() : !calls.isEmpty() ? "tool_calls" : cut ? "length" : "stop";
    return new Answer(text, Collections.unmodifiableList(calls), finish, tokens);
  }

  record Answer(String text, List<Reply.ToolCall> calls, String finishReason, int tokens) {}

  record Usage(int prompt, int completion) {
    /** LiteLLM's {@code DEFAULT_MOCK_RESPONSE_*_TOKEN_COUNT} for {@code mock_response} replies. */
    static final Usage MOCK = new Usage(10, 20);

    ObjectNode json() {
      return Json.object().put("prompt_tokens", prompt).put("completion_tokens", completion).put("total_tokens", prompt + completion);
    }
  }

  // ------------------------------------------------------------------ LiteLLM mock_response

  /** What a {@code mock_response} in the body asks for; null when there is none. */
  private static final class Mock {
    Reply reply;
    ObjectNode raw;
    LlmFaults.Action streamError;
    Duration delay = Duration.ZERO;
    /** {@code mock_timeout}: the error answered after the timeout, on the fake's clock. */
    Response timeout;
  }

  private Mock mock(ObjectNode body, String model, boolean stream) {
    JsonNode mr = body.get("mock_response");
    if (mr == null || mr.isNull()) {
      return null;
    }
    Mock m = new Mock();
    if (body.path("mock_timeout").asBoolean(false)) {
      double t = body.path("timeout").asDouble(600);
      HttpError timeout = LiteLlmErrors.error(
          408, "litellm.Timeout: Connection timed out. Timeout passed=" + t + ", time taken=" + t + " seconds", null, null);
      m.timeout = later(Duration.ofMillis((long) (t * 1000)), errorShape().render(timeout));
      return m;
    }
    if (body.path("mock_delay").isNumber()) {
      m.delay = Duration.ofMillis((long) (body.get("mock_delay").asDouble() * 1000));
    }
    if (mr.isTextual()) {
      String s = mr.asText();
      switch (s) {
        case "litellm.RateLimitError" -> throw LiteLlmErrors.error(
            429, "litellm.RateLimitError: this is a mock rate limit error", "throttling_error", null);
        case "litellm.InternalServerError" -> throw LiteLlmErrors.error(
            500, "litellm.InternalServerError: this is a mock internal server error", null, null);
        case "litellm.ContextWindowExceededError" -> throw LiteLlmErrors.error(
            400, "litellm.ContextWindowExceededError: litellm.BadRequestError: this is a mock context window exceeded error", null, null);
        default -> { }
      }
      if (s.startsWith("Exception: content_filter_policy")) {
        throw LiteLlmErrors.error(400, s, null, null);
      }
      if (s.startsWith("Exception: mock_streaming_error")) {
        String msg = "This is a mock error raised mid-stream";
        if (!stream) {
          throw LiteLlmErrors.error(529, msg, null, null);
        }
        m.streamError = new LlmFaults.Action(LlmFaults.Kind.STREAM_ERROR, 529, msg, Duration.ZERO, 0);
      }
      m.reply = Reply.of(s, mockToolCalls(body));
    } else if (mr.isObject()) {
      m.raw = (ObjectNode) mr;
      m.reply = Reply.text(mr.path("choices").path(0).path("message").path("content").asText(""));
    } else {
      m.reply = Reply.of(mr.toString(), mockToolCalls(body));
    }
    return m;
  }

  private static List<Reply.ToolCall> mockToolCalls(ObjectNode body) {
    JsonNode calls = body.get("mock_tool_calls");
    List<Reply.ToolCall> out = new ArrayList<>();
    if (calls != null && calls.isArray()) {
      for (JsonNode c : calls) {
        JsonNode fn = c.path("function");
        JsonNode args = fn.get("arguments");
        out.add(new Reply.ToolCall(
            c.path("id").isTextual() ? c.get("id").asText() : null,
            fn.path("name").asText("function"),
            args == null ? "{}" : args.isTextual() ? args.asText() : args.toString()));
      }
    }
    return out;
  }

  /** A dict {@code mock_response} is LiteLLM's ModelResponse: sent back, with what it lacks filled in. */
  private ObjectNode completeMockObject(ObjectNode raw, String model) {
    ObjectNode out = raw.deepCopy();
    if (!out.has("id")) {
      out.put("id", "chatcmpl-" + uuid("mock", sequence.get() + 1));
    }
    if (!out.has("object")) {
      out.put("object", "chat.completion");
    }
    if (!out.has("created")) {
      out.put("created", clock().instant().getEpochSecond());
    }
    if (!out.has("model")) {
      out.put("model", model);
    }
    if (!out.has("choices")) {
      out.putArray("choices");
    }
    if (!out.has("usage")) {
      out.set("usage", Usage.MOCK.json());
    }
    return out;
  }

  // ------------------------------------------------------------------ helpers

  /** The text of a message's {@code content}: the string, or its text parts joined by newlines. */
  static String contentText(JsonNode content) {
    if (content == null || content.isNull()) {
      return "";
    }
    if (content.isTextual()) {
      return content.asText();
    }
    if (content.isArray()) {
      StringBuilder sb = new StringBuilder();
      for (JsonNode part : content) {
        if (part.path("text").isTextual()) {
          sb.append(sb.length() == 0 ? "" : "\n").append(part.get("text").asText());
        }
      }
      return sb.toString();
    }
    return content.toString();
  }

  /** {@code text} in pieces of {@code size} code points. */
  static List<String> split(String text, int size) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      int end = i;
      for (int k = 0; k < size && end < text.length(); k++) {
        end += Character.charCount(text.codePointAt(end));
      }
      out.add(text.substring(i, end));
      i = end;
    }
    return out;
  }

  private String uuid(String kind, long seq) {
    return UUID.nameUUIDFromBytes((name() + ":" + kind + ":" + seq).getBytes(StandardCharsets.UTF_8)).toString();
  }

  private static int orDefault(Integer v, int fallback) {
    return v == null ? fallback : v;
  }

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

  private static ReplyRule forModel(String model, Reply reply) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(reply, "reply");
    return new ReplyRule("replyFor(" + model + ")", c -> c.model().equals(model) ? reply : null);
  }

  private static ReplyRule whenPrompt(String regex, Reply reply) {
    Pattern p = Pattern.compile(regex);
    Objects.requireNonNull(reply, "reply");
    return new ReplyRule("replyWhen(" + regex + ")", c -> p.matcher(c.prompt()).find() ? reply : null);
  }

  // ------------------------------------------------------------------ builder

  /**
   * The fake's initial state: models, accepted keys, replies and streaming pace; {@link #reset()}
   * returns to it. Without any {@link #model}, the fake serves gpt-4o-mini, gpt-4o,
   * gpt-3.5-turbo-instruct and text-embedding-3-small.
   *
   * <pre>{@code
   * OpenAiFake llm = OpenAiFake.builder()
   *     .model(Model.of("gpt-4o-mini").contextWindow(4_096))
   *     .masterKey("sk-master")
   *     .replyWhen("capital of France", "Paris")
   *     .streamChunkSize(8)
   *     .start();
   * }</pre>
   */
  public static final class Builder extends FakeServer.Builder<Builder, OpenAiFake> {

    static final List<Model> DEFAULT_MODELS =
        List.of(Model.of("gpt-4o-mini"), Model.of("gpt-4o"), Model.of("gpt-3.5-turbo-instruct"), Model.of("text-embedding-3-small"));

    private final Map<String, Model> models = new LinkedHashMap<>();
    private final Map<String, ApiKey> keys = new LinkedHashMap<>();
    private final List<ReplyRule> rules = new ArrayList<>();
    private Reply defaultReply;
    private int chunkSize = 4;
    private Duration streamDelay = Duration.ZERO;

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

    /** See {@link OpenAiFake#reply(String)}. */
    public Builder reply(String text) {
      return reply(Reply.text(text));
    }

    /** See {@link OpenAiFake#reply(Reply)}. */
    public Builder reply(Reply reply) {
      this.defaultReply = Objects.requireNonNull(reply, "reply");
      return this;
    }

    /** See {@link OpenAiFake#replyFor(String, String)}. */
    public Builder replyFor(String model, String text) {
      return replyFor(model, Reply.text(text));
    }

    /** See {@link OpenAiFake#replyFor(String, Reply)}. */
    public Builder replyFor(String model, Reply reply) {
      rules.add(0, forModel(model, reply));
      return this;
    }

    /** See {@link OpenAiFake#replyWhen(String, String)}. */
    public Builder replyWhen(String regex, String text) {
      return replyWhen(regex, Reply.text(text));
    }

    /** See {@link OpenAiFake#replyWhen(String, Reply)}. */
    public Builder replyWhen(String regex, Reply reply) {
      rules.add(0, whenPrompt(regex, reply));
      return this;
    }

    /** See {@link OpenAiFake#replyWith}. */
    public Builder replyWith(Function<LlmRequest, Reply> fn) {
      rules.add(0, new ReplyRule("replyWith(...)", Objects.requireNonNull(fn, "fn")));
      return this;
    }

    /** See {@link OpenAiFake#streamChunkSize}. */
    public Builder streamChunkSize(int characters) {
      this.chunkSize = checkChunkSize(characters);
      return this;
    }

    /** See {@link OpenAiFake#streamDelay}. */
    public Builder streamDelay(Duration delay) {
      this.streamDelay = checkDelay(delay);
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
    protected boolean configure(String key, JsonNode value) {
      switch (key) {
        case "models" -> each(key, value, m -> model(m.isTextual() ? Model.of(m.asText()) : modelOf(m)));
        case "masterKey" -> masterKey(text(key, value));
        case "keys" -> each(key, value, k -> key(k.isTextual() ? ApiKey.of(k.asText()) : keyOf(k)));
        case "reply" -> reply(text(key, value));
        case "replies" -> each(key, value, r -> {
          String text = text("replies[].text", r.get("text"));
          if (r.hasNonNull("model")) {
            replyFor(text("replies[].model", r.get("model")), text);
          } else if (r.hasNonNull("when")) {
            replyWhen(text("replies[].when", r.get("when")), text);
          } else {
            throw new IllegalArgumentException("each of 'replies' needs a 'model' or a 'when'");
          }
        });
        case "streamChunkSize" -> streamChunkSize(intValue(key, value));
        case "streamDelayMs" -> streamDelay(Duration.ofMillis(longValue(key, value)));
        default -> {
          return super.configure(key, value);
        }
      }
      return true;
    }

    private static Model modelOf(JsonNode m) {
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
