package dev.backlot.wire;

/**
 * A stream of Server-Sent Events to one client. Every method may be called from any thread; events
 * go out in call order. Once the client disconnects, sends are dropped and {@link #isOpen()} turns
 * false, so a producer driven by a clock can stop.
 *
 * <pre>{@code
 * return Response.sse(events -> {
 *   events.send("{\"delta\":\"Hel\"}");
 *   clock.schedule(Duration.ofMillis(20), () -> { events.send("[DONE]"); events.close(); });
 * });
 * }</pre>
 */
public interface SseStream {

  /** Sends {@code data: <line>} for each line of {@code data}, then a blank line. */
  void send(String data);

  /** Sends a named event ({@code event: <name>}) with {@code data}. */
  void send(String event, String data);

  /** Sends raw bytes exactly as given (for protocols that frame their own events). */
  void sendRaw(String text);

  /** Ends the response normally once everything sent so far is written. */
  void close();

  /**
   * Cuts the connection without ending the chunked body (a broken stream), once the events sent
   * before this call are written.
   */
  void abort();

  boolean isOpen();

  /** Runs {@code action} once when the stream ends, whoever ends it. */
  void onClose(Runnable action);

  /** The request that opened the stream. */
  Request request();
}
