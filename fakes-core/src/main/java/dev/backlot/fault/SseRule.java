package dev.backlot.fault;

import java.util.Objects;

/**
 * A fault on the Server-Sent Events a fake streams: cut the stream after some events, or drop,
 * delay or duplicate events of a type.
 *
 * <pre>{@code
 * faults.onSse("POST", "/v1/chat/completions").next(1).cutAfter(3); // first stream breaks after 3 events
 * faults.onSse("GET", "/queue/data").event("progress").drop();       // no progress events
 * faults.onSse("GET", "/events").nth(2).delay(Duration.ofSeconds(1)); // the 2nd event is late
 * faults.onSse("POST", "/v1/chat/completions").next(1)
 *       .endAfter(3, "{\"error\":{\"message\":\"overloaded\",\"code\":\"500\"}}"); // an in-band error
 * }</pre>
 *
 * <p>An event's type is its {@code event:} name, or, for JSON data, its {@code "type"} field.
 * For {@link #cutAfter} and {@link #endAfter}, "when" conditions count streams; for the message
 * actions, events.
 */
public final class SseRule extends StreamRule<SseRule> {

  // endAfter's last event; null data: not an endAfter rule.
  private String finalEvent;
  private String finalData;

  SseRule(FaultPlan plan, String method, String path) {
    super(plan, method, path);
    match.outgoing = Boolean.TRUE;
  }

  /** Only events of this type: the {@code event:} name, or the {@code "type"} of JSON data. */
  public SseRule event(String type) {
    beforeAction("event(" + type + ")");
    match.type = type;
    match.text.append(" event \"").append(type).append('"');
    return this;
  }

  /**
   * Cuts the stream once {@code n} (matching) events were sent: the connection closes without the
   * end of the chunked body, so the client sees a broken stream, not a normal end.
   */
  public SseRule cutAfter(int n) {
    if (n < 0) {
      throw refused("cutAfter(n) needs n >= 0: " + n);
    }
    synchronized (plan) {
      level(Level.STREAM);
      after = n;
      installed();
    }
    return this;
  }

  /**
   * Once {@code n} (matching) events were sent, sends {@code data} as one more event and ends the
   * stream normally, instead of the events that would have followed: the error event a backend
   * sends in-band (OpenAI's {@code data: {"error": {...}}}). If the stream ends by itself first,
   * it ends as it would have, without the event.
   */
  public SseRule endAfter(int n, String data) {
    return endAfter(n, null, data);
  }

  /** As {@link #endAfter(int, String)}, with an {@code event:} name (null for none). */
  public SseRule endAfter(int n, String event, String data) {
    if (n < 0) {
      throw refused("endAfter(n) needs n >= 0: " + n);
    }
    Objects.requireNonNull(data, "data");
    synchronized (plan) {
      level(Level.STREAM);
      after = n;
      finalEvent = event;
      finalData = data;
      installed();
    }
    return this;
  }

  @Override
  StreamTrigger arm(String description) {
    return level == Level.STREAM
        ? new StreamTrigger(match, after, 0, "", description, finalEvent, finalData)
        : null;
  }

  @Override
  String kindText() {
    return "SSE " + (method == null ? "ANY" : method);
  }

  @Override
  String streamActionText() {
    if (level != Level.STREAM) {
      return null;
    }
    if (finalData == null) {
      return "cut after " + after + " events";
    }
    String shown = finalData.length() > 60 ? finalData.substring(0, 57) + "..." : finalData;
    return "after " + after + " events send " + (finalEvent == null ? "" : "event " + finalEvent + " ")
        + shown + " and end";
  }

  @Override
  String actionExamples() {
    return ".cutAfter(3), .drop() or .delay(Duration.ofMillis(300))";
  }
}
