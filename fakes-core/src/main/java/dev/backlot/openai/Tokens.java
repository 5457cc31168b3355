package dev.backlot.openai;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Token counting: about four characters per token, the rule of thumb for English with OpenAI's
 * tokenizers. The same count feeds {@code usage} and the context-window check, so a test can
 * compute either from the other.
 */
final class Tokens {

  /** Per message, as in OpenAI's cookbook for chat models; plus 3 for the reply's priming. */
  static final int PER_MESSAGE = 3;
  static final int REPLY_PRIMING = 3;

  private Tokens() {}

  /** ceil(code points / 4); 0 for empty text. */
  static int count(String text) {
    if (text == null || text.isEmpty()) {
      return 0;
    }
    int cp = text.codePointCount(0, text.length());
    return (cp + 3) / 4;
  }

  /** Prompt tokens of a chat request: each message's role, name and text, plus the tool list. */
  static int chatPrompt(JsonNode messages, JsonNode tools) {
    int n = REPLY_PRIMING;
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      n += PER_MESSAGE + count(m.path("role").asText("")) + count(m.path("name").asText(""));
      n += count(Replies.contentText(m.get("content")));
      JsonNode calls = m.get("tool_calls");
      if (calls != null && calls.isArray()) {
        for (JsonNode c : calls) {
          n += count(c.path("function").path("name").asText("")) + count(c.path("function").path("arguments").asText(""));
        }
      }
    }
    if (tools != null && tools.isArray() && !tools.isEmpty()) {
      n += count(tools.toString());
    }
    return n;
  }
}
