package dev.backlot.jobs;

import java.time.Duration;
import java.util.Objects;

/**
 * What one job will do once it runs, fixed when it is submitted: the engine's defaults with every
 * matching {@link ScriptRule} applied in order. Read it from {@link Job#script()} to see which
 * script a job got.
 *
 * <p>Timeline of a job that runs at instant {@code t}: progress {@code k/steps} at {@code t +
 * duration * k / steps} for {@code k = 1..steps}; at {@code t + duration} (the same instant as the
 * last step) the job ends with its {@link Outcome}. A stall holds the job RUNNING after {@code
 * stallAfterSteps} steps until released; time stalled does not count towards the duration. A
 * throttle holds the job THROTTLED for that long right after it is submitted.
 *
 * <pre>{@code
 * jobs.script().next(1).duration(Duration.ofSeconds(2)).steps(4).fail("CUDA out of memory");
 * Job job = jobs.submit(input);
 * job.script(); // JobScript[duration=PT2S, steps=4, outcome=FAIL, ...]
 * }</pre>
 *
 * @param duration running time, stalls excluded
 * @param steps progress steps (0 for none)
 * @param outcome how the job ends
 * @param output the fixed output of a success, when {@code fixedOutput}
 * @param fixedOutput whether a success returns {@code output} instead of calling the worker
 * @param failure the failure of a FAIL outcome (null otherwise)
 * @param stallAfterSteps after how many steps the job stalls, or -1 for no stall
 * @param throttle how long the job stays THROTTLED after submission ({@code ZERO}: not at all)
 */
public record JobScript(
    Duration duration,
    int steps,
    Outcome outcome,
    Object output,
    boolean fixedOutput,
    JobFailure failure,
    int stallAfterSteps,
    Duration throttle) {

  /** How a job's run ends. */
  public enum Outcome {
    /** SUCCEEDED, with the worker's output or a fixed one. */
    SUCCEED,
    /** FAILED, with the script's {@link JobFailure}. */
    FAIL,
    /** CANCELLED, as if the backend cancelled it at the end of its run. */
    CANCEL
  }

  /** Validates the script. */
  public JobScript {
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(throttle, "throttle");
    if (duration.isNegative() || throttle.isNegative()) {
      throw new IllegalArgumentException("durations must not be negative");
    }
    if (steps < 0) {
      throw new IllegalArgumentException("steps must not be negative: " + steps);
    }
    if (stallAfterSteps < -1 || stallAfterSteps > steps) {
      throw new IllegalArgumentException("stallAfterSteps must be -1 or in 0.." + steps);
    }
    if (outcome == Outcome.FAIL && failure == null) {
      throw new IllegalArgumentException("a FAIL outcome needs a failure");
    }
  }

  /** A plain script: succeed with the worker's output after {@code steps} over {@code duration}. */
  public static JobScript of(Duration duration, int steps) {
    return new JobScript(duration, steps, Outcome.SUCCEED, null, false, null, -1, Duration.ZERO);
  }

  /** Whether this job will stall. */
  public boolean stalls() {
    return stallAfterSteps >= 0;
  }
}
