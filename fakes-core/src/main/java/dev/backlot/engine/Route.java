package dev.backlot.engine;

import dev.backlot.wire.PathTemplate;
import dev.backlot.wire.Request;
import java.util.Map;
import java.util.function.Predicate;

/** A method and path template bound to a handler (HTTP) or a WebSocket endpoint. */
public final class Route {

  private final String method;
  private final PathTemplate template;
  private final Handler handler;
  private final WebSocketHandler webSocket;
  // null: the handler runs on a worker; else it runs on the IO thread for the requests this
  // accepts (always, for a route declared plainly non-blocking).
  private volatile Predicate<Request> inline;

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

  /**
   * Whether the route's handler may run on an IO thread: always, or for the requests its {@link
   * Routes#nonBlockingWhen} condition accepts.
   */
  public boolean isNonBlocking() {
    return inline != null;
  }

  void markNonBlocking(Predicate<Request> when) {
    this.inline = when;
  }

  /** Whether this request may be answered on the IO thread. */
  boolean runsInline(Request req) {
    Predicate<Request> p = inline;
    return p != null && p.test(req);
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
