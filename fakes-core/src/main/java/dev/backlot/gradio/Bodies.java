package dev.backlot.gradio;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.backlot.wire.HttpError;
import dev.backlot.wire.Json;
import dev.backlot.wire.Request;
import java.io.IOException;

/**
 * FastAPI's reading of Gradio's request bodies ({@code PredictBody}, {@code SimplePredictBody},
 * {@code CancelBody}, {@code ResetBody}): malformed JSON and fields of the wrong type are 422s
 * with pydantic's error entries (the first one; pydantic lists them all).
 */
final class Bodies {

  private Bodies() {}

  static JsonNode predictBody(Request req) {
    JsonNode b = object(req);
    requireList(b, "data");
    optionalString(b, "session_hash");
    optionalString(b, "event_id");
    optionalInt(b, "fn_index");
    optionalInt(b, "trigger_id");
    return b;
  }

  static JsonNode simpleBody(Request req) {
    JsonNode b = object(req);
    requireList(b, "data");
    optionalString(b, "session_hash");
    return b;
  }

  static JsonNode cancelBody(Request req) {
    JsonNode b = object(req);
    requireString(b, "session_hash");
    requireInt(b, "fn_index");
    requireString(b, "event_id");
    return b;
  }

  static JsonNode resetBody(Request req) {
    JsonNode b = object(req);
    requireString(b, "event_id");
    return b;
  }

  static HttpError queryMissing(String name) {
    return GradioErrors.validation("missing", Json.array().add("query").add(name), "Field required",
        NullNode.getInstance());
  }

  static int intOf(JsonNode v) {
    return v.isTextual() ? Integer.parseInt(v.asText().strip()) : v.intValue();
  }

  private static JsonNode object(Request req) {
    if (req.body().length == 0) {
      throw GradioErrors.validation("missing", Json.array().add("body"), "Field required", NullNode.getInstance());
    }
    JsonNode b;
    try {
      b = Json.mapper().readTree(req.body());
    } catch (JsonProcessingException e) {
      long pos = e.getLocation() == null ? 0 : Math.max(0, e.getLocation().getCharOffset());
      throw GradioErrors.validation("json_invalid", Json.array().add("body").add(pos), "JSON decode error", Json.object());
    } catch (IOException e) {
      throw GradioErrors.validation("json_invalid", Json.array().add("body").add(0), "JSON decode error", Json.object());
    }
    if (b == null || !b.isObject()) {
      throw GradioErrors.validation("model_attributes_type", Json.array().add("body"),
          "Input should be a valid dictionary or object to extract fields from", b == null ? NullNode.getInstance() : b);
    }
    return b;
  }

  private static void requireList(JsonNode b, String field) {
    JsonNode v = b.get(field);
    if (v == null) {
      throw missing(b, field);
    }
    if (!v.isArray()) {
      throw GradioErrors.validation("list_type", loc(field), "Input should be a valid list", v);
    }
  }

  private static void requireString(JsonNode b, String field) {
    if (b.get(field) == null) {
      throw missing(b, field);
    }
    optionalString(b, field);
    if (b.get(field).isNull()) {
      throw GradioErrors.validation("string_type", loc(field), "Input should be a valid string", b.get(field));
    }
  }

  private static void requireInt(JsonNode b, String field) {
    if (b.get(field) == null) {
      throw missing(b, field);
    }
    optionalInt(b, field);
    if (b.get(field).isNull()) {
      throw GradioErrors.validation("int_type", loc(field), "Input should be a valid integer", b.get(field));
    }
  }

  private static void optionalString(JsonNode b, String field) {
    JsonNode v = b.get(field);
    if (v != null && !v.isNull() && !v.isTextual()) {
      throw GradioErrors.validation("string_type", loc(field), "Input should be a valid string", v);
    }
  }

  private static void optionalInt(JsonNode b, String field) {
    JsonNode v = b.get(field);
    if (v == null || v.isNull() || v.canConvertToInt() && v.isIntegralNumber()) {
      return;
    }
    if (v.isTextual()) {
      if (v.asText().strip().matches("[+-]?[0-9]{1,9}")) {
        return;
      }
      throw GradioErrors.validation("int_parsing", loc(field),
          "Input should be a valid integer, unable to parse string as an integer", v);
    }
    if (v.isNumber() && v.asDouble() == Math.rint(v.asDouble())) {
      return;
    }
    if (v.isNumber()) {
      throw GradioErrors.validation("int_from_float", loc(field),
          "Input should be a valid integer, got a number with a fractional part", v);
    }
    throw GradioErrors.validation("int_type", loc(field), "Input should be a valid integer", v);
  }

  private static HttpError missing(JsonNode body, String field) {
    return GradioErrors.validation("missing", loc(field), "Field required", body);
  }

  private static com.fasterxml.jackson.databind.node.ArrayNode loc(String field) {
    return Json.array().add("body").add(field);
  }
}
