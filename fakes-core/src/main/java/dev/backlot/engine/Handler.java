package dev.backlot.engine;

import dev.backlot.wire.Request;
import dev.backlot.wire.Response;

/**
 * Answers one request. Handlers run on a worker thread (unless their route is declared {@link
 * Routes#nonBlocking()}: then on the IO thread, so they must never wait), and must not
 * sleep: to answer later, return {@link Response#later} and complete it from a clock task.
 *
 * <pre>{@code
 * Handler hello = req -> Response.json(200, Map.of("hello", req.query("name", "world")));
 * }</pre>
 */
@FunctionalInterface
public interface Handler {
  Response handle(Request request) throws Exception;
}
