package dev.backlot.gradio;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.wire.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Gradio app as its clients see it: a title, a Gradio version, and named {@link Endpoint}s
 * whose components and dependencies {@code /config} and {@code /gradio_api/info} describe.
 * Component ids are given in declaration order (each endpoint's inputs, outputs, then a Button
 * that triggers it), dependency ids ({@code fn_index}) in endpoint order. Immutable.
 *
 * <pre>{@code
 * GradioApp app = GradioApp.builder()
 *     .title("Echo")
 *     .endpoint(Endpoint.named("echo").input(Component.textbox("Text"))
 *         .output(Component.textbox("Out")).handler(call -> List.of(call.text(0))))
 *     .build();
 * GradioFake fake = GradioFake.builder().app(app).start();
 * }</pre>
 */
public final class GradioApp {

  /** The Gradio version Wan2GP pins, and the fake's default. */
  public static final String DEFAULT_VERSION = "5.29.0";

  private final String title;
  private final String version;
  private final List<Endpoint> endpoints;
  private final Map<String, Integer> byName;
  private final List<int[]> inputIds = new ArrayList<>();
  private final List<int[]> outputIds = new ArrayList<>();
  private final List<Integer> triggerIds = new ArrayList<>();
  private final List<Component> components = new ArrayList<>();

  private GradioApp(Builder b) {
    this.title = b.title;
    this.version = b.version;
    this.endpoints = List.copyOf(b.endpoints);
    Map<String, Integer> names = new LinkedHashMap<>();
    int id = 1;
    for (int i = 0; i < endpoints.size(); i++) {
      Endpoint e = endpoints.get(i);
      if (names.putIfAbsent(e.apiName(), i) != null) {
        throw new IllegalArgumentException("two endpoints are named " + e.apiName());
      }
      int[] in = new int[e.inputs().size()];
      for (int k = 0; k < in.length; k++) {
        in[k] = id++;
        components.add(e.inputs().get(k));
      }
      int[] out = new int[e.outputs().size()];
      for (int k = 0; k < out.length; k++) {
        out[k] = id++;
        components.add(e.outputs().get(k));
      }
      inputIds.add(in);
      outputIds.add(out);
      triggerIds.add(id++);
      components.add(null); // the button
    }
    this.byName = Collections.unmodifiableMap(names);
  }

  public static Builder builder() {
    return new Builder();
  }

  public String title() {
    return title;
  }

  /** The Gradio version {@code /config} reports; 4.x apps serve their API without a prefix. */
  public String version() {
    return version;
  }

  /** {@code "/gradio_api"} for Gradio 5 and later, {@code ""} for 4.x. */
  public String apiPrefix() {
    return version.startsWith("4.") ? "" : "/gradio_api";
  }

  public List<Endpoint> endpoints() {
    return endpoints;
  }

  /** The endpoint with this {@code fn_index}, or null. */
  public Endpoint endpoint(int fnIndex) {
    return fnIndex >= 0 && fnIndex < endpoints.size() ? endpoints.get(fnIndex) : null;
  }

  /** The {@code fn_index} of the endpoint called {@code apiName} (slash optional), or -1. */
  public int fnIndex(String apiName) {
    String n = apiName.startsWith("/") ? apiName.substring(1) : apiName;
    return byName.getOrDefault(n, -1);
  }

  /** Whether any input or output is a State (Gradio then asks clients for a heartbeat). */
  public boolean hasState() {
    return components.stream().anyMatch(c -> c != null && c.kind() == Component.Kind.STATE);
  }

  // ------------------------------------------------------------------ /config

  ObjectNode config(String root, long appId, boolean showError, boolean enableQueue) {
    ObjectNode c = Json.object();
    c.put("version", version);
    if (!apiPrefix().isEmpty()) {
      c.put("api_prefix", apiPrefix());
    }
    c.put("mode", "blocks");
    c.put("app_id", appId);
    c.put("dev_mode", false);
    c.put("analytics_enabled", false);
    ArrayNode comps = c.putArray("components");
    for (int i = 0; i < components.size(); i++) {
      comps.add(componentJson(i + 1, components.get(i)));
    }
    c.put("css", (String) null);
    c.put("connect_heartbeat", hasState());
    c.put("js", (String) null);
    c.put("head", (String) null);
    c.put("title", title);
    c.put("space_id", (String) null);
    c.put("enable_queue", enableQueue);
    c.put("show_error", showError);
    c.put("show_api", true);
    c.put("is_colab", false);
    c.put("max_file_size", (Long) null);
    c.putArray("stylesheets");
    c.put("theme", "default");
    c.put("protocol", "sse_v3");
    c.putObject("body_css");
    c.put("fill_height", false);
    c.put("fill_width", false);
    c.put("theme_hash", "fake");
    c.put("pwa", false);
    c.putArray("pages").addArray().add("").add("Home");
    ObjectNode layout = Json.object();
    layout.put("id", 0);
    ArrayNode children = layout.putArray("children");
    for (int i = 0; i < components.size(); i++) {
      children.addObject().put("id", i + 1);
    }
    ArrayNode deps = dependencies();
    ObjectNode page = c.putObject("page").putObject("");
    page.set("layout", layout);
    ArrayNode ids = page.putArray("components");
    for (int i = 0; i < components.size(); i++) {
      ids.add(i + 1);
    }
    ArrayNode depIds = page.putArray("dependencies");
    for (int i = 0; i < endpoints.size(); i++) {
      depIds.add(i);
    }
    c.set("layout", layout);
    c.set("dependencies", deps);
    c.put("root", root);
    c.put("username", (String) null);
    return c;
  }

  private ObjectNode componentJson(int id, Component comp) {
    ObjectNode o = Json.object();
    o.put("id", id);
    if (comp == null) {
      o.put("type", "button");
      ObjectNode p = o.putObject("props");
      p.put("value", "Run").put("variant", "secondary").put("visible", true).put("name", "button");
      o.put("skip_api", true);
      o.put("component_class_id", "button");
      o.putNull("key");
      return o;
    }
    o.put("type", comp.kind().type());
    o.set("props", comp.props());
    boolean skip = comp.kind() == Component.Kind.STATE;
    o.put("skip_api", skip);
    o.put("component_class_id", comp.kind().type());
    o.putNull("key");
    if (!skip) {
      o.set("api_info", comp.apiInfo());
      o.set("api_info_as_input", comp.apiInfo());
      o.set("api_info_as_output", comp.apiInfo());
      o.set("example_inputs", comp.exampleInput());
    }
    return o;
  }

  private ArrayNode dependencies() {
    ArrayNode deps = Json.array();
    for (int i = 0; i < endpoints.size(); i++) {
      Endpoint e = endpoints.get(i);
      ObjectNode d = deps.addObject();
      d.put("id", i);
      d.putArray("targets").addArray().add(triggerIds.get(i)).add("click");
      ArrayNode in = d.putArray("inputs");
      for (int x : inputIds.get(i)) {
        in.add(x);
      }
      ArrayNode out = d.putArray("outputs");
      for (int x : outputIds.get(i)) {
        out.add(x);
      }
      d.put("backend_fn", true);
      d.put("js", (String) null);
      d.put("queue", e.queued());
      d.put("api_name", e.apiName());
      d.put("scroll_to_output", false);
      d.put("show_progress", "full");
      d.putArray("show_progress_on");
      d.put("batch", false);
      d.put("max_batch_size", 4);
      d.putArray("cancels");
      d.putObject("types").put("generator", e.isGenerator()).put("cancel", false);
      d.put("collects_event_data", false);
      d.put("trigger_after", (Integer) null);
      d.put("trigger_only_on_success", false);
      d.put("trigger_mode", "once");
      d.put("show_api", e.showApi());
      d.put("rendered_in", (Integer) null);
      d.put("render_id", (Integer) null);
      d.put("connection", "sse");
      d.put("time_limit", (Double) null);
      d.put("stream_every", 0.5);
      d.put("like_user_message", false);
      d.put("event_specific_args", (String) null);
      d.put("js_implementation", (String) null);
    }
    return deps;
  }

  // ------------------------------------------------------------------ /info

  ObjectNode info() {
    ObjectNode o = Json.object();
    ObjectNode named = o.putObject("named_endpoints");
    for (Endpoint e : endpoints) {
      if (!e.showApi()) {
        continue;
      }
      ObjectNode ep = named.putObject("/" + e.apiName());
      ArrayNode params = ep.putArray("parameters");
      for (Component c : e.inputs()) {
        if (c.kind() == Component.Kind.STATE) {
          continue;
        }
        ObjectNode p = params.addObject();
        p.put("label", c.label());
        p.put("parameter_name", c.parameterName());
        p.put("parameter_has_default", c.hasDefault());
        p.set("parameter_default", c.hasDefault() ? c.props().get("value") : null);
        p.set("type", c.apiInfo());
        p.set("python_type", c.pythonType());
        p.put("component", c.kind().className());
        p.set("example_input", c.exampleInput());
      }
      ArrayNode returns = ep.putArray("returns");
      for (Component c : e.outputs()) {
        if (c.kind() == Component.Kind.STATE) {
          continue;
        }
        ObjectNode r = returns.addObject();
        r.put("label", c.label());
        r.set("type", c.apiInfo());
        r.set("python_type", c.pythonType());
        r.put("component", c.kind().className());
      }
      ep.put("show_api", true);
      if (e.description() != null) {
        ep.put("description", e.description());
      }
    }
    o.putObject("unnamed_endpoints");
    return o;
  }

  /** Builds a {@link GradioApp}. */
  public static final class Builder {
    private String title = "Gradio";
    private String version = DEFAULT_VERSION;
    private final List<Endpoint> endpoints = new ArrayList<>();

    private Builder() {}

    public Builder title(String title) {
      this.title = Objects.requireNonNull(title);
      return this;
    }

    /**
     * The Gradio version to answer as (default {@value #DEFAULT_VERSION}). A 4.x version serves the
     * API routes without the {@code /gradio_api} prefix and leaves {@code api_prefix} out of the
     * config, as Gradio 4.22-4.44 did.
     */
    public Builder version(String version) {
      if (!version.matches("[4-6]\\.[0-9]+(\\.[0-9]+)?")) {
        throw new IllegalArgumentException("a Gradio version 4.x to 6.x (sse_v3), not " + version);
      }
      this.version = version;
      return this;
    }

    public Builder endpoint(Endpoint e) {
      endpoints.add(Objects.requireNonNull(e));
      return this;
    }

    public GradioApp build() {
      return new GradioApp(this);
    }
  }
}
