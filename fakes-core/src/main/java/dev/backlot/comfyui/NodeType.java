package dev.backlot.comfyui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.backlot.wire.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One node class of the fake's catalogue: what {@code GET /object_info} lists and what {@code POST
 * /prompt} validates against, plus how the fake runs it. The default catalogue holds ComfyUI's
 * common core nodes (see {@link ComfyUiFake}); a test adds its own (a custom node it depends on),
 * either by hand or by pasting an entry from a real server's {@code /object_info}:
 *
 * <pre>{@code
 * NodeType upscale = NodeType.builder("ImageUpscaleWithModel")
 *     .required("upscale_model", "UPSCALE_MODEL")
 *     .required("image", "IMAGE")
 *     .outputs("IMAGE")
 *     .category("image/upscaling")
 *     .build();
 * NodeType pasted = NodeType.fromObjectInfo("MyNode", realServerObjectInfoEntryJson);
 * NodeType saver = NodeType.builder("MySaver").required("images", "IMAGE")
 *     .outputNode().savesImages("output").build();
 * ComfyUiFake.builder().node(upscale).node(pasted).node(saver).start();
 * }</pre>
 *
 * <p>How the fake runs a node: every node "executes" instantly except a {@linkplain
 * Builder#sampler() sampler}, which takes the prompt's running time and reports {@code progress}
 * (KSampler by default; a node with an INT input named {@code steps} is a sampler unless said
 * otherwise). A node that {@linkplain Builder#savesImages(String) saves images} produces real PNGs
 * (SaveImage, PreviewImage); one that {@linkplain Builder#sendsImagesOverWebSocket() sends images
 * over the WebSocket} sends binary frames (SaveImageWebsocket). Immutable and thread-safe.
 */
public final class NodeType {

  /** Where a combo input's choices come from when they are not a fixed list. */
  enum Source {
    NONE,
    MODELS,
    INPUT_IMAGES
  }

  /** One declared input. {@code type} is a type name or a fixed list of choices. */
  record Input(String name, String category, JsonNode type, ObjectNode options, Source source,
      String folder, JsonNode raw) {

    boolean isCombo() {
      return type.isArray() || source != Source.NONE;
    }
  }

  /** What the fake does when the node runs. */
  enum Behaviour {
    PLAIN,
    SAMPLER,
    SAVE_IMAGES,
    WEBSOCKET_IMAGES
  }

  private final String name;
  private final String displayName;
  private final String description;
  private final String category;
  private final String pythonModule;
  private final Map<String, Input> inputs; // declaration order: required, optional, hidden
  private final List<String> categories;
  private final List<String> outputs;
  private final List<String> outputNames;
  private final List<Boolean> outputIsList;
  private final List<String> outputTooltips;
  private final boolean outputNode;
  private final Behaviour behaviour;
  private final String imageType;
  private final boolean alwaysRuns;
  private final ObjectNode extraInfo;

  private NodeType(Builder b) {
    this.name = b.name;
    this.displayName = b.displayName != null ? b.displayName : b.name;
    this.description = b.description;
    this.category = b.category;
    this.pythonModule = b.pythonModule;
    this.inputs = Collections.unmodifiableMap(new LinkedHashMap<>(b.inputs));
    List<String> cats = new ArrayList<>();
    for (Input in : inputs.values()) {
      if (!cats.contains(in.category())) {
        cats.add(in.category());
      }
    }
    cats.sort((x, y) -> Integer.compare(order(x), order(y)));
    this.categories = List.copyOf(cats);
    this.outputs = List.copyOf(b.outputs);
    this.outputNames = b.outputNames != null ? List.copyOf(b.outputNames) : outputs;
    this.outputIsList = b.outputIsList != null ? List.copyOf(b.outputIsList)
        : Collections.nCopies(outputs.size(), false);
    this.outputTooltips = b.outputTooltips == null ? null : List.copyOf(b.outputTooltips);
    this.outputNode = b.outputNode;
    Behaviour beh = b.behaviour;
    if (beh == null) {
      Input steps = inputs.get("steps");
      beh = steps != null && steps.type().isTextual() && "INT".equals(steps.type().asText())
          && !outputNode ? Behaviour.SAMPLER : Behaviour.PLAIN;
    }
    this.behaviour = beh;
    this.imageType = b.imageType;
    this.alwaysRuns = b.alwaysRuns;
    this.extraInfo = b.extraInfo == null ? null : b.extraInfo.deepCopy();
  }

  private static int order(String category) {
    return switch (category) {
      case "required" -> 0;
      case "optional" -> 1;
      case "hidden" -> 2;
      default -> 3;
    };
  }

  /** A builder for a node class named {@code name} (the prompt's {@code class_type}). */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * A node class from an entry of a real server's {@code GET /object_info} (the value under the
   * class name), so a test can declare exactly the custom nodes its workflows use.
   */
  public static NodeType fromObjectInfo(String name, String objectInfoJson) {
    return builder(name).fromObjectInfo(Json.parse(objectInfoJson)).build();
  }

  /** A builder starting from this node class, to change or extend it. */
  public Builder toBuilder() {
    Builder b = new Builder(name);
    b.displayName = displayName;
    b.description = description;
    b.category = category;
    b.pythonModule = pythonModule;
    b.inputs.putAll(inputs);
    b.outputs.addAll(outputs);
    b.outputNames = new ArrayList<>(outputNames);
    b.outputIsList = new ArrayList<>(outputIsList);
    b.outputTooltips = outputTooltips == null ? null : new ArrayList<>(outputTooltips);
    b.outputNode = outputNode;
    b.behaviour = behaviour;
    b.imageType = imageType;
    b.alwaysRuns = alwaysRuns;
    b.extraInfo = extraInfo;
    return b;
  }

  /** The class name, as prompts name it in {@code class_type}. */
  public String name() {
    return name;
  }

  /** Whether the node is an output node ({@code OUTPUT_NODE}): prompts execute towards these. */
  public boolean isOutputNode() {
    return outputNode;
  }

  /** The types of the node's outputs ({@code RETURN_TYPES}). */
  public List<String> outputs() {
    return outputs;
  }

  Map<String, Input> inputs() {
    return inputs;
  }

  Behaviour behaviour() {
    return behaviour;
  }

  /** "output" or "temp" for a node that saves images. */
  String imageType() {
    return imageType;
  }

  boolean alwaysRuns() {
    return alwaysRuns;
  }

  /** The {@code /object_info} entry, with dynamic choices resolved by {@code choices}. */
  ObjectNode info(java.util.function.Function<Input, List<String>> choices) {
    ObjectNode info = Json.object();
    ObjectNode input = info.putObject("input");
    ObjectNode order = Json.object();
    for (String cat : categories) {
      ObjectNode c = input.putObject(cat);
      ArrayNode names = order.putArray(cat);
      for (Input in : inputs.values()) {
        if (!in.category().equals(cat)) {
          continue;
        }
        names.add(in.name());
        c.set(in.name(), spec(in, choices));
      }
    }
    info.set("input_order", order);
    ArrayNode out = info.putArray("output");
    outputs.forEach(out::add);
    ArrayNode isList = info.putArray("output_is_list");
    outputIsList.forEach(isList::add);
    ArrayNode names = info.putArray("output_name");
    outputNames.forEach(names::add);
    info.put("name", name);
    info.put("display_name", displayName);
    info.put("description", description);
    info.put("python_module", pythonModule);
    info.put("category", category);
    info.put("output_node", outputNode);
    if (outputTooltips != null) {
      ArrayNode t = info.putArray("output_tooltips");
      outputTooltips.forEach(t::add);
    }
    if (extraInfo != null) {
      extraInfo.properties().forEach(e -> info.set(e.getKey(), e.getValue().deepCopy()));
    }
    return info;
  }

  /** The input's current type: its fixed list, or the dynamic choices as a JSON list. */
  JsonNode typeOf(Input in, java.util.function.Function<Input, List<String>> choices) {
    if (in.source() == Source.NONE) {
      return in.type();
    }
    ArrayNode list = Json.array();
    choices.apply(in).forEach(list::add);
    return list;
  }

  private JsonNode spec(Input in, java.util.function.Function<Input, List<String>> choices) {
    if (in.raw() != null && in.source() == Source.NONE) {
      return in.raw().deepCopy();
    }
    ArrayNode a = Json.array();
    a.add(typeOf(in, choices));
    if (in.options() != null) {
      a.add(in.options().deepCopy());
    }
    return a;
  }

  @Override
  public String toString() {
    return "NodeType[" + name + (outputNode ? ", output" : "") + ", " + behaviour + "]";
  }

  /** Builds a {@link NodeType}; only the name is required. */
  public static final class Builder {
    private final String name;
    private String displayName;
    private String description = "";
    private String category = "custom";
    private String pythonModule = "custom_nodes";
    private final Map<String, Input> inputs = new LinkedHashMap<>();
    private final List<String> outputs = new ArrayList<>();
    private List<String> outputNames;
    private List<Boolean> outputIsList;
    private List<String> outputTooltips;
    private boolean outputNode;
    private Behaviour behaviour;
    private String imageType = "output";
    private boolean alwaysRuns;
    private ObjectNode extraInfo;

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    /** A required input of {@code type} ("MODEL", "IMAGE", "INT"...) with no options. */
    public Builder required(String input, String type) {
      return add("required", input, TextNode.valueOf(type), null);
    }

    /** A required input of {@code type} with options ({@code default}, {@code min}, {@code max}...). */
    public Builder required(String input, String type, Map<String, ?> options) {
      return add("required", input, TextNode.valueOf(type), (ObjectNode) Json.tree(options));
    }

    /** An optional input of {@code type}. */
    public Builder optional(String input, String type) {
      return add("optional", input, TextNode.valueOf(type), null);
    }

    /** An optional input of {@code type} with options. */
    public Builder optional(String input, String type, Map<String, ?> options) {
      return add("optional", input, TextNode.valueOf(type), (ObjectNode) Json.tree(options));
    }

    /** A hidden input ({@code "PROMPT"}, {@code "EXTRA_PNGINFO"}, {@code "UNIQUE_ID"}). */
    public Builder hidden(String input, String type) {
      inputs.put(input, new Input(input, "hidden", TextNode.valueOf(type), null, Source.NONE, null,
          TextNode.valueOf(type)));
      return this;
    }

    /** A required INT input with a default and bounds. */
    public Builder requiredInt(String input, long defaultValue, long min, long max) {
      return required(input, "INT", ordered("default", defaultValue, "min", min, "max", max));
    }

    /** A required FLOAT input with a default and bounds. */
    public Builder requiredFloat(String input, double defaultValue, double min, double max) {
      return required(input, "FLOAT", ordered("default", defaultValue, "min", min, "max", max));
    }

    /** A required STRING input with a default. */
    public Builder requiredString(String input, String defaultValue) {
      return required(input, "STRING", ordered("default", defaultValue));
    }

    /** A required combo input with fixed choices. */
    public Builder requiredCombo(String input, String... choices) {
      ArrayNode list = Json.array();
      for (String c : choices) {
        list.add(c);
      }
      return add("required", input, list, null);
    }

    /**
     * A required combo input whose choices are the fake's models in {@code folder} (as
     * CheckpointLoaderSimple's {@code ckpt_name} lists {@code checkpoints}).
     */
    public Builder requiredModel(String input, String folder) {
      inputs.put(input, new Input(input, "required", Json.array(), null, Source.MODELS,
          Objects.requireNonNull(folder, "folder"), null));
      return this;
    }

    /**
     * A required combo input whose choices are the images in the fake's input folder, validated
     * as LoadImage does ("Invalid image file: x" when the file does not exist).
     */
    public Builder requiredInputImage(String input) {
      inputs.put(input, new Input(input, "required", Json.array(),
          (ObjectNode) Json.tree(Map.of("image_upload", true)), Source.INPUT_IMAGES, null, null));
      return this;
    }

    /** The node's output types ({@code RETURN_TYPES}), in slot order. */
    public Builder outputs(String... types) {
      outputs.clear();
      outputs.addAll(List.of(types));
      return this;
    }

    /** The node's output names ({@code RETURN_NAMES}); defaults to the types. */
    public Builder outputNames(String... names) {
      this.outputNames = List.of(names);
      return this;
    }

    /** Marks the node as an output node ({@code OUTPUT_NODE = True}). */
    public Builder outputNode() {
      this.outputNode = true;
      return this;
    }

    public Builder category(String category) {
      this.category = Objects.requireNonNull(category, "category");
      return this;
    }

    public Builder displayName(String displayName) {
      this.displayName = displayName;
      return this;
    }

    public Builder description(String description) {
      this.description = Objects.requireNonNull(description, "description");
      return this;
    }

    public Builder pythonModule(String module) {
      this.pythonModule = Objects.requireNonNull(module, "module");
      return this;
    }

    /**
     * The node takes the prompt's running time and reports {@code progress}: its INT {@code steps}
     * input (20 if linked or absent) is the progress maximum.
     */
    public Builder sampler() {
      this.behaviour = Behaviour.SAMPLER;
      return this;
    }

    /** The node runs instantly and reports no progress (undoes {@link #sampler()}). */
    public Builder plain() {
      this.behaviour = Behaviour.PLAIN;
      return this;
    }

    /**
     * The node saves the images of its {@code images} input as real PNG files of {@code type}
     * ("output" as SaveImage, "temp" as PreviewImage) and reports them in {@code executed} and
     * in history. Also makes it an output node.
     */
    public Builder savesImages(String type) {
      if (!"output".equals(type) && !"temp".equals(type)) {
        throw new IllegalArgumentException("images are saved to \"output\" or \"temp\": " + type);
      }
      this.behaviour = Behaviour.SAVE_IMAGES;
      this.imageType = type;
      this.outputNode = true;
      return this;
    }

    /**
     * The node sends the images of its {@code images} input as binary WebSocket frames (as
     * SaveImageWebsocket), not files. Also makes it an output node that is never cached.
     */
    public Builder sendsImagesOverWebSocket() {
      this.behaviour = Behaviour.WEBSOCKET_IMAGES;
      this.outputNode = true;
      this.alwaysRuns = true;
      return this;
    }

    /** The node is never taken from the cache (its {@code IS_CHANGED} always differs). */
    public Builder alwaysRuns() {
      this.alwaysRuns = true;
      return this;
    }

    /**
     * Reads inputs, outputs and descriptive fields from an {@code /object_info} entry. Inputs
     * keep their exact specs, so {@code /object_info} serves them back unchanged.
     */
    public Builder fromObjectInfo(JsonNode info) {
      JsonNode in = info.path("input");
      for (String cat : List.of("required", "optional", "hidden")) {
        JsonNode c = in.path(cat);
        Iterator<Map.Entry<String, JsonNode>> it = c.properties().iterator();
        while (it.hasNext()) {
          Map.Entry<String, JsonNode> e = it.next();
          JsonNode spec = e.getValue();
          if (!spec.isArray() || spec.isEmpty()) {
            inputs.put(e.getKey(), new Input(e.getKey(), cat, spec.isArray() ? TextNode.valueOf("*")
                : TextNode.valueOf(spec.asText()), null, Source.NONE, null, spec.deepCopy()));
            continue;
          }
          JsonNode type = spec.get(0);
          ObjectNode opts = spec.size() > 1 && spec.get(1).isObject() ? (ObjectNode) spec.get(1) : null;
          if (type.isTextual() && "COMBO".equals(type.asText()) && opts != null
              && opts.path("options").isArray()) {
            type = opts.get("options");
          }
          inputs.put(e.getKey(), new Input(e.getKey(), cat, type.deepCopy(),
              opts == null ? null : opts.deepCopy(), Source.NONE, null, spec.deepCopy()));
        }
      }
      outputs.clear();
      info.path("output").forEach(o -> outputs.add(o.asText()));
      if (info.path("output_name").isArray()) {
        List<String> names = new ArrayList<>();
        info.path("output_name").forEach(o -> names.add(o.asText()));
        outputNames = names;
      }
      if (info.path("output_is_list").isArray()) {
        List<Boolean> l = new ArrayList<>();
        info.path("output_is_list").forEach(o -> l.add(o.asBoolean()));
        outputIsList = l;
      }
      if (info.path("output_tooltips").isArray()) {
        List<String> l = new ArrayList<>();
        info.path("output_tooltips").forEach(o -> l.add(o.asText()));
        outputTooltips = l;
      }
      outputNode = info.path("output_node").asBoolean(false);
      if (info.hasNonNull("display_name")) {
        displayName = info.get("display_name").asText();
      }
      if (info.hasNonNull("description")) {
        description = info.get("description").asText();
      }
      if (info.hasNonNull("category")) {
        category = info.get("category").asText();
      }
      if (info.hasNonNull("python_module")) {
        pythonModule = info.get("python_module").asText();
      }
      ObjectNode extra = Json.object();
      for (String k : List.of("deprecated", "experimental", "api_node")) {
        if (info.has(k)) {
          extra.set(k, info.get(k).deepCopy());
        }
      }
      extraInfo = extra.isEmpty() ? null : extra;
      return this;
    }

    /** Output tooltips ({@code OUTPUT_TOOLTIPS}); listed by {@code /object_info} when set. */
    Builder outputTooltips(String... tooltips) {
      this.outputTooltips = List.of(tooltips);
      return this;
    }

    /** Replaces an input's options (e.g. to add a tooltip), keeping everything else. */
    Builder options(String input, Map<String, ?> options) {
      Input in = inputs.get(input);
      if (in == null) {
        throw new IllegalArgumentException("no input " + input + " in " + name);
      }
      inputs.put(input, new Input(in.name(), in.category(), in.type(),
          (ObjectNode) Json.tree(options), in.source(), in.folder(), null));
      return this;
    }

    private Builder add(String category, String input, JsonNode type, ObjectNode options) {
      inputs.put(input, new Input(input, category, type, options, Source.NONE, null, null));
      return this;
    }

    public NodeType build() {
      return new NodeType(this);
    }
  }

  /** An insertion-ordered map from alternating keys and values. */
  static Map<String, Object> ordered(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }
}
