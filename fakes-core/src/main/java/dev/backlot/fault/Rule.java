package dev.backlot.fault;

import java.time.Instant;
import java.util.Objects;
import java.util.Random;

/**
 * One fault rule of a {@link FaultPlan}: what it matches, when it fires, and what it does. The
 * match and "when" parts come first and the action last, so a rule reads as a sentence:
 *
 * <pre>{@code
 * fake.faults().on("POST", "/prompt").next(2).status(503);
 * fake.faults().onAny().probability(0.1).reset();
 * fake.faults().onWebSocket("/ws").outgoing("progress").every(3).drop();
 * }</pre>
 *
 * <p>"When" conditions combine, and count what the action acts on: requests for HTTP actions,
 * messages for message actions (drop, delay, duplicate), connections or streams for
 * {@code closeAfter}, {@code cutAfter} and {@code refuse}. A rule is installed by its first
 * action; match and "when" methods must come before it.
 *
 * @param <R> the rule's own type, for fluent chaining
 */
public abstract class Rule<R extends Rule<R>> {

  final FaultPlan plan;
  /** The id of the thread that declared the rule: a plan checks a thread's own rules first. */
  final long declaredBy = Thread.currentThread().getId();
  private int number;
  private boolean installed;

  private int skip;
  private int limit = -1;
  private int every;
  private double probability = 1.0;
  private Instant from;
  private Instant to;
  private final StringBuilder when = new StringBuilder();

  // Guarded by the plan.
  private long matched;
  private long fired;
  private boolean disabled;

  Rule(FaultPlan plan) {
    this.plan = plan;
  }

  @SuppressWarnings("unchecked")
  final R self() {
    return (R) this;
  }

  // ------------------------------------------------------------------ when

  /** Fires every time it matches (the default). */
  public R always() {
    beforeAction("always()");
    return self();
  }

  /** Fires on the next {@code n} matches only (with other conditions: at most {@code n} times). */
  public R next(int n) {
    beforeAction("next(" + n + ")");
    if (n < 1) {
      throw refused("next(n) needs n >= 1: " + n);
    }
    limit = n;
    when.append(", next(").append(n).append(')');
    return self();
  }

  /** Fires on the {@code n}th match only (1 = the first). */
  public R nth(int n) {
    beforeAction("nth(" + n + ")");
    if (n < 1) {
      throw refused("nth(n) is 1-based: " + n);
    }
    skip = n - 1;
    limit = 1;
    when.append(", nth(").append(n).append(')');
    return self();
  }

  /** Fires on every {@code k}th match: the k-th, 2k-th, ... */
  public R every(int k) {
    beforeAction("every(" + k + ")");
    if (k < 1) {
      throw refused("every(k) needs k >= 1: " + k);
    }
    every = k;
    when.append(", every(").append(k).append(')');
    return self();
  }

  /** Lets the first {@code n} matches through, then fires. */
  public R after(int n) {
    beforeAction("after(" + n + ")");
    if (n < 0) {
      throw refused("after(n) needs n >= 0: " + n);
    }
    skip = n;
    when.append(", after(").append(n).append(')');
    return self();
  }

  /** Fires on each match with probability {@code p}, drawn from the plan's seeded generator. */
  public R probability(double p) {
    beforeAction("probability(" + p + ")");
    if (!(p >= 0 && p <= 1)) {
      throw refused("a probability is between 0 and 1: " + p);
    }
    probability = p;
    when.append(", probability(").append(p).append(')');
    return self();
  }

  /** Fires only for traffic arriving in {@code [from, to)} on the fake's clock. */
  public R between(Instant from, Instant to) {
    beforeAction("between(...)");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (!from.isBefore(to)) {
      throw refused("between(from, to) needs from < to");
    }
    this.from = from;
    this.to = to;
    when.append(", between(").append(from).append(", ").append(to).append(')');
    return self();
  }

  // ------------------------------------------------------------------ inspection

  /** How many times this rule acted. */
  public long fired() {
    synchronized (plan) {
      return fired;
    }
  }

  /** How many requests, messages or streams matched it (whether or not it then fired). */
  public long matched() {
    synchronized (plan) {
      return matched;
    }
  }

  final long matchedUnlocked() {
    return matched;
  }

  /**
   * Switches the rule off (false) or back on (true) without removing it: a disabled rule stays
   * in {@link FaultPlan#rules()} with its counters, but matches nothing and never fires until
   * enabled again. Rules start enabled; the launcher's dashboard toggles them.
   *
   * <pre>{@code
   * var rule = fake.faults().on("GET", "/health").status(503);
   * rule.enabled(false); // traffic passes untouched
   * }</pre>
   */
  public R enabled(boolean enabled) {
    synchronized (plan) {
      disabled = !enabled;
    }
    return self();
  }

  /** Whether the rule may fire (see {@link #enabled(boolean)}). */
  public boolean isEnabled() {
    synchronized (plan) {
      return !disabled;
    }
  }

  /** Takes the rule out of its plan. */
  public void remove() {
    plan.remove(this);
  }

  /** {@code #2 POST /prompt, next(2) -> status 503}. */
  @Override
  public String toString() {
    synchronized (plan) {
      return "#" + number + " " + matchText() + when + " -> " + actionText()
          + (disabled ? " (disabled)" : "");
    }
  }

  // ------------------------------------------------------------------ internals

  abstract String matchText();

  abstract String actionText();

  /** A few of this kind of rule's actions, for the "declared with no action" error. */
  abstract String actionExamples();

  /** What was declared so far, without number or action: {@code POST /prompt, next(2)}. */
  final String declaration() {
    synchronized (plan) {
      return matchText() + when;
    }
  }

  /**
   * A bad argument to a declaring method: the rule is abandoned (it is no unfinished rule), and
   * the exception to throw is returned.
   */
  final IllegalArgumentException refused(String message) {
    plan.abandon(this);
    return new IllegalArgumentException(message);
  }

  /** A declaring method called out of order: as {@link #refused}, with an IllegalStateException. */
  final IllegalStateException misused(String message) {
    plan.abandon(this);
    return new IllegalStateException(message);
  }

  /** What the rule counts, for diagnostics: "requests", "messages", "connections". */
  abstract String unit();

  /** Match, "when" and trigger methods must precede the action that installs the rule. */
  final void beforeAction(String what) {
    synchronized (plan) {
      if (installed) {
        throw new IllegalStateException(
            what + " must come before the rule's action: " + this
                + " (write e.g. faults().on(...).next(2).status(503))");
      }
    }
  }

  /** Called by every action method: installs the rule on the first one. */
  final void installed() {
    synchronized (plan) {
      if (!installed) {
        installed = true;
        number = plan.install(this);
      }
    }
  }

  final boolean isInstalled() {
    synchronized (plan) {
      return installed;
    }
  }

  final int number() {
    return number;
  }

  /** Whether the time window admits {@code at}; traffic outside it does not count as a match. */
  final boolean inWindow(Instant at) {
    return from == null || (!at.isBefore(from) && at.isBefore(to));
  }

  /** Under the plan's lock, after a match: counts it and decides whether the rule fires. */
  final boolean fires(Random rng) {
    if (disabled) {
      return false; // as if absent: not even counted as a match
    }
    long index = ++matched;
    if (index <= skip) {
      return false;
    }
    if (every > 0 && (index - skip) % every != 0) {
      return false;
    }
    if (limit >= 0 && fired >= limit) {
      return false;
    }
    if (probability < 1.0 && !(rng.nextDouble() < probability)) {
      return false;
    }
    fired++;
    return true;
  }

  final void resetCounters() {
    matched = 0;
    fired = 0;
  }
}
