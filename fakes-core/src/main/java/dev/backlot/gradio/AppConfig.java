package dev.backlot.gradio;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.wire.Hints;
import dev.backlot.wire.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an app declared in the launcher's configuration (or any JSON), answered by {@link
 * Presets#auto generated outputs}:
 *
 * <pre>{@code
 * {"title": "Echo", "version": "5.29.0", "endpoints": [
 *   {"name": "echo", "inputs": [{"type": "textbox", "label": "Text"}],
 *    "outputs": [{"type": "textbox", "label": "Out"}]},
 *   {"name": "render", "steps": "steps", "queue": true,
 *    "inputs": [{"type": "textbox", "label": "Prompt"},
 *               {"type": "slider", "label": "Steps", "minimum": 1, "maximum": 50, "value": 10},
 *               {"type": "dropdown", "label": "Resolution", "choices": ["320x192"], "value": "320x192"}],
 *    "outputs": [{"type": "video", "label": "Video"}]}]}
 * }</pre>
 */
final class AppConfig {

  private AppConfig() {}

  // the keys of "app", of an entry of its "endpoints", and of an input or output component
  static final List<String> APP_KEYS = List.of("title", "version", "endpoints");
  static final List<String> ENDPOINT_KEYS = List.of("name", "inputs", "outputs", "queue", "steps");
  static final List<String> COMPONENT_KEYS =
      List.of("type", "label", "name", "value", "minimum", "maximum", "step", "choices");
  static final List<String> COMPONENT_TYPES = List.of("textbox", "number", "slider", "dropdown",
      "checkbox", "image", "video", "file", "gallery", "state");

  static GradioApp read(JsonNode v) {
    if (!v.isObject()) {
      throw new IllegalArgumentException("'app' must be an object, not " + v);
    }
    Hints.requireKnown("app setting", v.fieldNames(), "gradio", APP_KEYS);
    GradioApp.Builder b = GradioApp.builder();
    if (v.has("title")) {
      b.title(v.get("title").asText());
    }
    if (v.has("version")) {
      b.version(v.get("version").asText());
    }
    if (!v.path("endpoints").isArray()) {
      throw new IllegalArgumentException("'app.endpoints' must be a list");
    }
    for (JsonNode e : v.get("endpoints")) {
      Hints.requireKnown("endpoint setting", e.fieldNames(), "gradio", ENDPOINT_KEYS);
      Endpoint ep = Endpoint.named(e.path("name").asText(""));
      ep = ep.input(components(e.path("inputs")).toArray(Component[]::new));
      ep = ep.output(components(e.path("outputs")).toArray(Component[]::new));
      if (e.has("queue")) {
        ep = ep.queue(e.get("queue").asBoolean());
      }
      JsonNode steps = e.get("steps");
      if (steps != null && steps.isInt()) {
        int n = steps.intValue();
        ep = ep.steps(call -> n);
      } else if (steps != null && steps.isTextual()) {
        String param = steps.asText();
        ep = ep.steps(call -> call.number(param).intValue());
      }
      ep = ep.handler(Presets.auto(ep));
      b.endpoint(ep);
    }
    return b.build();
  }

  private static List<Component> components(JsonNode list) {
    List<Component> out = new ArrayList<>();
    for (JsonNode c : list) {
      Hints.requireKnown("component setting", c.fieldNames(), "gradio", COMPONENT_KEYS);
      String label = c.path("label").isTextual() ? c.get("label").asText() : null;
      String type = c.path("type").asText("");
      Component comp = switch (type.toLowerCase(java.util.Locale.ROOT)) {
        case "textbox" -> Component.textbox(label);
        case "number" -> c.has("minimum") || c.has("maximum")
            ? Component.number(label, c.path("minimum").asDouble(-Double.MAX_VALUE), c.path("maximum").asDouble(Double.MAX_VALUE))
            : Component.number(label);
        case "slider" -> Component.slider(label, c.path("minimum").asDouble(0), c.path("maximum").asDouble(100),
            c.path("step").asDouble(1));
        case "dropdown" -> Component.dropdown(label, Json.mapper().convertValue(c.path("choices"), Object[].class));
        case "checkbox" -> Component.checkbox(label);
        case "image" -> Component.image(label);
        case "video" -> Component.video(label);
        case "file" -> Component.file(label);
        case "gallery" -> Component.gallery(label);
        case "state" -> Component.state();
        default -> throw new IllegalArgumentException(
            Hints.unknown("component type", type, "gradio", COMPONENT_TYPES));
      };
      if (c.has("value")) {
        comp = comp.value(Json.mapper().convertValue(c.get("value"), Object.class));
      }
      if (c.has("name")) {
        comp = comp.name(c.get("name").asText());
      }
      out.add(comp);
    }
    return out;
  }
}
