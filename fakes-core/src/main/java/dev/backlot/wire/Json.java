package dev.backlot.wire;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The one Jackson mapper every fake uses, and small helpers around it. */
public final class Json {

  /**
   * The mapper, built on first use: building it loads some 400 Jackson classes, which a fake
   * answering only fixed bodies never needs (a JSON string body is written as it is).
   */
  private static final class Holder {
    // Numbers up to 4,300 digits parse, as in Python's json (int_max_str_digits) and so in the
    // Python backends we fake; Jackson's own limit (1,000) would turn a valid body into an error.
    static final ObjectMapper MAPPER =
        new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
                .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
                    .maxNumberLength(4300)
                    .build())
                .build())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  }

  // The mapper's own factory (Jackson's default), without building the mapper.
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Json() {}

  /** The shared mapper (thread-safe; do not reconfigure it). */
  public static ObjectMapper mapper() {
    return Holder.MAPPER;
  }

  /** A new empty JSON object. */
  public static ObjectNode object() {
    return Holder.MAPPER.createObjectNode();
  }

  /** A new empty JSON array. */
  public static ArrayNode array() {
    return Holder.MAPPER.createArrayNode();
  }

  /** Parses {@code bytes}; malformed input is a 400 {@link HttpError}. */
  public static JsonNode parse(byte[] bytes) {
    JsonNode fast = FastJson.parse(bytes, NODES); // the usual small ASCII body; else Jackson
    if (fast != null) {
      return fast;
    }
    try (JsonParser p = Holder.MAPPER.getFactory().createParser(bytes)) {
      JsonNode node = readTree(p);
      if (node == null) {
        throw HttpError.badRequest("Request body is empty; expected JSON");
      }
      return node;
    } catch (IOException e) {
      throw HttpError.badRequest("Malformed JSON in request body: " + firstLine(e.getMessage()));
    }
  }

  /**
   * The first value of {@code p} as a tree, or null if there is none: the tree {@code
   * MAPPER.readTree} builds (same node types, the last of duplicate keys wins, anything after
   * the value ignored, the parser's own errors and limits), built straight from the tokens
   * without a deserialization context; request bodies are parsed on the hot path of every fake.
   * Iterative, so a deeply nested body cannot exhaust the stack.
   */
  static JsonNode readTree(JsonParser p) throws IOException {
    JsonToken t = p.nextToken();
    if (t == null) {
      return null;
    }
    if (!t.isStructStart()) {
      return scalar(p, t);
    }
    ContainerNode<?> root = t == JsonToken.START_OBJECT ? NODES.objectNode() : NODES.arrayNode();
    ContainerNode<?>[] stack = new ContainerNode<?>[8];
    int depth = 0;
    ContainerNode<?> current = root;
    while (true) {
      String name = null;
      if (current instanceof ObjectNode) {
        name = p.nextFieldName();
        if (name == null) { // END_OBJECT: FIELD_NAME is the only other token allowed here
          if (depth == 0) {
            return root;
          }
          current = stack[--depth];
          continue;
        }
      }
      t = p.nextToken();
      if (t == JsonToken.END_ARRAY) {
        if (depth == 0) {
          return root;
        }
        current = stack[--depth];
        continue;
      }
      JsonNode value;
      ContainerNode<?> child = null;
      if (t == JsonToken.START_OBJECT) {
        value = child = NODES.objectNode();
      } else if (t == JsonToken.START_ARRAY) {
        value = child = NODES.arrayNode();
      } else {
        value = scalar(p, t);
      }
      if (name != null) {
        ((ObjectNode) current).replace(name, value);
      } else {
        ((ArrayNode) current).add(value);
      }
      if (child != null) {
        if (depth == stack.length) {
          stack = java.util.Arrays.copyOf(stack, depth * 2);
        }
        stack[depth++] = current;
        current = child;
      }
    }
  }

  // As Jackson's JsonNodeDeserializer maps each scalar token with the default features.
  private static JsonNode scalar(JsonParser p, JsonToken t) throws IOException {
    switch (t) {
      case VALUE_STRING:
        return NODES.textNode(p.getText());
      case VALUE_NUMBER_INT:
        switch (p.getNumberType()) {
          case INT:
            return NODES.numberNode(p.getIntValue());
          case LONG:
            return NODES.numberNode(p.getLongValue());
          default:
            return NODES.numberNode(p.getBigIntegerValue());
        }
      case VALUE_NUMBER_FLOAT:
        if (p.getNumberTypeFP() == JsonParser.NumberTypeFP.BIG_DECIMAL) {
          return NODES.numberNode(p.getDecimalValue());
        }
        return NODES.numberNode(p.getDoubleValue());
      case VALUE_TRUE:
        return NODES.booleanNode(true);
      case VALUE_FALSE:
        return NODES.booleanNode(false);
      case VALUE_NULL:
        return NODES.nullNode();
      default:
        // not produced by a JSON parser; let Jackson decide what it is
        return Holder.MAPPER.readTree(p);
    }
  }

  /** Parses {@code text}; malformed input is a 400 {@link HttpError}. */
  public static JsonNode parse(String text) {
    return parse(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** Serialises {@code value} (a JsonNode, Map, record, String of JSON is NOT re-quoted). */
  public static String write(Object value) {
    if (value instanceof String s) {
      return s;
    }
    try {
      return Holder.MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Converts any JSON-shaped value (Map, record, POJO) to a tree. */
  public static JsonNode tree(Object value) {
    return value instanceof String s ? parse(s) : Holder.MAPPER.valueToTree(value);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
