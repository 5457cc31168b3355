package dev.backlot.openai;

import dev.backlot.time.Clock;
import dev.backlot.wire.Json;
import dev.backlot.wire.SseStream;
import java.time.Duration;
import java.util.List;

/**
 * Sends a stream's events one after another, {@code delay} apart on the fake's clock (never
 * sleeping), and applies a stream fault: after {@code afterChunks} events, LiteLLM's error event
 * or a cut connection instead of the rest.
 */
final class Pacer {

  private final SseStream stream;
  private final List<String> events;
  private final LlmFaults.Action fault;
  private final Duration delay;
  private final Clock clock;
  private volatile Clock.Cancellable pending;
  private int next; // confined: each step runs after the previous one

  Pacer(SseStream stream, List<String> events, LlmFaults.Action fault, Duration delay, Clock clock) {
    this.stream = stream;
    this.events = events;
    this.fault = fault;
    this.delay = delay;
    this.clock = clock;
  }

  void start(Duration initialDelay) {
    stream.onClose(
        () -> {
          Clock.Cancellable p = pending;
          if (p != null) {
            p.cancel();
          }
        });
    if (initialDelay.isZero()) {
      step();
    } else {
      pending = clock.schedule(initialDelay, this::step);
    }
  }

  private void step() {
    while (stream.isOpen()) {
      // The error replaces [DONE] at the latest: a fault never lets the stream end normally.
      if (fault != null && next == Math.min(fault.afterChunks(), events.size() - 1)) {
        if (fault.kind() == LlmFaults.Kind.STREAM_CUT) {
          stream.abort();
        } else {
          stream.send(Json.write(LiteLlmErrors.body(fault.status(), fault.message(), null, null)));
          stream.close();
        }
        return;
      }
      if (next == events.size()) {
        stream.close();
        return;
      }
      stream.send(events.get(next++));
      if (!delay.isZero() && next < events.size()) {
        pending = clock.schedule(delay, this::step);
        return;
      }
    }
  }
}
