package dev.backlot.examples.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Sends Celery tasks and reads their results, from Java, in Celery's own Redis layout, so a
 * Python Celery worker (or anything speaking the same layout) runs them:
 *
 * <ul>
 *   <li>a task is a kombu message (Celery protocol 2): a JSON envelope with the task's name and id
 *       in {@code headers}, {@code [args, kwargs, embed]} base64-encoded in {@code body}, pushed
 *       with {@code LPUSH} onto the queue's list ({@code celery} by default), the queue's binding
 *       in {@code _kombu.binding.celery} as kombu declares it;
 *   <li>a result is the JSON string at {@code celery-task-meta-<id>} ({@code status}, {@code
 *       result}, {@code traceback}, {@code date_done}...); no key means {@code PENDING}.
 * </ul>
 *
 * <pre>{@code
 * String id = celery.send("archivist.tasks.transcribe_vod", List.of(3, url), Map.of());
 * CeleryQueue.TaskResult r = celery.await(id, Duration.ofMinutes(1), (task, state) -> {});
 * r.state();   // "SUCCESS"
 * }</pre>
 */
public final class CeleryQueue {

  /** Celery's ready states: the task will not change any more. */
  public static final Set<String> READY = Set.of("SUCCESS", "FAILURE", "REVOKED");

  /** The result-backend key of task {@code id}. */
  public static String metaKey(String id) {
    return "celery-task-meta-" + id;
  }

  /**
   * What the result backend holds for a task.
   *
   * @param state Celery's state name ({@code PENDING} when nothing is stored)
   * @param result the task's return value, or for FAILURE/RETRY the exception ({@code exc_type},
   *     {@code exc_message})
   */
  public record TaskResult(String taskId, String state, JsonNode result, String traceback) {
    public boolean ready() {
      return READY.contains(state);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SEP = "\u0006\u0016";

  private final RedisAccess redis;
  private final String queue;
  private final Supplier<String> ids;

  CeleryQueue(RedisAccess redis, String queue, Supplier<String> ids) {
    this.redis = redis;
    this.queue = queue;
    this.ids = ids;
  }

  static Supplier<String> randomIds() {
    return () -> UUID.randomUUID().toString();
  }

  /** Publishes a task; returns its id. */
  public String send(String task, List<?> args, Map<String, ?> kwargs)
      throws ArchiveException, InterruptedException {
    String id = ids.get();
    String message = envelope(queue, task, id, args, kwargs).toString();
    redis.call("send " + task, j -> {
      j.sadd("_kombu.binding." + queue, queue + SEP + SEP + queue);
      return j.lpush(queue, message);
    });
    return id;
  }

  /** The task's state now ({@code PENDING} for an unknown id, as Celery answers). */
  public TaskResult result(String id) throws ArchiveException, InterruptedException {
    String meta = redis.call("read result " + id, j -> j.get(metaKey(id)));
    if (meta == null) {
      return new TaskResult(id, "PENDING", null, null);
    }
    try {
      JsonNode n = JSON.readTree(meta);
      return new TaskResult(id, n.path("status").asText("PENDING"), n.get("result"),
          n.path("traceback").isTextual() ? n.get("traceback").asText() : null);
    } catch (IOException e) {
      throw new ArchiveException("transcription", "unreadable result of task " + id + ": " + meta, e);
    }
  }

  /**
   * Polls the result backend until the task is ready or {@code timeout} passes, telling {@code
   * onState} each new state it sees (a poll can miss a state that lasted less than a poll).
   */
  public TaskResult await(String id, Duration timeout, BiConsumer<String, String> onState)
      throws ArchiveException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String seen = null;
    long pause = 5;
    while (true) {
      TaskResult r = result(id);
      if (!r.state().equals(seen)) {
        seen = r.state();
        onState.accept(id, seen);
      }
      if (r.ready()) {
        return r;
      }
      if (System.nanoTime() >= deadline) {
        throw new ArchiveException("transcription", "task " + id + " still " + r.state()
            + " after " + timeout, null);
      }
      Thread.sleep(pause); // polling, as Celery's AsyncResult.get does without pub/sub
      pause = Math.min(50, pause * 2);
    }
  }

  /** The kombu message Celery 5's {@code apply_async} pushes for this task. */
  static ObjectNode envelope(String queue, String task, String id, List<?> args, Map<String, ?> kwargs) {
    ArrayNode body = JSON.createArrayNode();
    body.add(JSON.valueToTree(args));
    body.add(JSON.valueToTree(kwargs));
    body.addObject().putNull("callbacks").putNull("errbacks").putNull("chain").putNull("chord");
    ObjectNode m = JSON.createObjectNode();
    m.put("body", Base64.getEncoder().encodeToString(body.toString().getBytes(StandardCharsets.UTF_8)));
    m.put("content-encoding", "utf-8");
    m.put("content-type", "application/json");
    ObjectNode h = m.putObject("headers");
    h.put("lang", "py").put("task", task).put("id", id).putNull("shadow").putNull("eta")
        .putNull("expires").putNull("group").putNull("group_index").put("retries", 0);
    h.putArray("timelimit").addNull().addNull();
    h.put("root_id", id).putNull("parent_id").put("argsrepr", args.toString())
        .put("kwargsrepr", kwargs.toString()).put("origin", "archivist@java")
        .put("ignore_result", false);
    ObjectNode p = m.putObject("properties");
    p.put("correlation_id", id).put("reply_to", UUID.randomUUID().toString()).put("delivery_mode", 2);
    p.putObject("delivery_info").put("exchange", "").put("routing_key", queue);
    p.put("priority", 0).put("body_encoding", "base64").put("delivery_tag", UUID.randomUUID().toString());
    return m;
  }
}
