package dev.backlot.comfyui;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.engine.Ids;
import dev.backlot.time.Clock;
import dev.backlot.wire.Json;
import dev.backlot.jobs.Job;
import dev.backlot.jobs.JobEngine;
import dev.backlot.jobs.JobFailure;
import dev.backlot.jobs.JobListener;
import dev.backlot.jobs.JobState;
import dev.backlot.jobs.Progress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns the job engine's events into ComfyUI's execution: the WebSocket messages in the real
 * server's order, output files, the node cache and the history. One {@link Run} per executing
 * prompt. Every method except the read-only views is called by the job engine's listener
 * delivery, one event at a time, so runs need no locking of their own.
 */
final class Executor implements JobListener {

  static final int MAX_HISTORY = 10000;
  static final List<String> SENSITIVE = List.of("auth_token_comfy_org", "api_key_comfy_org");
  static final String PREVIEW_LETTERS = "abcdefghijklmnopqrstupvxyz";

  final Map<String, NodeType> catalogue;
  final Sockets sockets;
  final FileStore files;
  final Clock clock;
  final boolean cacheEnabled;
  volatile boolean previews;
  JobEngine jobs;

  // Listener state (serial). Events are handled under this lock so that a reset cannot land in
  // the middle of one; events of jobs the engine has forgotten (reset) are ignored.
  private final Object events = new Object();
  private final Map<String, Run> runs = new ConcurrentHashMap<>();
  private int remaining;
  // the fake's seeded ids: PreviewImage's random "_temp_xxxxx" prefixes come from it
  final Ids ids;
  final AtomicLong nanCounter = new AtomicLong();

  // Shared with request handlers.
  private final Map<String, QueuedPrompt> inFlight = new ConcurrentHashMap<>();
  final LinkedHashMap<String, ObjectNode> history = new LinkedHashMap<>();
  final Map<String, ObjectNode> cache = new HashMap<>(); // signature -> {ui, meta} or {}

  Executor(Map<String, NodeType> catalogue, Sockets sockets, FileStore files, Clock clock,
      Ids ids, boolean cacheEnabled, boolean previews) {
    this.catalogue = catalogue;
    this.ids = ids;
    this.sockets = sockets;
    this.files = files;
    this.clock = clock;
    this.cacheEnabled = cacheEnabled;
    this.previews = previews;
  }

  void attach(JobEngine engine) {
    this.jobs = engine;
  }

  void previews(boolean on) {
    this.previews = on;
  }

  /** Forgets everything but the configuration (after the engine was reset). */
  void reset() {
    synchronized (events) { // waits for an event being delivered right now
      resetLocked();
    }
  }

  private void resetLocked() {
    runs.clear();
    inFlight.clear();
    synchronized (history) {
      history.clear();
    }
    synchronized (cache) {
      cache.clear();
    }
    synchronized (this) {
      remaining = 0;
    }
  }

  // ------------------------------------------------------------------ views for the routes

  void accepted(String jobId, QueuedPrompt p) {
    inFlight.put(jobId, p);
  }

  void forget(String jobId) {
    inFlight.remove(jobId);
  }

  /** {@code [queue_running, queue_pending]} as queue items, from the engine's current states. */
  List<List<QueuedPrompt>> queue() {
    List<QueuedPrompt> pending = new ArrayList<>();
    for (Job j : jobs.queue()) {
      QueuedPrompt p = inFlight.get(j.id());
      if (p != null) {
        pending.add(p);
      }
    }
    for (Job j : jobs.jobs(JobState.THROTTLED)) {
      QueuedPrompt p = inFlight.get(j.id());
      if (p != null) {
        pending.add(p);
      }
    }
    List<Map.Entry<java.time.Instant, QueuedPrompt>> running = new ArrayList<>();
    for (Map.Entry<String, QueuedPrompt> e : inFlight.entrySet()) {
      Job j = jobs.job(e.getKey()).orElse(null);
      if (j == null || j.state().isWaiting()) {
        continue;
      }
      // Running, or finished but not yet in history (ComfyUI moves it in one step).
      j.enteredAt(JobState.RUNNING).ifPresent(at -> running.add(Map.entry(at, e.getValue())));
    }
    running.sort(Map.Entry.comparingByKey());
    List<QueuedPrompt> r = new ArrayList<>();
    running.forEach(e -> r.add(e.getValue()));
    return List.of(r, pending);
  }

  int queueRemaining() {
    List<List<QueuedPrompt>> q = queue();
    return q.get(0).size() + q.get(1).size();
  }

  ObjectNode history(String promptId) {
    synchronized (history) {
      ObjectNode out = Json.object();
      ObjectNode e = history.get(promptId);
      if (e != null) {
        out.set(promptId, e.deepCopy());
      }
      return out;
    }
  }

  /** {@code get_history(max_items, offset)}: insertion order, a window of it. */
  ObjectNode history(Integer maxItems, int offset) {
    synchronized (history) {
      ObjectNode out = Json.object();
      int off = offset;
      if (off < 0 && maxItems != null) {
        off = history.size() - maxItems;
      }
      int i = 0;
      for (Map.Entry<String, ObjectNode> e : history.entrySet()) {
        if (i >= off) {
          out.set(e.getKey(), e.getValue().deepCopy());
          if (maxItems != null && out.size() >= maxItems) {
            break;
          }
        }
        i++;
      }
      return out;
    }
  }

  void clearHistory() {
    synchronized (history) {
      history.clear();
    }
  }

  void deleteHistory(String promptId) {
    synchronized (history) {
      history.remove(promptId);
    }
  }

  int historySize() {
    synchronized (history) {
      return history.size();
    }
  }

  void clearCache() {
    synchronized (cache) {
      cache.clear();
    }
  }

  /** A new socket: if its client's prompt is executing, ComfyUI re-sends the current node. */
  void connected(String sid) {
    for (Run r : runs.values()) {
      String last = r.lastNode;
      if (sid.equals(r.sid) && last != null) {
        ObjectNode d = Json.object();
        d.put("node", last);
        sockets.send(sid, "executing", d);
        return;
      }
    }
  }

  // ------------------------------------------------------------------ job events (serial)

  /** Whether {@code job} is still the engine's (not a leftover of a reset). */
  private boolean current(Job job) {
    return jobs.job(job.id()).map(j -> j.input() == job.input()).orElse(false);
  }

  @Override
  public void onSubmit(Job job) {
    synchronized (events) {
      if (!current(job)) {
        return;
      }
      synchronized (this) {
        remaining++;
      }
      broadcastStatus();
    }
  }

  @Override
  public void onTransition(Job job, JobState from, JobState to) {
    synchronized (events) {
      if (job.input() instanceof QueuedPrompt p && current(job)) {
        transition(job, p, to);
      }
    }
  }

  private void transition(Job job, QueuedPrompt p, JobState to) {
    if (to == JobState.RUNNING) {
      broadcastStatus(); // dequeued: the count is unchanged, as ComfyUI's get() reports it
      Run r = new Run(this, job.id(), p);
      runs.put(job.id(), r);
      r.begin();
      return;
    }
    if (!to.isTerminal()) {
      return;
    }
    Run r = runs.remove(job.id());
    if (r == null) { // deleted or cleared while waiting: it leaves the queue, no history
      inFlight.remove(job.id());
      synchronized (this) {
        remaining--;
      }
      broadcastStatus();
      return;
    }
    switch (to) {
      case SUCCEEDED -> r.succeed();
      case FAILED -> r.fail(job.failure().orElse(JobFailure.of("Exception")));
      default -> r.interrupted();
    }
    r.lastNode = null;
    r.writeHistory(to == JobState.SUCCEEDED);
    inFlight.remove(job.id());
    synchronized (this) {
      remaining--;
    }
    broadcastStatus();
    if (r.hasClient) {
      ObjectNode d = Json.object();
      d.putNull("node");
      d.put("prompt_id", p.promptId());
      r.send("executing", d);
    }
  }

  @Override
  public void onProgress(Job job, Progress progress) {
    synchronized (events) {
      Run r = runs.get(job.id());
      if (r != null && r.p == job.input()) {
        r.tick(progress.value(), progress.max());
      }
    }
  }

  private void broadcastStatus() {
    int n;
    synchronized (this) {
      n = Math.max(0, remaining);
    }
    ObjectNode d = Json.object();
    d.set("status", statusInfo(n));
    sockets.send(null, "status", d);
  }

  static ObjectNode statusInfo(int queueRemaining) {
    ObjectNode s = Json.object();
    s.putObject("exec_info").put("queue_remaining", queueRemaining);
    return s;
  }

  // ------------------------------------------------------------------ one execution


  static String two(int n) {
    return n < 10 ? "0" + n : String.valueOf(n);
  }

  static String commonPath(String a, String b) {
    String[] x = a.split("/");
    String[] y = b.split("/");
    StringBuilder out = new StringBuilder();
    for (int i = 1; i < Math.min(x.length, y.length); i++) {
      if (!x[i].equals(y[i])) {
        break;
      }
      out.append('/').append(x[i]);
    }
    return out.length() == 0 ? "/" : out.toString();
  }
}
