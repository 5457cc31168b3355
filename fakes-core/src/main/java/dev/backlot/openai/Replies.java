package dev.backlot.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.engine.Ids;
import dev.backlot.wire.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * What the fake model says: the programmed rules (newest first) and default reply, the automatic
 * tool call, the echo shaped by {@code response_format}, then {@code stop} and {@code max_tokens}
 * applied. Everything here is a pure function of the request and the rules, so the same prompt
 * gets the same text; only tool-call ids come from the fake's seeded {@link Ids}.
 */
final class Replies {

  private record Rule(String description, Function<LlmRequest, Reply> fn) {}

  private final CopyOnWriteArrayList<Rule> rules = new CopyOnWriteArrayList<>();
  private volatile Reply defaultReply;
  // Whether a replyWith function (the test's code, which may wait) is programmed: then calls
  // are answered on a worker, never on the IO thread.
  private volatile boolean testCode;

  void clear() {
    rules.clear();
    defaultReply = null;
    testCode = false;
  }

  boolean runsTestCode() {
    return testCode;
  }

  void setDefault(Reply reply) {
    this.defaultReply = Objects.requireNonNull(reply, "reply");
  }

  void forModel(String model, Reply reply) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(reply, "reply");
    rules.add(0, new Rule("replyFor(" + model + ")", c -> c.model().equals(model) ? reply : null));
  }

  void whenPrompt(String regex, Reply reply) {
    Pattern p = Pattern.compile(regex);
    Objects.requireNonNull(reply, "reply");
    rules.add(0, new Rule("replyWhen(" + regex + ")", c -> p.matcher(c.prompt()).find() ? reply : null));
  }

  void with(Function<LlmRequest, Reply> fn) {
    testCode = true;
    rules.add(0, new Rule("replyWith(...)", Objects.requireNonNull(fn, "fn")));
  }

  /** Whether any rule or a default reply is programmed (else {@link #programmed} is null). */
  boolean any() {
    return defaultReply != null || !rules.isEmpty();
  }

  /** The first rule's reply, else the default, else null. */
  Reply programmed(LlmRequest call) {
    for (Rule r : rules) {
      Reply x = r.fn().apply(call);
      if (x != null) {
        return x;
      }
    }
    return defaultReply;
  }

  /** Whether an unprogrammed chat call should answer with a tool call. */
  static boolean wantsToolCall(ObjectNode body, JsonNode last) {
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
  static Reply autoToolCall(ObjectNode body, String prompt) {
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
    JsonNode args = SchemaSampler.sample(fn.path("parameters"), prompt);
    return Reply.toolCall(fn.get("name").asText(), Json.write(args.isObject() ? args : Json.object()));
  }

  /** JSON mode for the echo: valid JSON as asked by {@code response_format}. */
  static Reply shapeJson(Reply reply, JsonNode format) {
    if (format == null || !format.isObject() || reply.text() == null) {
      return reply;
    }
    String type = format.path("type").asText();
    if (type.equals("json_object")) {
      return reply.withText(Json.write(Json.object().put("response", reply.text())));
    }
    if (type.equals("json_schema")) {
      JsonNode schema = format.path("json_schema").path("schema");
      JsonNode v = SchemaSampler.sample(schema.isObject() ? schema : Json.object().put("type", "object"), reply.text());
      return reply.withText(Json.write(v));
    }
    return reply;
  }

  /** The reply after {@code stop} and {@code max_tokens}, with ids for its tool calls. */
  static Answer answer(Reply reply, List<String> stops, Integer maxTokens, Ids ids) {
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
    int tokens = Tokens.count(text);
    List<Reply.ToolCall> calls = List.of();
    if (!reply.toolCalls().isEmpty()) {
      List<Reply.ToolCall> named = new ArrayList<>(reply.toolCalls().size());
      for (Reply.ToolCall tc : reply.toolCalls()) {
        String id = tc.id() != null ? tc.id() : "call_" + ids.token(24);
        named.add(new Reply.ToolCall(id, tc.name(), tc.arguments()));
        tokens += Tokens.count(tc.name()) + Tokens.count(tc.arguments());
      }
      calls = Collections.unmodifiableList(named);
    }
    String finish = reply.finishReason() != null ? reply.finishReason() : !calls.isEmpty() ? "tool_calls" : cut ? "length" : "stop";
    return new Answer(text, calls, finish, tokens);
  }

  /** A reply as sent: text after stop/max_tokens, tool calls with ids, finish reason, tokens. */
  record Answer(String text, List<Reply.ToolCall> calls, String finishReason, int tokens) {}

  /** The {@code usage} object. */
  record Usage(int prompt, int completion) {
    /** LiteLLM's {@code DEFAULT_MOCK_RESPONSE_*_TOKEN_COUNT} for {@code mock_response} replies. */
    static final Usage MOCK = new Usage(10, 20);

    ObjectNode json() {
      return Json.object().put("prompt_tokens", prompt).put("completion_tokens", completion).put("total_tokens", prompt + completion);
    }
  }

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
}
