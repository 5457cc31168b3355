package dev.backlot.fault;

/**
 * A fault armed on one open stream (a WebSocket connection or an SSE response) when it opened:
 * after {@link #after()} matching messages it closes the WebSocket with a code, or cuts the
 * connection; obtained only from a {@link FaultDecider}, which the engine holds. One instance per stream, so its count is that stream's.
 */
public final class StreamTrigger {

  private final MessageMatch match;
  private final int after;
  private final int closeCode;
  private final String reason;
  private final String description;
  private int seen;

  StreamTrigger(MessageMatch match, int after, int closeCode, String reason, String description) {
    this.match = match;
    this.after = after;
    this.closeCode = closeCode;
    this.reason = reason;
    this.description = description;
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
