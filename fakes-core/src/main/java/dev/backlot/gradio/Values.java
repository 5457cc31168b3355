package dev.backlot.gradio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.engine.Ids;
import dev.backlot.wire.Json;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Gradio's preprocess (client JSON to the values a handler gets, with Gradio's checks and
 * messages) and postprocess (handler values to JSON, storing output files).
 */
final class Values {

  /** A failure that is not a {@code gr.Error}: its message shows only with show_error. */
  static final class InputError extends RuntimeException {
    InputError(String message) {
      super(message, null, false, false);
    }
  }

  private Values() {}

  /** Blocks.validate_inputs then each component's preprocess. */
  static List<Object> preprocess(Endpoint ep, JsonNode data, FileStore files) {
    List<Component> in = ep.inputs();
    if (data.size() < in.size()) {
      List<String> wanted = new ArrayList<>();
      in.forEach(c -> wanted.add(c.toString()));
      List<String> got = new ArrayList<>();
      data.forEach(v -> got.add(v.isTextual() ? "\"" + v.asText() + "\"" : pyRepr(v)));
      throw new InputError("An event handler (" + ep.apiName() + ") didn't receive enough input values"
          + " (needed: " + in.size() + ", got: " + data.size() + ").\n"
          + "Check if the event handler calls a Javascript function, and make sure its return value is correct.\n"
          + "Wanted inputs:\n    [" + String.join(", ", wanted) + "]\n"
          + "Received inputs:\n    [" + String.join(", ", got) + "]");
    }
    List<Object> out = new ArrayList<>(in.size());
    for (int i = 0; i < in.size(); i++) {
      out.add(preprocess(in.get(i), data.get(i), files));
    }
    return out;
  }

  /** Like {@link #preprocess(Endpoint, JsonNode, FileStore)}, null where a value is bad. */
  static List<Object> lenient(Endpoint ep, JsonNode data, FileStore files) {
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < ep.inputs().size(); i++) {
      try {
        out.add(i < data.size() ? preprocess(ep.inputs().get(i), data.get(i), files) : null);
      } catch (RuntimeException e) {
        out.add(null);
      }
    }
    return out;
  }

  static Object preprocess(Component c, JsonNode v, FileStore files) {
    if (v == null || v.isNull()) {
      return null;
    }
    return switch (c.kind()) {
      case TEXTBOX -> v.isTextual() ? v.asText() : pyRepr(v);
      case NUMBER -> {
        double d = toFloat(v);
        if (c.props().path("minimum").isNumber() && d < c.props().get("minimum").asDouble()) {
          throw new GradioError("Value " + pyRepr(v) + " is less than minimum value "
              + Component.num(c.props().get("minimum").asDouble()) + ".");
        }
        if (c.props().path("maximum").isNumber() && d > c.props().get("maximum").asDouble()) {
          throw new GradioError("Value " + pyRepr(v) + " is greater than maximum value "
              + Component.num(c.props().get("maximum").asDouble()) + ".");
        }
        yield d;
      }
      case SLIDER -> toFloat(v);
      case CHECKBOX -> {
        if (!v.isBoolean()) {
          throw new InputError("Input should be a valid boolean, got " + pyRepr(v));
        }
        yield v.asBoolean();
      }
      case DROPDOWN -> {
        Object value = Json.mapper().convertValue(v, Object.class);
        boolean ok = false;
        for (Object choice : c.choices()) {
          if (choice.equals(value) || (choice instanceof Number n && value instanceof Number m
              && n.doubleValue() == m.doubleValue())) {
            ok = true;
          }
        }
        if (!ok) {
          List<String> reprs = new ArrayList<>();
          c.choices().forEach(x -> reprs.add(x instanceof String s ? "'" + s + "'" : String.valueOf(x)));
          throw new GradioError("Value: " + (v.isTextual() ? v.asText() : pyRepr(v))
              + " is not in the list of choices: [" + String.join(", ", reprs) + "]");
        }
        yield value;
      }
      case IMAGE, FILE -> fileOf(v, files, c.kind() == Component.Kind.IMAGE ? "ImageData" : "FileData");
      case VIDEO -> {
        if (!v.isObject() || !v.has("video")) {
          throw new InputError("1 validation error for VideoData\nvideo\n  Field required [type=missing, input_value="
              + pyRepr(v) + ", input_type=" + pyType(v) + "]");
        }
        yield fileOf(v.get("video"), files, "FileData");
      }
      case GALLERY, STATE -> v;
    };
  }

  private static GradioFile fileOf(JsonNode v, FileStore files, String model) {
    if (!v.isObject() || !v.path("path").isTextual()) {
      throw new InputError("1 validation error for " + model + "\npath\n  Field required [type=missing, input_value="
          + pyRepr(v) + ", input_type=" + pyType(v) + "]");
    }
    String path = v.get("path").asText();
    return files.get(path).map(FileStore.Stored::file).orElseThrow(() -> new InputError(
        "Cannot move " + path + " to the gradio cache dir because it was not uploaded by a user."));
  }

  private static double toFloat(JsonNode v) {
    if (v.isNumber()) {
      return v.asDouble();
    }
    if (v.isTextual()) {
      try {
        return Double.parseDouble(v.asText().strip());
      } catch (NumberFormatException e) {
        throw new InputError("could not convert string to float: '" + v.asText() + "'");
      }
    }
    if (v.isBoolean()) {
      return v.asBoolean() ? 1 : 0;
    }
    throw new InputError("float() argument must be a string or a real number, not '" + pyType(v) + "'");
  }

  // ------------------------------------------------------------------ postprocess

  /** The wire values of a call's outputs; State outputs become null placeholders. */
  static ArrayNode postprocess(Endpoint ep, List<Object> values, FileStore files, Ids ids, String urlBase) {
    List<Component> outs = ep.outputs();
    if (values == null || values.size() != outs.size()) {
      throw new InputError("A function (" + ep.apiName() + ") returned " + (values == null ? "None" : values.size() + " values")
          + " but there are " + outs.size() + " output components");
    }
    ArrayNode a = Json.array();
    for (int i = 0; i < outs.size(); i++) {
      a.add(postprocess(outs.get(i), values.get(i), files, ids, urlBase));
    }
    return a;
  }

  private static JsonNode postprocess(Component c, Object v, FileStore files, Ids ids, String urlBase) {
    if (v == null || c.kind() == Component.Kind.STATE) {
      return NullNode.getInstance();
    }
    return switch (c.kind()) {
      case TEXTBOX -> Json.mapper().getNodeFactory().textNode(String.valueOf(v));
      case IMAGE, FILE -> fileData(store(v, files, ids), urlBase);
      case VIDEO -> {
        ObjectNode o = Json.object();
        o.set("video", fileData(store(v, files, ids), urlBase));
        o.putNull("subtitles");
        yield o;
      }
      case GALLERY -> {
        ArrayNode a = Json.array();
        Collection<?> items = v instanceof Collection<?> col ? col : List.of(v);
        for (Object item : items) {
          GradioFile f = store(item, files, ids);
          ObjectNode entry = a.addObject();
          entry.set(f.mimeType().startsWith("video/") ? "video" : "image", fileData(f, urlBase));
          entry.putNull("caption");
        }
        yield a;
      }
      default -> Json.mapper().valueToTree(v);
    };
  }

  private static GradioFile store(Object v, FileStore files, Ids ids) {
    if (!(v instanceof GradioFile f)) {
      throw new InputError("Cannot process this value as a file: " + v);
    }
    if (f.path() != null && files.get(f.path()).isPresent()) {
      return f; // already served (an input returned as is)
    }
    return files.put(ids, f.name(), f.bytes(), f.mimeType(), FileStore.Origin.OUTPUT);
  }

  /** A FileData dict as Gradio sends it. */
  static ObjectNode fileData(GradioFile f, String urlBase) {
    ObjectNode o = Json.object();
    o.put("path", f.path());
    o.put("url", urlBase + "/file=" + f.path());
    o.put("size", f.size());
    o.put("orig_name", f.name());
    o.put("mime_type", f.mimeType());
    o.put("is_stream", false);
    o.putObject("meta").put("_type", "gradio.FileData");
    return o;
  }

  static String pyRepr(JsonNode v) {
    if (v == null || v.isNull()) {
      return "None";
    }
    if (v.isTextual()) {
      return "'" + v.asText() + "'";
    }
    if (v.isBoolean()) {
      return v.asBoolean() ? "True" : "False";
    }
    return v.toString();
  }

  static String pyType(JsonNode v) {
    if (v.isTextual()) {
      return "str";
    }
    if (v.isInt() || v.isLong()) {
      return "int";
    }
    if (v.isNumber()) {
      return "float";
    }
    if (v.isBoolean()) {
      return "bool";
    }
    if (v.isArray()) {
      return "list";
    }
    return v.isObject() ? "dict" : "NoneType";
  }
}
