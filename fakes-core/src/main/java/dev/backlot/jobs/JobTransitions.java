package dev.backlot.jobs;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The one transition table of the job engine. Every state change of every job is checked here
 * first; a move the table does not list is refused and recorded as a {@link Violation}.
 *
 * <table>
 *   <caption>Legal transitions</caption>
 *   <tr><th>from</th><th>to</th></tr>
 *   <tr><td>QUEUED</td><td>RUNNING, THROTTLED, CANCELLED</td></tr>
 *   <tr><td>THROTTLED</td><td>QUEUED, CANCELLED</td></tr>
 *   <tr><td>RUNNING</td><td>SUCCEEDED, FAILED, CANCELLED</td></tr>
 *   <tr><td>SUCCEEDED, FAILED, CANCELLED</td><td>nothing: terminal states are final</td></tr>
 * </table>
 *
 * <p>A job enters {@code QUEUED} when it is submitted; that entry is not a transition.
 *
 * <pre>{@code
 * JobTransitions.isLegal(JobState.QUEUED, JobState.RUNNING);     // true
 * JobTransitions.whyIllegal(JobState.SUCCEEDED, JobState.FAILED); // "SUCCEEDED is terminal ..."
 * }</pre>
 */
public final class JobTransitions {

  private static final Map<JobState, Set<JobState>> TABLE = new EnumMap<>(JobState.class);

  static {
    TABLE.put(JobState.QUEUED, EnumSet.of(JobState.RUNNING, JobState.THROTTLED, JobState.CANCELLED));
    TABLE.put(JobState.THROTTLED, EnumSet.of(JobState.QUEUED, JobState.CANCELLED));
    TABLE.put(
        JobState.RUNNING, EnumSet.of(JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED));
    for (JobState s : JobState.values()) {
      TABLE.putIfAbsent(s, EnumSet.noneOf(JobState.class));
    }
  }

  private JobTransitions() {}

  /** Whether the table lists {@code from -> to}. */
  public static boolean isLegal(JobState from, JobState to) {
    return TABLE.get(from).contains(to);
  }

  /** The states {@code from} may move to (empty for a terminal state). */
  public static Set<JobState> targets(JobState from) {
    return Collections.unmodifiableSet(TABLE.get(from));
  }

  /**
   * Why {@code from -> to} is refused, in words fit for a failure message, or {@code null} when
   * the move is legal.
   */
  public static String whyIllegal(JobState from, JobState to) {
    if (isLegal(from, to)) {
      return null;
    }
    if (from == to) {
      return "the job is already " + from;
    }
    if (from.isTerminal()) {
      return from + " is terminal and terminal states are final";
    }
    return from + " may only move to " + TABLE.get(from);
  }
}
