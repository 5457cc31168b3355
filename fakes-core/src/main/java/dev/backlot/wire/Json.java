package dev.backlot.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
    try {
      JsonNode node = Holder.MAPPER.readTree(bytes);
      if (node == null || node.isMissingNode()) {
        throw HttpError.badRequest("Request body is empty; expected JSON");
      }
      return node;
    } catch (IOException e) {
      throw HttpError.badRequest("Malformed JSON in request body: " + firstLine(e.getMessage()));
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
