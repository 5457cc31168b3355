package dev.backlot.fault;

/**
 * A fault on a fake's WebSocket endpoint: drop, delay or duplicate messages by direction and
 * type, close a connection with a code after some messages, or refuse the upgrade.
 *
 * <pre>{@code
 * faults.onWebSocket("/ws").outgoing("progress").probability(0.5).drop(); // lossy progress
 * faults.onWebSocket("/ws").outgoing("executing").duplicate();
 * faults.onWebSocket("/ws").next(1).closeAfter(3, 1011, "internal error"); // first connection only
 * faults.onWebSocket("/ws").incoming().delay(Duration.ofMillis(200));      // client -> fake lag
 * faults.onWebSocket("/ws").next(2).refuse(403);                          // two failed handshakes
 * faults.onWebSocket("/ws").next(1).dropUpgrade();                         // handshake cut
 * }</pre>
 *
 * <p>A text message's type is the {@code "type"} field of its JSON object (ComfyUI's {@code
 * {"type":"progress",...}}). "When" conditions count messages for drop/delay/duplicate, and
 * connections for {@link #closeAfter}, {@link #abortAfter}, {@link #refuse} and {@link
 * #dropUpgrade}.
 */
public final class WebSocketRule extends StreamRule<WebSocketRule> {

  WebSocketRule(FaultPlan plan, String path) {
    super(plan, "GET", path);
  }

  /** Only messages the fake sends. */
  public WebSocketRule outgoing() {
    return direction(true, null);
  }

  /** Only messages the fake sends whose JSON {@code "type"} is {@code type}. */
  public WebSocketRule outgoing(String type) {
    return direction(true, type);
  }

  /** Only messages the client sends. */
  public WebSocketRule incoming() {
    return direction(false, null);
  }

  /** Only messages the client sends whose JSON {@code "type"} is {@code type}. */
  public WebSocketRule incoming(String type) {
    return direction(false, type);
  }

  /** Only binary messages. */
  public WebSocketRule binary() {
    beforeAction("binary()");
    match.binary = Boolean.TRUE;
    match.text.append(" binary");
    return this;
  }

  /** Only text messages. */
  public WebSocketRule text() {
    beforeAction("text()");
    match.binary = Boolean.FALSE;
    match.text.append(" text");
    return this;
  }

  private WebSocketRule direction(boolean out, String type) {
    beforeAction(out ? "outgoing()" : "incoming()");
    match.outgoing = out;
    match.type = type;
    match.text.append(out ? " outgoing" : " incoming");
    if (type != null) {
      match.text.append(" \"").append(type).append('"');
    }
    return this;
  }

  /**
   * Once {@code n} matching messages went through a connection, sends a close frame with {@code
   * code} and closes it. With no direction set, messages both ways count.
   */
  public WebSocketRule closeAfter(int n, int code) {
    return closeAfter(n, code, "");
  }

  /** As {@link #closeAfter(int, int)}, with a close reason. */
  public WebSocketRule closeAfter(int n, int code, String reason) {
    if (n < 0) {
      throw refused("closeAfter(n, code) needs n >= 0: " + n);
    }
    if (code < 1000 || code > 4999 || code == 1005 || code == 1006 || code == 1015) {
      throw refused(
          "not a close code a server can send: " + code + " (use abortAfter for 1006)");
    }
    return stream(n, code, reason);
  }

  /**
   * Once {@code n} matching messages went through a connection, drops the TCP connection without
   * a close frame: the client sees an abnormal closure (1006).
   */
  public WebSocketRule abortAfter(int n) {
    if (n < 0) {
      throw refused("abortAfter(n) needs n >= 0: " + n);
    }
    return stream(n, 0, "");
  }

  /** Refuses the upgrade with an HTTP {@code status} in the fake's error shape instead of 101. */
  public WebSocketRule refuse(int status) {
    if (status < 300 || status > 599) {
      throw refused("refuse(status) needs a 3xx-5xx status: " + status);
    }
    synchronized (plan) {
      level(Level.UPGRADE);
      refuseStatus = status;
      installed();
    }
    return this;
  }

  /**
   * Drops the upgrade: the connection is closed with no answer, so the client's handshake fails
   * with end-of-stream.
   */
  public WebSocketRule dropUpgrade() {
    synchronized (plan) {
      level(Level.UPGRADE);
      refuseStatus = -1;
      installed();
    }
    return this;
  }

  private WebSocketRule stream(int n, int code, String why) {
    synchronized (plan) {
      level(Level.STREAM);
      after = n;
      closeCode = code;
      reason = why == null ? "" : why;
      installed();
    }
    return this;
  }

  @Override
  StreamTrigger arm(String description) {
    return level == Level.STREAM
        ? new StreamTrigger(match, after, closeCode, reason, description)
        : null;
  }

  @Override
  String kindText() {
    return "WS";
  }

  @Override
  String streamActionText() {
    return switch (level) {
      case STREAM -> closeCode == 0
          ? "abort after " + after + " messages"
          : "close " + closeCode + " after " + after + " messages";
      case UPGRADE -> refuseStatus < 0 ? "drop upgrade" : "refuse " + refuseStatus;
      default -> null;
    };
  }

  @Override
  String actionExamples() {
    return ".closeAfter(5, 1011), .drop(), .duplicate() or .refuse(503)";
  }
}
