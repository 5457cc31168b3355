package dev.backlot.openai;

import dev.backlot.wire.Json;
import dev.backlot.wire.PathTemplate;
import dev.backlot.wire.Request;
import dev.backlot.wire.Response;
import dev.backlot.fault.FaultPlan;
import dev.backlot.fault.HttpRule;
import dev.backlot.fault.Rule;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The LLM fault conveniences of {@link OpenAiFake} ({@code rateLimitNext}, {@code failNext},
 * {@code failStreamAfter}, {@code cutStreamAfter}), each written as a rule of the fake's shared
 * {@link FaultPlan}: they show in {@code faults().rules()}, count in {@code assertAllFired()},
 * are journalled like any fault and cleared by {@code reset()}. Call faults match LLM calls only
 * (chat, completions, embeddings, under every route prefix) that pass LiteLLM's key check, as an
 * upstream failure can only follow it; stream faults match streamed calls and count chunks,
 * not the final {@code [DONE]}.
 */
final class LlmFaultRules {

  static final String DEFAULT_FAILURE =
      "litellm.InternalServerError: InternalServerError: OpenAIException - The server had an error while processing your request. Sorry about that!";

  /** Every route of an LLM call. */
  private static final List<PathTemplate> CALLS = List.of(
      PathTemplate.of("/v1/chat/completions"), PathTemplate.of("/chat/completions"),
      PathTemplate.of("/v1/completions"), PathTemplate.of("/completions"),
      PathTemplate.of("/v1/embeddings"), PathTemplate.of("/embeddings"),
      PathTemplate.of("/openai/deployments/{deployment}/chat/completions"),
      PathTemplate.of("/openai/deployments/{deployment}/completions"),
      PathTemplate.of("/openai/deployments/{deployment}/embeddings"),
      PathTemplate.of("/engines/{deployment}/chat/completions"),
      PathTemplate.of("/engines/{deployment}/completions"),
      PathTemplate.of("/engines/{deployment}/embeddings"));

  private record Added(Rule<?> rule, int times) {}

  private final FaultPlan plan;
  private final Access access;
  private final List<Added> added = new CopyOnWriteArrayList<>();

  LlmFaultRules(FaultPlan plan, Access access) {
    this.plan = plan;
    this.access = access;
  }

  /** Forgets the rules (the plan itself is cleared by the engine's reset). */
  void clear() {
    added.clear();
  }

  /** How many uses of these rules are left. */
  int pending() {
    int n = 0;
    for (Added a : added) {
      n += (int) Math.max(0, a.times() - a.rule().fired());
    }
    return n;
  }

  private HttpRule nextCalls(int calls) {
    if (calls < 1) {
      throw new IllegalArgumentException("a fault applies to at least one call: " + calls);
    }
    return plan.onAny().where("LLM call", this::isLlmCall).next(calls);
  }

  boolean isLlmCall(Request r) {
    if (!"POST".equals(r.method())) {
      return false;
    }
    String path = r.rawPath();
    for (PathTemplate t : CALLS) {
      if (t.match(path) != null) {
        return access.authenticates(r);
      }
    }
    return false;
  }

  void rateLimit(int calls, Duration retryAfter) {
    long ms = retryAfter.toMillis();
    long secs = (ms + 999) / 1000;
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("retry-after", String.valueOf(secs));
    if (ms % 1000 != 0) {
      headers.put("retry-after-ms", String.valueOf(ms));
    }
    Response r = LiteLlmErrors.SHAPE.render(
        LiteLlmErrors.error(
                429,
                "litellm.RateLimitError: RateLimitError: OpenAIException - Rate limit reached for requests. Please try again in " + secs + "s.",
                "throttling_error",
                null)
            .with(LiteLlmErrors.HEADERS, headers));
    added.add(new Added(nextCalls(calls).respond(r), calls));
  }

  void fail(int calls, int status, String message) {
    Response r = LiteLlmErrors.SHAPE.render(LiteLlmErrors.error(status, message == null ? DEFAULT_FAILURE : message, null, null));
    added.add(new Added(nextCalls(calls).respond(r), calls));
  }

  void failStream(int chunks, int status, String message) {
    String event = Json.write(LiteLlmErrors.body(status, message, null, null));
    added.add(new Added(nextStream().endAfter(chunks, event), 1));
  }

  void cutStream(int chunks) {
    added.add(new Added(nextStream().cutAfter(chunks), 1));
  }

  // Only LLM routes stream in this fake; [DONE] is not a chunk.
  private dev.backlot.fault.SseRule nextStream() {
    return plan.onSse("POST", "/{path*}").where("LLM chunk", d -> !"[DONE]".equals(d)).next(1);
  }
}
