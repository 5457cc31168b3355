package dev.backlot.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.wire.HttpError;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Request checks with OpenAI's wording for bad parameters ("Missing required parameter",
 * "Invalid type for", "Invalid value", range errors), wrapped as LiteLLM reports an upstream 400.
 * A JSON {@code null} counts as absent, as it does upstream.
 */
final class Validation {

  static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");

  private Validation() {}

  static HttpError missing(String param) {
    return LiteLlmErrors.badParam(param, "Missing required parameter: '" + param + "'.");
  }

  static HttpError invalidType(String param, String expected, JsonNode got) {
    return LiteLlmErrors.badParam(
        param, "Invalid type for '" + param + "': expected " + expected + ", but got " + describe(got) + " instead.");
  }

  static HttpError invalidValue(String param, String value, List<String> supported) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < supported.size(); i++) {
      if (i > 0) {
        sb.append(i == supported.size() - 1 ? (supported.size() > 2 ? ", and " : " and ") : ", ");
      }
      sb.append('\'').append(supported.get(i)).append('\'');
    }
    return LiteLlmErrors.badParam(param, "Invalid value: '" + value + "'. Supported values are: " + sb + ".");
  }

  static String describe(JsonNode n) {
    if (n == null || n.isNull()) {
      return "null";
    }
    if (n.isTextual()) {
      return "a string";
    }
    if (n.isIntegralNumber()) {
      return "an integer";
    }
    if (n.isNumber()) {
      return "a decimal";
    }
    if (n.isBoolean()) {
      return "a boolean";
    }
    if (n.isArray()) {
      return "an array";
    }
    return "an object";
  }

  static boolean present(JsonNode body, String field) {
    JsonNode v = body.get(field);
    return v != null && !v.isNull();
  }

  static boolean optBoolean(ObjectNode body, String field, boolean fallback) {
    if (!present(body, field)) {
      return fallback;
    }
    JsonNode v = body.get(field);
    if (!v.isBoolean()) {
      throw invalidType(field, "a boolean", v);
    }
    return v.booleanValue();
  }

  static Integer optInt(ObjectNode body, String field, long min, long max) {
    if (!present(body, field)) {
      return null;
    }
    JsonNode v = body.get(field);
    if (!v.isIntegralNumber() && !(v.isNumber() && v.asDouble() == Math.rint(v.asDouble()))) {
      throw invalidType(field, "an integer", v);
    }
    long x = v.asLong();
    if (x < min) {
      throw LiteLlmErrors.badParam(
          field, "Invalid '" + field + "': integer below minimum value. Expected a value >= " + min + ", but got " + x + " instead.");
    }
    if (x > max) {
      throw LiteLlmErrors.badParam(
          field, "Invalid '" + field + "': integer above maximum value. Expected a value <= " + max + ", but got " + x + " instead.");
    }
    return (int) x;
  }

  /** As {@link #optInt(ObjectNode, String, long, long)}, with {@code fallback} when absent. */
  static int optInt(ObjectNode body, String field, long min, long max, int fallback) {
    Integer v = optInt(body, field, min, max);
    return v == null ? fallback : v;
  }

  static void optNumber(ObjectNode body, String field, double min, double max) {
    if (!present(body, field)) {
      return;
    }
    JsonNode v = body.get(field);
    if (!v.isNumber()) {
      throw invalidType(field, "a decimal", v);
    }
    double x = v.asDouble();
    if (x < min) {
      throw LiteLlmErrors.badParam(
          field, "Invalid '" + field + "': decimal below minimum value. Expected a value >= " + fmt(min) + ", but got " + v.asText() + " instead.");
    }
    if (x > max) {
      throw LiteLlmErrors.badParam(
          field, "Invalid '" + field + "': decimal above maximum value. Expected a value <= " + fmt(max) + ", but got " + v.asText() + " instead.");
    }
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }

  /** {@code stop}: a string or up to 4 strings. */
  static List<String> stops(ObjectNode body) {
    if (!present(body, "stop")) {
      return List.of();
    }
    JsonNode v = body.get("stop");
    if (v.isTextual()) {
      return v.asText().isEmpty() ? List.of() : List.of(v.asText());
    }
    if (!v.isArray()) {
      throw invalidType("stop", "one of a string or array of strings", v);
    }
    if (v.size() > 4) {
      throw LiteLlmErrors.badParam(
          "stop", "Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with length " + v.size() + " instead.");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      if (!v.get(i).isTextual()) {
        throw invalidType("stop[" + i + "]", "a string", v.get(i));
      }
      if (!v.get(i).asText().isEmpty()) {
        out.add(v.get(i).asText());
      }
    }
    return out;
  }

  /** {@code stream_options} is an object, and only allowed on a stream. Returns include_usage. */
  static boolean streamOptions(ObjectNode body, boolean stream) {
    if (!present(body, "stream_options")) {
      return false;
    }
    JsonNode v = body.get("stream_options");
    if (!v.isObject()) {
      throw invalidType("stream_options", "an object", v);
    }
    if (!stream) {
      return failStreamOptions();
    }
    JsonNode inc = v.get("include_usage");
    if (inc != null && !inc.isNull() && !inc.isBoolean()) {
      throw invalidType("stream_options.include_usage", "a boolean", inc);
    }
    return inc != null && inc.asBoolean(false);
  }

  private static boolean failStreamOptions() {
    throw LiteLlmErrors.badParam(
        "stream_options", "The 'stream_options' parameter is only allowed when 'stream' is enabled.");
  }

  /** The sampling parameters both completion endpoints share. */
  static void sampling(ObjectNode body) {
    optNumber(body, "temperature", 0, 2);
    optNumber(body, "top_p", 0, 1);
    optNumber(body, "presence_penalty", -2, 2);
    optNumber(body, "frequency_penalty", -2, 2);
    optInt(body, "seed", Long.MIN_VALUE, Long.MAX_VALUE);
  }

  /** Checks {@code messages} as the chat endpoint receives them. */
  static void messages(ObjectNode body) {
    if (!present(body, "messages")) {
      throw missing("messages");
    }
    JsonNode msgs = body.get("messages");
    if (!msgs.isArray()) {
      throw invalidType("messages", "an array", msgs);
    }
    if (msgs.isEmpty()) {
      throw LiteLlmErrors.badParam(
          "messages", "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.");
    }
    for (int i = 0; i < msgs.size(); i++) {
      message(msgs.get(i), i);
    }
    toolPairs(msgs);
  }

  // The parameter name is built only for an error: most requests are valid.
  private static void message(JsonNode m, int i) {
    if (!m.isObject()) {
      throw invalidType(at(i), "an object", m);
    }
    JsonNode role = m.get("role");
    if (role == null || role.isNull()) {
      throw missing(at(i) + ".role");
    }
    if (!role.isTextual()) {
      throw invalidType(at(i) + ".role", "a string", role);
    }
    String r = role.asText();
    if (!ROLES.contains(r)) {
      throw invalidValue(at(i) + ".role", r, List.of("system", "assistant", "user", "function", "tool", "developer"));
    }
    JsonNode content = m.get("content");
    if (content == null || content.isNull()) {
      // only an assistant message that calls tools may leave content out
      boolean hasCalls = m.hasNonNull("tool_calls") || m.hasNonNull("function_call");
      if (!r.equals("assistant") || !hasCalls) {
        throw missing(at(i) + ".content");
      }
    } else if (content.isArray()) {
      for (int j = 0; j < content.size(); j++) {
        JsonNode part = content.get(j);
        if (!part.isObject()) {
          throw invalidType(at(i) + ".content[" + j + "]", "an object", part);
        }
        if (!part.path("type").isTextual()) {
          throw missing(at(i) + ".content[" + j + "].type");
        }
        if (part.get("type").asText().equals("text") && !part.path("text").isTextual()) {
          throw missing(at(i) + ".content[" + j + "].text");
        }
      }
    } else if (!content.isTextual()) {
      throw invalidType(at(i) + ".content", "one of a string or array of objects", content);
    }
    if (r.equals("tool") && !m.path("tool_call_id").isTextual()) {
      throw missing(at(i) + ".tool_call_id");
    }
  }

  private static String at(int i) {
    return "messages[" + i + "]";
  }

  /**
   * OpenAI's pairing of tool calls and tool messages (LiteLLM passes its 400 through): a {@code
   * tool} message must answer a {@code tool_call_id} of the assistant message just before the run
   * of tool messages it is in, and every id of an assistant's {@code tool_calls} must be answered
   * before the next message of another role (or the end). Each error names the message where
   * OpenAI notices it ({@code param: "messages.[i].role"}, or {@code "messages"} at the end).
   */
  static void toolPairs(JsonNode msgs) {
    java.util.LinkedHashSet<String> open = null; // ids still unanswered; null: no tool_calls before
    for (int i = 0; i < msgs.size(); i++) {
      JsonNode m = msgs.get(i);
      String role = m.get("role").asText();
      if (role.equals("tool")) {
        if (open == null || !open.remove(m.get("tool_call_id").asText())) {
          throw LiteLlmErrors.badParam(
              "messages.[" + i + "].role",
              "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.");
        }
        continue;
      }
      if (open != null && !open.isEmpty()) {
        throw unanswered(open, "messages.[" + i + "].role");
      }
      open = null;
      JsonNode calls = m.get("tool_calls");
      if (role.equals("assistant") && calls != null && calls.isArray() && !calls.isEmpty()) {
        open = new java.util.LinkedHashSet<>();
        for (JsonNode c : calls) {
          open.add(c.path("id").asText(""));
        }
      }
    }
    if (open != null && !open.isEmpty()) {
      throw unanswered(open, "messages");
    }
  }

  private static HttpError unanswered(java.util.Set<String> ids, String param) {
    return LiteLlmErrors.badParam(
        param,
        "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. "
            + "The following tool_call_ids did not have response messages: " + String.join(", ", ids));
  }

  /** Checks {@code tools}, {@code tool_choice} and {@code response_format}. */
  static void toolsAndFormat(ObjectNode body) {
    if (present(body, "tools")) {
      JsonNode tools = body.get("tools");
      if (!tools.isArray()) {
        throw invalidType("tools", "an array", tools);
      }
      for (int i = 0; i < tools.size(); i++) {
        String p = "tools[" + i + "]";
        JsonNode t = tools.get(i);
        if (!t.isObject()) {
          throw invalidType(p, "an object", t);
        }
        if (!t.path("type").isTextual()) {
          throw missing(p + ".type");
        }
        if (t.get("type").asText().equals("function")) {
          if (!t.path("function").isObject()) {
            throw missing(p + ".function");
          }
          if (!t.get("function").path("name").isTextual()) {
            throw missing(p + ".function.name");
          }
        }
      }
    }
    if (present(body, "tool_choice")) {
      JsonNode tc = body.get("tool_choice");
      if (tc.isTextual()) {
        if (!List.of("none", "auto", "required").contains(tc.asText())) {
          throw invalidValue("tool_choice", tc.asText(), List.of("none", "auto", "required"));
        }
      } else if (tc.isObject()) {
        if (!tc.path("function").path("name").isTextual()) {
          throw missing("tool_choice.function.name");
        }
      } else {
        throw invalidType("tool_choice", "one of a string or object", tc);
      }
      if (!tc.asText().equals("none") && !present(body, "tools")) {
        throw LiteLlmErrors.badParam(
            "tool_choice", "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.");
      }
    }
    if (present(body, "response_format")) {
      JsonNode rf = body.get("response_format");
      if (!rf.isObject()) {
        throw invalidType("response_format", "an object", rf);
      }
      if (!rf.path("type").isTextual()) {
        throw missing("response_format.type");
      }
      String t = rf.get("type").asText();
      if (!List.of("text", "json_object", "json_schema").contains(t)) {
        throw invalidValue("response_format.type", t, List.of("text", "json_object", "json_schema"));
      }
      if (t.equals("json_schema") && !rf.path("json_schema").isObject()) {
        throw missing("response_format.json_schema");
      }
      if (t.equals("json_schema") && !rf.get("json_schema").path("name").isTextual()) {
        throw missing("response_format.json_schema.name");
      }
    }
  }
}
