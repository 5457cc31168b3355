package dev.backlot.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.wire.Request;

/**
 * One chat or text-completion call as a reply function sees it (see {@link
 * OpenAiFake#replyWith}).
 *
 * <pre>{@code
 * fake.replyWith(call -> call.model().startsWith("gpt-4o") && call.prompt().contains("?")
 *     ? Reply.text("42")
 *     : null); // null: let the next rule (or the default reply) answer
 * }</pre>
 */
public final class LlmRequest {

  private final String endpoint;
  private final String model;
  private final String prompt;
  private final JsonNode messages;
  private final JsonNode body;
  private final Request http;
  private String conversation; // made on first use: most reply rules never read it

  /** {@code messages}: the chat messages, or null for a text completion. */
  LlmRequest(String endpoint, String model, String prompt, JsonNode messages, JsonNode body, Request http) {
    this.endpoint = endpoint;
    this.model = model;
    this.prompt = prompt;
    this.messages = messages;
    this.body = body;
    this.http = http;
  }

  /** {@code "chat/completions"} or {@code "completions"}. */
  public String endpoint() {
    return endpoint;
  }

  /** The model the client asked for. */
  public String model() {
    return model;
  }

  /**
   * The text being answered: for chat, the content of the last message (usually the user's); for
   * completions, the prompt.
   */
  public String prompt() {
    return prompt;
  }

  /** Every message's text content, one per line ("role: text"); for completions the prompt. */
  public String conversation() {
    String c = conversation;
    if (c == null) {
      if (messages == null) {
        c = prompt;
      } else {
        StringBuilder sb = new StringBuilder();
        for (JsonNode msg : messages) {
          sb.append(sb.length() == 0 ? "" : "\n")
              .append(msg.get("role").asText()).append(": ").append(Replies.contentText(msg.get("content")));
        }
        c = sb.toString();
      }
      conversation = c;
    }
    return c;
  }

  /** The request body as sent. Do not modify. */
  public JsonNode body() {
    return body;
  }

  /** Whether the client asked for a stream. */
  public boolean stream() {
    return body.path("stream").asBoolean(false);
  }

  /** The HTTP request (headers, path). */
  public Request http() {
    return http;
  }

  @Override
  public String toString() {
    return endpoint + " " + model + ": " + prompt;
  }
}
