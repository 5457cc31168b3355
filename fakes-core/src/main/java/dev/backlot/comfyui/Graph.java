package dev.backlot.comfyui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Graph questions about a validated prompt: the order ComfyUI executes its nodes in (a port of
 * {@code comfy_execution/graph.py} {@code ExecutionList}, including {@code ux_friendly_pick_node}),
 * cache signatures (as {@code CacheKeySetInputSignature}: class, IS_CHANGED and inputs, with
 * links replaced by the ancestor's signature), sampler steps, and the size of the images an
 * output node receives.
 */
final class Graph {

  /** Width, height and batch size of the images flowing on a link. */
  record Dims(int width, int height, int batch) {}

  private final ObjectNode prompt;
  private final Map<String, NodeType> catalogue;

  Graph(ObjectNode prompt, Map<String, NodeType> catalogue) {
    this.prompt = prompt;
    this.catalogue = catalogue;
  }

  NodeType typeOf(String id) {
    JsonNode n = prompt.get(id);
    return n == null ? null : catalogue.get(n.path("class_type").asText());
  }

  String classOf(String id) {
    return prompt.path(id).path("class_type").asText();
  }

  ObjectNode inputsOf(String id) {
    JsonNode in = prompt.path(id).path("inputs");
    return in.isObject() ? (ObjectNode) in : com.fasterxml.jackson.databind.node.JsonNodeFactory
        .instance.objectNode();
  }

  static boolean isLink(JsonNode v) {
    return v != null && v.isArray() && v.size() == 2 && v.get(0).isTextual()
        && (v.get(1).isNumber() || v.get(1).isBoolean());
  }

  // ------------------------------------------------------------------ execution order

  /** The nodes executed for {@code outputs}, in order; cached nodes are not expanded. */
  List<String> executionOrder(List<String> outputs, Set<String> cached) {
    Topo t = new Topo(cached);
    for (String o : outputs) {
      t.addNode(o);
    }
    List<String> order = new ArrayList<>();
    while (!t.pending.isEmpty()) {
      List<String> available = new ArrayList<>();
      for (String id : t.pending.keySet()) {
        if (t.blockCount.get(id) == 0) {
          available.add(id);
        }
      }
      if (available.isEmpty()) {
        break; // a cycle; validation rejects those among the nodes that run
      }
      String pick = t.pick(available);
      order.add(pick);
      t.pop(pick);
    }
    return order;
  }

  private final class Topo {
    final Set<String> cached;
    final LinkedHashMap<String, Boolean> pending = new LinkedHashMap<>();
    final Map<String, Integer> blockCount = new HashMap<>();
    final Map<String, LinkedHashMap<String, Set<Integer>>> blocking = new HashMap<>();

    Topo(Set<String> cached) {
      this.cached = cached;
    }

    void addNode(String start) {
      List<String> stack = new ArrayList<>();
      stack.add(start);
      List<String[]> links = new ArrayList<>();
      while (!stack.isEmpty()) {
        String id = stack.remove(stack.size() - 1);
        if (pending.containsKey(id) || !prompt.has(id)) {
          continue;
        }
        pending.put(id, true);
        blockCount.put(id, 0);
        blocking.put(id, new LinkedHashMap<>());
        NodeType type = typeOf(id);
        inputsOf(id).properties().forEach(e -> {
          JsonNode v = e.getValue();
          if (isLink(v)) {
            String from = v.get(0).textValue();
            NodeType.Input in = type == null ? null : type.inputs().get(e.getKey());
            boolean lazy = in != null && in.options() != null && in.options().path("lazy").asBoolean();
            if (!lazy && !cached.contains(from)) {
              stack.add(from);
              links.add(new String[] {from, String.valueOf(v.get(1).asInt()), id});
            }
          }
        });
      }
      for (String[] l : links) {
        String from = l[0];
        String to = l[2];
        if (!cached.contains(from) && blocking.containsKey(from)) {
          Map<String, Set<Integer>> b = blocking.get(from);
          if (!b.containsKey(to)) {
            b.put(to, new HashSet<>());
            blockCount.merge(to, 1, Integer::sum);
          }
          b.get(to).add(Integer.parseInt(l[1]));
        }
      }
    }

    void pop(String id) {
      pending.remove(id);
      for (String blocked : blocking.get(id).keySet()) {
        blockCount.merge(blocked, -1, Integer::sum);
      }
      blocking.remove(id);
    }

    boolean isOutput(String id) {
      NodeType t = typeOf(id);
      return t != null && t.isOutputNode();
    }

    String pick(List<String> available) {
      for (String id : available) {
        if (isOutput(id)) {
          return id;
        }
      }
      for (String id : available) {
        for (String b : blocking.get(id).keySet()) {
          if (isOutput(b)) {
            return id;
          }
        }
      }
      for (String id : available) {
        for (String b : blocking.get(id).keySet()) {
          Map<String, Set<Integer>> bb = blocking.get(b);
          if (bb != null) {
            for (String b1 : bb.keySet()) {
              if (isOutput(b1)) {
                return id;
              }
            }
          }
        }
      }
      return available.get(0);
    }
  }

  // ------------------------------------------------------------------ cache signatures

  /**
   * The cache key of every node of the prompt. {@code isChanged} gives a node's IS_CHANGED value
   * (null for nodes that do not define one).
   */
  Map<String, String> signatures(Function<String, String> isChanged) {
    Map<String, String> memo = new HashMap<>();
    Set<String> inProgress = new HashSet<>();
    Map<String, String> out = new LinkedHashMap<>();
    for (String id : iterable(prompt.fieldNames())) {
      out.put(id, signature(id, isChanged, memo, inProgress));
    }
    return out;
  }

  private String signature(String id, Function<String, String> isChanged, Map<String, String> memo,
      Set<String> inProgress) {
    String done = memo.get(id);
    if (done != null) {
      return done;
    }
    if (!prompt.has(id) || !prompt.get(id).isObject() || !inProgress.add(id)) {
      return "NaN:" + System.identityHashCode(new Object()) + ":" + id; // NaN never equals
    }
    StringBuilder b = new StringBuilder("[").append(Py.reprString(classOf(id))).append(", ")
        .append(isChanged.apply(id));
    TreeMap<String, JsonNode> sorted = new TreeMap<>();
    inputsOf(id).properties().forEach(e -> sorted.put(e.getKey(), e.getValue()));
    for (Map.Entry<String, JsonNode> e : sorted.entrySet()) {
      JsonNode v = e.getValue();
      b.append(", (").append(Py.reprString(e.getKey())).append(", ");
      if (isLink(v)) {
        b.append("ANCESTOR ").append(signature(v.get(0).textValue(), isChanged, memo, inProgress))
            .append(' ').append(v.get(1).asInt());
      } else {
        b.append(Py.dumps(v));
      }
      b.append(')');
    }
    inProgress.remove(id);
    String sig = b.append(']').toString();
    memo.put(id, sig);
    return sig;
  }

  // ------------------------------------------------------------------ samplers and images

  /** The progress maximum of a sampler node: its constant {@code steps}, else 20. */
  int samplerSteps(String id) {
    JsonNode s = inputsOf(id).get("steps");
    if (s != null && s.isNumber() && s.canConvertToInt() && s.asInt() > 0) {
      return s.asInt();
    }
    return 20;
  }

  /** The images arriving at {@code id}'s {@code images} input (or its first linked input). */
  Dims imagesInto(String id, Function<String, Dims> loadedImage) {
    JsonNode v = inputsOf(id).get("images");
    if (!isLink(v)) {
      v = firstLink(id, null);
    }
    return v == null ? new Dims(512, 512, 1) : dims(v.get(0).textValue(), loadedImage, 0);
  }

  private Dims dims(String id, Function<String, Dims> loadedImage, int depth) {
    if (depth > 200 || !prompt.has(id)) {
      return new Dims(512, 512, 1);
    }
    ObjectNode in = inputsOf(id);
    String cls = classOf(id);
    NodeType type = typeOf(id);
    if (type != null && type.inputs().values().stream()
        .anyMatch(i -> i.source() == NodeType.Source.INPUT_IMAGES)) {
      return loadedImage.apply(id);
    }
    Integer w = constInt(in.get("width"));
    Integer h = constInt(in.get("height"));
    JsonNode up = firstLink(id, List.of("LATENT", "IMAGE"));
    if (w != null && h != null && up == null) {
      Integer batch = constInt(in.get("batch_size"));
      boolean latent = type != null && type.outputs().contains("LATENT");
      int ww = latent ? w / 8 * 8 : w;
      int hh = latent ? h / 8 * 8 : h;
      return clamp(ww, hh, batch == null ? 1 : batch);
    }
    Dims from = up == null ? new Dims(512, 512, 1) : dims(up.get(0).textValue(), loadedImage, depth + 1);
    if (w != null && h != null) {
      int ww = w;
      int hh = h;
      if (ww == 0 && hh == 0) {
        return from;
      }
      if (ww == 0) {
        ww = (int) Math.round((double) from.width() * hh / from.height());
      } else if (hh == 0) {
        hh = (int) Math.round((double) from.height() * ww / from.width());
      }
      if ("LatentUpscale".equals(cls)) {
        ww = Math.max(64, ww) / 8 * 8;
        hh = Math.max(64, hh) / 8 * 8;
      }
      return clamp(ww, hh, from.batch());
    }
    return from;
  }

  private static Dims clamp(int w, int h, int batch) {
    int max = dev.backlot.media.Media.MAX_IMAGE_SIDE;
    return new Dims(Math.max(1, Math.min(max, w)), Math.max(1, Math.min(max, h)),
        Math.max(1, batch));
  }

  private JsonNode firstLink(String id, List<String> types) {
    NodeType type = typeOf(id);
    for (Map.Entry<String, JsonNode> e : inputsOf(id).properties()) {
      if (!isLink(e.getValue())) {
        continue;
      }
      if (types == null) {
        return e.getValue();
      }
      NodeType.Input in = type == null ? null : type.inputs().get(e.getKey());
      if (in != null && in.type().isTextual() && types.contains(in.type().textValue())) {
        return e.getValue();
      }
    }
    return null;
  }

  private static Integer constInt(JsonNode v) {
    return v != null && v.isNumber() && v.canConvertToInt() ? v.asInt() : null;
  }

  private static <T> Iterable<T> iterable(java.util.Iterator<T> it) {
    return () -> it;
  }
}
