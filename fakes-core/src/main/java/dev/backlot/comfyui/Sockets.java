package dev.backlot.comfyui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.wire.Json;
import dev.backlot.engine.WebSocketSession;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open WebSockets by {@code sid} (the {@code clientId} of the upgrade, or a generated one), as
 * ComfyUI's {@code PromptServer.sockets}: a message goes to one sid, or to every socket when the
 * sid is null. A new socket with a sid in use takes the sid over.
 */
final class Sockets {

  /** One socket and what its client announced in its {@code feature_flags} message. */
  static final class Client {
    final String sid;
    final WebSocketSession session;
    volatile boolean firstMessage = true;
    volatile boolean previewMetadata;

    Client(String sid, WebSocketSession session) {
      this.sid = sid;
      this.session = session;
    }
  }

  private final Map<String, Client> bySid = new ConcurrentHashMap<>();
  private final Map<WebSocketSession, Client> bySession = new ConcurrentHashMap<>();

  /**
   * Registers a socket under {@code sid} and sends it {@code hello}: registered before the hello
   * goes out (a client that read it can be found), and no other message gets in before it.
   */
  Client open(String sid, WebSocketSession session, String hello) {
    Client c = new Client(sid, session);
    synchronized (c) {
      bySid.put(sid, c);
      bySession.put(session, c);
      session.sendText(hello);
    }
    return c;
  }

  Client of(WebSocketSession session) {
    return bySession.get(session);
  }

  void closed(WebSocketSession session) {
    Client c = bySession.remove(session);
    if (c != null) {
      bySid.remove(c.sid, c); // only if no newer socket took the sid over
    }
  }

  Optional<WebSocketSession> session(String sid) {
    Client c = bySid.get(sid);
    return c == null ? Optional.empty() : Optional.of(c.session);
  }

  boolean previewMetadata(String sid) {
    Client c = sid == null ? null : bySid.get(sid);
    return c != null && c.previewMetadata;
  }

  /** The text frame {@code {"type": type, "data": data}}, as ComfyUI's {@code send_json}. */
  static String format(String type, JsonNode data) {
    ObjectNode m = Json.object();
    m.put("type", type);
    m.set("data", data);
    return Py.dumps(m);
  }

  /** {@code {"type": type, "data": data}} to {@code sid}, or to every socket if sid is null. */
  void send(String sid, String type, JsonNode data) {
    String text = format(type, data);
    if (sid == null) {
      for (Client c : bySid.values()) {
        synchronized (c) {
          c.session.sendText(text);
        }
      }
    } else {
      Client c = bySid.get(sid);
      if (c != null) {
        synchronized (c) {
          c.session.sendText(text);
        }
      }
    }
  }

  void sendBinary(String sid, byte[] frame) {
    if (sid == null) {
      for (Client c : bySid.values()) {
        synchronized (c) {
          c.session.sendBinary(frame);
        }
      }
    } else {
      Client c = bySid.get(sid);
      if (c != null) {
        synchronized (c) {
          c.session.sendBinary(frame);
        }
      }
    }
  }
}
