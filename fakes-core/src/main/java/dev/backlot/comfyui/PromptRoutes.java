package dev.backlot.comfyui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.backlot.wire.HttpError;
import dev.backlot.wire.Json;
import dev.backlot.wire.Request;
import dev.backlot.wire.Response;
import dev.backlot.jobs.Job;
import dev.backlot.jobs.JobEngine;
import dev.backlot.jobs.JobState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * ComfyUI's prompt routes: {@code POST /prompt} (validation, numbering, the job per prompt),
 * {@code /queue}, {@code /interrupt}, {@code /free} and {@code /history}, as {@code server.py}
 * answers them.
 */
final class PromptRoutes {

  private final ComfyUiFake fake;
  private final Map<String, NodeType> catalogue;
  private final Map<String, List<String>> models;
  private final FileStore files;
  private final Executor executor;
  private final JobEngine jobs;
  private final AtomicLong number = new AtomicLong();
  private final Object enqueueLock = new Object();

  PromptRoutes(ComfyUiFake fake, Map<String, NodeType> catalogue, Map<String, List<String>> models,
      FileStore files, Executor executor, JobEngine jobs) {
    this.fake = fake;
    this.catalogue = catalogue;
    this.models = models;
    this.files = files;
    this.executor = executor;
    this.jobs = jobs;
  }

  /** Prompt numbers start again at 0 (with the fake's reset). */
  void reset() {
    number.set(0);
  }


  Response postPrompt(Request req) {
    JsonNode body = Replies.body(req);
    JsonNode number;
    if (body.isObject() && body.has("number")) {
      number = Py.toFloat(body.get("number"));
    } else {
      long n = this.number.getAndIncrement();
      boolean front = body.isObject() && Py.truthy(body.get("front"));
      number = LongNode.valueOf(front ? -n : n);
    }
    if (!body.isObject() || !body.has("prompt")) {
      ObjectNode error = Validator.error("no_prompt", "No prompt provided", "No prompt provided");
      ObjectNode out = Json.object();
      out.set("error", error);
      out.putObject("node_errors");
      return Replies.json(400, out);
    }
    JsonNode prompt = body.get("prompt").deepCopy();
    String promptId = body.has("prompt_id") ? Py.str(body.get("prompt_id"))
        : fake.ids().uuid();
    JsonNode partial = body.get("partial_execution_targets");
    Validator.Result valid = Validator.validate(catalogue, validationContext(), prompt, partial);

    JsonNode extraNode = body.has("extra_data") ? body.get("extra_data").deepCopy() : Json.object();
    if (!extraNode.isObject()) {
      throw new Validator.ServerError("extra_data is a " + Py.typeName(extraNode));
    }
    ObjectNode extra = (ObjectNode) extraNode;
    if (body.has("client_id")) {
      extra.set("client_id", body.get("client_id").deepCopy());
    }
    if (!valid.ok()) {
      ObjectNode out = Json.object();
      out.set("error", valid.error());
      out.set("node_errors", valid.nodeErrors());
      return Replies.json(400, out);
    }
    ObjectNode graphPrompt = (ObjectNode) prompt;
    Graph g = new Graph(graphPrompt, catalogue);
    int steps = 0;
    for (String id : g.executionOrder(valid.goodOutputs(), Collections.emptySet())) {
      NodeType t = g.typeOf(id);
      if (t != null && t.behaviour() == NodeType.Behaviour.SAMPLER) {
        steps += g.samplerSteps(id);
      }
    }
    QueuedPrompt p = new QueuedPrompt(number, promptId, graphPrompt, extra, valid.goodOutputs(),
        steps);
    synchronized (enqueueLock) {
      String jobId = promptId;
      for (int i = 2; jobs.job(jobId).isPresent(); i++) {
        jobId = promptId + "#" + i;
      }
      executor.accepted(jobId, p);
      try {
        jobs.submit(jobId, p);
      } catch (RuntimeException e) {
        executor.forget(jobId);
        throw e;
      }
    }
    ObjectNode out = Json.object();
    out.put("prompt_id", promptId);
    out.set("number", number);
    out.set("node_errors", valid.nodeErrors());
    return Replies.json(200, out);
  }

  private Validator.Context validationContext() {
    return new Validator.Context() {
      @Override
      public List<String> choices(NodeType.Input input) {
        return PromptRoutes.this.choices(input);
      }

      @Override
      public boolean inputImageExists(String name) {
        return FileRoutes.existsAnnotated(files, name);
      }
    };
  }

  /** The choices of a list input that ComfyUI fills from disk (images, models). */
  List<String> choices(NodeType.Input in) {
    if (in.source() == NodeType.Source.INPUT_IMAGES) {
      return files.inputImages();
    }
    if (in.source() == NodeType.Source.MODELS) {
      List<String> list = new ArrayList<>(models.getOrDefault(in.folder(), List.of()));
      if ("vae".equals(in.folder())) {
        list.add("pixel_space"); // VAELoader.vae_list()
      }
      return list;
    }
    return List.of();
  }

  // ---- queue, interrupt, history, free

  Response getQueue(Request req) {
    List<List<QueuedPrompt>> q = executor.queue();
    ObjectNode out = Json.object();
    ArrayNode running = out.putArray("queue_running");
    q.get(0).forEach(p -> running.add(p.toQueueItem()));
    ArrayNode pending = out.putArray("queue_pending");
    q.get(1).forEach(p -> pending.add(p.toQueueItem()));
    return Replies.json(200, out);
  }

  Response postQueue(Request req) {
    JsonNode body = Replies.body(req);
    if (body.isObject()) {
      if (body.has("clear") && Py.truthy(body.get("clear"))) {
        jobs.clearQueue();
      }
      if (body.has("delete")) {
        for (String id : idList(body.get("delete"))) {
          deletePending(id);
        }
      }
    }
    return Response.status(200);
  }

  /** {@code delete_queue_item}: the first waiting prompt with this id, in queue order. */
  private void deletePending(String promptId) {
    for (QueuedPrompt p : executor.queue().get(1)) {
      if (p.promptId().equals(promptId)) {
        for (Job j : jobs.queue()) {
          if (j.input() == p && jobs.cancel(j.id())) {
            return;
          }
        }
        for (Job j : jobs.jobs(JobState.THROTTLED)) {
          if (j.input() == p && jobs.cancel(j.id())) {
            return;
          }
        }
      }
    }
  }

  private static List<String> idList(JsonNode v) {
    List<String> out = new ArrayList<>();
    if (v.isArray()) {
      v.forEach(x -> out.add(Py.str(x)));
    } else if (v.isObject()) {
      v.fieldNames().forEachRemaining(out::add);
    } else if (!v.isTextual()) {
      throw new Validator.ServerError("'" + Py.typeName(v) + "' object is not iterable");
    }
    return out;
  }

  Response interrupt(Request req) {
    JsonNode body;
    try {
      body = Json.parse(req.body());
    } catch (HttpError e) {
      body = Json.object(); // invalid or missing JSON: a global interrupt
    }
    if (!body.isObject()) {
      throw new Validator.ServerError("'" + Py.typeName(body) + "' object has no attribute 'get'");
    }
    JsonNode id = body.get("prompt_id");
    if (id != null && Py.truthy(id)) {
      String want = Py.str(id);
      for (QueuedPrompt p : executor.queue().get(0)) {
        if (p.promptId().equals(want)) {
          // ComfyUI raises its global interrupt flag; with one worker that is this prompt.
          for (Job j : jobs.running()) {
            if (j.input() == p) {
              jobs.interrupt(j.id());
            }
          }
        }
      }
    } else {
      jobs.interruptRunning();
    }
    return Response.status(200);
  }

  Response free(Request req) {
    JsonNode body = Replies.body(req);
    if (body.isObject() && Py.truthy(body.get("free_memory"))) {
      executor.clearCache();
    }
    return Response.status(200);
  }

  Response getHistory(Request req) {
    Integer max = null;
    if (req.hasQuery("max_items")) {
      max = Py.toInt(TextNode.valueOf(req.query("max_items"))).intValue();
    }
    int offset = -1;
    if (req.hasQuery("offset")) {
      offset = Py.toInt(TextNode.valueOf(req.query("offset"))).intValue();
    }
    return Replies.json(200, executor.history(max, offset));
  }

  Response postHistory(Request req) {
    JsonNode body = Replies.body(req);
    if (body.isObject()) {
      if (body.has("clear") && Py.truthy(body.get("clear"))) {
        executor.clearHistory();
      }
      if (body.has("delete")) {
        idList(body.get("delete")).forEach(executor::deleteHistory);
      }
    }
    return Response.status(200);
  }
}
