package dev.backlot.fault;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A fault rule for a command protocol (Redis today): which commands it matches, when it fires, and
 * what it does. Made by {@link FaultPlan#onCommand(String...)} and {@link
 * FaultPlan#onAnyCommand()}; the fake of the protocol renders {@link #error(String)} in its own
 * words.
 *
 * <pre>{@code
 * redis.faults().onCommand("GET").key("session:*").next(2).error("ERR boom");
 * redis.faults().onCommand("BLMOVE").nth(3).close();             // drop the connection
 * redis.faults().onCommand("INCR").afterHandling().close();      // ran, but the reply is lost
 * redis.faults().onAnyCommand().probability(0.1).delay(Duration.ofMillis(50));
 * }</pre>
 */
public final class CommandRule extends Rule<CommandRule> {

  private final Set<String> commands; // upper case; empty = any
  private String keyGlob;
  private boolean afterHandling;

  // Guarded by the plan.
  private Delay delay;
  private String error;
  private boolean close;

  CommandRule(FaultPlan plan, String... commands) {
    super(plan);
    Set<String> names = new TreeSet<>();
    for (String c : commands) {
      names.add(Objects.requireNonNull(c, "command").toUpperCase(Locale.ROOT));
    }
    this.commands = names;
  }

  // ------------------------------------------------------------------ match

  /**
   * Matches only commands whose first argument (the key, for most Redis commands) matches {@code
   * glob}: {@code *}, {@code ?} and {@code [abc]} as in Redis's KEYS patterns.
   */
  public CommandRule key(String glob) {
    beforeAction("key(" + glob + ")");
    this.keyGlob = Objects.requireNonNull(glob, "glob");
    return this;
  }

  // ------------------------------------------------------------------ trigger

  /** {@link #close()} strikes after the command ran: it took effect, but its reply is lost. */
  public CommandRule afterHandling() {
    beforeAction("afterHandling()");
    afterHandling = true;
    return this;
  }

  // ------------------------------------------------------------------ actions

  /**
   * Holds the command for {@code d} on the fake's clock, then goes on (to later rules, then the
   * command); later commands on the same connection wait behind it.
   */
  public CommandRule delay(Duration d) {
    return delay(Delay.fixed(d));
  }

  /** Holds the command for a delay drawn from {@code d} (seeded), then goes on. */
  public CommandRule delay(Delay d) {
    synchronized (plan) {
      this.delay = Objects.requireNonNull(d, "delay");
      installed();
    }
    return this;
  }

  /**
   * Answers with the protocol's error reply carrying {@code message} (Redis: {@code -message};
   * the Redis fake puts {@code ERR } in front of a message without an error code); the command
   * does not run.
   */
  public CommandRule error(String message) {
    synchronized (plan) {
      this.error = Objects.requireNonNull(message, "message");
      this.close = false;
      installed();
    }
    return this;
  }

  /**
   * Closes the client's connection without a reply: before the command runs, or after it with
   * {@link #afterHandling()}.
   */
  public CommandRule close() {
    synchronized (plan) {
      this.close = true;
      this.error = null;
      installed();
    }
    return this;
  }

  // ------------------------------------------------------------------ internals

  @Override
  String matchText() {
    String c = commands.isEmpty() ? "any command" : String.join("|", commands);
    return keyGlob == null ? c : c + " key=" + keyGlob;
  }

  @Override
  String actionText() {
    StringBuilder sb = new StringBuilder();
    if (delay != null) {
      sb.append("delay ").append(delay);
    }
    if (error != null || close) {
      if (sb.length() > 0) {
        sb.append(", then ");
      }
      if (afterHandling) {
        sb.append("after handling: ");
      }
      sb.append(error != null ? "error " + error : "close connection");
    }
    return sb.length() == 0 ? "(no action yet)" : sb.toString();
  }

  @Override
  String unit() {
    return "commands";
  }

  boolean matches(String upperName, String firstArg) {
    if (!commands.isEmpty() && !commands.contains(upperName)) {
      return false;
    }
    return keyGlob == null || (firstArg != null && glob(keyGlob, 0, firstArg, 0));
  }

  boolean passThrough() {
    return error == null && !close;
  }

  Delay delayAction() {
    return delay;
  }

  String errorMessage() {
    return error;
  }

  boolean closes() {
    return close;
  }

  boolean strikesAfterHandling() {
    return afterHandling;
  }

  private static boolean glob(String p, int pi, String s, int si) {
    while (pi < p.length()) {
      char c = p.charAt(pi);
      if (c == '*') {
        for (int k = si; k <= s.length(); k++) {
          if (glob(p, pi + 1, s, k)) {
            return true;
          }
        }
        return false;
      }
      if (si >= s.length()) {
        return false;
      }
      if (c == '?') {
        pi++;
        si++;
      } else if (c == '[' && p.indexOf(']', pi + 1) > 0) {
        int end = p.indexOf(']', pi + 1);
        String set = p.substring(pi + 1, end);
        boolean negate = set.startsWith("^");
        if ((set.indexOf(s.charAt(si), negate ? 1 : 0) >= 0) == negate) {
          return false;
        }
        pi = end + 1;
        si++;
      } else {
        if (c == '\\' && pi + 1 < p.length()) {
          c = p.charAt(++pi);
        }
        if (s.charAt(si) != c) {
          return false;
        }
        pi++;
        si++;
      }
    }
    return si == s.length();
  }

  @Override
  String actionExamples() {
    return ".error(\"ERR boom\"), .close() or .delay(Duration.ofMillis(300))";
  }
}
