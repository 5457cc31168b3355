package dev.backlot.jobs;

import java.time.Instant;

/**
 * One entry of a job's history: the state it entered and the instant, on the engine's clock, at
 * which it entered it.
 *
 * <pre>{@code
 * job.history(); // [QUEUED@...00Z, RUNNING@...00Z, SUCCEEDED@...05Z]
 * }</pre>
 *
 * @param state the state entered
 * @param at when, on the engine's {@link dev.backlot.time.Clock}
 */
public record StateChange(JobState state, Instant at) {

  @Override
  public String toString() {
    return state + "@" + at;
  }
}
