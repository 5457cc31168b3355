package dev.backlot.fault;

import dev.backlot.time.Clock;
import dev.backlot.wire.ErrorShape;
import dev.backlot.wire.Request;
import dev.backlot.wire.Response;
import dev.backlot.journal.Entry;
import dev.backlot.journal.Journal;
import dev.backlot.journal.Recorder;
import dev.backlot.journal.RequestPattern;
import io.undertow.util.StatusCodes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.function.Supplier;

/**
 * The faults of one fake: an ordered list of {@linkplain Rule rules} acting on the fake's real
 * network traffic, so clients see a real reset, a real stalled socket, a real truncated body.
 * Every fake has one: {@code fake.faults()}.
 *
 * <pre>{@code
 * FaultPlan faults = comfy.faults();
 * faults.on("POST", "/prompt").next(2).status(503);          // the next two prompts fail, like ComfyUI's own 503
 * faults.onAny().delay(Delay.uniform(ofMillis(20), ofMillis(80))); // and everything is a bit slow
 * faults.onWebSocket("/ws").outgoing("progress").probability(0.3).drop();
 *
 * runTheClient();
 *
 * faults.assertAllFired(); // a fault the client never hit usually means a broken test
 * }</pre>
 *
 * <p><b>Declaring.</b> A rule is installed by its action ({@code status}, {@code delay}, {@code
 * reset}, {@code drop}...), and must get it before the same thread declares the next rule of the
 * plan: a rule left without one does nothing, so declaring the next rule, {@link
 * #assertAllFired()}, {@link #checkUnfinished()} and the JUnit extension (after each test) fail
 * with an {@link IllegalStateException} naming it.
 *
 * <p><b>Order.</b> Rules are checked in the order they were added. A rule whose only action is a
 * delay lets the traffic go on to later rules (delays add up); the first other rule that fires
 * decides.
 *
 * <p><b>Determinism.</b> Every random choice (probabilities, random delays, corrupted bytes) comes
 * from one generator seeded with {@link #seed()} ({@link #DEFAULT_SEED} unless the fake's builder
 * or {@link #seed(long)} says otherwise). Decisions are taken one at a time, in arrival order,
 * under the plan's lock, so the same seed and the same sequence of traffic give the same
 * decisions. Each decision is written to the journal entry it acted on ({@link Entry#fault()}),
 * with the rule and the seed.
 *
 * <p><b>Cost.</b> With no rules, the fake's data path pays one volatile read per request. With
 * rules, a request no rule's method and path admit is checked against them without a lock;
 * only a request some rule may act on is decided under the plan's lock.
 */
public final class FaultPlan {

  /** The seed a plan uses unless told otherwise; fixed, so runs repeat by default. */
  public static final long DEFAULT_SEED = 0x5EEDL;

  private static final Rule<?>[] NONE = new Rule<?>[0];

  private final Clock clock;
  private final Journal journal;
  private final Supplier<ErrorShape> errorShape;
  private final List<Rule<?>> rules = new ArrayList<>();
  /** Rules declared by on(...) and friends that have no action yet (so are not installed). */
  private final List<Rule<?>> unfinished = new ArrayList<>(1);
  private long seed;
  private Random rng;
  private int numbers;

  // Snapshots for the data path: read without the lock.
  private volatile Rule<?>[] all = NONE;
  private volatile boolean anyHttp;
  private volatile boolean anyUpgrade;
  private volatile boolean anySse;
  private volatile boolean anyWebSocket;
  private volatile boolean anyCommand;

  /**
   * A plan for a fake; made through {@link FaultDecider#create}, which keeps the deciding side.
   *
   * @param seed the generator's seed
   * @param clock the fake's clock: time windows read it, delays are scheduled on it
   * @param journal the fake's journal, quoted by {@link #assertAllFired()}
   * @param errorShape the fake's error shape, for {@link HttpRule#status(int)}
   */
  FaultPlan(long seed, Clock clock, Journal journal, Supplier<ErrorShape> errorShape) {
    this.seed = seed;
    this.rng = new Random(seed);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.journal = Objects.requireNonNull(journal, "journal");
    this.errorShape = Objects.requireNonNull(errorShape, "errorShape");
  }

  // ------------------------------------------------------------------ building rules

  /** A rule for requests with {@code method} ("*" for any) on {@code path} (a route template). */
  public HttpRule on(String method, String path) {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    return begin(new HttpRule(this, method, path));
  }

  /**
   * A rule for requests matching {@code pattern}, the same patterns the journal verifies with:
   * {@code faults.on(RequestPattern.post("/prompt").bodyContains("KSampler")).status(500)}.
   */
  public HttpRule on(RequestPattern pattern) {
    if (pattern.matchesCommands()) {
      throw new IllegalArgumentException(
          "on(" + pattern + ") is for HTTP requests; for commands write onCommand(\"NAME\")");
    }
    return begin(new HttpRule(this, pattern));
  }

  /** A rule for every request. */
  public HttpRule onAny() {
    return begin(new HttpRule(this, null, null));
  }

  /** A rule for the Server-Sent Events of streams opened by {@code method} on {@code path}. */
  public SseRule onSse(String method, String path) {
    Objects.requireNonNull(path, "path");
    return begin(new SseRule(this, method, path));
  }

  /**
   * A rule for the commands named (case-insensitive) of a command protocol such as Redis's:
   * {@code faults.onCommand("BLMOVE", "BRPOPLPUSH").nth(3).close()}.
   */
  public CommandRule onCommand(String... commands) {
    if (commands.length == 0) {
      throw new IllegalArgumentException("name at least one command, or use onAnyCommand()");
    }
    return begin(new CommandRule(this, commands));
  }

  /** A rule for every command of a command protocol. */
  public CommandRule onAnyCommand() {
    return begin(new CommandRule(this));
  }

  /** A rule for the WebSocket endpoint at {@code path} (a template). */
  public WebSocketRule onWebSocket(String path) {
    Objects.requireNonNull(path, "path");
    return begin(new WebSocketRule(this, path));
  }

  /**
   * Registers a newly declared rule, after failing if a rule this thread declared before never got
   * an action (another thread's rule may be between its declaration and its action right now).
   */
  private <R extends Rule<R>> R begin(R rule) {
    List<Rule<?>> left = new ArrayList<>(1);
    synchronized (this) {
      unfinished.removeIf(r -> r.declaredBy == rule.declaredBy && left.add(r));
      unfinished.add(rule);
    }
    if (!left.isEmpty()) {
      synchronized (this) {
        unfinished.remove(rule); // the declaration fails: the new rule is not declared either
      }
      throw unfinishedError(left);
    }
    return rule;
  }

  // ------------------------------------------------------------------ inspection

  /** The seed of this plan's generator. */
  public synchronized long seed() {
    return seed;
  }

  /** Restarts the generator with {@code seed}; rules stay. */
  public synchronized FaultPlan seed(long seed) {
    this.seed = seed;
    this.rng = new Random(seed);
    return this;
  }

  /** The installed rules, in the order they are checked. */
  public synchronized List<Rule<?>> rules() {
    return List.copyOf(rules);
  }

  public boolean isEmpty() {
    return all.length == 0;
  }

  /**
   * The rules declared ({@link #on(String, String)}, {@link #onCommand}, ...) that were never
   * given an action, so are not installed and do nothing.
   */
  public synchronized List<Rule<?>> unfinished() {
    return List.copyOf(unfinished);
  }

  /**
   * Fails with an {@link IllegalStateException} naming each rule declared with no action (see
   * {@link #unfinished()}); they are then forgotten, so the plan stays usable. {@link
   * #assertAllFired()} calls it, and the JUnit extension after each test; declaring a rule checks
   * the rules of the declaring thread the same way.
   *
   * <pre>{@code
   * faults.on("POST", "/prompt").next(2);   // forgot .status(503)
   * faults.checkUnfinished();               // IllegalStateException: fault rule POST /prompt, next(2)
   *                                         // was declared with no action, so it does nothing: ...
   * }</pre>
   */
  public void checkUnfinished() {
    List<Rule<?>> left;
    synchronized (this) {
      if (unfinished.isEmpty()) {
        return;
      }
      left = List.copyOf(unfinished);
      unfinished.clear();
    }
    throw unfinishedError(left);
  }

  private static IllegalStateException unfinishedError(List<Rule<?>> left) {
    StringBuilder sb = new StringBuilder();
    for (Rule<?> r : left) {
      if (sb.length() > 0) {
        sb.append('\n');
      }
      sb.append("fault rule ").append(r.declaration())
          .append(" was declared with no action, so it does nothing: end it with one, e.g. ")
          .append(r.actionExamples()).append(", before declaring the next rule");
    }
    return new IllegalStateException(sb.toString());
  }

  /** Forgets a rule whose declaration failed (a bad argument): it is no unfinished rule. */
  synchronized void abandon(Rule<?> rule) {
    unfinished.remove(rule);
  }

  /** The rules that never acted. */
  public synchronized List<Rule<?>> unfired() {
    List<Rule<?>> out = new ArrayList<>();
    for (Rule<?> r : rules) {
      if (r.fired() == 0) {
        out.add(r);
      }
    }
    return out;
  }

  /**
   * Fails with an {@link AssertionError} naming every rule that never acted, how much traffic
   * each matched, and the traffic the fake saw: a fault the code under test never hit usually
   * means the test does not test what it claims.
   */
  public void assertAllFired() {
    checkUnfinished();
    List<Rule<?>> unfired;
    long s;
    synchronized (this) {
      unfired = unfired();
      s = seed;
    }
    if (unfired.isEmpty()) {
      return;
    }
    StringBuilder sb =
        new StringBuilder()
            .append(unfired.size())
            .append(unfired.size() == 1 ? " fault rule never fired" : " fault rules never fired")
            .append(" (seed ")
            .append(s)
            .append("):\n");
    for (Rule<?> r : unfired) {
      long m = r.matched();
      String unit = r.unit();
      sb.append("  ").append(r).append("\n      matched ").append(m).append(' ')
          .append(m == 1 ? unit.substring(0, unit.length() - 1) : unit);
      if (m > 0) {
        sb.append(", but its conditions never let it fire");
      }
      sb.append('\n');
    }
    sb.append("Traffic the fake saw (").append(journal.total()).append(" entries):\n");
    sb.append(journal.describe(20));
    throw new AssertionError(sb.toString());
  }

  /** Removes every rule and restarts the generator from the seed. */
  public synchronized void clear() {
    rules.clear();
    unfinished.clear();
    numbers = 0;
    rng = new Random(seed);
    snapshot();
  }

  @Override
  public synchronized String toString() {
    StringBuilder sb = new StringBuilder("FaultPlan(seed ").append(seed).append(')');
    for (Rule<?> r : rules) {
      sb.append("\n  ").append(r).append(" [fired ").append(r.fired()).append(']');
    }
    return sb.toString();
  }

  synchronized int install(Rule<?> rule) {
    unfinished.remove(rule);
    rules.add(rule);
    snapshot();
    return ++numbers;
  }

  synchronized void remove(Rule<?> rule) {
    if (rules.remove(rule)) {
      snapshot();
    }
  }

  private void snapshot() {
    Rule<?>[] a = rules.toArray(NONE);
    boolean h = false;
    boolean up = false;
    boolean sse = false;
    boolean ws = false;
    boolean cmd = false;
    for (Rule<?> r : a) {
      cmd |= r instanceof CommandRule;
      h |= r instanceof HttpRule;
      sse |= r instanceof SseRule;
      ws |= r instanceof WebSocketRule;
      up |= r instanceof HttpRule || r instanceof WebSocketRule;
    }
    anyHttp = h;
    anyUpgrade = up;
    anySse = sse;
    anyWebSocket = ws;
    anyCommand = cmd;
    all = a;
  }

  // ------------------------------------------------------------------ engine side

  /** Whether any HTTP rule is installed (the no-fault fast path; engine side via FaultDecider). */
  boolean hasHttpRules() {
    return anyHttp;
  }

  /**
   * Whether some HTTP rule's method and path admit {@code r}; read without the lock, from the
   * rules' snapshot. When none does, {@link #decide} would return null and change nothing, so
   * the data path skips it (and the lock).
   */
  boolean mayActOn(Request r) {
    for (Rule<?> rule : all) {
      if (rule instanceof HttpRule h && h.admits(r)) {
        return true;
      }
    }
    return false;
  }

  /** Whether any rule can act on a WebSocket upgrade. */
  boolean hasUpgradeRules() {
    return anyUpgrade;
  }

  boolean hasSseRules() {
    return anySse;
  }

  boolean hasWebSocketRules() {
    return anyWebSocket;
  }

  /** Whether any command rule is installed (the no-fault fast path; engine side via FaultDecider). */
  boolean hasCommandRules() {
    return anyCommand;
  }

  /**
   * Decides the fault for one command of a command protocol, or null. Via FaultDecider: rules are
   * checked in order, delays add up, the first rule with another action decides.
   *
   * @param command the command's name, upper case
   * @param firstArg its first argument (the key, for most Redis commands), or null
   * @param at when it arrived, on the fake's clock
   */
  synchronized CommandFault decideCommand(String command, String firstArg, Instant at) {
    long delayNanos = 0;
    StringBuilder desc = null;
    CommandRule terminal = null;
    for (Rule<?> rule : all) {
      if (!(rule instanceof CommandRule c) || !c.inWindow(at) || !c.matches(command, firstArg)
          || !c.fires(rng)) {
        continue;
      }
      String extra = null;
      Delay d = c.delayAction();
      if (d != null) {
        Duration sampled = d.sample(rng);
        delayNanos += sampled.toNanos();
        if (d.isRandom()) {
          extra = "delay " + Delay.format(sampled);
        }
      }
      desc = append(desc, describe(c, extra));
      if (!c.passThrough()) {
        terminal = c;
        break;
      }
    }
    if (desc == null) {
      return null;
    }
    return new CommandFault(
        Duration.ofNanos(delayNanos),
        terminal == null ? null : terminal.errorMessage(),
        terminal != null && terminal.closes(),
        terminal != null && terminal.strikesAfterHandling(),
        desc.toString());
  }

  /**
   * Decides the fault for one HTTP request, or null. Via FaultDecider: call it under this plan's
   * monitor together with recording {@code entry}, so decisions are taken in journal order.
   *
   * @param entry the request's journal entry (for {@link RequestPattern} rules); may be null
   */
  synchronized HttpFault decide(Request request, Entry entry) {
    return decideHttp(request, entry, false);
  }

  /** Decides the fault for a WebSocket upgrade request, or null (via FaultDecider). */
  synchronized HttpFault decideUpgrade(Request request) {
    return decideHttp(request, null, true);
  }

  private HttpFault decideHttp(Request r, Entry entry, boolean upgrade) {
    Instant at = r.time();
    long delayNanos = 0;
    StringBuilder desc = null;
    HttpRule terminal = null;
    int refuse = 0;
    Entry[] view = {entry};
    Supplier<Entry> entryView =
        () -> {
          if (view[0] == null) {
            // An upgrade has no journal entry: match RequestPattern rules against a scratch one.
            view[0] =
                Recorder.create(1, Journal.DEFAULT_BODY_LIMIT)
                    .record(Entry.Kind.HTTP, at, r.method(), r.path(), r.rawQuery(), r.headers(),
                        r.body());
          }
          return view[0];
        };
    for (Rule<?> rule : all) {
      if (rule instanceof HttpRule h) {
        if ((upgrade && !h.appliesToUpgrade()) || !h.inWindow(at) || !h.matches(r, entryView)) {
          continue;
        }
        if (!h.fires(rng)) {
          continue;
        }
        String extra = null;
        Delay d = h.delayAction();
        if (d != null) {
          Duration sampled = d.sample(rng);
          delayNanos += sampled.toNanos();
          if (d.isRandom()) {
            extra = "delay " + Delay.format(sampled);
          }
        }
        desc = append(desc, describe(h, extra));
        if (!h.passThrough()) {
          terminal = h;
          break;
        }
      } else if (upgrade && rule instanceof WebSocketRule w && w.level == StreamRule.Level.UPGRADE) {
        if (!w.inWindow(at) || !w.matchesStream(r) || !w.fires(rng)) {
          continue;
        }
        desc = append(desc, describe(w, null));
        refuse = w.refuseStatus;
        break;
      }
    }
    if (desc == null) {
      return null;
    }
    Duration delay = Duration.ofNanos(delayNanos);
    if (refuse != 0) {
      int status = refuse;
      Supplier<Response> answer =
          status < 0
              ? null
              : () -> errorShape.get().render(status, StatusCodes.getReason(status), Map.of());
      return new HttpFault(
          delay, answer, HttpFault.Trigger.BEFORE_HANDLER, 0,
          status < 0 ? HttpFault.Effect.CLOSE : HttpFault.Effect.NONE, 0, 0, 0, desc.toString());
    }
    if (terminal == null) {
      return new HttpFault(
          delay, null, HttpFault.Trigger.BEFORE_HANDLER, 0, HttpFault.Effect.NONE, 0, 0, 0,
          desc.toString());
    }
    long corruptSeed = terminal.corruptCount() != 0 ? rng.nextLong() : 0;
    return new HttpFault(
        delay,
        terminal.replacement(errorShape),
        terminal.trigger(),
        terminal.cutAfterBytes(),
        terminal.effect(),
        terminal.throttle(),
        terminal.corruptCount(),
        corruptSeed,
        desc.toString());
  }

  /** Arms the stream rules that fire for a new SSE stream; empty if none (via FaultDecider). */
  synchronized List<StreamTrigger> armSse(Request origin) {
    return arm(origin, SseRule.class);
  }

  /** Arms the stream rules that fire for a new WebSocket connection; empty if none. */
  synchronized List<StreamTrigger> armWebSocket(Request origin) {
    return arm(origin, WebSocketRule.class);
  }

  private List<StreamTrigger> arm(Request origin, Class<?> kind) {
    List<StreamTrigger> out = null;
    Instant now = clock.instant();
    for (Rule<?> rule : all) {
      if (kind.isInstance(rule)
          && rule instanceof StreamRule<?> s
          && s.level == StreamRule.Level.STREAM
          && s.inWindow(now)
          && s.matchesStream(origin)
          && s.fires(rng)) {
        if (out == null) {
          out = new ArrayList<>(1);
        }
        out.add(s.arm(describe(s, null)));
      }
    }
    return out == null ? List.of() : out;
  }

  /** Decides the fault for one SSE event the fake is about to send, or null (via FaultDecider). */
  synchronized MessageFault decideSseEvent(Request origin, String event, String data) {
    return decideMessage(SseRule.class, origin, new Message(true, data, false, event));
  }

  /** Decides the fault for one WebSocket message, or null (via FaultDecider). */
  synchronized MessageFault decideWebSocketMessage(
      Request origin, boolean outgoing, String text, boolean binary) {
    return decideMessage(WebSocketRule.class, origin, new Message(outgoing, text, binary, null));
  }

  private MessageFault decideMessage(Class<?> kind, Request origin, Message m) {
    Instant now = clock.instant();
    long delayNanos = 0;
    boolean drop = false;
    boolean duplicate = false;
    StringBuilder desc = null;
    for (Rule<?> rule : all) {
      if (!kind.isInstance(rule)
          || !(rule instanceof StreamRule<?> s)
          || s.level != StreamRule.Level.MESSAGE
          || !s.inWindow(now)
          || !s.matchesStream(origin)
          || !s.match.matches(m)
          || !s.fires(rng)) {
        continue;
      }
      String extra = null;
      Delay d = s.delayAction();
      if (d != null) {
        Duration sampled = d.sample(rng);
        delayNanos += sampled.toNanos();
        if (d.isRandom()) {
          extra = "delay " + Delay.format(sampled);
        }
      }
      desc = append(desc, describe(s, extra));
      if (s.dropAction() || s.duplicateAction()) {
        drop = s.dropAction();
        duplicate = s.duplicateAction() && !drop;
        break;
      }
    }
    return desc == null
        ? null
        : new MessageFault(drop, duplicate, Duration.ofNanos(delayNanos), desc.toString());
  }

  private String describe(Rule<?> r, String extra) {
    StringBuilder sb = new StringBuilder(r.toString());
    if (extra != null) {
      sb.append(": ").append(extra);
    }
    return sb.append(" (match ").append(r.matchedUnlocked()).append(", seed ").append(seed)
        .append(')').toString();
  }

  private static StringBuilder append(StringBuilder sb, String s) {
    if (sb == null) {
      return new StringBuilder(s);
    }
    return sb.append("; ").append(s);
  }
}
