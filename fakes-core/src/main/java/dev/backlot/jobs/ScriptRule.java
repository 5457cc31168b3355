package dev.backlot.jobs;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BiPredicate;

/**
 * One rule of a {@link JobScripts} book: which jobs it applies to (chosen when the rule was made:
 * the next n, those matching a predicate, all, one id) and what it changes in their {@link
 * JobScript}. Each setter changes only its part, so rules combine: a later rule overrides only what
 * it sets. The rule is live from the moment it is made; configure it before submitting the jobs it
 * is meant for.
 *
 * <pre>{@code
 * jobs.script().next(2).fail("CUDA out of memory");
 * jobs.script().matching(Map.class, m -> "gen4".equals(m.get("model")))
 *     .duration(Duration.ofSeconds(30)).steps(20);
 * ScriptRule hold = jobs.script().next(1).stall();
 * ...
 * hold.release(); // the held job resumes, and the rule stalls no more jobs
 * }</pre>
 *
 * <p>Thread-safe; a job's script is fixed when it is submitted, so changing a rule later affects
 * only jobs submitted later (except {@link #release()}, which also frees jobs already held).
 */
public final class ScriptRule {

  private final JobScripts owner;
  private final String description;
  private final BiPredicate<String, Object> matcher;

  // Guarded by owner.lock(); null means "not set by this rule".
  private Integer usesLeft;
  private Duration duration;
  private Integer steps;
  private JobScript.Outcome outcome;
  private Object output;
  private boolean fixedOutput;
  private JobFailure failure;
  private Integer stallAfter;
  private Duration throttle;
  private boolean released;
  private int matched;

  ScriptRule(JobScripts owner, String description, BiPredicate<String, Object> matcher, Integer uses) {
    this.owner = owner;
    this.description = description;
    this.matcher = matcher;
    this.usesLeft = uses;
  }

  /** Jobs run for {@code duration} (stalls excluded); a long one makes a slow job. */
  public ScriptRule duration(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration must not be negative: " + duration);
    }
    synchronized (owner.lock()) {
      this.duration = duration;
    }
    return this;
  }

  /** Jobs report progress in {@code steps} even steps ({@code 0}: no progress events). */
  public ScriptRule steps(int steps) {
    if (steps < 0) {
      throw new IllegalArgumentException("steps must not be negative: " + steps);
    }
    synchronized (owner.lock()) {
      this.steps = steps;
    }
    return this;
  }

  /** Jobs succeed with the worker's output (the default; undoes an earlier outcome of this rule). */
  public ScriptRule succeed() {
    return outcome(JobScript.Outcome.SUCCEED, null, false, null);
  }

  /** Jobs succeed with {@code output}; the worker is not called. */
  public ScriptRule succeedWith(Object output) {
    return outcome(JobScript.Outcome.SUCCEED, output, true, null);
  }

  /** Jobs FAIL with {@code message} at the end of their run. */
  public ScriptRule fail(String message) {
    return fail(message, null);
  }

  /** Jobs FAIL with {@code message} and {@code details} (a failure code, a traceback...). */
  public ScriptRule fail(String message, Object details) {
    Objects.requireNonNull(message, "message");
    return outcome(JobScript.Outcome.FAIL, null, false, new JobFailure(message, details));
  }

  /** Jobs end CANCELLED at the end of their run, as if the backend cancelled them. */
  public ScriptRule cancel() {
    return outcome(JobScript.Outcome.CANCEL, null, false, null);
  }

  /**
   * Jobs stall as soon as they start RUNNING: no progress, no end, until the job is cancelled,
   * interrupted or released ({@link #release()}, {@link JobEngine#release(String)}).
   */
  public ScriptRule stall() {
    return stallAfter(0);
  }

  /**
   * Jobs stall after reporting {@code steps} progress steps (capped at the job's step count, so a
   * large number holds a job at 100% without finishing).
   */
  public ScriptRule stallAfter(int steps) {
    if (steps < 0) {
      throw new IllegalArgumentException("steps must not be negative: " + steps);
    }
    synchronized (owner.lock()) {
      this.stallAfter = steps;
      this.released = false;
    }
    return this;
  }

  /** Jobs start THROTTLED for {@code duration}, then join the tail of the queue. */
  public ScriptRule throttle(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration must not be negative: " + duration);
    }
    synchronized (owner.lock()) {
      this.throttle = duration;
    }
    return this;
  }

  /** Applies to at most {@code n} more jobs (then the rule is exhausted). */
  public ScriptRule times(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("times must not be negative: " + n);
    }
    synchronized (owner.lock()) {
      this.usesLeft = n;
    }
    return this;
  }

  /**
   * Frees every job this rule is holding (or would hold once it reaches its stall point) and stops
   * the rule from stalling further jobs. A held job resumes on the clock: its remaining steps take
   * their remaining time from now.
   */
  public ScriptRule release() {
    owner.engine().releaseRule(this);
    return this;
  }

  /** Removes the rule from the book; jobs already submitted keep their script. */
  public void remove() {
    owner.remove(this);
  }

  /** How many jobs this rule has applied to. */
  public int matched() {
    synchronized (owner.lock()) {
      return matched;
    }
  }

  /** Whether the rule has used up its {@link #times(int)}. */
  public boolean isExhausted() {
    synchronized (owner.lock()) {
      return usesLeft != null && usesLeft == 0;
    }
  }

  private ScriptRule outcome(JobScript.Outcome o, Object out, boolean fixed, JobFailure f) {
    synchronized (owner.lock()) {
      this.outcome = o;
      this.output = out;
      this.fixedOutput = fixed;
      this.failure = f;
    }
    return this;
  }

  // ---- used by JobScripts and JobEngine, under owner.lock() ----

  /** Whether this rule applies to the job, consuming one use if so. */
  boolean takeLocked(String id, Object input) {
    if (usesLeft != null && usesLeft == 0) {
      return false;
    }
    if (!matcher.test(id, input)) {
      return false;
    }
    if (usesLeft != null) {
      usesLeft--;
    }
    matched++;
    return true;
  }

  /** Applies this rule's settings onto {@code b}. */
  void applyLocked(JobScripts.Draft b) {
    if (duration != null) {
      b.duration = duration;
    }
    if (steps != null) {
      b.steps = steps;
    }
    if (outcome != null) {
      b.outcome = outcome;
      b.output = output;
      b.fixedOutput = fixedOutput;
      b.failure = failure;
    }
    if (stallAfter != null && !released) {
      b.stallAfter = stallAfter;
      b.stallRule = this;
    }
    if (throttle != null) {
      b.throttle = throttle;
    }
  }

  void markReleasedLocked() {
    released = true;
  }

  @Override
  public String toString() {
    synchronized (owner.lock()) {
      StringBuilder b = new StringBuilder(description).append(':');
      if (duration != null) {
        b.append(" duration=").append(duration);
      }
      if (steps != null) {
        b.append(" steps=").append(steps);
      }
      if (outcome != null) {
        b.append(" outcome=").append(outcome);
        if (failure != null) {
          b.append('(').append(failure).append(')');
        }
      }
      if (stallAfter != null) {
        b.append(" stallAfter=").append(stallAfter).append(released ? " (released)" : "");
      }
      if (throttle != null) {
        b.append(" throttle=").append(throttle);
      }
      if (usesLeft != null) {
        b.append(" usesLeft=").append(usesLeft);
      }
      return b.append(" matched=").append(matched).toString();
    }
  }
}
