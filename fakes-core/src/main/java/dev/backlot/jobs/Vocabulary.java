package dev.backlot.jobs;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A backend's own state names, how they map onto {@link JobState}s, and the backend's own
 * transition table over those names. Fakes use it to render a job's status ({@link
 * #nameOf(JobState)}); tests use it to check a sequence of states a client observed ({@link
 * #check}). Ready-made ones for Runway, MiniMax, RQ and Celery are in {@link Vocabularies}.
 *
 * <pre>{@code
 * Vocabulary runway = Vocabulary.builder("Runway")
 *     .state(JobState.QUEUED, "PENDING")
 *     .state(JobState.THROTTLED, "THROTTLED")
 *     .state(JobState.RUNNING, "RUNNING")
 *     .state(JobState.SUCCEEDED, "SUCCEEDED")
 *     .state(JobState.FAILED, "FAILED")
 *     .state(JobState.CANCELLED, "CANCELLED")
 *     .initial("PENDING")
 *     .transitions("PENDING", "THROTTLED", "RUNNING", "CANCELLED")
 *     .transitions("THROTTLED", "PENDING", "CANCELLED")
 *     .transitions("RUNNING", "SUCCEEDED", "FAILED", "CANCELLED")
 *     .build();
 * runway.nameOf(job.state());                          // "PENDING"
 * runway.check("PENDING", "RUNNING", "SUCCEEDED").assertLegal();
 * runway.checkPolled("THROTTLED", "RUNNING");          // legal: PENDING was between two polls
 * }</pre>
 *
 * <p>A name is terminal when the table lists no move out of it. Repeating the same name (a poller
 * seeing RUNNING twice) is never a violation. Immutable and thread-safe.
 */
public final class Vocabulary {

  private final String backend;
  private final Set<String> names;
  private final Map<String, JobState> stateOf;
  private final Map<JobState, String> nameOf;
  private final Set<String> initial;
  private final Map<String, Set<String>> table;

  private Vocabulary(Builder b) {
    this.backend = b.backend;
    this.names = Collections.unmodifiableSet(new LinkedHashSet<>(b.names));
    this.stateOf = Collections.unmodifiableMap(new LinkedHashMap<>(b.stateOf));
    this.nameOf = Collections.unmodifiableMap(new EnumMap<>(b.nameOf));
    this.initial = Collections.unmodifiableSet(new LinkedHashSet<>(b.initial));
    Map<String, Set<String>> t = new LinkedHashMap<>();
    for (String n : names) {
      t.put(n, Collections.unmodifiableSet(new LinkedHashSet<>(b.table.getOrDefault(n, Set.of()))));
    }
    this.table = Collections.unmodifiableMap(t);
  }

  /** A builder for the vocabulary of {@code backend} (the name appears in failure messages). */
  public static Builder builder(String backend) {
    return new Builder(backend);
  }

  /** The backend's name. */
  public String backend() {
    return backend;
  }

  /** Every name this vocabulary knows, in the order they were defined. */
  public Set<String> names() {
    return names;
  }

  /** The names a job may start in. */
  public Set<String> initialNames() {
    return initial;
  }

  /**
   * The name this backend shows for {@code state}.
   *
   * @throws IllegalArgumentException if the backend has no name for it
   */
  public String nameOf(JobState state) {
    String n = nameOf.get(state);
    if (n == null) {
      throw new IllegalArgumentException(backend + " has no name for " + state + "; it names " + nameOf);
    }
    return n;
  }

  /**
   * The engine state a backend name stands for.
   *
   * @throws IllegalArgumentException for a name this vocabulary does not know, or one it knows
   *     but does not map onto an engine state
   */
  public JobState stateOf(String name) {
    return findState(name)
        .orElseThrow(() -> new IllegalArgumentException(
            backend + " state '" + name + "' maps onto no job state; known: " + stateOf));
  }

  /** The engine state a backend name stands for, if it maps onto one. */
  public Optional<JobState> findState(String name) {
    return Optional.ofNullable(stateOf.get(name));
  }

  /** Whether the table lists no move out of {@code name}. */
  public boolean isTerminal(String name) {
    return known(name).isEmpty();
  }

  /** Whether the table lists {@code from -> to}. */
  public boolean isLegal(String from, String to) {
    return known(from).contains(to);
  }

  /**
   * The names a job with this history showed, in order, with repeats merged (MiniMax shows
   * QUEUED and THROTTLED both as {@code Queueing}).
   *
   * @throws IllegalArgumentException if a state in the history has no name here
   */
  public List<String> render(List<StateChange> history) {
    List<String> out = new ArrayList<>();
    for (StateChange c : history) {
      String n = nameOf(c.state());
      if (out.isEmpty() || !out.get(out.size() - 1).equals(n)) {
        out.add(n);
      }
    }
    return out;
  }

  /** {@link #render(List)} of the job's history. */
  public List<String> render(Job job) {
    return render(job.history());
  }

  /** Checks that each consecutive pair of {@code observed} names is a move in the table. */
  public SequenceCheck check(String... observed) {
    return check(Arrays.asList(observed));
  }

  /**
   * Checks that {@code observed} starts in an initial name and each change of name is a move in
   * the table (an exact record of transitions, such as RQ's or Celery's status writes).
   */
  public SequenceCheck check(List<String> observed) {
    return check(observed, false);
  }

  /** As {@link #checkPolled(List)}. */
  public SequenceCheck checkPolled(String... observed) {
    return checkPolled(Arrays.asList(observed));
  }

  /**
   * Checks a sequence seen by polling, which may miss states between two polls: the first name
   * must be reachable from an initial one, and each change must be reachable through legal moves.
   */
  public SequenceCheck checkPolled(List<String> observed) {
    return check(observed, true);
  }

  private SequenceCheck check(List<String> observed, boolean polled) {
    List<Problem> problems = new ArrayList<>();
    String prev = null;
    for (int i = 0; i < observed.size(); i++) {
      String cur = observed.get(i);
      if (!names.contains(cur)) {
        problems.add(new Problem(i, prev, cur, "unknown " + backend + " state; known: " + names));
        continue;
      }
      if (prev == null) {
        boolean ok = initial.contains(cur) || (polled && reachableFromInitial(cur));
        if (!ok) {
          problems.add(new Problem(i, null, cur, cur + " is not where a " + backend + " job starts; initial: " + initial));
        }
      } else if (!cur.equals(prev)) {
        if (isTerminal(prev)) {
          problems.add(new Problem(i, prev, cur, prev + " is terminal"));
        } else if (polled ? !reachable(prev, cur) : !isLegal(prev, cur)) {
          problems.add(new Problem(i, prev, cur,
              prev + (polled ? " cannot lead to " + cur + "; it moves to " : " may only move to ") + known(prev)));
        }
      }
      prev = cur;
    }
    return new SequenceCheck(backend, List.copyOf(observed), List.copyOf(problems));
  }

  private Set<String> known(String name) {
    Set<String> t = table.get(name);
    if (t == null) {
      throw new IllegalArgumentException("unknown " + backend + " state '" + name + "'; known: " + names);
    }
    return t;
  }

  private boolean reachableFromInitial(String target) {
    for (String s : initial) {
      if (reachable(s, target)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code to} can follow {@code from} through one or more moves. */
  private boolean reachable(String from, String to) {
    Set<String> seen = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>(table.get(from));
    while (!todo.isEmpty()) {
      String s = todo.poll();
      if (s.equals(to)) {
        return true;
      }
      if (seen.add(s)) {
        todo.addAll(table.get(s));
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "Vocabulary[" + backend + " " + table + "]";
  }

  /**
   * One problem in an observed sequence.
   *
   * @param index position in the sequence of the offending name
   * @param from the name before it (null at the start)
   * @param to the offending name
   * @param reason in words
   */
  public record Problem(int index, String from, String to, String reason) {
    @Override
    public String toString() {
      return "#" + index + " " + (from == null ? "start" : from) + " -> " + to + ": " + reason;
    }
  }

  /**
   * The result of checking an observed sequence.
   *
   * <pre>{@code
   * Vocabularies.CELERY.check("PENDING", "STARTED", "SUCCESS").assertLegal();
   * }</pre>
   *
   * @param backend the vocabulary's backend
   * @param observed the sequence checked
   * @param problems what is wrong with it; empty when legal
   */
  public record SequenceCheck(String backend, List<String> observed, List<Problem> problems) {

    /** Whether the sequence broke no rule. */
    public boolean isLegal() {
      return problems.isEmpty();
    }

    /** Throws an {@link AssertionError} listing the problems, if there is any. */
    public SequenceCheck assertLegal() {
      if (!isLegal()) {
        throw new AssertionError(toString());
      }
      return this;
    }

    @Override
    public String toString() {
      StringBuilder b = new StringBuilder(backend).append(" sequence ").append(observed);
      if (problems.isEmpty()) {
        return b.append(" is legal").toString();
      }
      b.append(" has ").append(problems.size()).append(" problem(s):");
      for (Problem p : problems) {
        b.append("\n  ").append(p);
      }
      return b.toString();
    }
  }

  /** Builds a {@link Vocabulary}; see the class example. */
  public static final class Builder {
    private final String backend;
    private final Set<String> names = new LinkedHashSet<>();
    private final Map<String, JobState> stateOf = new LinkedHashMap<>();
    private final Map<JobState, String> nameOf = new EnumMap<>(JobState.class);
    private final Set<String> initial = new LinkedHashSet<>();
    private final Map<String, Set<String>> table = new LinkedHashMap<>();

    private Builder(String backend) {
      this.backend = Objects.requireNonNull(backend, "backend");
    }

    /**
     * {@code name} is how the backend shows {@code state}; {@code aliases} are other names that
     * also mean it (MiniMax's {@code Preparing} for QUEUED) but are not shown for it.
     */
    public Builder state(JobState state, String name, String... aliases) {
      Objects.requireNonNull(state, "state");
      if (nameOf.containsKey(state)) {
        throw new IllegalArgumentException(state + " already shows as " + nameOf.get(state));
      }
      map(name, state);
      nameOf.put(state, name);
      for (String a : aliases) {
        map(a, state);
      }
      return this;
    }

    /**
     * Shows {@code state} as {@code name}, a name already defined for another state (MiniMax has
     * no cancelled status and shows CANCELLED as {@code Fail}). Reading {@code name} back still
     * gives the state it was defined for.
     */
    public Builder render(JobState state, String name) {
      if (!names.contains(name)) {
        throw new IllegalArgumentException("define '" + name + "' before rendering " + state + " as it");
      }
      if (nameOf.containsKey(state)) {
        throw new IllegalArgumentException(state + " already shows as " + nameOf.get(state));
      }
      nameOf.put(state, name);
      return this;
    }

    /** Names the backend has that stand for no engine state (RQ's {@code deferred}). */
    public Builder names(String... extra) {
      for (String n : extra) {
        if (!names.add(Objects.requireNonNull(n, "name"))) {
          throw new IllegalArgumentException("'" + n + "' is defined twice");
        }
      }
      return this;
    }

    /** Names a job may start in. */
    public Builder initial(String... start) {
      initial.addAll(Arrays.asList(start));
      return this;
    }

    /** The table's moves out of {@code from}. */
    public Builder transitions(String from, String... to) {
      table.computeIfAbsent(from, k -> new LinkedHashSet<>()).addAll(Arrays.asList(to));
      return this;
    }

    /**
     * The vocabulary.
     *
     * @throws IllegalArgumentException if the table or the initial names use an undefined name,
     *     or there is no initial name
     */
    public Vocabulary build() {
      if (initial.isEmpty()) {
        throw new IllegalArgumentException(backend + ": name at least one initial state");
      }
      Set<String> used = new LinkedHashSet<>(initial);
      table.forEach((from, to) -> {
        used.add(from);
        used.addAll(to);
      });
      used.removeAll(names);
      if (!used.isEmpty()) {
        throw new IllegalArgumentException(backend + ": undefined state names " + used);
      }
      return new Vocabulary(this);
    }

    private void map(String name, JobState state) {
      names(name);
      stateOf.put(name, state);
    }
  }
}
