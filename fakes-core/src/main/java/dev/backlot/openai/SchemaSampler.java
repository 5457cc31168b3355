package dev.backlot.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.wire.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes up a value that fits a JSON schema, for tool-call arguments and {@code json_schema}
 * replies: strings carry the prompt, enums and consts take their first value, objects fill their
 * required properties (or all of them), arrays hold one item. Deterministic; nesting stops at
 * depth 8.
 */
final class SchemaSampler {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private SchemaSampler() {}

  /** A value matching {@code schema} whose strings are {@code text}. */
  static JsonNode sample(JsonNode schema, String text) {
    return sample(schema, text, 0);
  }

  private static JsonNode sample(JsonNode schema, String text, int depth) {
    if (schema.has("enum") && schema.get("enum").isArray() && !schema.get("enum").isEmpty()) {
      return schema.get("enum").get(0);
    }
    if (schema.has("const")) {
      return schema.get("const");
    }
    JsonNode typeNode = schema.path("type");
    String type = typeNode.isArray() && !typeNode.isEmpty() ? typeNode.get(0).asText() : typeNode.asText(schema.has("properties") ? "object" : "string");
    if (depth > 8) {
      return NODES.nullNode();
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
        return NODES.numberNode(1);
      }
      case "number" -> {
        return NODES.numberNode(1.0);
      }
      case "boolean" -> {
        return NODES.booleanNode(true);
      }
      case "null" -> {
        return NODES.nullNode();
      }
      default -> {
        return NODES.textNode(text);
      }
    }
  }
}
