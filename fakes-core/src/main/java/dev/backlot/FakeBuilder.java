package dev.backlot;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.time.Clock;
import java.util.function.Consumer;

/**
 * The settings every fake's builder has, whatever the backend: the JUnit extension and the
 * standalone launcher configure any fake through this interface.
 *
 * <pre>{@code
 * FakeBuilder<?, ?> b = GcsFake.builder();
 * Fake fake = b.port(0).clock(Clock.manual()).seed(42).behindLink().start();
 * }</pre>
 *
 * @param <B> the builder's own type
 * @param <F> the fake it builds
 */
public interface FakeBuilder<B extends FakeBuilder<B, F>, F extends Fake> {

  /** A fixed port (default 0: a random free one); behind a link, the link's port. */
  B port(int port);

  /** The address to bind (default 127.0.0.1, loopback only). */
  B host(String host);

  /** The clock everything time-based in the fake reads (default the system clock). */
  B clock(Clock clock);

  /** The seed of every random choice (faults, ids, the link's toxics); {@code reset()} restores it. */
  B seed(long seed);

  /** Puts a network link in front of the fake (same clock and seed). */
  B behindLink();

  /** How many journal entries the fake keeps, and how many bytes of each request body. */
  B journal(int capacity, int bodyLimit);

  /**
   * Bounds the fake's journal by entry count, bytes of each request body, and total bytes of
   * the bodies it holds; past either bound the oldest entries are dropped.
   *
   * <pre>{@code
   * HttpFake.builder().journal(1_000, 4_096, 8L << 20).start(); // at most 8 MiB of bodies
   * }</pre>
   */
  B journal(int capacity, int bodyLimit, long maxBytes);

  /** State the fake starts with and returns to on every {@code reset()}. */
  B setup(Consumer<F> setup);

  /**
   * Applies settings from a config object (JSON, or YAML read into a tree) with the same meaning
   * as the builder's methods; an unknown key is an {@link IllegalArgumentException} naming it.
   */
  B configure(JsonNode config);

  /** The fake, not started. */
  F build();

  /** Builds and starts the fake. */
  default F start() {
    @SuppressWarnings("unchecked")
    F f = (F) build().start();
    return f;
  }
}
