package dev.backlot.jobs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

/**
 * The test's book of {@link ScriptRule}s for one engine, reached by {@link JobEngine#script()}.
 * Each method adds a rule that selects jobs at submission time; the rule then says what those jobs
 * do.
 *
 * <pre>{@code
 * jobs.script().next(2).fail("CUDA out of memory");          // the next two jobs fail
 * jobs.script().matching(p).duration(Duration.ofSeconds(30)).steps(20); // slow, 20 progress steps
 * jobs.script().withId("prompt-7").stall();                   // this one hangs until released
 * jobs.script().all().steps(10);                              // every job reports 10 steps
 * }</pre>
 *
 * <p><b>How rules combine.</b> A job's script starts from the engine's defaults; every rule that
 * selects the job (in the order the rules were added) applies the settings it has, a later rule
 * overriding only what it sets. So {@code all().duration(1s)} plus {@code next(1).fail("x")} makes
 * the next job fail after one second. Selecting a job uses up one of the rule's {@link
 * ScriptRule#times(int)}.
 *
 * <p>Predicates run while the engine is locked, on the submitting thread: keep them pure and quick.
 */
public final class JobScripts {

  private final JobEngine engine;
  private final List<ScriptRule> rules = new ArrayList<>(); // guarded by lock()

  JobScripts(JobEngine engine) {
    this.engine = engine;
  }

  /** A rule for the next {@code n} jobs submitted. */
  public ScriptRule next(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must not be negative: " + n);
    }
    return add(new ScriptRule(this, "next(" + n + ")", (id, in) -> true, n));
  }

  /** A rule for every job submitted from now on. */
  public ScriptRule all() {
    return add(new ScriptRule(this, "all()", (id, in) -> true, null));
  }

  /** A rule for every job whose input matches {@code predicate}. */
  public ScriptRule matching(Predicate<Object> predicate) {
    Objects.requireNonNull(predicate, "predicate");
    return add(new ScriptRule(this, "matching(" + predicate + ")", (id, in) -> predicate.test(in), null));
  }

  /** A rule for every job whose input is a {@code type} matching {@code predicate}. */
  public <T> ScriptRule matching(Class<T> type, Predicate<? super T> predicate) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(predicate, "predicate");
    BiPredicate<String, Object> m = (id, in) -> type.isInstance(in) && predicate.test(type.cast(in));
    return add(new ScriptRule(this, "matching(" + type.getSimpleName() + ")", m, null));
  }

  /** A rule for the job with this id (a ComfyUI client may choose its own {@code prompt_id}). */
  public ScriptRule withId(String id) {
    Objects.requireNonNull(id, "id");
    return add(new ScriptRule(this, "withId(" + id + ")", (jobId, in) -> id.equals(jobId), null));
  }

  /** The rules, in the order they were added. */
  public List<ScriptRule> rules() {
    synchronized (lock()) {
      return List.copyOf(rules);
    }
  }

  /** Removes every rule; jobs already submitted keep their scripts (and stalls). */
  public void clear() {
    synchronized (lock()) {
      rules.clear();
    }
  }

  /** Releases every rule and every job that is stalled or would stall. */
  public void releaseAll() {
    for (ScriptRule r : rules()) {
      r.release();
    }
    engine.releaseAllJobs();
  }

  @Override
  public String toString() {
    return "JobScripts" + rules();
  }

  // ---- engine side ----

  Object lock() {
    return engine.lock();
  }

  JobEngine engine() {
    return engine;
  }

  void remove(ScriptRule rule) {
    synchronized (lock()) {
      rules.remove(rule);
    }
  }

  void clearLocked() {
    rules.clear();
  }

  private ScriptRule add(ScriptRule rule) {
    synchronized (lock()) {
      rules.add(rule);
    }
    return rule;
  }

  /** A script being assembled for one job. */
  static final class Draft {
    Duration duration;
    int steps;
    JobScript.Outcome outcome = JobScript.Outcome.SUCCEED;
    Object output;
    boolean fixedOutput;
    JobFailure failure;
    int stallAfter = -1;
    ScriptRule stallRule;
    Duration throttle = Duration.ZERO;

    JobScript build() {
      int stall = stallAfter < 0 ? -1 : Math.min(stallAfter, steps);
      return new JobScript(duration, steps, outcome, output, fixedOutput, failure, stall, throttle);
    }
  }

  /** The script for a job being submitted, consuming the uses of the rules that select it. */
  Draft bindLocked(String id, Object input, Duration defaultDuration, int defaultSteps) {
    Draft d = new Draft();
    d.duration = defaultDuration;
    d.steps = defaultSteps;
    for (ScriptRule r : rules) {
      if (r.takeLocked(id, input)) {
        r.applyLocked(d);
      }
    }
    return d;
  }
}
