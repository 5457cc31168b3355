package dev.backlot.redis;

import dev.backlot.jobs.JobState;
import dev.backlot.jobs.Vocabulary;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every status a Redis-backed job queue wrote for its jobs, as the fake saw them committed, checked
 * against the queue's {@link Vocabulary}: a test can assert that the system under test moved each
 * RQ job or Celery task only through legal states.
 *
 * <pre>{@code
 * JobWatch rq = redis.watchJobs(JobLayout.RQ);
 * runTheWorker();                              // real RQ worker, or your own code on RQ's layout
 * rq.statuses("job-1");                        // [queued, started, finished]
 * rq.assertLegal();                            // every job: only legal moves
 * rq.transitions("job-1").get(1).command();    // "EXEC": the command that committed it
 * }</pre>
 *
 * <p>How it sees writes: after every command that names a key of the layout (or an {@code EXEC}
 * whose queued commands did, or a script given such a key), the fake reads the job's status while
 * still holding its data lock, and records it when it changed. So a status that was written and
 * overwritten inside one {@code MULTI}/{@code EXEC} or one script is not seen (no other client
 * could have seen it either), and a script that computes key names it was not given escapes the
 * watch. Deleting a job's key is not a transition. Start the watch before the system under test
 * writes.
 */
public final class JobWatch implements AutoCloseable {

  /**
   * One observed change of a job's status.
   *
   * @param jobId the job
   * @param from the status before (null for the first write)
   * @param to the status written
   * @param at when, on the fake's clock
   * @param command the command that committed it ({@code HSET}, {@code EXEC}, {@code SET}...)
   */
  public record Transition(String jobId, String from, String to, Instant at, String command) {
    @Override
    public String toString() {
      return jobId + ": " + (from == null ? "(none)" : from) + " -> " + to + " by " + command
          + " at " + at;
    }
  }

  private final JobLayout layout;
  private final RedisFake redis;
  private final Map<String, List<Transition>> byJob = new LinkedHashMap<>();
  private volatile boolean open = true;

  JobWatch(JobLayout layout, RedisFake redis) {
    this.layout = layout;
    this.redis = redis;
  }

  /** The layout watched. */
  public JobLayout layout() {
    return layout;
  }

  /** The jobs whose status was written, in order of their first write. */
  public synchronized Set<String> jobIds() {
    return Set.copyOf(byJob.keySet());
  }

  /** The statuses written for {@code jobId}, oldest first, repeats merged; empty if none. */
  public synchronized List<String> statuses(String jobId) {
    List<String> out = new ArrayList<>();
    for (Transition t : byJob.getOrDefault(jobId, List.of())) {
      out.add(t.to());
    }
    return out;
  }

  /** The changes of {@code jobId}'s status, oldest first. */
  public synchronized List<Transition> transitions(String jobId) {
    return List.copyOf(byJob.getOrDefault(jobId, List.of()));
  }

  /** Every change of every job, in the order the fake committed them. */
  public synchronized List<Transition> transitions() {
    List<Transition> all = new ArrayList<>();
    byJob.values().forEach(all::addAll);
    all.sort((a, b) -> a.at().compareTo(b.at()));
    return all;
  }

  /** The job's current status, or null if none was written. */
  public synchronized String status(String jobId) {
    List<Transition> t = byJob.get(jobId);
    return t == null ? null : t.get(t.size() - 1).to();
  }

  /** The engine state the job's current status stands for, or null. */
  public JobState state(String jobId) {
    String s = status(jobId);
    return s == null ? null : layout.vocabulary().findState(s).orElse(null);
  }

  /** The job's sequence ({@link JobLayout#implicitStart()} first) checked against the table. */
  public Vocabulary.SequenceCheck check(String jobId) {
    List<String> seq = new ArrayList<>(layout.implicitStart());
    for (String s : statuses(jobId)) {
      if (seq.isEmpty() || !seq.get(seq.size() - 1).equals(s)) {
        seq.add(s);
      }
    }
    return layout.vocabulary().check(seq);
  }

  /** The checks of every job that broke a rule. */
  public List<Vocabulary.SequenceCheck> illegal() {
    List<Vocabulary.SequenceCheck> out = new ArrayList<>();
    for (String id : jobIds()) {
      Vocabulary.SequenceCheck c = check(id);
      if (!c.isLegal()) {
        out.add(c);
      }
    }
    return out;
  }

  /**
   * Fails with an {@link AssertionError} listing every job whose statuses broke the queue's
   * table, with the command that wrote each status.
   */
  public JobWatch assertLegal() {
    List<String> bad = new ArrayList<>();
    for (String id : jobIds()) {
      Vocabulary.SequenceCheck c = check(id);
      if (!c.isLegal()) {
        StringBuilder b = new StringBuilder("job ").append(id).append(": ").append(c);
        for (Transition t : transitions(id)) {
          b.append("\n    ").append(t);
        }
        bad.add(b.toString());
      }
    }
    if (!bad.isEmpty()) {
      throw new AssertionError(bad.size() + " " + layout.name() + " job(s) moved illegally:\n  "
          + String.join("\n  ", bad));
    }
    return this;
  }

  /** Forgets everything recorded (the fake's {@code reset()} does this too). */
  public synchronized void clear() {
    byJob.clear();
  }

  /** Stops watching; what was recorded stays readable. */
  @Override
  public void close() {
    open = false;
    redis.unwatch(this);
  }

  boolean isOpen() {
    return open;
  }

  /** Records a status read after a command; ignores repeats and deletions. */
  synchronized void observe(String jobId, String status, Instant at, String command) {
    if (status == null) {
      return;
    }
    List<Transition> list = byJob.computeIfAbsent(jobId, k -> new ArrayList<>());
    String last = list.isEmpty() ? null : list.get(list.size() - 1).to();
    if (!status.equals(last)) {
      list.add(new Transition(jobId, last, status, at, command));
    }
  }

  @Override
  public String toString() {
    return "JobWatch[" + layout + ", " + jobIds().size() + " jobs]";
  }
}
