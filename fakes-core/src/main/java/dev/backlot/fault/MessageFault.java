package dev.backlot.fault;

import java.time.Duration;

/**
 * What the plan decided for one WebSocket message or SSE event; obtained only from a {@link FaultDecider}, which the engine holds.
 *
 * <p>Messages of one stream keep their order: a delayed message holds back the ones after it,
 * as on a real TCP connection.
 */
public final class MessageFault {

  private final boolean drop;
  private final boolean duplicate;
  private final Duration delay;
  private final String description;

  MessageFault(boolean drop, boolean duplicate, Duration delay, String description) {
    this.drop = drop;
    this.duplicate = duplicate;
    this.delay = delay;
    this.description = description;
  }

  /** Not sent (outgoing) or not delivered to the fake (incoming). */
  public boolean drop() {
    return drop;
  }

  /** Sent or delivered twice. */
  public boolean duplicate() {
    return duplicate;
  }

  /** How long to hold it back; zero for none. */
  public Duration delay() {
    return delay;
  }

  public String description() {
    return description;
  }

  @Override
  public String toString() {
    return description;
  }
}
