package dev.backlot.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.fppt.jedismock.datastructures.RMDataStructure;
import com.github.fppt.jedismock.datastructures.RMHash;
import com.github.fppt.jedismock.datastructures.RMString;
import com.github.fppt.jedismock.datastructures.Slice;
import com.github.fppt.jedismock.storage.RedisBase;
import dev.backlot.wire.Json;
import dev.backlot.jobs.Vocabularies;
import dev.backlot.jobs.Vocabulary;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * Where a Redis-backed job queue keeps each job's status, and the {@link Vocabulary} its statuses
 * follow. Two are built in, read from the queues' sources ({@code
 * shared/protocols/gcs-video-cablecast-jobs.md}, section 4):
 *
 * <ul>
 *   <li>{@link #RQ}: Python RQ, a hash {@code rq:job:{id}} with a {@code status} field ({@code
 *       queued}, {@code started}, {@code finished}, ...), checked against {@link
 *       Vocabularies#RQ}.
 *   <li>{@link #CELERY}: Celery's Redis result backend, a JSON string {@code
 *       celery-task-meta-{id}} with a {@code status} ({@code STARTED}, {@code SUCCESS}, ...),
 *       checked against {@link Vocabularies#CELERY}. A task with no stored result is {@code
 *       PENDING}, so every Celery sequence starts there.
 * </ul>
 *
 * <pre>{@code
 * JobWatch rq = redis.watchJobs(JobLayout.RQ);
 * JobWatch celery = redis.watchJobs(JobLayout.celery("myapp-meta-")); // a custom key prefix
 * }</pre>
 */
public final class JobLayout {

  /** Python RQ's job hashes, {@code rq:job:{id}}. */
  public static final JobLayout RQ = rq("rq:job:");

  /** Celery's Redis result backend, {@code celery-task-meta-{id}}. */
  public static final JobLayout CELERY = celery("celery-task-meta-");

  private final String name;
  private final String prefix;
  private final boolean hash;
  private final Vocabulary vocabulary;
  private final List<String> implicitStart;

  private JobLayout(String name, String prefix, boolean hash, Vocabulary vocabulary,
      List<String> implicitStart) {
    this.name = name;
    this.prefix = Objects.requireNonNull(prefix, "prefix");
    this.hash = hash;
    this.vocabulary = vocabulary;
    this.implicitStart = implicitStart;
  }

  /** RQ with another job key prefix (RQ's {@code Job.redis_job_namespace_prefix}). */
  public static JobLayout rq(String jobKeyPrefix) {
    return new JobLayout("RQ", jobKeyPrefix, true, Vocabularies.RQ, List.of());
  }

  /** Celery with another result key prefix (the backend's {@code task_keyprefix}). */
  public static JobLayout celery(String keyPrefix) {
    return new JobLayout("Celery", keyPrefix, false, Vocabularies.CELERY, List.of("PENDING"));
  }

  /** "RQ" or "Celery". */
  public String name() {
    return name;
  }

  /** The prefix of the keys that hold a job's status. */
  public String keyPrefix() {
    return prefix;
  }

  /** The statuses and legal moves of this queue. */
  public Vocabulary vocabulary() {
    return vocabulary;
  }

  /** The status every job has before its first write ({@code PENDING} for Celery). */
  public List<String> implicitStart() {
    return implicitStart;
  }

  /** The key holding the status of job {@code id}. */
  public String key(String id) {
    return prefix + id;
  }

  /**
   * The job ID a key belongs to, or null when it is not a job's status key ({@code
   * rq:job:{id}:dependents} and the like are not).
   */
  public String jobId(String key) {
    if (!key.startsWith(prefix) || key.length() == prefix.length()) {
      return null;
    }
    String id = key.substring(prefix.length());
    return hash && id.indexOf(':') >= 0 ? null : id;
  }

  /**
   * The status job {@code id} has in the fake now, read from the layout: RQ's hash field, or the
   * {@code status} of Celery's JSON. A job with nothing stored is null for RQ and {@code PENDING}
   * for Celery (which reports any unknown task as pending).
   *
   * <pre>{@code
   * JobLayout.RQ.status(redis, "job-1");            // "started"
   * JobLayout.CELERY.state(redis, "task-9");        // JobState.SUCCEEDED
   * }</pre>
   */
  public String status(RedisFake redis, String id) {
    String status;
    if (hash) {
      status = (String) redis.call("HGET", key(id), "status");
    } else {
      String json = (String) redis.call("GET", key(id));
      status = json == null ? null : statusOfJson(json);
    }
    return status != null || implicitStart.isEmpty() ? status : implicitStart.get(0);
  }

  /** The engine state of {@link #status(RedisFake, String)}, or null when there is none. */
  public dev.backlot.jobs.JobState state(RedisFake redis, String id) {
    String s = status(redis, id);
    return s == null ? null : vocabulary.findState(s).orElse(null);
  }

  /** The status stored at {@code key}, or null (missing, another type, no status). */
  String status(RedisBase base, Slice key) {
    RMDataStructure value = base.getValue(key);
    if (hash) {
      if (!(value instanceof RMHash h)) {
        return null;
      }
      Slice s = h.get(Slice.create("status"));
      return s == null ? null : s.toString();
    }
    if (!(value instanceof RMString s)) {
      return null;
    }
    return statusOfJson(new String(s.getStoredData(), StandardCharsets.UTF_8));
  }

  static String statusOfJson(String json) {
    try {
      JsonNode n = Json.mapper().readTree(json);
      JsonNode status = n == null ? null : n.get("status");
      return status == null || !status.isTextual() ? null : status.asText();
    } catch (java.io.IOException | RuntimeException e) {
      return null; // not Celery's JSON: not a status
    }
  }

  @Override
  public String toString() {
    return "JobLayout[" + name + " " + prefix + (hash ? "{id} (hash.status)" : "{id} (json.status)")
        + "]";
  }
}
