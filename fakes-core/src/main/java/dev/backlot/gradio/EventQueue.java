package dev.backlot.gradio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.time.Clock;
import dev.backlot.wire.Json;
import dev.backlot.wire.SseStream;
import dev.backlot.jobs.Job;
import dev.backlot.jobs.JobEngine;
import dev.backlot.jobs.JobFailure;
import dev.backlot.jobs.JobListener;
import dev.backlot.jobs.JobState;
import dev.backlot.jobs.Progress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Gradio's queue on top of the job engine: one job per event, messages buffered per session
 * until a {@code queue/data} (or call API) stream takes them, in the order and shapes of Gradio
 * 5.29's {@code queueing.py} and {@code routes.py}.
 */
final class EventQueue implements JobListener {

  static final Duration HEARTBEAT = Duration.ofSeconds(15);

  /** One queued call. */
  static final class Event {
    final String id;
    final String session;
    final Endpoint endpoint;
    final int fnIndex;
    final Call call;
    final boolean simple;
    final String urlBase;
    final RuntimeException badInput;
    final int steps;
    volatile Instant started;
    volatile int rank; // the queue as the event joined it
    volatile int queueSize;
    // Set once, by whichever comes first: the job's end or a /cancel.
    final java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();
    ArrayNode lastGenerated; // guarded by the session

    Event(String id, String session, Endpoint endpoint, int fnIndex, Call call, boolean simple,
        String urlBase, RuntimeException badInput, int steps) {
      this.id = id;
      this.session = session;
      this.endpoint = endpoint;
      this.fnIndex = fnIndex;
      this.call = call;
      this.simple = simple;
      this.urlBase = urlBase;
      this.badInput = badInput;
      this.steps = steps;
    }

    @Override
    public String toString() {
      return "Event[" + id + " " + call + "]";
    }
  }

  /** Messages of one session, waiting for or flowing to its stream. */
  static final class Session {
    final String hash;
    final ArrayDeque<ObjectNode> buffer = new ArrayDeque<>();
    final Set<String> pending = new LinkedHashSet<>();
    SseStream stream;
    boolean simple;
    Instant lastSent;
    Clock.Cancellable heartbeat;

    Session(String hash) {
      this.hash = hash;
    }
  }

  private final GradioFake fake;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final Map<String, Event> events = new ConcurrentHashMap<>();

  EventQueue(GradioFake fake) {
    this.fake = fake;
  }

  void reset() {
    for (Session s : sessions.values()) {
      synchronized (s) {
        if (s.stream != null) {
          s.stream.abort();
        }
        cancelHeartbeat(s);
      }
    }
    sessions.clear();
    events.clear();
  }

  Event event(String id) {
    return events.get(id);
  }

  boolean hasSession(String hash) {
    return sessions.containsKey(hash);
  }

  /** Queues {@code e}: the session learns of it before its job can emit anything. */
  void join(Event e, JobEngine jobs) {
    Session s = sessions.computeIfAbsent(e.session, Session::new);
    synchronized (s) {
      s.pending.add(e.id);
    }
    events.put(e.id, e);
    // Taken now: by the time the submission's listener runs, the job may already be running.
    e.rank = jobs.count(JobState.QUEUED) + jobs.count(JobState.THROTTLED);
    e.queueSize = e.rank + 1;
    jobs.submit(e.id, e);
  }

  /** {@code /cancel}: ends the job and completes the event with an empty output. */
  void cancel(String sessionHash, String eventId, JobEngine jobs) {
    Event e = events.get(eventId);
    Session s = sessions.get(sessionHash);
    boolean pending;
    if (s == null) {
      pending = false;
    } else {
      synchronized (s) {
        pending = s.pending.contains(eventId);
      }
    }
    if (pending && e != null && !e.finished.compareAndSet(false, true)) {
      pending = false; // the job ended first and sent its own process_completed
    }
    if (e != null) {
      jobs.abort(eventId); // its CANCELLED transition then sends nothing more
    }
    if (pending) {
      ObjectNode m = message("process_completed", eventId);
      m.putObject("output");
      m.put("success", true);
      m.putNull("title");
      post(sessionHash, m);
    }
  }

  // ------------------------------------------------------------------ streams

  /**
   * Attaches a stream to a session: buffered messages go out now, later ones as they come. An
   * unknown session gets Gradio's "Session not found." error and a broken stream.
   */
  void attach(String hash, SseStream sse, boolean simple) {
    Session s = sessions.get(hash);
    if (s == null) {
      ObjectNode m = message("unexpected_error", null);
      m.put("message", "404: Session not found.");
      m.put("success", false);
      String text = format(m, simple);
      if (text != null) {
        sse.sendRaw(text);
      }
      sse.abort();
      return;
    }
    synchronized (s) {
      if (s.stream != null && s.stream.isOpen()) {
        s.stream.abort(); // a newer reader replaces the old one
      }
      s.stream = sse;
      s.simple = simple;
      s.lastSent = fake.clock().instant();
      while (!s.buffer.isEmpty() && s.stream == sse) {
        write(s, s.buffer.poll());
      }
      if (s.stream == sse) {
        scheduleHeartbeat(s, sse);
      }
    }
    sse.onClose(() -> {
      synchronized (s) {
        if (s.stream == sse) {
          s.stream = null;
          cancelHeartbeat(s);
        }
      }
    });
  }

  private void scheduleHeartbeat(Session s, SseStream sse) {
    cancelHeartbeat(s);
    s.heartbeat = fake.clock().schedule(HEARTBEAT, () -> {
      synchronized (s) {
        if (s.stream != sse || !sse.isOpen()) {
          return;
        }
        if (!fake.clock().instant().isBefore(s.lastSent.plus(HEARTBEAT))) {
          write(s, message("heartbeat", null));
        }
        if (s.stream == sse) {
          scheduleHeartbeat(s, sse);
        }
      }
    });
  }

  private static void cancelHeartbeat(Session s) {
    if (s.heartbeat != null) {
      s.heartbeat.cancel();
      s.heartbeat = null;
    }
  }

  private void post(String hash, ObjectNode m) {
    Session s = sessions.get(hash);
    if (s == null) {
      return;
    }
    synchronized (s) {
      if (s.stream != null && s.stream.isOpen()) {
        write(s, m);
      } else {
        s.buffer.add(m);
      }
    }
  }

  // Holds the session's lock.
  private void write(Session s, ObjectNode m) {
    SseStream sse = s.stream;
    String text = format(m, s.simple);
    s.lastSent = fake.clock().instant();
    boolean closing = false;
    if ("process_completed".equals(m.path("msg").asText()) && m.hasNonNull("event_id")) {
      s.pending.remove(m.get("event_id").asText());
      closing = s.pending.isEmpty();
    }
    if (closing) {
      // One write with the completion: a client that reacts to process_completed by joining
      // again must already have seen close_stream, or it would wait on a stream that ends.
      String close = format(message("close_stream", null), s.simple);
      String both = (text == null ? "" : text) + (close == null ? "" : close);
      if (!both.isEmpty()) {
        sse.sendRaw(both);
      }
      sse.close();
      s.stream = null;
      cancelHeartbeat(s);
    } else if (text != null) {
      sse.sendRaw(text);
    }
  }

  /** The wire text of a message: {@code data: json} or the call API's named events. */
  static String format(ObjectNode m, boolean simple) {
    if (!simple) {
      return "data: " + Json.write(m) + "\n\n";
    }
    String event;
    JsonNode data;
    switch (m.path("msg").asText()) {
      case "process_completed" -> {
        event = m.path("success").asBoolean() ? "complete" : "error";
        data = m.path("output").path("data");
      }
      case "process_generating" -> {
        event = m.path("success").asBoolean() ? "generating" : "error";
        data = m.path("output").path("data");
      }
      case "heartbeat" -> {
        event = "heartbeat";
        data = null;
      }
      case "unexpected_error" -> {
        event = "error";
        data = m.get("message");
      }
      default -> {
        return null;
      }
    }
    return "event: " + event + "\ndata: " + (data == null || data.isMissingNode() ? "null" : Json.write(data)) + "\n\n";
  }

  static ObjectNode message(String kind, String eventId) {
    ObjectNode m = Json.object();
    m.put("msg", kind);
    m.put("event_id", eventId);
    return m;
  }

  // ------------------------------------------------------------------ job events

  @Override
  public void onSubmit(Job job) {
    if (!(job.input() instanceof Event e)) {
      return;
    }
    ObjectNode m = message("estimation", e.id);
    m.put("rank", e.rank);
    m.put("queue_size", e.queueSize);
    m.putNull("rank_eta");
    post(e.session, m);
  }

  @Override
  public void onTransition(Job job, JobState from, JobState to) {
    if (!(job.input() instanceof Event e)) {
      return;
    }
    if (to == JobState.RUNNING) {
      e.started = job.asOf();
      if (e.badInput != null) {
        fake.jobs().fail(e.id, String.valueOf(e.badInput.getMessage()), e.badInput);
        return;
      }
      ObjectNode m = message("process_starts", e.id);
      m.putNull("eta");
      post(e.session, m);
      return;
    }
    if (!to.isTerminal() || !e.finished.compareAndSet(false, true)) {
      return;
    }
    ObjectNode m = message("process_completed", e.id);
    if (to == JobState.SUCCEEDED) {
      m.set("output", output(e, (ArrayNode) job.output().orElse(Json.array()), job, false));
      m.put("success", true);
      m.putNull("title");
    } else if (to == JobState.FAILED) {
      ObjectNode err = errorPayload(job.failure().orElse(JobFailure.of("failed")));
      m.set("output", err);
      m.put("success", false);
      m.put("title", err.path("title").asText("Error"));
    } else {
      m.putObject("output");
      m.put("success", true);
      m.putNull("title");
    }
    post(e.session, m);
  }

  @Override
  public void onProgress(Job job, Progress p) {
    if (!(job.input() instanceof Event e) || e.finished.get() || p.value() == 0) {
      return;
    }
    ObjectNode m = message("progress", e.id);
    ObjectNode unit = m.putArray("progress_data").addObject();
    unit.put("index", p.value());
    unit.put("length", p.max());
    unit.put("unit", "steps");
    unit.putNull("progress");
    unit.putNull("desc");
    post(e.session, m);
    e.call.progress(p);
    if (e.endpoint.isGenerator() && p.value() < p.max()) {
      generating(e, job);
    }
  }

  private void generating(Event e, Job job) {
    ArrayNode values;
    try {
      values = fake.postprocess(e, e.endpoint.intermediate().run(e.call));
    } catch (Exception ex) {
      return; // intermediate outputs are best effort; the final outcome decides the call
    }
    ObjectNode m = message("process_generating", e.id);
    Session s = sessions.get(e.session);
    if (s == null) {
      return;
    }
    synchronized (s) {
      ArrayNode wire = values;
      if (e.lastGenerated != null && !e.simple) {
        wire = Json.array();
        for (int i = 0; i < values.size(); i++) {
          wire.add(Diff.of(e.lastGenerated.get(i), values.get(i)));
        }
      }
      e.lastGenerated = values;
      m.set("output", output(e, wire, job, true));
      m.put("success", true);
      m.putNull("time_limit");
      post(e.session, m);
    }
  }

  private ObjectNode output(Event e, ArrayNode data, Job job, boolean generating) {
    ObjectNode o = Json.object();
    o.set("data", data);
    o.put("is_generating", generating);
    double secs = e.started == null ? 0.0
        : Duration.between(e.started, job.asOf()).toNanos() / 1e9;
    o.put("duration", secs);
    o.put("average_duration", secs);
    o.putNull("render_config");
    o.putArray("changed_state_ids");
    return o;
  }

  /** {@code utils.error_payload}: a gr.Error always shows; anything else with show_error. */
  ObjectNode errorPayload(JobFailure f) {
    ObjectNode o = Json.object();
    if (f.details() instanceof GradioError g) {
      o.put("error", g.getMessage());
      o.put("duration", g.duration());
      o.put("visible", g.visible());
      o.put("title", g.title());
    } else if (fake.showError()) {
      o.put("error", f.message());
    } else {
      o.putNull("error");
    }
    return o;
  }
}
