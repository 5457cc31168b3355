/**
 * The HTTP wire types every fake speaks, independent of the engine that serves them: {@link
 * dev.backlot.wire.Request} (what arrived), {@link dev.backlot.wire.Response} (what to answer,
 * now, later or as an event stream), {@link dev.backlot.wire.ErrorShape} and {@link
 * dev.backlot.wire.HttpError} (a backend's own error format), {@link dev.backlot.wire.Json},
 * {@link dev.backlot.wire.PathTemplate}, {@link dev.backlot.wire.SseStream} and {@link
 * dev.backlot.wire.Multipart}.
 *
 * <p>Layering: this package imports only {@code dev.backlot.time}; the journal, the fault plan,
 * the engine and every backend build on it (checked by {@code ArchitectureTest}).
 *
 * <pre>{@code
 * Handler h = req -> Response.json(200, Map.of("id", req.pathParam("id"))).setHeader("ETag", "\"1\"");
 * }</pre>
 */
package dev.backlot.wire;
