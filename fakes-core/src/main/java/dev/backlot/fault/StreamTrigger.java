package dev.backlot.fault;

/**
 * A fault armed on one open stream (a WebSocket connection or an SSE response) when it opened:
 * after {@link #after()} matching messages it closes the WebSocket with a code, cuts the
 * connection, or (SSE) sends one last event and ends the stream normally; obtained only from a
 * {@link FaultDecider}, which the engine holds. One instance per stream, so its count is that
 * stream's.
 */
public final class StreamTrigger {

  private final MessageMatch match;
  private final int after;
  private final int closeCode;
  private final String reason;
  private final String description;
  private final String finalEvent;
  private final String finalData;
  private int seen;

  StreamTrigger(MessageMatch match, int after, int closeCode, String reason, String description) {
    this(match, after, closeCode, reason, description, null, null);
  }

  StreamTrigger(
      MessageMatch match, int after, int closeCode, String reason, String description,
      String finalEvent, String finalData) {
    this.match = match;
    this.after = after;
    this.closeCode = closeCode;
    this.reason = reason;
    this.description = description;
    this.finalEvent = finalEvent;
    this.finalData = finalData;
  }

  /**
   * Counts a message that went through this stream; true exactly once, when the count reaches
   * {@link #after()}: the caller then closes or cuts the stream, after that message.
   */
  public synchronized boolean count(boolean outgoing, String text, boolean binary, String event) {
    if (seen >= after || !match.matches(new Message(outgoing, text, binary, event))) {
      return false;
    }
    return ++seen == after;
  }

  /** Whether the stream must be cut as soon as it opens (after zero messages). */
  public boolean immediate() {
    return after == 0;
  }

  public int after() {
    return after;
  }

  /**
   * The WebSocket close code to send; 0 means cut the connection without a close frame (the
   * client sees 1006 / a broken event stream).
   */
  public int closeCode() {
    return closeCode;
  }

  /**
   * The data of the event to send before ending an SSE stream normally, or null: the stream is
   * then cut instead.
   */
  public String finalData() {
    return finalData;
  }

  /** The {@code event:} name of {@link #finalData()}'s event, or null for a data-only event. */
  public String finalEvent() {
    return finalEvent;
  }

  public String reason() {
    return reason;
  }

  public String description() {
    return description;
  }

  @Override
  public String toString() {
    return description;
  }
}
