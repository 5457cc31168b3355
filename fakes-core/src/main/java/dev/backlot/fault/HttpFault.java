package dev.backlot.fault;

import dev.backlot.wire.Response;
import java.time.Duration;
import java.util.Random;
import java.util.function.Supplier;

/**
 * What the plan decided for one HTTP request (or WebSocket upgrade): the engine carries it out on
 * the real connection. Obtained only from a {@link FaultDecider}, which the engine holds; tests configure faults through {@link FaultPlan}.
 *
 * <p>Order of play: wait {@link #delay()}; then, if {@link #trigger()} is {@link
 * Trigger#BEFORE_HANDLER} and there is an {@link #effect()}, apply it (nothing is sent and the
 * fake's state is untouched). Otherwise answer with {@link #replacement()} or, if there is none,
 * the fake's own handler; then {@link #corrupt corrupt} the body, write it at {@link
 * #throttleBytesPerSecond()}, and, when the trigger is {@link Trigger#AFTER_HANDLER} or {@link
 * Trigger#AFTER_BYTES}, apply the effect at that point.
 */
public final class HttpFault {

  /** When the {@link Effect} strikes. */
  public enum Trigger {
    /** Before the fake's handler runs: nothing is processed, nothing is sent. */
    BEFORE_HANDLER,
    /** After the handler ran (state may have changed) but before any byte of the response. */
    AFTER_HANDLER,
    /** After the status line, headers and {@link #cutAfterBytes()} bytes of the body. */
    AFTER_BYTES
  }

  /** What happens to the connection. */
  public enum Effect {
    /** Nothing: the response completes (possibly delayed, throttled or corrupted). */
    NONE,
    /** A clean close (FIN): the client reads end-of-stream. */
    CLOSE,
    /** A TCP reset (SO_LINGER 0, then close): the client sees "connection reset". */
    RESET,
    /** Nothing more is sent and the connection stays open, until the client gives up. */
    STALL
  }

  private final Duration delay;
  private final Supplier<Response> replacement;
  private final Trigger trigger;
  private final long cutAfterBytes;
  private final Effect effect;
  private final long throttleBytesPerSecond;
  private final int corruptBytes;
  private final long randomSeed;
  private final String description;

  HttpFault(
      Duration delay,
      Supplier<Response> replacement,
      Trigger trigger,
      long cutAfterBytes,
      Effect effect,
      long throttleBytesPerSecond,
      int corruptBytes,
      long randomSeed,
      String description) {
    this.delay = delay;
    this.replacement = replacement;
    this.trigger = trigger;
    this.cutAfterBytes = cutAfterBytes;
    this.effect = effect;
    this.throttleBytesPerSecond = throttleBytesPerSecond;
    this.corruptBytes = corruptBytes;
    this.randomSeed = randomSeed;
    this.description = description;
  }

  /** How long to wait before anything else; zero for none. */
  public Duration delay() {
    return delay;
  }

  /** The response to send instead of the handler's, or null to call the handler. */
  public Response replacement() {
    return replacement == null ? null : replacement.get();
  }

  public Trigger trigger() {
    return trigger;
  }

  /** Body bytes to send before the effect, when the trigger is {@link Trigger#AFTER_BYTES}. */
  public long cutAfterBytes() {
    return cutAfterBytes;
  }

  public Effect effect() {
    return effect;
  }

  /** Body rate limit in bytes per second; 0 for none. */
  public long throttleBytesPerSecond() {
    return throttleBytesPerSecond;
  }

  /** Whether the body must be written by the fault writer rather than sent in one go. */
  public boolean shapesBody() {
    return throttleBytesPerSecond > 0 || (effect != Effect.NONE && trigger == Trigger.AFTER_BYTES);
  }

  /** Whether the connection is broken before the handler runs (close, reset, or stall). */
  public boolean breaksBeforeHandler() {
    return effect != Effect.NONE && trigger == Trigger.BEFORE_HANDLER;
  }

  /** Whether the connection is broken after the handler ran, before any byte is sent. */
  public boolean breaksAfterHandler() {
    return effect != Effect.NONE && trigger == Trigger.AFTER_HANDLER;
  }

  /**
   * The body with the decided bytes changed (same length; each chosen byte gets a different
   * value), or {@code body} itself when there is nothing to corrupt. Deterministic for a seed.
   */
  public byte[] corrupt(byte[] body) {
    if (corruptBytes == 0 || body.length == 0) {
      return body;
    }
    int n = corruptBytes < 0 ? Math.max(1, body.length / 100) : Math.min(corruptBytes, body.length);
    byte[] out = body.clone();
    Random rng = new Random(randomSeed);
    boolean[] hit = new boolean[out.length];
    for (int done = 0; done < n; ) {
      int i = rng.nextInt(out.length);
      if (hit[i]) {
        continue;
      }
      hit[i] = true;
      out[i] ^= (byte) (1 + rng.nextInt(255)); // never 0, so the byte always changes
      done++;
    }
    return out;
  }

  /** What fired, with the plan's seed, as written to the journal. */
  public String description() {
    return description;
  }

  @Override
  public String toString() {
    return description;
  }
}
