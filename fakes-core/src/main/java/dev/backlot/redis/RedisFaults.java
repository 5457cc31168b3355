package dev.backlot.redis;

import dev.backlot.journal.Journal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The Redis-level faults of one {@link FakeRedis}: an ordered list of {@linkplain CommandRule
 * rules} acting on the commands clients send, so a client sees a real error reply, a real slow
 * command or a real dropped connection. Network-level faults (latency, partitions) come from a
 * {@link dev.backlot.net.NetworkLink} in front of the fake instead.
 *
 * <pre>{@code
 * RedisFaults faults = redis.faults();
 * faults.onCommand("SET").next(2).oom();                  // the next two SETs fail with -OOM
 * faults.onCommand("GET", "MGET").delay(Duration.ofMillis(200));
 * faults.onAnyCommand().nth(5).drop();                    // cut the connection on the 5th command
 *
 * runTheClient();
 *
 * faults.assertAllFired();
 * }</pre>
 *
 * <p><b>Order.</b> Rules are checked in the order they were added. A delay lets the command go on
 * to later rules (delays add up); the first other rule that fires decides.
 *
 * <p><b>Determinism.</b> Probabilities draw from one generator seeded with {@link #seed()}; each
 * decision is taken under the plan's lock in arrival order, and written to the command's journal
 * entry ({@link dev.backlot.journal.Entry#fault()}) with the rule and the seed.
 *
 * <p>Commands sent with {@link FakeRedis#call(String...)} are never faulted.
 */
public final class RedisFaults {

  /** The seed a plan uses unless told otherwise; fixed, so runs repeat by default. */
  public static final long DEFAULT_SEED = 0x5EEDL;

  private static final CommandRule[] NONE = new CommandRule[0];

  private final Journal journal;
  private final List<CommandRule> rules = new ArrayList<>();
  private long seed;
  private Random rng;
  private int numbers;
  private volatile CommandRule[] all = NONE;

  RedisFaults(long seed, Journal journal) {
    this.seed = seed;
    this.rng = new Random(seed);
    this.journal = journal;
  }

  /** A rule for the commands named (case-insensitive): {@code onCommand("BLMOVE", "BRPOPLPUSH")}. */
  public CommandRule onCommand(String... commands) {
    if (commands.length == 0) {
      throw new IllegalArgumentException("name at least one command, or use onAnyCommand()");
    }
    return new CommandRule(this, commands);
  }

  /** A rule for every command. */
  public CommandRule onAnyCommand() {
    return new CommandRule(this);
  }

  /** The seed of this plan's generator. */
  public synchronized long seed() {
    return seed;
  }

  /** Restarts the generator with {@code seed}; rules stay. */
  public synchronized RedisFaults seed(long seed) {
    this.seed = seed;
    this.rng = new Random(seed);
    return this;
  }

  /** The installed rules, in the order they are checked. */
  public synchronized List<CommandRule> rules() {
    return List.copyOf(rules);
  }

  public boolean isEmpty() {
    return all.length == 0;
  }

  /** The rules that never acted. */
  public synchronized List<CommandRule> unfired() {
    List<CommandRule> out = new ArrayList<>();
    for (CommandRule r : rules) {
      if (r.fired() == 0) {
        out.add(r);
      }
    }
    return out;
  }

  /**
   * Fails with an {@link AssertionError} naming every rule that never acted and the commands the
   * fake saw: a fault the code under test never hit usually means the test does not test what it
   * claims.
   */
  public void assertAllFired() {
    List<CommandRule> unfired;
    long s;
    synchronized (this) {
      unfired = unfired();
      s = seed;
    }
    if (unfired.isEmpty()) {
      return;
    }
    StringBuilder sb = new StringBuilder()
        .append(unfired.size())
        .append(unfired.size() == 1 ? " fault rule never fired" : " fault rules never fired")
        .append(" (seed ").append(s).append("):\n");
    for (CommandRule r : unfired) {
      long m = r.matched();
      sb.append("  ").append(r).append("\n      matched ").append(m)
          .append(m == 1 ? " command" : " commands");
      if (m > 0) {
        sb.append(", but its conditions never let it fire");
      }
      sb.append('\n');
    }
    sb.append("Commands the fake saw (").append(journal.total()).append(" entries):\n");
    sb.append(journal.describe(20));
    throw new AssertionError(sb.toString());
  }

  /** Removes every rule and restarts the generator from the seed. */
  public synchronized void clear() {
    rules.clear();
    numbers = 0;
    rng = new Random(seed);
    all = NONE;
  }

  @Override
  public synchronized String toString() {
    StringBuilder sb = new StringBuilder("RedisFaults(seed ").append(seed).append(')');
    for (CommandRule r : rules) {
      sb.append("\n  ").append(r).append(" [fired ").append(r.fired()).append(']');
    }
    return sb.toString();
  }

  synchronized int install(CommandRule rule) {
    rules.add(rule);
    all = rules.toArray(NONE);
    return ++numbers;
  }

  synchronized void remove(CommandRule rule) {
    if (rules.remove(rule)) {
      all = rules.toArray(NONE);
    }
  }

  /** What the plan decided for one command. */
  record Decision(Duration delay, CommandRule.Action action, String error, String description) {}

  /** Decides the fault for one command, or null (the no-rule path is one volatile read). */
  Decision decide(String upperName, String firstArg, Instant at) {
    if (all.length == 0) {
      return null;
    }
    synchronized (this) {
      long delayNanos = 0;
      StringBuilder desc = null;
      CommandRule terminal = null;
      for (CommandRule rule : all) {
        if (!rule.matches(upperName, firstArg, at) || !rule.fires(rng)) {
          continue;
        }
        String d = rule + " (match " + rule.matchedUnlocked() + ", seed " + seed + ")";
        desc = desc == null ? new StringBuilder(d) : desc.append("; ").append(d);
        if (rule.action() == CommandRule.Action.DELAY) {
          delayNanos += rule.delayAction().toNanos();
        } else {
          terminal = rule;
          break;
        }
      }
      if (desc == null) {
        return null;
      }
      return new Decision(
          Duration.ofNanos(delayNanos),
          terminal == null ? CommandRule.Action.DELAY : terminal.action(),
          terminal == null ? null : terminal.errorMessage(),
          desc.toString());
    }
  }
}
