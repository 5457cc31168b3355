package dev.backlot.openai;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the fake model answers to one call: text, tool calls, or both, and optionally the
 * {@code finish_reason}. Immutable. Token usage is counted from the text (see {@link
 * OpenAiFake#countTokens}).
 *
 * <pre>{@code
 * fake.reply("Hello!");                                          // every call
 * fake.replyWhen("weather", Reply.toolCall("get_weather", "{\"city\":\"Paris\"}"));
 * fake.replyWith(call -> Reply.text(call.prompt().toUpperCase()));
 * }</pre>
 */
public final class Reply {

  /**
   * One function call of an assistant message; {@code arguments} is a JSON text; {@code id} may be
   * null, and the fake then makes one up ({@code call_...}, deterministic per fake).
   */
  public record ToolCall(String id, String name, String arguments) {
    public ToolCall {
      Objects.requireNonNull(name, "name");
      arguments = arguments == null ? "{}" : arguments;
    }

    public ToolCall(String name, String arguments) {
      this(null, name, arguments);
    }
  }

  private final String text;
  private final List<ToolCall> toolCalls;
  private final String finishReason;

  private Reply(String text, List<ToolCall> toolCalls, String finishReason) {
    this.text = text;
    this.toolCalls = List.copyOf(toolCalls);
    this.finishReason = finishReason;
  }

  /** A text answer. */
  public static Reply text(String text) {
    return new Reply(Objects.requireNonNull(text, "text"), List.of(), null);
  }

  /**
   * An answer that calls a tool ({@code content: null}, {@code finish_reason: "tool_calls"}).
   * {@code argumentsJson} is sent as the call's {@code arguments} string.
   */
  public static Reply toolCall(String name, String argumentsJson) {
    return new Reply(null, List.of(new ToolCall(name, argumentsJson)), null);
  }

  /** This reply with one more tool call (parallel tool calls). */
  public Reply andToolCall(String name, String argumentsJson) {
    List<ToolCall> more = new ArrayList<>(toolCalls);
    more.add(new ToolCall(name, argumentsJson));
    return new Reply(text, more, finishReason);
  }

  /**
   * This reply with a fixed {@code finish_reason} (default: "tool_calls" when there are tool calls,
   * "length" when {@code max_tokens} cut the text, else "stop").
   */
  public Reply finishReason(String reason) {
    return new Reply(text, toolCalls, reason);
  }

  /** The text, or null for a tool-calls-only reply. */
  public String text() {
    return text;
  }

  public List<ToolCall> toolCalls() {
    return toolCalls;
  }

  /** The fixed finish reason, or null to derive it. */
  public String finishReason() {
    return finishReason;
  }

  static Reply of(String text, List<ToolCall> calls) {
    return new Reply(text, calls, null);
  }

  Reply withText(String newText) {
    return new Reply(newText, toolCalls, finishReason);
  }

  @Override
  public String toString() {
    return "Reply[" + (text != null ? '"' + text + '"' : "") + (toolCalls.isEmpty() ? "" : " " + toolCalls) + "]";
  }
}
