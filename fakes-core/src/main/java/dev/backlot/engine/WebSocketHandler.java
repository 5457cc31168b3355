package dev.backlot.engine;

/**
 * Handles one WebSocket endpoint of a fake. Callbacks for one session arrive in order, on an IO
 * thread: keep them short, and schedule slow work on the fake's clock.
 *
 * <pre>{@code
 * routes.ws("/ws", new WebSocketHandler() {
 *   public void onOpen(WebSocketSession s) { s.sendJson(Map.of("type", "status")); }
 * });
 * }</pre>
 */
public interface WebSocketHandler {

  default void onOpen(WebSocketSession session) {}

  default void onText(WebSocketSession session, String text) {}

  default void onBinary(WebSocketSession session, byte[] data) {}

  /** The session ended: a close frame either way ({@code code} as sent) or a lost connection (1006). */
  default void onClose(WebSocketSession session, int code, String reason) {}
}
