package dev.backlot.engine;

import dev.backlot.wire.PathTemplate;
import java.util.Map;

/** A method and path template bound to a handler (HTTP) or a WebSocket endpoint. */
public final class Route {

  private final String method;
  private final PathTemplate template;
  private final Handler handler;
  private final WebSocketHandler webSocket;
  private volatile boolean nonBlocking;

  Route(String method, String path, Handler handler, WebSocketHandler webSocket) {
    this.method = method;
    this.template = PathTemplate.of(path);
    this.handler = handler;
    this.webSocket = webSocket;
  }

  /** The method, or "*" for any. */
  public String method() {
    return method;
  }

  public PathTemplate template() {
    return template;
  }

  /** Whether the route's handler never blocks, so it may run on an IO thread. */
  public boolean isNonBlocking() {
    return nonBlocking;
  }

  void markNonBlocking() {
    this.nonBlocking = true;
  }

  Handler handler() {
    return handler;
  }

  WebSocketHandler webSocket() {
    return webSocket;
  }

  boolean methodMatches(String m) {
    return method.equals("*")
        || method.equals(m)
        || (m.equals("HEAD") && method.equals("GET") && webSocket == null);
  }

  Map<String, String> match(String rawPath) {
    return template.match(rawPath);
  }

  @Override
  public String toString() {
    return (webSocket != null ? "WS " : method + " ") + template;
  }
}
