package dev.backlot.jobs;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An immutable snapshot of one job, as it was at {@link #asOf()}: what {@link
 * JobEngine#submit(Object)} returns, {@link JobEngine#job(String)} looks up, listeners receive and
 * the worker is given. Ask the engine again for a fresher view.
 *
 * <pre>{@code
 * Job job = jobs.submit("prompt-42", request);
 * clock.advance(Duration.ofSeconds(1));
 * Job now = jobs.job("prompt-42").orElseThrow();
 * now.state();                 // SUCCEEDED
 * now.output(byte[].class);    // the worker's PNG
 * now.history();               // [QUEUED@..., RUNNING@..., SUCCEEDED@...]
 * }</pre>
 */
public final class Job {

  private final String id;
  private final long sequence;
  private final Object input;
  private final JobState state;
  private final List<StateChange> history;
  private final Progress progress;
  private final Object output;
  private final JobFailure failure;
  private final JobScript script;
  private final boolean stalled;
  private final Instant asOf;

  Job(
      String id,
      long sequence,
      Object input,
      JobState state,
      List<StateChange> history,
      Progress progress,
      Object output,
      JobFailure failure,
      JobScript script,
      boolean stalled,
      Instant asOf) {
    this.id = id;
    this.sequence = sequence;
    this.input = input;
    this.state = state;
    this.history = history;
    this.progress = progress;
    this.output = output;
    this.failure = failure;
    this.script = script;
    this.stalled = stalled;
    this.asOf = asOf;
  }

  /** The job's id: the caller's (ComfyUI's {@code prompt_id}) or one the engine generated. */
  public String id() {
    return id;
  }

  /** 1 for the first job submitted since the last reset, 2 for the next, and so on. */
  public long sequence() {
    return sequence;
  }

  /** The input payload given at submission (may be null). */
  public Object input() {
    return input;
  }

  /** The input cast to {@code type}. */
  public <T> T input(Class<T> type) {
    return type.cast(input);
  }

  /** The state at {@link #asOf()}. */
  public JobState state() {
    return state;
  }

  /** Whether {@link #state()} is terminal. */
  public boolean isTerminal() {
    return state.isTerminal();
  }

  /** Every state entered, with instants on the engine's clock; the first is QUEUED. */
  public List<StateChange> history() {
    return history;
  }

  /** When the job last entered {@code state}, if it ever did. */
  public Optional<Instant> enteredAt(JobState state) {
    for (int i = history.size() - 1; i >= 0; i--) {
      if (history.get(i).state() == state) {
        return Optional.of(history.get(i).at());
      }
    }
    return Optional.empty();
  }

  /** When the job was submitted. */
  public Instant submittedAt() {
    return history.get(0).at();
  }

  /** Progress at {@link #asOf()}: {@code 0/steps} until the job runs. */
  public Progress progress() {
    return progress;
  }

  /** The output of a SUCCEEDED job (empty otherwise, or when the output is null). */
  public Optional<Object> output() {
    return Optional.ofNullable(output);
  }

  /**
   * The output cast to {@code type}.
   *
   * @throws IllegalStateException if there is no output, naming the job's state
   */
  public <T> T output(Class<T> type) {
    if (output == null) {
      throw new IllegalStateException("job " + id + " has no output: " + this);
    }
    return type.cast(output);
  }

  /** Why a FAILED job failed (empty otherwise). */
  public Optional<JobFailure> failure() {
    return Optional.ofNullable(failure);
  }

  /** The script the job was given at submission. */
  public JobScript script() {
    return script;
  }

  /** Whether the job is RUNNING but held by a stall. */
  public boolean isStalled() {
    return stalled;
  }

  /** The instant, on the engine's clock, at which this snapshot was taken. */
  public Instant asOf() {
    return asOf;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("Job[").append(id).append(' ').append(state);
    if (state == JobState.RUNNING) {
      b.append(' ').append(progress).append(stalled ? " stalled" : "");
    }
    if (failure != null) {
      b.append(" failure=").append(failure);
    }
    return b.append(" history=").append(history).append(']').toString();
  }
}
