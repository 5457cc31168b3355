package dev.backlot.openai;

import dev.backlot.time.Clock;
import dev.backlot.wire.Json;
import dev.backlot.wire.SseStream;
import java.time.Duration;
import java.util.List;

/**
 * Sends a stream's events one after another, {@code delay} apart on the fake's clock (never
 * sleeping). A {@code mock_response} asking for a mid-stream error gets LiteLLM's error event
 * after its chunks instead of the rest. Injected faults are not handled here: they are rules of
 * the fake's {@code faults()} plan, acting on the events this sends.
 */
final class Pacer {

  private final SseStream stream;
  private final List<String> events;
  private final MockResponse.StreamError error;
  private final Duration delay;
  private final Clock clock;
  private volatile Clock.Cancellable pending;
  private int next; // confined: each step runs after the previous one

  Pacer(SseStream stream, List<String> events, MockResponse.StreamError error, Duration delay, Clock clock) {
    this.stream = stream;
    this.events = events;
    this.error = error;
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
      // The error replaces [DONE] at the latest: a failing stream never ends normally.
      if (error != null && next == Math.min(error.afterChunks(), events.size() - 1)) {
        stream.send(Json.write(LiteLlmErrors.body(error.status(), error.message(), null, null)));
        stream.close();
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
