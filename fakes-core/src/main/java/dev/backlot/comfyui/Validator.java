package dev.backlot.comfyui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.backlot.comfyui.Py.PyException;
import dev.backlot.wire.Json;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ComfyUI's {@code execution.validate_prompt} and {@code validate_inputs}, rule for rule: the
 * same error types, messages, details and {@code node_errors} bookkeeping (including its quirks,
 * such as every invalid node listing every failing output as dependent). Valid inputs are
 * converted in place ({@code 8} becomes {@code 8.0} for a FLOAT), as the real server stores them.
 *
 * <p>Where Python iterates a set (outputs, a node's inputs) the order is not defined in ComfyUI;
 * the fake uses the prompt's and the node's declaration order.
 */
final class Validator {

  /** What the fake knows when validating: dynamic combo choices and input files. */
  interface Context {
    List<String> choices(NodeType.Input input);

    boolean inputImageExists(String annotatedName);
  }

  /** The result: {@code ok} with the outputs to execute, or the 400 error. */
  record Result(boolean ok, ObjectNode error, List<String> goodOutputs, ObjectNode nodeErrors) {}

  /** A failure the real server answers with a 500 (an exception escaping the handler). */
  static final class ServerError extends RuntimeException {
    ServerError(String message) {
      super(message, null, false, false);
    }
  }

  private record Checked(boolean valid, ArrayNode errors) {}

  private final Map<String, NodeType> catalogue;
  private final Context context;
  private final ObjectNode prompt;
  private final Map<String, Checked> validated = new LinkedHashMap<>();
  private final Set<String> inProgress = new HashSet<>();

  private Validator(Map<String, NodeType> catalogue, Context context, ObjectNode prompt) {
    this.catalogue = catalogue;
    this.context = context;
    this.prompt = prompt;
  }

  /**
   * Validates {@code prompt} (converting its inputs in place).
   *
   * @param partialTargets the body's {@code partial_execution_targets}, or null
   * @throws ServerError where the real server fails with a 500
   */
  static Result validate(Map<String, NodeType> catalogue, Context context, JsonNode prompt,
      JsonNode partialTargets) {
    if (!prompt.isObject()) {
      throw new ServerError("prompt is a " + Py.typeName(prompt) + ", not a dict");
    }
    return new Validator(catalogue, context, (ObjectNode) prompt).run(partialTargets);
  }

  private Result run(JsonNode partial) {
    List<String> outputs = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> it = prompt.properties().iterator();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String id = e.getKey();
      JsonNode node = e.getValue();
      if (node.isNull() || node.isNumber() || node.isBoolean()) {
        throw new ServerError("argument of type '" + Py.typeName(node) + "' is not iterable");
      }
      if (!node.isObject() || !node.has("class_type")) {
        if (node.isTextual() && node.textValue().contains("class_type")
            || node.isArray() && containsString(node, "class_type")) {
          throw new ServerError("node " + id + " is a " + Py.typeName(node));
        }
        return invalid(error("invalid_prompt",
            "Cannot execute because a node is missing the class_type property.",
            "Node ID '#" + id + "'"));
      }
      JsonNode classType = node.get("class_type");
      if (classType.isArray() || classType.isObject()) {
        throw new ServerError("unhashable type: '" + Py.typeName(classType) + "'");
      }
      NodeType type = classType.isTextual() ? catalogue.get(classType.textValue()) : null;
      if (type == null) {
        return invalid(error("invalid_prompt",
            "Cannot execute because node " + Py.str(classType) + " does not exist.",
            "Node ID '#" + id + "'"));
      }
      if (type.isOutputNode() && (partial == null || inPartial(partial, id))) {
        outputs.add(id);
      }
    }
    if (outputs.isEmpty()) {
      return invalid(error("prompt_no_outputs", "Prompt has no outputs", ""));
    }

    List<String> good = new ArrayList<>();
    List<Map.Entry<String, ArrayNode>> failed = new ArrayList<>();
    ObjectNode nodeErrors = Json.object();
    for (String o : outputs) {
      boolean valid;
      ArrayNode reasons;
      try {
        Checked c = validateInputs(o);
        valid = c.valid();
        reasons = c.errors();
      } catch (PyException ex) {
        valid = false;
        ObjectNode r = error("exception_during_validation", "Exception when validating node",
            ex.getMessage());
        ObjectNode extra = Json.object();
        extra.put("exception_type", ex.type);
        extra.set("traceback", traceback("validate_prompt",
            "m = await validate_inputs(prompt_id, prompt, o, validated)"));
        r.set("extra_info", extra);
        reasons = Json.array().add(r);
        validated.put(o, new Checked(false, reasons));
      }
      if (valid) {
        good.add(o);
        continue;
      }
      failed.add(Map.entry(o, reasons));
      for (Map.Entry<String, Checked> v : validated.entrySet()) {
        if (!v.getValue().valid() && !v.getValue().errors().isEmpty()) {
          String nodeId = v.getKey();
          ObjectNode ne = (ObjectNode) nodeErrors.get(nodeId);
          if (ne == null) {
            ne = nodeErrors.putObject(nodeId);
            ne.set("errors", v.getValue().errors());
            ne.putArray("dependent_outputs");
            ne.set("class_type", prompt.get(nodeId).get("class_type"));
          }
          ((ArrayNode) ne.get("dependent_outputs")).add(o);
        }
      }
    }
    if (good.isEmpty()) {
      List<String> lines = new ArrayList<>();
      for (Map.Entry<String, ArrayNode> f : failed) {
        for (JsonNode err : f.getValue()) {
          lines.add(err.path("message").asText() + ": " + err.path("details").asText());
        }
      }
      return new Result(false, error("prompt_outputs_failed_validation",
          "Prompt outputs failed validation", String.join("\n", lines)), good, nodeErrors);
    }
    return new Result(true, null, good, nodeErrors);
  }

  private Checked validateInputs(String id) {
    Checked done = validated.get(id);
    if (done != null) {
      return done;
    }
    if (!inProgress.add(id)) {
      // A cycle: Python recurses until RecursionError; after unwinding every node of the cycle
      // ends invalid with only its own errors, which is what returning "invalid" here gives.
      return new Checked(false, Json.array());
    }
    try {
      Checked c = check(id);
      validated.put(id, c);
      return c;
    } finally {
      inProgress.remove(id);
    }
  }

  private Checked check(String id) {
    ObjectNode node = (ObjectNode) prompt.get(id);
    JsonNode inputsNode = node.get("inputs");
    if (inputsNode == null) {
      throw new PyException("KeyError", "'inputs'");
    }
    if (!inputsNode.isObject()) {
      throw new PyException("TypeError", "'" + Py.typeName(inputsNode)
          + "' object is not a mapping");
    }
    ObjectNode inputs = (ObjectNode) inputsNode;
    NodeType type = catalogue.get(node.get("class_type").textValue());
    ArrayNode errors = Json.array();
    boolean valid = true;
    List<String> customValidated = new ArrayList<>();
    for (NodeType.Input in : type.inputs().values()) {
      if (in.source() == NodeType.Source.INPUT_IMAGES) {
        customValidated.add(in.name()); // VALIDATE_INPUTS(s, image) runs whatever happens above
      }
    }

    for (NodeType.Input in : type.inputs().values()) {
      if ("hidden".equals(in.category())) {
        continue;
      }
      String x = in.name();
      JsonNode inputType = type.typeOf(in, context::choices);
      ObjectNode extra = in.options() != null ? in.options().deepCopy() : Json.object();
      boolean custom = in.source() == NodeType.Source.INPUT_IMAGES;
      if (!inputs.has(x)) {
        if ("required".equals(in.category())) {
          ObjectNode err = error("required_input_missing", "Required input is missing", x);
          err.putObject("extra_info").put("input_name", x);
          errors.add(err);
        }
        continue;
      }
      JsonNode val = inputs.get(x);
      if (val.isArray()) {
        if (val.size() != 2) {
          ObjectNode err = error("bad_linked_input",
              "Bad linked input, must be a length-2 list of [node_id, slot_index]", x);
          ObjectNode ei = err.putObject("extra_info");
          ei.put("input_name", x);
          ei.set("input_config", info(inputType, extra));
          ei.set("received_value", val.deepCopy());
          errors.add(err);
          continue;
        }
        JsonNode oid = val.get(0);
        if (oid.isArray() || oid.isObject()) {
          throw new PyException("TypeError", "unhashable type: '" + Py.typeName(oid) + "'");
        }
        JsonNode linked = oid.isTextual() ? prompt.get(oid.textValue()) : null;
        if (linked == null) {
          throw new PyException("KeyError", Py.repr(oid));
        }
        NodeType source = catalogue.get(linked.get("class_type").textValue());
        String received = returnType(source, val.get(1));
        if (!typesMatch(received, inputType)) {
          ObjectNode err = error("return_type_mismatch", "Return type mismatch between linked nodes",
              x + ", received_type(" + received + ") mismatch input_type("
                  + (inputType.isTextual() ? inputType.textValue() : Py.str(inputType)) + ")");
          ObjectNode ei = err.putObject("extra_info");
          ei.put("input_name", x);
          ei.set("input_config", info(inputType, extra));
          ei.put("received_type", received);
          ei.set("linked_node", val.deepCopy());
          errors.add(err);
          continue;
        }
        String linkedId = oid.textValue();
        try {
          if (!validateInputs(linkedId).valid()) {
            valid = false;
          }
        } catch (PyException ex) {
          valid = false;
          ObjectNode err = error("exception_during_inner_validation",
              "Exception when validating inner node", ex.getMessage());
          ObjectNode ei = err.putObject("extra_info");
          ei.put("input_name", x);
          ei.set("input_config", info(inputType, extra));
          ei.put("exception_message", ex.getMessage());
          ei.put("exception_type", ex.type);
          ei.set("traceback", traceback("validate_inputs",
              "r = await validate_inputs(prompt_id, prompt, o_id, validated)"));
          ei.set("linked_node", val.deepCopy());
          validated.put(linkedId, new Checked(false, Json.array().add(err)));
        }
        continue;
      }

      if (val.isObject() && val.has("__value__")) {
        val = val.get("__value__");
        inputs.set(x, val);
      }
      String t = inputType.isTextual() ? inputType.textValue() : null;
      try {
        JsonNode converted = val;
        if ("INT".equals(t)) {
          converted = Py.toInt(val);
        } else if ("FLOAT".equals(t)) {
          converted = Py.toFloat(val);
        } else if ("STRING".equals(t)) {
          converted = Py.toStr(val);
        } else if ("BOOLEAN".equals(t)) {
          converted = Py.toBool(val);
        }
        if (converted != val) {
          inputs.set(x, converted);
          val = converted;
        }
      } catch (PyException ex) {
        ObjectNode err = error("invalid_input_type",
            "Failed to convert an input value to a " + t + " value",
            x + ", " + Py.str(val) + ", " + ex.getMessage());
        ObjectNode ei = err.putObject("extra_info");
        ei.put("input_name", x);
        ei.set("input_config", info(inputType, extra));
        ei.set("received_value", val.deepCopy());
        ei.put("exception_message", ex.getMessage());
        errors.add(err);
        continue;
      }

      if (custom) {
        continue; // VALIDATE_INPUTS takes it: no min/max/list checks
      }
      boolean numeric = val.isNumber() || val.isBoolean();
      JsonNode min = extra.get("min");
      if (min != null && numeric && min.isNumber() && !Py.isNaN(val) && Py.compare(val, min) < 0) {
        errors.add(bound("value_smaller_than_min",
            "Value " + Py.str(val) + " smaller than min of " + Py.str(min), x, inputType, extra, val));
        continue;
      }
      JsonNode max = extra.get("max");
      if (max != null && numeric && max.isNumber() && !Py.isNaN(val) && Py.compare(val, max) > 0) {
        errors.add(bound("value_bigger_than_max",
            "Value " + Py.str(val) + " bigger than max of " + Py.str(max), x, inputType, extra, val));
        continue;
      }
      if (inputType.isArray() && !contains(inputType, val)) {
        boolean big = inputType.size() > 20;
        String listInfo = big ? "(list of length " + inputType.size() + ")" : Py.str(inputType);
        ObjectNode err = error("value_not_in_list", "Value not in list",
            x + ": '" + Py.str(val) + "' not in " + listInfo);
        ObjectNode ei = err.putObject("extra_info");
        ei.put("input_name", x);
        ei.set("input_config", big ? null : info(inputType, extra));
        if (big) {
          ei.putNull("input_config");
        }
        ei.set("received_value", val.deepCopy());
        errors.add(err);
      }
    }

    for (String x : customValidated) {
      JsonNode val = inputs.get(x);
      if (val == null) {
        throw new PyException("TypeError", type.name() + ".VALIDATE_INPUTS() missing 1 required "
            + "positional argument: '" + x + "'");
      }
      if (!val.isTextual()) { // a link reaches it as None; folder_paths calls name.endswith(...)
        throw new PyException("AttributeError", "'" + (Graph.isLink(val) ? "NoneType"
            : Py.typeName(val)) + "' object has no attribute 'endswith'");
      }
      String name = val.textValue();
      if (!context.inputImageExists(name)) {
        ObjectNode err = error("custom_validation_failed", "Custom validation failed for node",
            x + " - Invalid image file: " + name);
        err.putObject("extra_info").put("input_name", x);
        errors.add(err);
      }
    }

    return new Checked(errors.isEmpty() && valid, errors);
  }

  /** {@code RETURN_TYPES[slot]}, with Python's indexing errors. */
  private static String returnType(NodeType source, JsonNode slot) {
    List<String> r = source.outputs();
    long index;
    if (slot.isBoolean()) {
      index = slot.booleanValue() ? 1 : 0;
    } else if (slot.isIntegralNumber() && slot.canConvertToLong()) {
      index = slot.longValue();
    } else if (slot.isIntegralNumber()) {
      throw new PyException("IndexError", "cannot fit 'int' into an index-sized integer");
    } else {
      throw new PyException("TypeError",
          "tuple indices must be integers or slices, not " + Py.typeName(slot));
    }
    if (index < 0) {
      index += r.size();
    }
    if (index < 0 || index >= r.size()) {
      throw new PyException("IndexError", "tuple index out of range");
    }
    return r.get((int) index);
  }

  /** {@code validate_node_input}: equal, or overlapping comma-separated types; "*" is any. */
  private static boolean typesMatch(String received, JsonNode inputType) {
    if (!inputType.isTextual()) {
      return false;
    }
    String expected = inputType.textValue();
    if (received.equals(expected) || "*".equals(expected) || "*".equals(received)) {
      return true;
    }
    Set<String> a = new HashSet<>();
    for (String s : received.split(",")) {
      a.add(s.strip());
    }
    for (String s : expected.split(",")) {
      if (a.contains(s.strip())) {
        return true;
      }
    }
    return false;
  }

  private ObjectNode bound(String type, String message, String x, JsonNode inputType,
      ObjectNode extra, JsonNode val) {
    ObjectNode err = error(type, message, x);
    ObjectNode ei = err.putObject("extra_info");
    ei.put("input_name", x);
    ei.set("input_config", info(inputType, extra));
    ei.set("received_value", val.deepCopy());
    return err;
  }

  private static ArrayNode info(JsonNode inputType, ObjectNode extra) {
    ArrayNode a = Json.array();
    a.add(inputType.deepCopy());
    a.add(extra.deepCopy());
    return a;
  }

  private static boolean contains(JsonNode list, JsonNode val) {
    for (JsonNode c : list) {
      if (Py.equal(c, val)) {
        return true;
      }
    }
    return false;
  }

  private static boolean containsString(JsonNode array, String s) {
    for (JsonNode n : array) {
      if (n.isTextual() && n.textValue().equals(s)) {
        return true;
      }
    }
    return false;
  }

  private static boolean inPartial(JsonNode partial, String id) {
    if (partial.isArray()) {
      for (JsonNode p : partial) {
        if (p.isTextual() && p.textValue().equals(id)) {
          return true;
        }
      }
      return false;
    }
    if (partial.isTextual()) {
      return partial.textValue().contains(id); // Python's `in` on a str is a substring test
    }
    if (partial.isObject()) {
      return partial.has(id);
    }
    throw new ServerError("argument of type '" + Py.typeName(partial) + "' is not iterable");
  }

  private Result invalid(ObjectNode error) {
    return new Result(false, error, List.of(), Json.object());
  }

  /** {@code {type, message, details, extra_info: {}}}. */
  static ObjectNode error(String type, String message, String details) {
    ObjectNode e = Json.object();
    e.put("type", type);
    e.put("message", message);
    e.put("details", details);
    e.putObject("extra_info");
    return e;
  }

  private static ArrayNode traceback(String function, String line) {
    ArrayNode tb = Json.array();
    tb.add(TextNode.valueOf("  File \"/ComfyUI/execution.py\", line 1, in " + function + "\n    "
        + line + "\n"));
    return tb;
  }
}
