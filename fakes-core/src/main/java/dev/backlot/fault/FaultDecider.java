package dev.backlot.fault;

import dev.backlot.journal.Entry;
import dev.backlot.journal.Journal;
import dev.backlot.time.Clock;
import dev.backlot.wire.ErrorShape;
import dev.backlot.wire.Request;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * The deciding side of a {@link FaultPlan}: the engine asks it, for each request, command,
 * stream or message, which rule acts. Whoever creates the plan holds its decider (a fake's
 * engine does, privately); users get the {@link #plan()} alone, to add and clear rules. The
 * decisions it returns ({@link HttpFault}, {@link CommandFault}, {@link MessageFault}, {@link
 * StreamTrigger}) are therefore reachable by the engine only.
 *
 * <pre>{@code
 * FaultDecider faults = FaultDecider.create(seed, clock, journal, () -> ErrorShape.DEFAULT);
 * faults.plan().on("GET", "/x").status(503);
 * HttpFault f = faults.decide(request, entry); // engine side
 * }</pre>
 */
public final class FaultDecider {

  private final FaultPlan plan;

  private FaultDecider(FaultPlan plan) {
    this.plan = plan;
  }

  /**
   * A new, empty plan and its decider.
   *
   * @param seed the generator's seed
   * @param clock the fake's clock: time windows read it, delays are scheduled on it
   * @param journal the fake's journal, quoted by {@link FaultPlan#assertAllFired()}
   * @param errorShape the fake's error shape, for {@link HttpRule#status(int)}
   */
  public static FaultDecider create(
      long seed, Clock clock, Journal journal, Supplier<ErrorShape> errorShape) {
    return new FaultDecider(new FaultPlan(seed, clock, journal, errorShape));
  }

  /** The plan users add rules to. Decide under its monitor together with journalling. */
  public FaultPlan plan() {
    return plan;
  }

  /** Whether any HTTP rule is installed: the no-fault fast path. */
  public boolean hasHttpRules() {
    return plan.hasHttpRules();
  }

  /**
   * Whether some HTTP rule may act on {@code request} (its method and path admit it): false
   * means {@link #decide} would return null and change nothing, so no lock is needed.
   */
  public boolean mayActOn(Request request) {
    return plan.hasHttpRules() && plan.mayActOn(request);
  }

  public boolean hasUpgradeRules() {
    return plan.hasUpgradeRules();
  }

  public boolean hasSseRules() {
    return plan.hasSseRules();
  }

  public boolean hasWebSocketRules() {
    return plan.hasWebSocketRules();
  }

  public boolean hasCommandRules() {
    return plan.hasCommandRules();
  }

  /** The fault for one HTTP request, or null; call under {@code plan()}'s monitor with journalling. */
  public HttpFault decide(Request request, Entry entry) {
    return plan.decide(request, entry);
  }

  /** The fault for a WebSocket upgrade request, or null. */
  public HttpFault decideUpgrade(Request request) {
    return plan.decideUpgrade(request);
  }

  /** The fault for one command of a command protocol (Redis), or null. */
  public CommandFault decideCommand(String command, String firstArg, Instant at) {
    return plan.decideCommand(command, firstArg, at);
  }

  /** The stream rules that fire for a new SSE stream; empty if none. */
  public List<StreamTrigger> armSse(Request origin) {
    return plan.armSse(origin);
  }

  /** The stream rules that fire for a new WebSocket connection; empty if none. */
  public List<StreamTrigger> armWebSocket(Request origin) {
    return plan.armWebSocket(origin);
  }

  /** The fault for one SSE event about to be sent, or null. */
  public MessageFault decideSseEvent(Request origin, String event, String data) {
    return plan.decideSseEvent(origin, event, data);
  }

  /** The fault for one WebSocket message, or null. */
  public MessageFault decideWebSocketMessage(
      Request origin, boolean outgoing, String text, boolean binary) {
    return plan.decideWebSocketMessage(origin, outgoing, text, binary);
  }
}
