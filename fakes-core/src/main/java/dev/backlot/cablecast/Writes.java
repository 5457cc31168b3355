package dev.backlot.cablecast;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.cablecast.Schema.Field;
import dev.backlot.cablecast.Schema.Kind;
import dev.backlot.wire.Json;
import dev.backlot.wire.Request;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks a write's body before anything is stored. A body must be JSON ({@code Content-Type}
 * JSON or absent; another type is a 415 as on ASP.NET), an object with the resource's singular
 * root ({@code {"show": {...}}}), holding known fields of the right types; links must name
 * records that exist; a POST must give the required fields. Read-only fields ({@code id},
 * {@code reels}, {@code lastModified}...) are accepted and ignored, as Ember sends whole records
 * back. Every problem is collected into one 400 model state, keyed like ASP.NET's
 * ({@code show.title}).
 */
final class Writes {

  private static final ObjectMapper STRICT = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Writes() {}

  /** The body's root object, checked for JSON-ness and shape only. */
  static ObjectNode root(Kind kind, Request req) {
    return root(kind.type(), req);
  }

  static ObjectNode root(String rootName, Request req) {
    String type = req.header("Content-Type");
    if (type != null && !type.isBlank()) {
      String t = type.toLowerCase(Locale.ROOT);
      if (!t.contains("json")) {
        throw Errors.unsupportedMediaType(type.split(";")[0].trim());
      }
    }
    JsonNode body;
    try {
      body = req.body().length == 0 ? null : STRICT.readTree(req.body());
    } catch (JsonProcessingException e) {
      throw Errors.invalid(rootName, e.getOriginalMessage());
    } catch (IOException e) {
      throw Errors.invalid(rootName, "The request body could not be read.");
    }
    if (body == null || body.isMissingNode() || body.isNull()) {
      throw Errors.invalid(rootName, "A '" + rootName + "' object is required.");
    }
    if (!body.isObject()) {
      throw Errors.invalid(rootName, "The request body must be a JSON object, not " + body.getNodeType() + ".");
    }
    Map<String, List<String>> errors = new LinkedHashMap<>();
    body.fieldNames().forEachRemaining(n -> {
      if (!n.equals(rootName)) {
        add(errors, n, "Unknown member '" + n + "'; the body's root is '" + rootName + "'.");
      }
    });
    JsonNode inner = body.get(rootName);
    if (inner == null || inner.isNull()) {
      add(errors, rootName, "A '" + rootName + "' object is required.");
    } else if (!inner.isObject()) {
      add(errors, rootName, "'" + rootName + "' must be an object.");
    }
    if (!errors.isEmpty()) {
      throw Errors.invalid(errors);
    }
    return (ObjectNode) inner;
  }

  /**
   * The writable fields of {@code in}, typed and normalised (date-times in the fake's format),
   * after checking every field; {@code creating} also checks required fields.
   */
  static ObjectNode fields(Library lib, Kind kind, ObjectNode in, boolean creating) {
    Map<String, List<String>> errors = new LinkedHashMap<>();
    ObjectNode out = Json.object();
    in.properties().forEach(e -> {
      String name = e.getKey();
      JsonNode v = e.getValue();
      String key = kind.type() + "." + name;
      if (name.equals("id")) {
        if (!v.isNull() && !v.canConvertToLong()) {
          add(errors, key, "'id' must be a whole number.");
        }
        return;
      }
      Field f = kind.field(name);
      if (f == null) {
        add(errors, key, "Unknown member '" + name + "' on " + kind.type() + ".");
        return;
      }
      JsonNode value = check(lib, f, v, key, errors);
      if (value != null && f.writable()) {
        out.set(name, value);
      }
    });
    if (creating) {
      for (Field f : kind.fields().values()) {
        if (f.required() && f.writable() && (!out.has(f.name()) || out.get(f.name()).isNull())) {
          add(errors, kind.type() + "." + f.name(), "The " + f.name() + " field is required.");
        }
      }
    } else {
      for (Field f : kind.fields().values()) {
        if (f.required() && out.has(f.name()) && out.get(f.name()).isNull()) {
          add(errors, kind.type() + "." + f.name(), "The " + f.name() + " field is required.");
        }
      }
    }
    if (!errors.isEmpty()) {
      throw Errors.invalid(errors);
    }
    return out;
  }

  /** The stored form of one value, or null after recording why it is wrong. */
  private static JsonNode check(Library lib, Field f, JsonNode v, String key,
      Map<String, List<String>> errors) {
    if (v.isNull()) {
      return switch (f.type()) {
        case REFS, OBJECTS, BOOL -> {
          add(errors, key, "'" + f.name() + "' must not be null.");
          yield null;
        }
        default -> v;
      };
    }
    switch (f.type()) {
      case STRING -> {
        if (v.isTextual()) {
          return v;
        }
      }
      case BOOL -> {
        if (v.isBoolean()) {
          return v;
        }
      }
      case INT, LONG -> {
        if (v.isIntegralNumber() && (f.type() == Schema.Type.LONG || v.canConvertToInt())) {
          return v;
        }
      }
      case DATETIME -> {
        Instant t = v.isTextual() ? lib.dates().parse(v.asText()) : null;
        if (t != null) {
          return Json.mapper().getNodeFactory().textNode(lib.dates().format(t));
        }
        add(errors, key, "The value '" + v.asText(v.toString()) + "' is not a valid date-time.");
        return null;
      }
      case REF -> {
        if (v.isIntegralNumber() && v.canConvertToLong()) {
          if (f.writable() && !lib.exists(Library.kindOf(f.ref()), v.asLong())) {
            add(errors, key, "No " + f.ref() + " with id " + v.asLong() + ".");
            return null;
          }
          return v;
        }
      }
      case REFS -> {
        if (v.isArray()) {
          List<String> bad = new ArrayList<>();
          v.forEach(x -> {
            if (!x.isIntegralNumber()) {
              bad.add(x.toString());
            }
          });
          if (bad.isEmpty()) {
            return v;
          }
        }
      }
      case OBJECTS -> {
        if (v.isArray()) {
          boolean allObjects = true;
          for (JsonNode x : v) {
            allObjects &= x.isObject();
          }
          if (allObjects) {
            return v;
          }
        }
      }
    }
    add(errors, key, "Error converting value " + v + " to type '" + describe(f.type()) + "'.");
    return null;
  }

  private static String describe(Schema.Type t) {
    return switch (t) {
      case STRING -> "System.String";
      case BOOL -> "System.Boolean";
      case INT, REF -> "System.Int32";
      case LONG -> "System.Int64";
      case DATETIME -> "System.DateTime";
      case REFS -> "System.Collections.Generic.List`1[System.Int32]";
      case OBJECTS -> "System.Collections.Generic.List`1[System.Object]";
    };
  }

  static void add(Map<String, List<String>> errors, String key, String message) {
    errors.computeIfAbsent(key, k -> new ArrayList<>()).add(message);
  }
}
