package dev.backlot.comfyui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.wire.Json;
import dev.backlot.jobs.JobFailure;
import dev.backlot.media.Media;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The execution of one prompt, driven by its job's transitions and progress: the nodes it runs
 * or takes from the cache, its WebSocket messages in ComfyUI's order, its output images and the
 * history entry written when it ends. Created and driven by {@link Executor}.
 */
final class Run {
  private final Executor ex;
  final String jobId;
  final QueuedPrompt p;
  final String promptId;
  final boolean hasClient;
  final String sid;
  final Graph graph;
  final ArrayNode messages = Json.array();
  final List<String> executed = new ArrayList<>();
  final Map<String, ObjectNode> ui = new HashMap<>();
  final LinkedHashMap<String, ObjectNode> registry = new LinkedHashMap<>();
  Map<String, String> signatures;
  List<String> cachedIds = List.of();
  List<String> order = List.of();
  final List<String> samplers = new ArrayList<>();
  final List<Integer> cumulative = new ArrayList<>();
  int total;
  int pos;
  int samplerIndex = -1;
  int lastLocal;
  String current;
  volatile String lastNode;
  final Map<String, String> previewPrefix = new HashMap<>();

  Run(Executor ex, String jobId, QueuedPrompt p) {
    this.ex = ex;
    this.jobId = jobId;
    this.p = p;
    this.promptId = p.promptId();
    this.hasClient = p.hasClient();
    this.sid = p.clientId();
    this.graph = new Graph(p.prompt(), ex.catalogue);
  }

  void begin() {
    signatures = graph.signatures(this::isChanged);
    Set<String> cached = new HashSet<>();
    List<String> cachedInOrder = new ArrayList<>();
    synchronized (ex.cache) {
      if (ex.cacheEnabled) {
        ex.cache.keySet().retainAll(new HashSet<>(signatures.values()));
        for (Map.Entry<String, String> e : signatures.entrySet()) {
          if (ex.cache.containsKey(e.getValue())) {
            cached.add(e.getKey());
            cachedInOrder.add(e.getKey());
          }
        }
      } else {
        ex.cache.clear();
      }
    }
    cachedIds = cachedInOrder;
    order = graph.executionOrder(p.outputs(), cached);
    for (String id : order) {
      NodeType t = graph.typeOf(id);
      if (!cached.contains(id) && t != null && t.behaviour() == NodeType.Behaviour.SAMPLER) {
        samplers.add(id);
        total += graph.samplerSteps(id);
        cumulative.add(total);
      }
    }

    ObjectNode start = Json.object();
    start.put("prompt_id", promptId);
    addMessage("execution_start", start, false);
    ObjectNode c = Json.object();
    ArrayNode nodes = c.putArray("nodes");
    cachedIds.forEach(nodes::add);
    c.put("prompt_id", promptId);
    addMessage("execution_cached", c, false);

    String doomed = doomedNode(cached);
    if (doomed != null) {
      // ComfyUI fails when it reaches this node; the fake fails the job now and plays the
      // nodes before it when the failure is delivered.
      ex.jobs.fail(jobId, doomedMessage(doomed), Map.of("node_id", doomed));
      return;
    }

    String hold = samplers.isEmpty() ? lastUncached(cached) : samplers.get(0);
    if (hold == null) {
      return;
    }
    runUntil(hold, cached);
    start(hold);
    pos++;
    current = hold;
    samplerIndex = samplers.isEmpty() ? -1 : 0;
  }

  private String lastUncached(Set<String> cached) {
    for (int i = order.size() - 1; i >= 0; i--) {
      if (!cached.contains(order.get(i))) {
        return order.get(i);
      }
    }
    return null;
  }

  /** Executes nodes from {@code pos} up to (not including) {@code target}. */
  private void runUntil(String target, Set<String> cached) {
    while (pos < order.size() && !order.get(pos).equals(target)) {
      executeNow(order.get(pos), cached != null && cached.contains(order.get(pos)));
      pos++;
    }
  }

  private boolean isCachedNode(String id) {
    return cachedIds.contains(id);
  }

  void tick(int k, int steps) {
    if (samplers.isEmpty() || total == 0 || steps == 0 || samplerIndex < 0) {
      return;
    }
    int g = (int) Math.min(total, (long) Math.ceil((double) k * total / steps));
    int i = 0;
    while (i < cumulative.size() - 1 && g > cumulative.get(i)) {
      i++;
    }
    while (samplerIndex < i) {
      finish(current);
      current = null;
      String next = samplers.get(samplerIndex + 1);
      while (pos < order.size() && !order.get(pos).equals(next)) {
        executeNow(order.get(pos), isCachedNode(order.get(pos)));
        pos++;
      }
      start(next);
      pos++;
      current = next;
      samplerIndex++;
      lastLocal = 0;
    }
    int before = i == 0 ? 0 : cumulative.get(i - 1);
    int local = g - before;
    int max = cumulative.get(i) - before;
    if (local <= lastLocal) {
      return;
    }
    lastLocal = local;
    progress(current, local, max);
    if (ex.previews) {
      Graph.Dims d = graph.imagesInto(current, this::loadedImage);
      int w = Math.max(8, d.width() / 8);
      int h = Math.max(8, d.height() / 8);
      byte[] png = Media.png(w, h, Media.seedOf("preview", signatures.get(current), local));
      sendImage(current, png);
    }
  }

  void succeed() {
    if (current != null) {
      finish(current);
      current = null;
    }
    while (pos < order.size()) {
      executeNow(order.get(pos), isCachedNode(order.get(pos)));
      pos++;
    }
    ObjectNode d = Json.object();
    d.put("prompt_id", promptId);
    addMessage("execution_success", d, false);
  }

  void fail(JobFailure failure) {
    Map<?, ?> details = failure.details() instanceof Map<?, ?> m ? m : Map.of();
    String node = target(details.get("node_id"));
    ObjectNode d = Json.object();
    d.put("prompt_id", promptId);
    d.put("node_id", node);
    d.put("node_type", node == null ? null : graph.classOf(node));
    ArrayNode ex = d.putArray("executed");
    executed.forEach(ex::add);
    String type = details.get("exception_type") instanceof String s ? s : "Exception";
    d.put("exception_message", failure.message() + "\n");
    d.put("exception_type", type);
    ArrayNode tb = d.putArray("traceback");
    if (details.get("traceback") instanceof List<?> l) {
      l.forEach(x -> tb.add(String.valueOf(x)));
    } else {
      tb.add("  File \"/ComfyUI/execution.py\", line 496, in execute\n"
          + "    output_data, output_ui, has_subgraph, has_pending_tasks = await get_output_data("
          + "prompt_id, unique_id, obj, input_data_all, execution_block_cb=execution_block_cb, "
          + "pre_execute_cb=pre_execute_cb, hidden_inputs=hidden_inputs)\n");
    }
    d.set("current_inputs", currentInputs(node));
    ArrayNode co = d.putArray("current_outputs");
    cachedIds.forEach(co::add);
    addMessage("execution_error", d, false);
  }

  void interrupted() {
    String node = target(null);
    ObjectNode d = Json.object();
    d.put("prompt_id", promptId);
    d.put("node_id", node);
    d.put("node_type", node == null ? null : graph.classOf(node));
    ArrayNode ex = d.putArray("executed");
    executed.forEach(ex::add);
    addMessage("execution_interrupted", d, true);
  }

  /**
   * The node a failure or interrupt happens at: the requested one if it has not run yet
   * (playing the nodes before it), else the node executing now, else the next one.
   */
  private String target(Object requested) {
    if (requested instanceof String want && (want.equals(current)
        || order.subList(pos, order.size()).contains(want))) {
      if (!want.equals(current)) {
        if (current != null) {
          finish(current);
          current = null;
        }
        runUntil(want, new HashSet<>(cachedIds));
        start(want);
        pos++;
        current = want;
      }
      return want;
    }
    if (current != null) {
      return current;
    }
    while (pos < order.size()) {
      String next = order.get(pos++);
      if (isCachedNode(next)) {
        executeNow(next, true);
        continue;
      }
      start(next);
      current = next;
      return next;
    }
    return order.isEmpty() ? (p.outputs().isEmpty() ? null : p.outputs().get(0))
        : order.get(order.size() - 1);
  }

  private ObjectNode currentInputs(String node) {
    ObjectNode out = Json.object();
    if (node == null) {
      return out;
    }
    NodeType t = graph.typeOf(node);
    ObjectNode inputs = graph.inputsOf(node);
    Iterator<Map.Entry<String, JsonNode>> it = inputs.properties().iterator();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      ArrayNode vals = out.putArray(e.getKey());
      JsonNode v = e.getValue();
      if (Graph.isLink(v)) {
        NodeType.Input in = t == null ? null : t.inputs().get(e.getKey());
        String type = in != null && in.type().isTextual() ? in.type().textValue() : "object";
        vals.add("<" + type + " object>");
      } else if (v.isValueNode() || v.isNull()) {
        vals.add(v.deepCopy());
      } else {
        vals.add(Py.str(v));
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- nodes

  private void executeNow(String id, boolean cached) {
    if (cached) {
      ObjectNode entry;
      synchronized (ex.cache) {
        entry = ex.cache.get(signatures.get(id));
      }
      JsonNode out = entry == null ? null : entry.get("output");
      if (out != null) {
        ui.put(id, (ObjectNode) out.deepCopy());
      }
      if (hasClient) {
        ObjectNode d = Json.object();
        d.put("node", id);
        d.put("display_node", id);
        d.set("output", out == null ? null : out.deepCopy());
        d.put("prompt_id", promptId);
        send("executed", d);
      }
      ObjectNode st = entryOf(id);
      st.put("state", "finished");
      st.set("value", st.get("max"));
      sendProgressState();
      return;
    }
    start(id);
    finish(id);
  }

  private void start(String id) {
    ObjectNode st = entryOf(id);
    st.put("state", "running");
    st.put("value", 0.0);
    st.put("max", 1.0);
    sendProgressState();
    if (hasClient) {
      lastNode = id;
      ObjectNode d = Json.object();
      d.put("node", id);
      d.put("display_node", id);
      d.put("prompt_id", promptId);
      send("executing", d);
    }
  }

  private void finish(String id) {
    NodeType t = graph.typeOf(id);
    ObjectNode output = null;
    if (t != null && t.behaviour() == NodeType.Behaviour.SAVE_IMAGES) {
      output = saveImages(id, t);
    } else if (t != null && t.behaviour() == NodeType.Behaviour.WEBSOCKET_IMAGES) {
      Graph.Dims d = graph.imagesInto(id, this::loadedImage);
      for (int b = 0; b < d.batch(); b++) {
        progress(id, b, d.batch());
        sendImage(id, Media.png(d.width(), d.height(), imageSeed(id, b)));
      }
    }
    if (output != null) {
      ui.put(id, output);
      if (hasClient) {
        ObjectNode d = Json.object();
        d.put("node", id);
        d.put("display_node", id);
        d.set("output", output.deepCopy());
        d.put("prompt_id", promptId);
        send("executed", d);
      }
    }
    ObjectNode st = entryOf(id);
    st.put("state", "finished");
    st.set("value", st.get("max"));
    sendProgressState();
    executed.add(id);
    if (ex.cacheEnabled) {
      ObjectNode entry = Json.object();
      if (output != null) {
        entry.set("output", output);
      }
      synchronized (ex.cache) {
        ex.cache.put(signatures.get(id), entry);
      }
    }
  }

  private void progress(String id, int value, int max) {
    ObjectNode st = entryOf(id);
    st.put("state", "running");
    st.put("value", value);
    st.put("max", max);
    sendProgressState();
    ObjectNode d = Json.object();
    d.put("value", value);
    d.put("max", max);
    d.put("prompt_id", promptId);
    d.put("node", id);
    sendOrBroadcast("progress", d);
  }

  /** A registry entry, created pending as ComfyUI's {@code ensure_entry}. */
  private ObjectNode entryOf(String id) {
    return registry.computeIfAbsent(id, x -> {
      ObjectNode n = Json.object();
      n.put("value", 0);
      n.put("max", 1);
      n.put("state", "pending");
      return n;
    });
  }

  private void sendProgressState() {
    ObjectNode d = Json.object();
    d.put("prompt_id", promptId);
    ObjectNode nodes = d.putObject("nodes");
    for (Map.Entry<String, ObjectNode> e : registry.entrySet()) {
      ObjectNode st = e.getValue();
      if ("pending".equals(st.path("state").asText())) {
        continue;
      }
      ObjectNode n = nodes.putObject(e.getKey());
      n.set("value", st.get("value"));
      n.set("max", st.get("max"));
      n.set("state", st.get("state"));
      n.put("node_id", e.getKey());
      n.put("prompt_id", promptId);
      n.put("display_node_id", e.getKey());
      n.putNull("parent_node_id");
      n.put("real_node_id", e.getKey());
    }
    sendOrBroadcast("progress_state", d);
  }

  private void sendImage(String node, byte[] png) {
    if (hasClient && sid != null && ex.sockets.previewMetadata(sid)) {
      ObjectNode meta = Json.object();
      meta.put("node_id", node);
      meta.put("prompt_id", promptId);
      meta.put("display_node_id", node);
      meta.putNull("parent_node_id");
      meta.put("real_node_id", node);
      meta.put("image_type", "image/png");
      byte[] json = Py.dumps(meta).getBytes(StandardCharsets.UTF_8);
      ByteBuffer b = ByteBuffer.allocate(8 + json.length + png.length);
      b.putInt(4).putInt(json.length).put(json).put(png);
      ex.sockets.sendBinary(sid, b.array());
      return;
    }
    ByteBuffer b = ByteBuffer.allocate(8 + png.length);
    b.putInt(1).putInt(2).put(png);
    if (!hasClient) {
      ex.sockets.sendBinary(null, b.array());
    } else if (sid != null) {
      ex.sockets.sendBinary(sid, b.array());
    }
  }

  // ---------------------------------------------------------------- images

  private ObjectNode saveImages(String id, NodeType t) {
    Graph.Dims d = graph.imagesInto(id, this::loadedImage);
    String type = t.imageType();
    String prefix = filenamePrefix(id, t, d);
    String norm = FileStore.normpath(prefix);
    int slash = norm.lastIndexOf('/');
    String subfolder = slash < 0 ? "" : norm.substring(0, slash);
    String filename = FileStore.basename(norm);
    String base = FileStore.base(type);
    String dir = FileStore.inside(type, FileStore.join(base, subfolder));
    if (dir == null) {
      return null; // cannot happen: doomedNode() failed the job before
    }
    int counter = ex.files.maxCounter(type, dir, filename) + 1;
    ObjectNode out = Json.object();
    ArrayNode images = out.putArray("images");
    Map<String, String> text = pngText();
    for (int b = 0; b < d.batch(); b++) {
      String name = filename.replace("%batch_num%", String.valueOf(b))
          + "_" + String.format("%05d", counter) + "_.png";
      long seed = imageSeed(id, b);
      int w = d.width();
      int h = d.height();
      ex.files.put(type, dir.isEmpty() ? name : dir + "/" + name,
          new FileStore.StoredFile(() -> Media.png(w, h, seed, text)));
      ObjectNode img = images.addObject();
      img.put("filename", name);
      img.put("subfolder", subfolder);
      img.put("type", type);
      counter++;
    }
    return out;
  }

  private String filenamePrefix(String id, NodeType t, Graph.Dims d) {
    JsonNode v = graph.inputsOf(id).get("filename_prefix");
    String prefix = v != null && v.isTextual() ? v.textValue() : "ComfyUI";
    if ("temp".equals(t.imageType())) {
      prefix += previewPrefix.computeIfAbsent(id, x -> {
        StringBuilder b = new StringBuilder("_temp_");
        synchronized (ex) {
          for (int i = 0; i < 5; i++) {
            b.append(Executor.PREVIEW_LETTERS.charAt((int) ex.ids.nextLong(Executor.PREVIEW_LETTERS.length())));
          }
        }
        return b.toString();
      });
    }
    if (prefix.contains("%")) {
      ZonedDateTime now = ZonedDateTime.ofInstant(ex.clock.instant(), ZoneId.systemDefault());
      prefix = prefix.replace("%width%", String.valueOf(d.width()))
          .replace("%height%", String.valueOf(d.height()))
          .replace("%year%", String.valueOf(now.getYear()))
          .replace("%month%", Executor.two(now.getMonthValue()))
          .replace("%day%", Executor.two(now.getDayOfMonth()))
          .replace("%hour%", Executor.two(now.getHour()))
          .replace("%minute%", Executor.two(now.getMinute()))
          .replace("%second%", Executor.two(now.getSecond()));
    }
    return prefix;
  }

  /** A SaveImage-like node whose prefix leaves the output folder, if one will run. */
  private String doomedNode(Set<String> cached) {
    for (String id : order) {
      NodeType t = graph.typeOf(id);
      if (cached.contains(id) || t == null || t.behaviour() != NodeType.Behaviour.SAVE_IMAGES) {
        continue;
      }
      String norm = FileStore.normpath(filenamePrefix(id, t, new Graph.Dims(0, 0, 1)));
      int slash = norm.lastIndexOf('/');
      String subfolder = slash < 0 ? "" : norm.substring(0, slash);
      if (FileStore.inside(t.imageType(), FileStore.join(FileStore.base(t.imageType()), subfolder))
          == null) {
        return id;
      }
    }
    return null;
  }

  private String doomedMessage(String id) {
    NodeType t = graph.typeOf(id);
    String norm = FileStore.normpath(filenamePrefix(id, t, new Graph.Dims(0, 0, 1)));
    int slash = norm.lastIndexOf('/');
    String base = FileStore.base(t.imageType());
    String full = FileStore.normpath(FileStore.join(base, slash < 0 ? "" : norm.substring(0, slash)));
    String common = Executor.commonPath(base, full);
    return "**** ERROR: Saving image outside the output folder is not allowed."
        + "\n full_output_folder: " + full
        + "\n         output_dir: " + base
        + "\n         commonpath: " + common;
  }

  private long imageSeed(String id, int batch) {
    JsonNode v = graph.inputsOf(id).get("images");
    String upstream = Graph.isLink(v) ? signatures.get(v.get(0).textValue()) + "#" + v.get(1).asInt()
        : signatures.get(id);
    return Media.seedOf("comfyui", upstream, batch);
  }

  private Map<String, String> pngText() {
    Map<String, String> text = new LinkedHashMap<>();
    text.put("prompt", Py.dumps(p.prompt()));
    JsonNode extra = p.extraData().get("extra_pnginfo");
    if (extra != null && extra.isObject()) {
      extra.properties().forEach(e -> {
        String k = e.getKey();
        if (!k.isEmpty() && k.length() < 80 && k.chars().allMatch(c -> c > 0 && c < 256)) {
          text.put(k, Py.dumps(e.getValue()));
        }
      });
    }
    return text;
  }

  /** The size of an image a LoadImage-like node reads (PNG header), else 512x512. */
  private Graph.Dims loadedImage(String id) {
    NodeType t = graph.typeOf(id);
    for (NodeType.Input in : t.inputs().values()) {
      if (in.source() == NodeType.Source.INPUT_IMAGES) {
        JsonNode v = graph.inputsOf(id).get(in.name());
        String name = v == null ? "" : Py.str(v);
        byte[] bytes = FileRoutes.readAnnotated(ex.files, name);
        if (bytes != null && bytes.length >= 24 && bytes[12] == 'I' && bytes[13] == 'H') {
          ByteBuffer bb = ByteBuffer.wrap(bytes);
          return new Graph.Dims(Math.max(1, Math.min(Media.MAX_IMAGE_SIDE, bb.getInt(16))),
              Math.max(1, Math.min(Media.MAX_IMAGE_SIDE, bb.getInt(20))), 1);
        }
      }
    }
    return new Graph.Dims(512, 512, 1);
  }

  private String isChanged(String id) {
    NodeType t = graph.typeOf(id);
    if (t == null) {
      return "None";
    }
    if (t.alwaysRuns()) {
      return "changed-" + ex.nanCounter.incrementAndGet();
    }
    for (NodeType.Input in : t.inputs().values()) {
      if (in.source() == NodeType.Source.INPUT_IMAGES) {
        JsonNode v = graph.inputsOf(id).get(in.name());
        byte[] bytes = FileRoutes.readAnnotated(ex.files, v == null ? "" : Py.str(v));
        return bytes == null ? "missing" : FileStore.sha256(bytes);
      }
    }
    return "None";
  }

  // ---------------------------------------------------------------- messages and ex.history

  /** {@code PromptExecutor.add_message}: stamped, kept for ex.history, sent to the client. */
  private void addMessage(String event, ObjectNode data, boolean broadcast) {
    data.put("timestamp", ex.clock.millis());
    ArrayNode m = messages.addArray();
    m.add(event);
    m.add(data);
    if (hasClient || broadcast) {
      sendOrBroadcast(event, data);
    }
  }

  /** Sent only when the prompt has a client ({@code if server.client_id is not None}). */
  void send(String type, ObjectNode data) {
    if (hasClient && sid != null) {
      ex.sockets.send(sid, type, data);
    }
  }

  /** Sent with {@code sid = client_id}: to the client, or to everyone when there is none. */
  private void sendOrBroadcast(String type, ObjectNode data) {
    if (!hasClient) {
      ex.sockets.send(null, type, data);
    } else if (sid != null) {
      ex.sockets.send(sid, type, data);
    }
  }

  void writeHistory(boolean success) {
    ObjectNode entry = Json.object();
    ArrayNode item = p.toQueueItem();
    ObjectNode extra = (ObjectNode) item.get(3);
    Executor.SENSITIVE.forEach(extra::remove);
    entry.set("prompt", item);
    ObjectNode outputs = entry.putObject("outputs");
    ObjectNode status = entry.putObject("status");
    status.put("status_str", success ? "success" : "error");
    status.put("completed", success);
    status.set("messages", messages);
    ObjectNode meta = entry.putObject("meta");
    p.prompt().fieldNames().forEachRemaining(id -> {
      ObjectNode o = ui.get(id);
      if (o != null) {
        outputs.set(id, o);
        ObjectNode m = meta.putObject(id);
        m.put("node_id", id);
        m.put("display_node", id);
        m.putNull("parent_node");
        m.put("real_node_id", id);
      }
    });
    synchronized (ex.history) {
      if (ex.history.size() > Executor.MAX_HISTORY && !ex.history.containsKey(promptId)) {
        Iterator<String> it = ex.history.keySet().iterator();
        it.next();
        it.remove();
      }
      ex.history.put(promptId, entry);
    }
  }
}
