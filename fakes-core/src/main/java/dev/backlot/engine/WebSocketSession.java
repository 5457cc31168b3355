package dev.backlot.engine;

import dev.backlot.wire.Json;
import dev.backlot.wire.Request;

/**
 * One open WebSocket connection to a fake. Sends may come from any thread; frames go out in call
 * order and are recorded in the fake's journal.
 */
public interface WebSocketSession {

  /** A unique id within the fake (1, 2, ...). */
  String id();

  /** The upgrade request, with its query (e.g. {@code clientId}) and headers. */
  Request request();

  void sendText(String text);

  /** Serialises {@code value} with the shared mapper and sends it as a text frame. */
  default void sendJson(Object value) {
    sendText(Json.write(value));
  }

  void sendBinary(byte[] data);

  /** Sends a close frame with {@code code} and {@code reason}, then closes. */
  void close(int code, String reason);

  /** Drops the TCP connection with no close frame (the client sees 1006). */
  void abort();

  boolean isOpen();
}
