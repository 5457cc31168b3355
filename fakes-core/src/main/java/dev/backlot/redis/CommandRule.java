package dev.backlot.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * One Redis fault rule: which commands it matches, when it fires, and what it does. Match and
 * "when" methods come first; the action installs the rule, so a rule reads as a sentence:
 *
 * <pre>{@code
 * redis.faults().onCommand("GET").key("session:*").next(2).error("ERR boom");
 * redis.faults().onCommand("BLMOVE").nth(3).drop();
 * redis.faults().onAnyCommand().probability(0.1).delay(Duration.ofMillis(50));
 * }</pre>
 *
 * <p>"When" conditions combine and count matching commands. Same plan seed and same command
 * order, same decisions.
 */
public final class CommandRule {

  /** What a rule does once it fires. */
  enum Action {
    ERROR,
    DELAY,
    DROP,
    DROP_REPLY
  }

  private final RedisFaults plan;
  private final Set<String> commands; // upper case; empty = any
  private String keyGlob;
  private int number;
  private boolean installed;

  private int skip;
  private int limit = -1;
  private int every;
  private double probability = 1.0;
  private Instant from;
  private Instant to;
  private final StringBuilder when = new StringBuilder();

  private Action action;
  private String error;
  private Duration delay;

  // Guarded by the plan.
  private long matched;
  private long fired;

  CommandRule(RedisFaults plan, String... commands) {
    this.plan = plan;
    Set<String> names = new TreeSet<>();
    for (String c : commands) {
      names.add(Objects.requireNonNull(c, "command").toUpperCase(Locale.ROOT));
    }
    this.commands = names;
  }

  // ------------------------------------------------------------------ match

  /**
   * Matches only commands whose first argument (the key, for most commands) matches {@code glob},
   * a Redis-style pattern with {@code *} and {@code ?}.
   */
  public CommandRule key(String glob) {
    beforeAction("key(" + glob + ")");
    this.keyGlob = Objects.requireNonNull(glob, "glob");
    return this;
  }

  // ------------------------------------------------------------------ when

  /** Fires every time it matches (the default). */
  public CommandRule always() {
    beforeAction("always()");
    return this;
  }

  /** Fires on the next {@code n} matching commands only. */
  public CommandRule next(int n) {
    beforeAction("next(" + n + ")");
    if (n < 1) {
      throw new IllegalArgumentException("next(n) needs n >= 1: " + n);
    }
    limit = n;
    when.append(", next(").append(n).append(')');
    return this;
  }

  /** Fires on the {@code n}th matching command only (1 = the first). */
  public CommandRule nth(int n) {
    beforeAction("nth(" + n + ")");
    if (n < 1) {
      throw new IllegalArgumentException("nth(n) is 1-based: " + n);
    }
    skip = n - 1;
    limit = 1;
    when.append(", nth(").append(n).append(')');
    return this;
  }

  /** Fires on every {@code k}th matching command: the k-th, 2k-th, ... */
  public CommandRule every(int k) {
    beforeAction("every(" + k + ")");
    if (k < 1) {
      throw new IllegalArgumentException("every(k) needs k >= 1: " + k);
    }
    every = k;
    when.append(", every(").append(k).append(')');
    return this;
  }

  /** Lets the first {@code n} matching commands through, then fires. */
  public CommandRule after(int n) {
    beforeAction("after(" + n + ")");
    if (n < 0) {
      throw new IllegalArgumentException("after(n) needs n >= 0: " + n);
    }
    skip = n;
    when.append(", after(").append(n).append(')');
    return this;
  }

  /** Fires on each match with probability {@code p}, drawn from the plan's seeded generator. */
  public CommandRule probability(double p) {
    beforeAction("probability(" + p + ")");
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException("a probability is between 0 and 1: " + p);
    }
    probability = p;
    when.append(", probability(").append(p).append(')');
    return this;
  }

  /** Fires only for commands arriving in {@code [from, to)} on the fake's clock. */
  public CommandRule between(Instant from, Instant to) {
    beforeAction("between(...)");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (!from.isBefore(to)) {
      throw new IllegalArgumentException("between(from, to) needs from < to");
    }
    this.from = from;
    this.to = to;
    when.append(", between(").append(from).append(", ").append(to).append(')');
    return this;
  }

  // ------------------------------------------------------------------ actions

  /**
   * Answers with the error reply {@code message} instead of running the command, e.g. {@code
   * "ERR boom"} (a message without an upper-case error code gets {@code ERR } in front). Inside
   * {@code MULTI} the transaction is then aborted at {@code EXEC}, as with a real rejected command.
   */
  public CommandRule error(String message) {
    Objects.requireNonNull(message, "message");
    String code = message.split(" ", 2)[0];
    boolean hasCode = !code.isEmpty() && code.chars().allMatch(c -> c >= 'A' && c <= 'Z');
    return install(Action.ERROR, hasCode ? message : "ERR " + message, null);
  }

  /** {@code -LOADING Redis is loading the dataset in memory}, as a server that just restarted. */
  public CommandRule loading() {
    return error("LOADING Redis is loading the dataset in memory");
  }

  /** {@code -READONLY You can't write against a read only replica.}, as after a failover. */
  public CommandRule readOnly() {
    return error("READONLY You can't write against a read only replica.");
  }

  /** {@code -OOM command not allowed when used memory > 'maxmemory'.} */
  public CommandRule oom() {
    return error("OOM command not allowed when used memory > 'maxmemory'.");
  }

  /** {@code -BUSY Redis is busy running a script. ...}, as behind a long Lua script. */
  public CommandRule busy() {
    return error(
        "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.");
  }

  /**
   * Holds the command for {@code delay} on the fake's clock before running it (with a {@link
   * dev.backlot.engine.ManualClock}, until the test advances it); later commands on the same
   * connection wait behind it, as they would behind a slow command. A delay lets the command go on
   * to later rules; delays add up.
   */
  public CommandRule delay(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("a delay cannot be negative: " + delay);
    }
    return install(Action.DELAY, null, delay);
  }

  /** Closes the client's connection without running the command or replying. */
  public CommandRule drop() {
    return install(Action.DROP, null, null);
  }

  /**
   * Runs the command, then closes the connection instead of replying: the write happened but the
   * client cannot know (the case at-least-once delivery exists for).
   */
  public CommandRule dropReply() {
    return install(Action.DROP_REPLY, null, null);
  }

  // ------------------------------------------------------------------ inspection

  /** How many commands this rule acted on. */
  public long fired() {
    synchronized (plan) {
      return fired;
    }
  }

  /** How many commands matched it (whether or not it then fired). */
  public long matched() {
    synchronized (plan) {
      return matched;
    }
  }

  /** Takes the rule out of its plan. */
  public void remove() {
    plan.remove(this);
  }

  /** {@code #2 GET key=session:*, next(2) -> error ERR boom}. */
  @Override
  public String toString() {
    synchronized (plan) {
      return "#" + number + " " + matchText() + when + " -> " + actionText();
    }
  }

  // ------------------------------------------------------------------ internals

  String matchText() {
    String c = commands.isEmpty() ? "any command" : String.join("|", commands);
    return keyGlob == null ? c : c + " key=" + keyGlob;
  }

  String actionText() {
    if (action == null) {
      return "(no action yet)";
    }
    return switch (action) {
      case ERROR -> "error " + error;
      case DELAY -> "delay " + delay.toMillis() + " ms";
      case DROP -> "drop connection";
      case DROP_REPLY -> "run, then drop connection";
    };
  }

  private CommandRule install(Action a, String err, Duration d) {
    synchronized (plan) {
      if (installed) {
        throw new IllegalStateException("a rule has one action; start a new rule: " + this);
      }
      this.action = a;
      this.error = err;
      this.delay = d;
      installed = true;
      number = plan.install(this);
    }
    return this;
  }

  private void beforeAction(String what) {
    synchronized (plan) {
      if (installed) {
        throw new IllegalStateException(
            what + " must come before the rule's action: " + this
                + " (write e.g. faults().onCommand(\"GET\").next(2).error(\"ERR boom\"))");
      }
    }
  }

  Action action() {
    return action;
  }

  String errorMessage() {
    return error;
  }

  Duration delayAction() {
    return delay;
  }

  boolean matches(String upperName, String firstArg, Instant at) {
    if (from != null && (at.isBefore(from) || !at.isBefore(to))) {
      return false;
    }
    if (!commands.isEmpty() && !commands.contains(upperName)) {
      return false;
    }
    if (keyGlob != null) {
      return firstArg != null && Glob.matches(keyGlob, firstArg);
    }
    return true;
  }

  /** Under the plan's lock, after a match: counts it and decides whether the rule fires. */
  boolean fires(Random rng) {
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

  long matchedUnlocked() {
    return matched;
  }

  /** Redis-style glob: {@code *}, {@code ?}, {@code [abc]}, {@code \} escapes. */
  static final class Glob {
    private Glob() {}

    static boolean matches(String pattern, String s) {
      return match(pattern, 0, s, 0);
    }

    private static boolean match(String p, int pi, String s, int si) {
      while (pi < p.length()) {
        char c = p.charAt(pi);
        switch (c) {
          case '*' -> {
            for (int k = si; k <= s.length(); k++) {
              if (match(p, pi + 1, s, k)) {
                return true;
              }
            }
            return false;
          }
          case '?' -> {
            if (si >= s.length()) {
              return false;
            }
            pi++;
            si++;
          }
          case '[' -> {
            int end = p.indexOf(']', pi + 1);
            if (end < 0 || si >= s.length()) {
              return false;
            }
            String set = p.substring(pi + 1, end);
            boolean negate = set.startsWith("^");
            if (negate) {
              set = set.substring(1);
            }
            if (set.indexOf(s.charAt(si)) >= 0 == negate) {
              return false;
            }
            pi = end + 1;
            si++;
          }
          case '\\' -> {
            if (pi + 1 < p.length()) {
              pi++;
            }
            if (si >= s.length() || s.charAt(si) != p.charAt(pi)) {
              return false;
            }
            pi++;
            si++;
          }
          default -> {
            if (si >= s.length() || s.charAt(si) != c) {
              return false;
            }
            pi++;
            si++;
          }
        }
      }
      return si == s.length();
    }
  }
}
