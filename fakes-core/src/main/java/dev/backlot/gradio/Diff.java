package dev.backlot.gradio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.backlot.wire.Json;
import java.util.Iterator;

/**
 * Gradio's {@code utils.diff}: the edits {@code [[action, path, value], ...]} that turn one
 * output value into the next, as {@code process_generating} sends them after the first (sse_v2+).
 */
final class Diff {

  private Diff() {}

  static ArrayNode of(JsonNode old, JsonNode now) {
    ArrayNode edits = Json.array();
    compare(old == null ? NullNode.getInstance() : old, now, Json.array(), edits);
    return edits;
  }

  private static void compare(JsonNode a, JsonNode b, ArrayNode path, ArrayNode edits) {
    if (a.equals(b)) {
      return;
    }
    if (!sameType(a, b)) {
      edit(edits, "replace", path, b);
      return;
    }
    if (a.isTextual() && b.asText().startsWith(a.asText())) {
      edit(edits, "append", path, Json.mapper().getNodeFactory().textNode(b.asText().substring(a.asText().length())));
      return;
    }
    if (a.isArray()) {
      int common = Math.min(a.size(), b.size());
      for (int i = 0; i < common; i++) {
        compare(a.get(i), b.get(i), path.deepCopy().add(i), edits);
      }
      for (int i = common; i < a.size(); i++) {
        edit(edits, "delete", path.deepCopy().add(i), NullNode.getInstance());
      }
      for (int i = common; i < b.size(); i++) {
        edit(edits, "add", path.deepCopy().add(i), b.get(i));
      }
      return;
    }
    if (a.isObject()) {
      for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        if (b.has(k)) {
          compare(a.get(k), b.get(k), path.deepCopy().add(k), edits);
        } else {
          edit(edits, "delete", path.deepCopy().add(k), NullNode.getInstance());
        }
      }
      for (Iterator<String> it = b.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        if (!a.has(k)) {
          edit(edits, "add", path.deepCopy().add(k), b.get(k));
        }
      }
      return;
    }
    edit(edits, "replace", path, b);
  }

  private static boolean sameType(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return a.isIntegralNumber() == b.isIntegralNumber();
    }
    return a.getNodeType() == b.getNodeType();
  }

  private static void edit(ArrayNode edits, String action, ArrayNode path, JsonNode value) {
    edits.addArray().add(action).add(path).add(value);
  }
}
