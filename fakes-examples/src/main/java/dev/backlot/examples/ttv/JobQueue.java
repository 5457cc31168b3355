package dev.backlot.examples.ttv;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.args.ListDirection;

/**
 * The job queue of the text-to-video API, kept in Redis in Python RQ's layout so the team's RQ
 * dashboards and scripts keep working: a hash {@code rq:job:{id}} per job ({@code status},
 * {@code created_at}, {@code enqueued_at}, {@code started_at}, {@code ended_at}, {@code origin},
 * {@code description}, {@code data}, {@code meta}, {@code worker_name}, {@code exc_info}), the
 * list {@code rq:queue:{name}} of waiting ids, the set {@code rq:queues}, and the registries
 * {@code rq:wip:}, {@code rq:finished:}, {@code rq:failed:}, {@code rq:canceled:} (sorted sets).
 * Statuses move as RQ moves them: queued, started, then finished, failed or canceled.
 *
 * <p>Where it differs from RQ: {@code data} holds the request as JSON (RQ pickles a function
 * call), registry members are bare job ids, and the log lines live in {@code ttv:logs:{id}}.
 * Every status change is a WATCH/MULTI/EXEC, so a cancel racing a worker never gets overwritten.
 *
 * <pre>{@code
 * JobQueue queue = new JobQueue(new JedisPool(redisUri), "default", Clock.systemUTC());
 * String id = queue.enqueue(new JobRequest("a fox in the snow", "wan", 4));   // status queued
 * queue.take("worker-1", 5.0);                                                // status started
 * queue.finish(id, "gs://bucket/renders/2026-03/" + id + "/final_video.mp4"); // status finished
 * }</pre>
 */
public final class JobQueue {

  static final DateTimeFormatter RQ_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_RACES = 50;

  private final JedisPool pool;
  private final String queue;
  private final Clock clock;

  /** @param queue the RQ queue name ({@code default} in RQ) */
  public JobQueue(JedisPool pool, String queue, Clock clock) {
    this.pool = pool;
    this.queue = queue;
    this.clock = clock;
  }

  /** The hash of job {@code id}. */
  public static String jobKey(String id) {
    return "rq:job:" + id;
  }

  String queueKey() {
    return "rq:queue:" + queue;
  }

  /** Creates the job and queues it; returns its id. */
  public String enqueue(JobRequest request) {
    String id = UUID.randomUUID().toString();
    String now = now();
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("status", "queued");
    fields.put("created_at", now);
    fields.put("enqueued_at", now);
    fields.put("origin", queue);
    fields.put("description", "ttv.render(" + request.generator() + ", " + quote(request.prompt()) + ")");
    fields.put("data", write(request));
    fields.put("timeout", "900");
    fields.put("result_ttl", "86400");
    fields.put("meta", "{}");
    try (Jedis j = pool.getResource()) {
      Transaction t = j.multi();
      t.hset(jobKey(id), fields);
      t.sadd("rq:queues", queueKey());
      t.rpush(queueKey(), id);
      t.exec();
    }
    log(id, "queued for " + request.generator());
    return id;
  }

  /**
   * Takes the next job for {@code worker}, marking it started; empty after {@code waitSeconds}
   * without one, or when the job taken was cancelled in the meantime.
   */
  public Optional<String> take(String worker, double waitSeconds) {
    try (Jedis j = pool.getResource()) {
      String working = queueKey() + ":intermediate";
      String id = j.blmove(queueKey(), working, ListDirection.LEFT, ListDirection.RIGHT, waitSeconds);
      if (id == null) {
        return Optional.empty();
      }
      j.watch(jobKey(id));
      boolean queued = "queued".equals(j.hget(jobKey(id), "status"));
      Transaction t = j.multi();
      if (queued) {
        String now = now();
        t.hset(jobKey(id), Map.of("status", "started", "started_at", now, "last_heartbeat", now,
            "worker_name", worker));
        t.zadd("rq:wip:" + queue, clock.instant().getEpochSecond() + 900, id);
        t.rpush(logKey(id), now + " started on " + worker);
      }
      t.lrem(working, 1, id);
      List<Object> done = t.exec();
      if (done == null) { // cancelled between BLMOVE and EXEC
        j.lrem(working, 1, id);
        return Optional.empty();
      }
      return queued ? Optional.of(id) : Optional.empty();
    }
  }

  /** Marks a started job finished with its artifact; false if it was cancelled meanwhile. */
  public boolean finish(String id, String gcsUri) {
    return move(id, "started", "finished", Map.of("result", gcsUri), "rq:finished:", "finished: " + gcsUri);
  }

  /** Marks a started job failed; false if it was cancelled meanwhile. */
  public boolean fail(String id, String error) {
    return move(id, "started", "failed", Map.of("exc_info", error), "rq:failed:", "failed: " + error);
  }

  /**
   * Cancels a queued or started job (RQ's {@code job.cancel()}): off the queue, into the canceled
   * registry. False when the job is unknown or already finished, failed or cancelled.
   */
  public boolean cancel(String id) {
    for (int attempt = 0; attempt < MAX_RACES; attempt++) {
      try (Jedis j = pool.getResource()) {
        j.watch(jobKey(id));
        String from = j.hget(jobKey(id), "status");
        if (!"queued".equals(from) && !"started".equals(from)) {
          j.unwatch();
          return false;
        }
        Transaction t = j.multi();
        t.hset(jobKey(id), Map.of("status", "canceled", "ended_at", now()));
        t.lrem(queueKey(), 0, id);
        t.zrem("rq:wip:" + queue, id);
        t.zadd("rq:canceled:" + queue, clock.instant().getEpochSecond(), id);
        t.rpush(logKey(id), now() + " canceled while " + from);
        if (t.exec() != null) {
          return true;
        }
      } // the job changed under us (a worker's heartbeat): look again
    }
    throw new IllegalStateException("job " + id + " kept changing; cancel not applied");
  }

  /** Moves a job between states; its log line is written in the same transaction, so a reader who sees the state sees the line. */
  private boolean move(String id, String from, String to, Map<String, String> extra, String registry,
      String logLine) {
    for (int attempt = 0; attempt < MAX_RACES; attempt++) {
      try (Jedis j = pool.getResource()) {
        j.watch(jobKey(id));
        if (!from.equals(j.hget(jobKey(id), "status"))) {
          j.unwatch();
          return false;
        }
        Map<String, String> fields = new LinkedHashMap<>(extra);
        fields.put("status", to);
        fields.put("ended_at", now());
        Transaction t = j.multi();
        t.hset(jobKey(id), fields);
        t.zrem("rq:wip:" + queue, id);
        t.zadd(registry + queue, clock.instant().getEpochSecond(), id);
        t.rpush(logKey(id), now() + " " + logLine);
        if (t.exec() != null) {
          return true;
        }
      }
    }
    throw new IllegalStateException("job " + id + " kept changing; " + to + " not applied");
  }

  /** Records the generator's progress (0..1) and remote task id in the job's {@code meta}. */
  public void progress(String id, double fraction, String remoteTask) {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("progress", fraction);
    meta.put("remote_task", remoteTask);
    try (Jedis j = pool.getResource()) {
      j.hset(jobKey(id), Map.of("meta", write(meta), "last_heartbeat", now()));
    }
  }

  /** The job's fields, empty if there is no such job. */
  public Map<String, String> job(String id) {
    try (Jedis j = pool.getResource()) {
      return j.hgetAll(jobKey(id));
    }
  }

  /** The job's status, or null if there is no such job. */
  public String status(String id) {
    try (Jedis j = pool.getResource()) {
      return j.hget(jobKey(id), "status");
    }
  }

  /** The request the job was created with. */
  public JobRequest request(String id) {
    try {
      return JSON.readValue(job(id).get("data"), JobRequest.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("job " + id + " has unreadable data", e);
    }
  }

  /** Appends a timestamped line to the job's log. */
  public void log(String id, String line) {
    try (Jedis j = pool.getResource()) {
      j.rpush(logKey(id), now() + " " + line);
    }
  }

  private static String logKey(String id) {
    return "ttv:logs:" + id;
  }

  /** The job's log lines, oldest first. */
  public List<String> logs(String id) {
    try (Jedis j = pool.getResource()) {
      return j.lrange(logKey(id), 0, -1);
    }
  }

  /** When the job was created, on the queue's clock. */
  public Instant createdAt(String id) {
    return Instant.from(RQ_TIME.parse(job(id).get("created_at")));
  }

  private String now() {
    return RQ_TIME.format(clock.instant());
  }

  private static String quote(String s) {
    return "'" + (s.length() > 40 ? s.substring(0, 37) + "..." : s).replace("'", "\\'") + "'";
  }

  static String write(Object o) {
    try {
      return JSON.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
