package dev.backlot.gradio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.wire.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One Gradio component used as an endpoint's input or output: its type, label, default value
 * and limits, rendered into {@code /config} ({@code components}) and {@code /gradio_api/info}
 * ({@code parameters}, {@code returns}), and used to check the values a client sends the way
 * Gradio 5's {@code preprocess} does. Immutable: the {@code with...} methods return copies.
 *
 * <pre>{@code
 * Component prompt = Component.textbox("Prompt").name("prompt");
 * Component steps  = Component.slider("Steps", 1, 100, 1).value(30).name("num_inference_steps");
 * Component res    = Component.dropdown("Resolution", "832x480", "1280x720").value("832x480");
 * Component video  = Component.video("Generated video");
 * }</pre>
 */
public final class Component {

  /** The component types the fake knows, with Gradio's names ({@code type} and class). */
  public enum Kind {
    TEXTBOX("textbox", "Textbox"),
    NUMBER("number", "Number"),
    SLIDER("slider", "Slider"),
    DROPDOWN("dropdown", "Dropdown"),
    CHECKBOX("checkbox", "Checkbox"),
    IMAGE("image", "Image"),
    VIDEO("video", "Video"),
    FILE("file", "File"),
    GALLERY("gallery", "Gallery"),
    STATE("state", "State");

    private final String type;
    private final String className;

    Kind(String type, String className) {
      this.type = type;
      this.className = className;
    }

    /** Gradio's {@code type} in the config ({@code "textbox"}). */
    public String type() {
      return type;
    }

    /** Gradio's class name, as {@code /info} names it ({@code "Textbox"}). */
    public String className() {
      return className;
    }

    boolean isFile() {
      return this == IMAGE || this == VIDEO || this == FILE || this == GALLERY;
    }
  }

  private final Kind kind;
  private final String label;
  private final String name;
  private final JsonNode value;
  private final boolean hasValue;
  private final Double minimum;
  private final Double maximum;
  private final Double step;
  private final List<Object> choices;

  private Component(Kind kind, String label, String name, JsonNode value, boolean hasValue,
      Double minimum, Double maximum, Double step, List<Object> choices) {
    this.kind = kind;
    this.label = label;
    this.name = name;
    this.value = value;
    this.hasValue = hasValue;
    this.minimum = minimum;
    this.maximum = maximum;
    this.step = step;
    this.choices = choices;
  }

  private static Component of(Kind kind, String label) {
    return new Component(kind, label, null, NullNode.getInstance(), false, null, null, null, List.of());
  }

  public static Component textbox(String label) {
    return of(Kind.TEXTBOX, label);
  }

  public static Component number(String label) {
    return of(Kind.NUMBER, label);
  }

  /** A Number with limits (values outside are a {@code gr.Error}, as in Gradio). */
  public static Component number(String label, double minimum, double maximum) {
    Component c = of(Kind.NUMBER, label);
    return new Component(c.kind, label, null, c.value, false, minimum, maximum, null, List.of());
  }

  public static Component slider(String label, double minimum, double maximum, double step) {
    return new Component(Kind.SLIDER, label, null, Json.mapper().getNodeFactory().numberNode(minimum),
        false, minimum, maximum, step, List.of());
  }

  /** A Dropdown; a value outside {@code choices} is a {@code gr.Error}, as in Gradio. */
  public static Component dropdown(String label, Object... choices) {
    return new Component(Kind.DROPDOWN, label, null, NullNode.getInstance(), false, null, null, null,
        List.of(choices));
  }

  public static Component checkbox(String label) {
    return of(Kind.CHECKBOX, label);
  }

  /** An Image ({@code type="filepath"}): inputs are uploaded files, outputs {@link GradioFile}s. */
  public static Component image(String label) {
    return of(Kind.IMAGE, label);
  }

  /** A Video: values are {@code {"video": FileData, "subtitles": null}}. */
  public static Component video(String label) {
    return of(Kind.VIDEO, label);
  }

  public static Component file(String label) {
    return of(Kind.FILE, label);
  }

  /** A Gallery: outputs are lists of {@link GradioFile}s (images or videos). */
  public static Component gallery(String label) {
    return of(Kind.GALLERY, label);
  }

  /** A {@code gr.State}: hidden from the API; clients send {@code null} in its place. */
  public static Component state() {
    return of(Kind.STATE, null);
  }

  /** This component with a default value (its {@code props.value}; the API parameter's default). */
  public Component value(Object defaultValue) {
    return new Component(kind, label, name, Json.mapper().valueToTree(defaultValue), true, minimum,
        maximum, step, choices);
  }

  /** This component with an API parameter name (default: from the label, snake_case). */
  public Component name(String parameterName) {
    return new Component(kind, label, parameterName, value, hasValue, minimum, maximum, step, choices);
  }

  public Kind kind() {
    return kind;
  }

  public String label() {
    return label;
  }

  /** The API parameter name: the one given, or the label in snake_case. */
  public String parameterName() {
    if (name != null) {
      return name;
    }
    if (label == null) {
      return kind.type();
    }
    String s = label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
    return s.replaceAll("^_+|_+$", "");
  }

  /** The default value (JSON null when none). */
  public JsonNode defaultValue() {
    return value;
  }

  /** Whether the API parameter has a default (Sliders always do: their minimum). */
  public boolean hasDefault() {
    return hasValue || kind == Kind.SLIDER || kind == Kind.CHECKBOX;
  }

  public List<Object> choices() {
    return choices;
  }

  // ------------------------------------------------------------------ config and info

  /** The {@code props} of the config entry. */
  ObjectNode props() {
    ObjectNode p = Json.object();
    p.put("name", kind.type());
    if (label != null) {
      p.put("label", label);
    }
    p.put("show_label", true);
    p.put("visible", true);
    p.put("interactive", (Boolean) null);
    p.set("value", kind == Kind.CHECKBOX && !hasValue ? Json.mapper().getNodeFactory().booleanNode(false) : value);
    switch (kind) {
      case NUMBER -> {
        p.put("minimum", minimum);
        p.put("maximum", maximum);
        p.put("precision", (Integer) null);
        p.put("step", 1);
      }
      case SLIDER -> {
        p.put("minimum", minimum);
        p.put("maximum", maximum);
        p.put("step", step);
      }
      case DROPDOWN -> {
        ArrayNode cs = p.putArray("choices");
        for (Object c : choices) {
          cs.add(Json.mapper().valueToTree(List.of(String.valueOf(c), c)));
        }
        p.put("multiselect", (Boolean) null);
        p.put("allow_custom_value", false);
        p.put("type", "value");
      }
      case IMAGE -> {
        p.put("type", "filepath");
        p.put("format", "webp");
        p.put("image_mode", "RGB");
      }
      case VIDEO -> {
        p.put("format", (String) null);
        p.put("autoplay", false);
      }
      case FILE -> {
        p.put("file_count", "single");
        p.put("type", "filepath");
      }
      case GALLERY -> {
        p.put("format", "webp");
        p.put("columns", 2);
      }
      default -> {}
    }
    p.put("_selectable", false);
    return p;
  }

  /** The JSON schema of the value ({@code api_info}). */
  JsonNode apiInfo() {
    return switch (kind) {
      case TEXTBOX -> Json.object().put("type", "string");
      case NUMBER, SLIDER -> Json.object().put("type", "number");
      case CHECKBOX -> Json.object().put("type", "boolean");
      case DROPDOWN -> {
        ObjectNode s = Json.object().put("type", "string");
        ArrayNode e = s.putArray("enum");
        choices.forEach(c -> e.add(Json.mapper().valueToTree(c)));
        yield s;
      }
      case IMAGE -> fileSchema("ImageData");
      case FILE -> fileSchema("FileData");
      case VIDEO -> {
        ObjectNode s = Json.object();
        ObjectNode props = s.putObject("properties");
        props.set("video", fileSchema("FileData"));
        ObjectNode subs = props.putObject("subtitles");
        subs.putArray("anyOf").add(fileSchema("FileData")).add(Json.object().put("type", "null"));
        subs.putNull("default");
        s.putArray("required").add("video");
        s.put("title", "VideoData").put("type", "object");
        yield s;
      }
      case GALLERY -> {
        ObjectNode s = Json.object().put("type", "array");
        ObjectNode item = s.putObject("items");
        ObjectNode props = item.putObject("properties");
        props.set("image", fileSchema("ImageData"));
        props.set("video", fileSchema("FileData"));
        props.putObject("caption").putArray("anyOf").add(Json.object().put("type", "string"))
            .add(Json.object().put("type", "null"));
        item.put("type", "object");
        s.put("title", "GalleryData");
        yield s;
      }
      case STATE -> Json.object().put("description", "any valid json").set("type", Json.object());
    };
  }

  private static ObjectNode fileSchema(String title) {
    ObjectNode s = Json.object();
    s.put("additionalProperties", false);
    ObjectNode p = s.putObject("properties");
    p.putObject("path").put("title", "Path").put("type", "string");
    for (String opt : List.of("url", "orig_name", "mime_type")) {
      ObjectNode o = p.putObject(opt);
      o.putArray("anyOf").add(Json.object().put("type", "string")).add(Json.object().put("type", "null"));
      o.putNull("default");
    }
    ObjectNode size = p.putObject("size");
    size.putArray("anyOf").add(Json.object().put("type", "integer")).add(Json.object().put("type", "null"));
    size.putNull("default");
    p.putObject("is_stream").put("default", false).put("type", "boolean");
    p.putObject("meta").put("type", "object").putObject("default").put("_type", "gradio.FileData");
    s.putArray("required").add("path");
    s.put("title", title).put("type", "object");
    return s;
  }

  /** Gradio's {@code python_type}. */
  ObjectNode pythonType() {
    String type = switch (kind) {
      case TEXTBOX -> "str";
      case NUMBER, SLIDER -> "float";
      case CHECKBOX -> "bool";
      case DROPDOWN -> {
        List<String> lit = new ArrayList<>();
        for (Object c : choices) {
          lit.add(c instanceof String s ? "'" + s + "'" : String.valueOf(c));
        }
        yield "Literal[" + String.join(", ", lit) + "]";
      }
      case IMAGE, FILE -> "filepath";
      case VIDEO -> "dict(video: filepath, subtitles: filepath | None)";
      case GALLERY -> "list[dict(image: filepath | None, video: filepath | None, caption: str | None)]";
      case STATE -> "Any";
    };
    String description = kind == Kind.SLIDER
        ? "numeric value between " + num(minimum) + " and " + num(maximum) : "";
    return Json.object().put("type", type).put("description", description);
  }

  /** An example value for {@code /info}'s {@code example_input}. */
  JsonNode exampleInput() {
    return switch (kind) {
      case TEXTBOX -> Json.mapper().getNodeFactory().textNode("Hello!!");
      case NUMBER -> Json.mapper().getNodeFactory().numberNode(3);
      case SLIDER -> Json.mapper().getNodeFactory().numberNode(minimum);
      case CHECKBOX -> Json.mapper().getNodeFactory().booleanNode(true);
      case DROPDOWN -> choices.isEmpty() ? NullNode.getInstance() : Json.mapper().valueToTree(choices.get(0));
      case IMAGE, FILE -> exampleFile("https://raw.githubusercontent.com/gradio-app/gradio/main/test/test_files/bus.png");
      case VIDEO -> {
        ObjectNode v = Json.object();
        v.set("video", exampleFile("https://github.com/gradio-app/gradio/raw/main/demo/video_component/files/world.mp4"));
        yield v;
      }
      case GALLERY -> {
        ArrayNode a = Json.array();
        a.addObject().set("image", exampleFile("https://raw.githubusercontent.com/gradio-app/gradio/main/test/test_files/bus.png"));
        yield a;
      }
      case STATE -> NullNode.getInstance();
    };
  }

  private static ObjectNode exampleFile(String url) {
    ObjectNode f = Json.object().put("path", url);
    f.putObject("meta").put("_type", "gradio.FileData");
    f.put("orig_name", url.substring(url.lastIndexOf('/') + 1));
    f.put("url", url);
    return f;
  }

  static String num(Double d) {
    if (d == null) {
      return "None";
    }
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf(d.longValue()) : String.valueOf(d);
  }

  @Override
  public String toString() {
    return kind.className().toLowerCase(Locale.ROOT) + (label != null ? "(" + label + ")" : "");
  }

  @Override
  public boolean equals(Object o) {
    return this == o;
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(label) * 31 + kind.hashCode();
  }
}
