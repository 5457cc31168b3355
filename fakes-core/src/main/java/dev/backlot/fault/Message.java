package dev.backlot.fault;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.wire.Json;

/** One WebSocket message or SSE event as the matchers see it; the JSON type is parsed lazily. */
final class Message {

  final boolean outgoing;
  final String text;
  final boolean binary;
  final String event;
  private String type;
  private boolean typeParsed;

  Message(boolean outgoing, String text, boolean binary, String event) {
    this.outgoing = outgoing;
    this.text = text;
    this.binary = binary;
    this.event = event;
  }

  /** The {@code "type"} field of a JSON object message, or null. */
  String jsonType() {
    if (!typeParsed) {
      typeParsed = true;
      type = parseType(text);
    }
    return type;
  }

  private static String parseType(String text) {
    if (text == null) {
      return null;
    }
    int i = 0;
    while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    if (i == text.length() || text.charAt(i) != '{' || !text.contains("\"type\"")) {
      return null;
    }
    try {
      JsonNode t = Json.mapper().readTree(text).get("type");
      return t != null && t.isValueNode() ? t.asText() : null;
    } catch (Exception notJson) {
      return null;
    }
  }
}
