package dev.backlot.jobs;

import java.time.Instant;

/**
 * Something the engine refused or caught: an illegal transition, progress going backwards, or a
 * listener that threw. Violations are never thrown at the code that caused them (that code is
 * often a fake's request handler); they are kept until {@link JobEngine#reset()} and surfaced to
 * the test by {@link JobEngine#violations()} and {@link JobEngine#assertNoViolations()}.
 *
 * <pre>{@code
 * jobs.fail("job-1", "boom", null);   // job-1 already SUCCEEDED: refused
 * jobs.violations().get(0);
 * // [TRANSITION] job-1 SUCCEEDED -> FAILED at 2026-01-01T00:00:00Z by fail(): SUCCEEDED is terminal ...
 * }</pre>
 *
 * @param kind what went wrong
 * @param jobId the job concerned
 * @param from the job's state when it happened
 * @param to the state asked for (equal to {@code from} for progress and listener violations)
 * @param reason in words, including which operation attempted it
 * @param at when, on the engine's clock
 */
public record Violation(Kind kind, String jobId, JobState from, JobState to, String reason, Instant at) {

  /** The kinds of violation. */
  public enum Kind {
    /** A state change the {@link JobTransitions} table does not allow. */
    TRANSITION,
    /** Progress moving backwards, or reported for a job that is not RUNNING. */
    PROGRESS,
    /** A {@link JobListener} threw; the engine went on with the next listener and event. */
    LISTENER
  }

  @Override
  public String toString() {
    String move = kind == Kind.TRANSITION ? from + " -> " + to : "in " + from;
    return "[" + kind + "] " + jobId + " " + move + " at " + at + ": " + reason;
  }
}
