package dev.backlot.net;

import java.util.Locale;

/**
 * Which way through a {@link NetworkLink} a toxic acts, in Toxiproxy's terms.
 *
 * <pre>{@code
 * link.toxics().latency(Direction.DOWNSTREAM, Duration.ofMillis(200)); // slow answers
 * link.toxics().bandwidth(Direction.UPSTREAM, 64 * 1024);            // slow uploads
 * }</pre>
 */
public enum Direction {
  /** Client to target: the bytes the client sends (requests, uploads). */
  UPSTREAM,
  /** Target to client: the bytes the target sends back (responses, downloads). */
  DOWNSTREAM;

  /** {@code "upstream"} or {@code "downstream"}, as in toxic names. */
  String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
