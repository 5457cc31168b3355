package dev.backlot.openai;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The LLM-specific fault conveniences of {@link OpenAiFake}: rules of the form "the next n calls
 * (or streams) get this action", checked in the order they were added. Each rule is a match (any
 * LLM call, or streaming calls only), a "next n" condition and an action, the same three parts as
 * a rule of the shared fault plan, so each can be re-expressed there once the plan can emit an
 * SSE error event in the backend's shape.
 */
final class LlmFaults {

  enum Kind {
    /** 429 with Retry-After, before the call is answered. */
    RATE_LIMIT,
    /** An error status in LiteLLM's shape, before the call is answered. */
    ERROR,
    /** A streaming call sends some chunks, then LiteLLM's SSE error event, then ends. */
    STREAM_ERROR,
    /** A streaming call sends some chunks, then the connection is cut. */
    STREAM_CUT;

    boolean streamOnly() {
      return this == STREAM_ERROR || this == STREAM_CUT;
    }
  }

  record Action(Kind kind, int status, String message, Duration retryAfter, int afterChunks) {
    String describe() {
      return switch (kind) {
        case RATE_LIMIT -> "rateLimit(retryAfter=" + retryAfter.toMillis() + "ms)";
        case ERROR -> "error(" + status + ")";
        case STREAM_ERROR -> "streamError(" + status + " after " + afterChunks + " chunks)";
        case STREAM_CUT -> "streamCut(after " + afterChunks + " chunks)";
      };
    }
  }

  private static final class Rule {
    final Action action;
    final AtomicInteger remaining;

    Rule(Action action, int times) {
      this.action = action;
      this.remaining = new AtomicInteger(times);
    }

    boolean take() {
      while (true) {
        int r = remaining.get();
        if (r <= 0) {
          return false;
        }
        if (remaining.compareAndSet(r, r - 1)) {
          return true;
        }
      }
    }
  }

  private final ConcurrentLinkedQueue<Rule> rules = new ConcurrentLinkedQueue<>();

  void add(Action action, int times) {
    if (times < 1) {
      throw new IllegalArgumentException("a fault applies to at least one call: " + times);
    }
    rules.add(new Rule(action, times));
  }

  /** Takes one use of the first live rule acting before a call is answered, or null. */
  Action takeCall() {
    return take(false);
  }

  /** Takes one use of the first live rule acting on a stream, or null. */
  Action takeStream() {
    return take(true);
  }

  private Action take(boolean stream) {
    for (Rule r : rules) {
      if (r.action.kind().streamOnly() == stream && r.take()) {
        if (r.remaining.get() <= 0) {
          rules.remove(r);
        }
        return r.action;
      }
    }
    return null;
  }

  /** The actions still to fire, one per remaining use, in order. */
  List<Action> pending() {
    List<Action> out = new ArrayList<>();
    for (Rule r : rules) {
      for (int i = 0; i < r.remaining.get(); i++) {
        out.add(r.action);
      }
    }
    return out;
  }

  void clear() {
    rules.clear();
  }
}
