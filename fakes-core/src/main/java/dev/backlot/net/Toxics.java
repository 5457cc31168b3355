package dev.backlot.net;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The toxics of one {@link NetworkLink}: each method adds a toxic at once (to open connections
 * too) and returns its live {@link Toxic} handle. A toxic is named {@code <type>_<direction>}
 * (as Toxiproxy does) unless {@link #named(String)} gives it a name; names are unique per link.
 *
 * <pre>{@code
 * link.toxics().latency(Direction.DOWNSTREAM, Duration.ofMillis(200)).jitter(Duration.ofMillis(20));
 * link.toxics().named("flaky").resetPeer(Direction.DOWNSTREAM, Duration.ZERO).toxicity(0.3);
 * link.toxics().remove("latency_downstream");
 * link.toxics().clear();
 * }</pre>
 *
 * <p>Toxics on the same direction act in the order they were added, like a chain of filters.
 */
public final class Toxics {

  private final NetworkLink link;
  private final String name;

  Toxics(NetworkLink link, String name) {
    this.link = link;
    this.name = name;
  }

  /** The same toxics, except that the next toxic added through the result is named {@code name}. */
  public Toxics named(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("a toxic name must not be blank");
    }
    return new Toxics(link, name);
  }

  private String nameFor(String type, Direction direction) {
    Objects.requireNonNull(direction, "direction");
    return name != null ? name : type + "_" + direction.label();
  }

  /** Delays data in {@code direction} by {@code latency} (Toxiproxy {@code latency}). */
  public Toxic.Latency latency(Direction direction, Duration latency) {
    return link.addToxic(
        new Toxic.Latency(link, nameFor("latency", direction), direction, latency));
  }

  /**
   * Limits {@code direction} to {@code bytesPerSecond} (Toxiproxy {@code bandwidth}, which counts
   * in KB/s); zero stalls the direction until the toxic is removed.
   */
  public Toxic bandwidth(Direction direction, long bytesPerSecond) {
    return link.addToxic(
        new Toxic.Bandwidth(link, nameFor("bandwidth", direction), direction, bytesPerSecond));
  }

  /** Splits data in {@code direction} into slices of about {@code averageSize} bytes. */
  public Toxic.Slicer slicer(Direction direction, int averageSize) {
    return link.addToxic(
        new Toxic.Slicer(link, nameFor("slicer", direction), direction, averageSize));
  }

  /**
   * Holds all data in {@code direction} and closes the connection after {@code timeout};
   * {@link Duration#ZERO} is a black hole that never closes. Unlike Toxiproxy, which drops the
   * data, the held bytes are delivered, in order, if the toxic is removed first.
   */
  public Toxic timeout(Direction direction, Duration timeout) {
    return link.addToxic(
        new Toxic.Timeout(link, nameFor("timeout", direction), direction, timeout));
  }

  /**
   * At the first data in {@code direction}, drops it (and all that follows) and, {@code after}
   * that, resets the connection: both sockets are closed with SO_LINGER 0, so both peers see a
   * TCP RST ({@code SocketException: Connection reset}). Toxiproxy {@code reset_peer}.
   */
  public Toxic resetPeer(Direction direction, Duration after) {
    return link.addToxic(
        new Toxic.ResetPeer(link, nameFor("reset_peer", direction), direction, after));
  }

  /** Delays the end of the stream in {@code direction} (FIN or close) by {@code delay}. */
  public Toxic slowClose(Direction direction, Duration delay) {
    return link.addToxic(
        new Toxic.SlowClose(link, nameFor("slow_close", direction), direction, delay));
  }

  /**
   * Lets {@code bytes} bytes through in {@code direction} (counted from when the toxic started on
   * the connection), then closes the connection: the reader gets exactly those bytes, then EOF.
   */
  public Toxic limitData(Direction direction, long bytes) {
    return link.addToxic(
        new Toxic.LimitData(link, nameFor("limit_data", direction), direction, bytes));
  }

  /**
   * Simulates packet loss the way a TCP application sees it: stalls and retransmission delays,
   * never lost or reordered bytes. See {@link Toxic.PacketLoss}.
   */
  public Toxic.PacketLoss packetLoss(Direction direction, double probability) {
    return link.addToxic(
        new Toxic.PacketLoss(link, nameFor("packet_loss", direction), direction, probability));
  }

  /** The toxic named {@code name}, if it is on the link. */
  public Optional<Toxic> get(String name) {
    return link.toxicList().stream().filter(t -> t.name().equals(name)).findFirst();
  }

  /** The toxics on the link, in the order they were added. */
  public List<Toxic> list() {
    return List.copyOf(link.toxicList());
  }

  /** Removes the toxic named {@code name}; returns whether there was one. */
  public boolean remove(String name) {
    return get(name).map(Toxic::remove).orElse(false);
  }

  /** Removes every toxic. */
  public void clear() {
    for (Toxic t : list()) {
      t.remove();
    }
  }

  @Override
  public String toString() {
    return link.toxicList().toString();
  }
}
