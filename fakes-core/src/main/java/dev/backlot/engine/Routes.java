package dev.backlot.engine;

import dev.backlot.wire.Request;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * The routes of one fake: its backend's protocol. Routes are tried in the order they were added;
 * the first whose method and path template match wins.
 *
 * <pre>{@code
 * routes.get("/history/{id}", this::history)
 *       .post("/prompt", this::queuePrompt)
 *       .ws("/ws", socketHandler);
 * routes.get("/health", req -> Response.json(200, "{\"ok\":true}")).nonBlocking();
 * }</pre>
 *
 * <p>Handlers run on a worker thread unless their route is declared {@link #nonBlocking()}: such
 * a handler runs right on the IO thread that read the request, which saves the hand-off (the
 * largest cost of a small answer). Declare it only for handlers that compute an answer from
 * memory: no locks held for long, no I/O, no waiting on a latch, a future or the test's code.
 */
public final class Routes {

  private final List<Route> routes = new CopyOnWriteArrayList<>();
  // The same routes as an array, for find() on every request (no iterator to allocate).
  private volatile Route[] table = new Route[0];

  public Routes get(String path, Handler h) {
    return add("GET", path, h);
  }

  public Routes post(String path, Handler h) {
    return add("POST", path, h);
  }

  public Routes put(String path, Handler h) {
    return add("PUT", path, h);
  }

  public Routes patch(String path, Handler h) {
    return add("PATCH", path, h);
  }

  public Routes delete(String path, Handler h) {
    return add("DELETE", path, h);
  }

  public Routes head(String path, Handler h) {
    return add("HEAD", path, h);
  }

  /** A route for {@code method} ("*" for any method). */
  public Routes add(String method, String path, Handler h) {
    routes.add(new Route(method.toUpperCase(Locale.ROOT), path, h, null));
    table = routes.toArray(new Route[0]);
    return this;
  }

  /**
   * Declares the route added last non-blocking: its handler only computes an answer from memory
   * (no I/O, no waiting, no call into code the test supplied), so the engine runs it on the IO
   * thread instead of handing it to a worker.
   *
   * <pre>{@code
   * routes.get("/v1/models", this::models).nonBlocking();
   * }</pre>
   *
   * @throws IllegalStateException if no HTTP route was added yet
   */
  public Routes nonBlocking() {
    return mark(ALWAYS, "nonBlocking()");
  }

  /**
   * Declares the route added last non-blocking for the requests {@code inline} accepts; the
   * others (a streamed answer, one that runs code the test supplied, one that waits) go to a
   * worker as usual. The condition runs on the IO thread before the path variables are bound,
   * so it too must only look at the request and memory. A body it parses with {@link
   * Request#json()} stays parsed for the handler.
   *
   * <pre>{@code
   * routes.post("/v1/chat/completions", this::chat)
   *     .nonBlockingWhen(req -> !req.json().path("stream").asBoolean(false));
   * }</pre>
   *
   * @throws IllegalStateException if no HTTP route was added yet
   */
  public Routes nonBlockingWhen(Predicate<Request> inline) {
    return mark(java.util.Objects.requireNonNull(inline, "inline"), "nonBlockingWhen()");
  }

  private static final Predicate<Request> ALWAYS = r -> true;

  private Routes mark(Predicate<Request> inline, String what) {
    if (routes.isEmpty() || routes.get(routes.size() - 1).webSocket() != null) {
      throw new IllegalStateException(what + " follows an HTTP route");
    }
    routes.get(routes.size() - 1).markNonBlocking(inline);
    return this;
  }

  /** A WebSocket endpoint on the same port as HTTP. */
  public Routes ws(String path, WebSocketHandler h) {
    routes.add(new Route("GET", path, null, h));
    table = routes.toArray(new Route[0]);
    return this;
  }

  /** The routes in match order. */
  public List<Route> all() {
    return List.copyOf(routes);
  }

  /** A matched route and its path variables. */
  record Match(Route route, Map<String, String> params) {}

  Match find(String method, String rawPath, boolean upgrade) {
    for (Route r : table) {
      if ((r.webSocket() != null) != upgrade || !r.methodMatches(method)) {
        continue;
      }
      Map<String, String> params = r.match(rawPath);
      if (params != null) {
        return new Match(r, params);
      }
    }
    return null;
  }

  /** Whether some route has this path under another method (for 405 answers). */
  List<String> methodsFor(String rawPath) {
    List<String> out = new ArrayList<>();
    for (Route r : routes) {
      if (r.webSocket() == null && r.match(rawPath) != null && !out.contains(r.method())) {
        out.add(r.method());
      }
    }
    return out;
  }

  /** The routes most alike {@code method rawPath}, best first, for 404 bodies. */
  List<String> nearMisses(String method, String rawPath, int max) {
    return routes.stream()
        .map(r -> Map.entry(r, r.template().similarity(rawPath) + (r.methodMatches(method) ? 1 : 0)))
        .filter(e -> e.getValue() > 0)
        .sorted(Comparator.comparing(Map.Entry<Route, Integer>::getValue).reversed())
        .limit(max)
        .map(e -> e.getKey().toString())
        .toList();
  }
}
