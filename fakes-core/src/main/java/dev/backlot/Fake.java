package dev.backlot;

import dev.backlot.fault.FaultPlan;
import dev.backlot.journal.Journal;
import dev.backlot.time.Clock;
import java.net.URI;

/**
 * A fake backend: a real server on a loopback port inside the test JVM, speaking the real
 * backend's protocol. Every fake, whatever the backend, offers these handles, so a user who
 * learned one knows all.
 *
 * <pre>{@code
 * try (HttpFake api = new HttpFake().start()) {
 *   api.stub("GET", "/ping").respond(Response.text(200, "pong"));
 *   callMyClient(api.baseUri());
 *   api.journal().verify(RequestPattern.get("/ping"));
 * }
 * }</pre>
 */
public interface Fake extends AutoCloseable {

  /** A short lower-case name: "http", "comfyui", "gcs", ... */
  String name();

  /** Starts serving (on the configured port, 0 = a random free one, bound to 127.0.0.1). */
  Fake start();

  boolean isRunning();

  /** The port; stays the same across {@link #stop()} and {@link #restart()}. */
  int port();

  /**
   * Where clients connect, no trailing slash; the scheme is the protocol's: {@code
   * http://127.0.0.1:PORT} for HTTP fakes, {@code redis://127.0.0.1:PORT} for {@code RedisFake}.
   * Behind a network link, the link's address.
   */
  URI baseUri();

  /**
   * Stops like a crashed process: the port refuses connections and open connections are cut.
   * State is kept.
   */
  void stop();

  /** Serves again on the same port, with the state it had (a client's reconnect can be tested). */
  void restart();

  /**
   * Back to the initial state: stored data, stubs, faults and journal cleared, ids and the seed
   * restarted, then the builder's setup runs again: now if the fake is running, else when it
   * next starts. Fast.
   */
  void reset();

  /** Everything received and sent. */
  Journal journal();

  /** The clock everything time-based in this fake reads. */
  Clock clock();

  /**
   * The fault plan: rules that act on this fake's real traffic (an injected 503 in the backend's
   * own error shape, a TCP reset, a stalled or truncated body, a dropped WebSocket message...),
   * deterministic under a seed. Cleared by {@link #reset()}.
   *
   * <pre>{@code
   * fake.faults().on("POST", "/prompt").next(2).status(503);
   * }</pre>
   */
  FaultPlan faults();

  /** Frees the port, threads and memory; idempotent. */
  @Override
  void close();
}
