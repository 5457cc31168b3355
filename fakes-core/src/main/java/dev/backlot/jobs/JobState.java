package dev.backlot.jobs;

import java.util.Set;

/**
 * The states a job of the {@link JobEngine} can be in. A job is in exactly one of them at any
 * time; the legal moves between them are in {@link JobTransitions}, the one table every change
 * goes through.
 *
 * <pre>
 *   submit -&gt; QUEUED -&gt; RUNNING -&gt; SUCCEEDED | FAILED | CANCELLED
 *              |  ^                    (terminal: final)
 *              v  |
 *            THROTTLED     (QUEUED and THROTTLED may also go -&gt; CANCELLED)
 * </pre>
 *
 * <p>Backends name these states in their own words (Runway {@code PENDING}, MiniMax {@code
 * Processing}, Celery {@code SUCCESS}...); a {@link Vocabulary} maps them.
 *
 * <pre>{@code
 * if (job.state().isTerminal()) { ... }
 * }</pre>
 */
public enum JobState {
  /** Waiting in the FIFO queue for a free running slot. */
  QUEUED,
  /**
   * Held back before it may queue, as Runway's {@code THROTTLED} (behind the organisation's
   * concurrency limit); returns to {@link #QUEUED} at the tail of the queue.
   */
  THROTTLED,
  /** Occupying one of the engine's running slots (a GPU), making progress. */
  RUNNING,
  /** Finished with an output. Terminal. */
  SUCCEEDED,
  /** Finished with an error message and details. Terminal. */
  FAILED,
  /** Cancelled while waiting, or interrupted while running. Terminal. */
  CANCELLED;

  private static final Set<JobState> TERMINAL = Set.of(SUCCEEDED, FAILED, CANCELLED);

  /** Whether this state is final: no transition leaves it. */
  public boolean isTerminal() {
    return TERMINAL.contains(this);
  }

  /** Whether a job in this state is waiting to run ({@link #QUEUED} or {@link #THROTTLED}). */
  public boolean isWaiting() {
    return this == QUEUED || this == THROTTLED;
  }

  /** Whether the table allows a move from this state to {@code next}; see {@link JobTransitions}. */
  public boolean canMoveTo(JobState next) {
    return JobTransitions.isLegal(this, next);
  }
}
