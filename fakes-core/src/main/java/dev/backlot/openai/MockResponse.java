package dev.backlot.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.wire.HttpError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * LiteLLM's {@code mock_response} (with {@code mock_tool_calls}, {@code mock_delay}, {@code
 * mock_timeout}) read from a request body, as {@code mock_completion} in {@code litellm/main.py}
 * treats it: a string is the reply, a dict is the whole ModelResponse, and some strings raise
 * LiteLLM's errors (429, 500, 400, a 529 mid-stream).
 */
final class MockResponse {

  /** An error event sent in a stream after {@code afterChunks} chunks (LiteLLM's mock_streaming_error). */
  record StreamError(int status, String message, int afterChunks) {}

  /** The reply (for a dict: its first choice's content). */
  final Reply reply;
  /** A dict {@code mock_response}, sent back as the body; else null. */
  final ObjectNode raw;
  /** The mid-stream error a streamed call gets; else null. */
  final StreamError streamError;
  /** {@code mock_delay}: how long the answer (or the first chunk) waits. */
  final Duration delay;
  /** {@code mock_timeout}: the error answered after {@link #delay}, instead of any reply; else null. */
  final HttpError timeout;

  private MockResponse(Reply reply, ObjectNode raw, StreamError streamError, Duration delay) {
    this(reply, raw, streamError, delay, null);
  }

  private MockResponse(Reply reply, ObjectNode raw, StreamError streamError, Duration delay, HttpError timeout) {
    this.reply = reply;
    this.raw = raw;
    this.streamError = streamError;
    this.delay = delay;
    this.timeout = timeout;
  }

  /**
   * The mock a body asks for; null when it has none. Throws the errors LiteLLM raises for the
   * special strings; {@code mock_timeout} gives a mock whose {@link #timeout} is answered later.
   */
  static MockResponse of(ObjectNode body, boolean stream) {
    JsonNode mr = body.get("mock_response");
    if (mr == null || mr.isNull()) {
      return null;
    }
    if (body.path("mock_timeout").asBoolean(false)) {
      double t = body.path("timeout").asDouble(600);
      HttpError timeout = LiteLlmErrors.error(
          408, "litellm.Timeout: Connection timed out. Timeout passed=" + t + ", time taken=" + t + " seconds", null, null);
      return new MockResponse(null, null, null, Duration.ofMillis((long) (t * 1000)), timeout);
    }
    Duration delay = Duration.ZERO;
    if (body.path("mock_delay").isNumber()) {
      delay = Duration.ofMillis((long) (body.get("mock_delay").asDouble() * 1000));
    }
    if (mr.isObject()) {
      Reply reply = Reply.text(mr.path("choices").path(0).path("message").path("content").asText(""));
      return new MockResponse(reply, (ObjectNode) mr, null, delay);
    }
    if (!mr.isTextual()) {
      return new MockResponse(Reply.of(mr.toString(), toolCalls(body)), null, null, delay);
    }
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
    StreamError streamError = null;
    if (s.startsWith("Exception: mock_streaming_error")) {
      String msg = "This is a mock error raised mid-stream";
      if (!stream) {
        throw LiteLlmErrors.error(529, msg, null, null);
      }
      streamError = new StreamError(529, msg, 0);
    }
    return new MockResponse(Reply.of(s, toolCalls(body)), null, streamError, delay);
  }

  private static List<Reply.ToolCall> toolCalls(ObjectNode body) {
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
  ObjectNode completeRaw(String id, long created, String model) {
    ObjectNode out = raw.deepCopy();
    if (!out.has("id")) {
      out.put("id", id);
    }
    if (!out.has("object")) {
      out.put("object", "chat.completion");
    }
    if (!out.has("created")) {
      out.put("created", created);
    }
    if (!out.has("model")) {
      out.put("model", model);
    }
    if (!out.has("choices")) {
      out.putArray("choices");
    }
    if (!out.has("usage")) {
      out.set("usage", Replies.Usage.MOCK.json());
    }
    return out;
  }
}
