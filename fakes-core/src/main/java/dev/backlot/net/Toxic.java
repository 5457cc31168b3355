package dev.backlot.net;

import java.time.Duration;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A live handle on one toxic of a {@link NetworkLink}: it acts from the moment the {@link Toxics}
 * method that made it returns, on open connections and on new ones, until {@link #remove()}.
 *
 * <pre>{@code
 * Toxic.Latency lag = link.toxics()
 *     .latency(Direction.DOWNSTREAM, Duration.ofMillis(200))
 *     .jitter(Duration.ofMillis(20))
 *     .toxicity(0.5);       // half of the connections, chosen by the link's seed
 * ...
 * lag.remove();             // data it was holding is released at once, in order
 * }</pre>
 *
 * <p>Setters act on data that arrives after they return; {@link #toxicity(double)} re-decides,
 * with the same seeded roll, which open connections the toxic applies to.
 */
public abstract class Toxic {

  final NetworkLink link;
  private final String name;
  private final String type;
  private final Direction direction;
  private volatile double toxicity = 1.0;
  volatile boolean removed;

  Toxic(NetworkLink link, String name, String type, Direction direction) {
    this.link = link;
    this.name = name;
    this.type = type;
    this.direction = Objects.requireNonNull(direction, "direction");
  }

  /** This toxic's name, unique on its link; {@code <type>_<direction>} unless one was given. */
  public String name() {
    return name;
  }

  /** The Toxiproxy type name: {@code latency}, {@code bandwidth}, {@code slicer}, ... */
  public String type() {
    return type;
  }

  /** The direction this toxic acts in. */
  public Direction direction() {
    return direction;
  }

  /** The fraction of connections this toxic applies to (1 by default). */
  public double toxicity() {
    return toxicity;
  }

  /**
   * Applies this toxic to a fraction of the connections only: connection number {@code n} (in
   * accept order) is affected when a roll seeded by the link's seed, this toxic's name and
   * {@code n} falls below {@code fraction}. Same seed, same name, same order: same connections.
   * Open connections are re-decided at once; raising the fraction only ever adds connections.
   */
  public Toxic toxicity(double fraction) {
    if (!(fraction >= 0.0 && fraction <= 1.0)) {
      throw new IllegalArgumentException("toxicity must be within 0..1: " + fraction);
    }
    this.toxicity = fraction;
    link.retoxify(this);
    return this;
  }

  /** Takes this toxic off its link; returns false if it was already removed. */
  public boolean remove() {
    return link.removeToxic(this);
  }

  /** Whether this toxic is still on its link. */
  public boolean isActive() {
    return !removed && !link.isClosed();
  }

  /** Whether connection number {@code index} (1-based, accept order) gets this toxic. */
  boolean appliesTo(long index) {
    double t = toxicity;
    return t >= 1.0 || (t > 0.0 && Seeds.roll(link.seed(), name, index) < t);
  }

  /** Makes this toxic's per-connection stage; runs on the link thread. */
  abstract Stage newStage(Pipe pipe, SplittableRandom random);

  @Override
  public String toString() {
    return type + "[" + name + ", " + direction.label() + ", toxicity=" + toxicity + details() + "]";
  }

  String details() {
    return "";
  }

  static long nanos(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.isNegative()) {
      throw new IllegalArgumentException(what + " must not be negative: " + d);
    }
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 4;
    }
  }

  /**
   * Delays every piece of data (and the close that follows it) by {@code latency}, plus a
   * uniform, seeded {@linkplain #jitter(Duration) jitter}; order is always kept, as TCP would.
   *
   * <pre>{@code
   * link.toxics().latency(Direction.DOWNSTREAM, Duration.ofMillis(200)).jitter(Duration.ofMillis(20));
   * }</pre>
   */
  public static final class Latency extends Toxic {
    volatile long latencyNanos;
    volatile long jitterNanos;

    Latency(NetworkLink link, String name, Direction direction, Duration latency) {
      super(link, name, "latency", direction);
      this.latencyNanos = nanos(latency, "latency");
    }

    /** Adds a uniform random delay in {@code [-jitter, +jitter]} to each piece of data. */
    public Latency jitter(Duration jitter) {
      this.jitterNanos = nanos(jitter, "jitter");
      return this;
    }

    /** The configured latency. */
    public Duration latency() {
      return Duration.ofNanos(latencyNanos);
    }

    /** The configured jitter. */
    public Duration jitter() {
      return Duration.ofNanos(jitterNanos);
    }

    @Override
    public Latency toxicity(double fraction) {
      super.toxicity(fraction);
      return this;
    }

    @Override
    Stage newStage(Pipe pipe, SplittableRandom random) {
      return new Stage.LatencyStage(this, pipe, random);
    }

    @Override
    String details() {
      return ", latency=" + latency() + ", jitter=" + jitter();
    }
  }

  /**
   * Cuts each piece of data into {@code averageSize}-byte slices (plus or minus a seeded
   * {@linkplain #sizeVariation(int) variation}) written separately, {@linkplain #delay(Duration)
   * delay} apart: the reader sees many small reads.
   *
   * <pre>{@code
   * link.toxics().slicer(Direction.DOWNSTREAM, 64).sizeVariation(16).delay(Duration.ofMillis(5));
   * }</pre>
   */
  public static final class Slicer extends Toxic {
    final int averageSize;
    volatile int sizeVariation;
    volatile long delayNanos;

    Slicer(NetworkLink link, String name, Direction direction, int averageSize) {
      super(link, name, "slicer", direction);
      if (averageSize < 1) {
        throw new IllegalArgumentException("averageSize must be at least 1: " + averageSize);
      }
      this.averageSize = averageSize;
    }

    /** Each slice is {@code averageSize} plus a uniform seeded value in {@code [-v, +v]}. */
    public Slicer sizeVariation(int variation) {
      if (variation < 0 || variation >= averageSize) {
        throw new IllegalArgumentException(
            "sizeVariation must be within 0.." + (averageSize - 1) + ": " + variation);
      }
      this.sizeVariation = variation;
      return this;
    }

    /** The pause between two slices (zero by default). */
    public Slicer delay(Duration delay) {
      this.delayNanos = nanos(delay, "delay");
      return this;
    }

    @Override
    public Slicer toxicity(double fraction) {
      super.toxicity(fraction);
      return this;
    }

    @Override
    Stage newStage(Pipe pipe, SplittableRandom random) {
      return new Stage.SlicerStage(this, pipe, random);
    }

    @Override
    String details() {
      return ", averageSize=" + averageSize + ", sizeVariation=" + sizeVariation + ", delay="
          + Duration.ofNanos(delayNanos);
    }
  }

  /**
   * Packet loss as a TCP application sees it: nothing is lost, but each 1448-byte segment is
   * "lost" with the given probability (seeded, per connection) and then arrives one
   * {@linkplain #retransmitTimeout(Duration) retransmit timeout} later, doubling for each
   * further loss of the same segment (at most 6 times); later data waits behind it.
   *
   * <pre>{@code
   * link.toxics().packetLoss(Direction.DOWNSTREAM, 0.05).retransmitTimeout(Duration.ofMillis(50));
   * }</pre>
   */
  public static final class PacketLoss extends Toxic {
    static final int SEGMENT = 1448;
    static final int MAX_RETRANSMITS = 6;
    static final long MAX_RTO = Duration.ofMinutes(1).toNanos();
    final double probability;
    volatile long rtoNanos = Duration.ofMillis(200).toNanos();

    PacketLoss(NetworkLink link, String name, Direction direction, double probability) {
      super(link, name, "packet_loss", direction);
      if (!(probability >= 0.0 && probability <= 1.0)) {
        throw new IllegalArgumentException("probability must be within 0..1: " + probability);
      }
      this.probability = probability;
    }

    /** The first retransmission delay (200 ms by default, Linux's minimum RTO). */
    public PacketLoss retransmitTimeout(Duration rto) {
      long n = nanos(rto, "retransmitTimeout");
      if (n == 0 || n > MAX_RTO) {
        throw new IllegalArgumentException("retransmitTimeout must be within (0, 1 min]: " + rto);
      }
      this.rtoNanos = n;
      return this;
    }

    @Override
    public PacketLoss toxicity(double fraction) {
      super.toxicity(fraction);
      return this;
    }

    @Override
    Stage newStage(Pipe pipe, SplittableRandom random) {
      return new Stage.PacketLossStage(this, pipe, random);
    }

    @Override
    String details() {
      return ", probability=" + probability + ", retransmitTimeout=" + Duration.ofNanos(rtoNanos);
    }
  }

  /** Limits throughput to a number of bytes per second; zero stalls the direction. */
  static final class Bandwidth extends Toxic {
    final long bytesPerSecond;

    Bandwidth(NetworkLink link, String name, Direction direction, long bytesPerSecond) {
      super(link, name, "bandwidth", direction);
      if (bytesPerSecond < 0) {
        throw new IllegalArgumentException("bytesPerSecond must not be negative: " + bytesPerSecond);
      }
      this.bytesPerSecond = bytesPerSecond;
    }

    @Override
    Stage newStage(Pipe pipe, SplittableRandom random) {
      return new Stage.BandwidthStage(this, pipe);
    }

    @Override
    String details() {
      return ", bytesPerSecond=" + bytesPerSecond;
    }
  }

  /** Holds all data; closes the connection after the timeout (never when it is zero). */
  static final class Timeout extends Toxic {
    final long timeoutNanos;

    Timeout(NetworkLink link, String name, Direction direction, Duration timeout) {
      super(link, name, "timeout", direction);
      this.timeoutNanos = nanos(timeout, "timeout");
    }

    @Override
    Stage newStage(Pipe pipe, SplittableRandom random) {
      return new Stage.TimeoutStage(this, pipe);
    }

    @Override
    String details() {
      return ", timeout=" + Duration.ofNanos(timeoutNanos);
    }
  }

  /** On the first data in its direction, drops data and resets the connection after a delay. */
  static final class ResetPeer extends Toxic {
    final long afterNanos;

    ResetPeer(NetworkLink link, String name, Direction direction, Duration after) {
      super(link, name, "reset_peer", direction);
      this.afterNanos = nanos(after, "after");
    }

    @Override
    Stage newStage(Pipe pipe, SplittableRandom random) {
      return new Stage.ResetPeerStage(this, pipe);
    }

    @Override
    String details() {
      return ", after=" + Duration.ofNanos(afterNanos);
    }
  }

  /** Delays the end of the stream (FIN, or a close) by a fixed delay. */
  static final class SlowClose extends Toxic {
    final long delayNanos;

    SlowClose(NetworkLink link, String name, Direction direction, Duration delay) {
      super(link, name, "slow_close", direction);
      this.delayNanos = nanos(delay, "delay");
    }

    @Override
    Stage newStage(Pipe pipe, SplittableRandom random) {
      return new Stage.SlowCloseStage(this, pipe);
    }

    @Override
    String details() {
      return ", delay=" + Duration.ofNanos(delayNanos);
    }
  }

  /** Lets {@code bytes} bytes through, then closes the connection. */
  static final class LimitData extends Toxic {
    final long bytes;

    LimitData(NetworkLink link, String name, Direction direction, long bytes) {
      super(link, name, "limit_data", direction);
      if (bytes < 0) {
        throw new IllegalArgumentException("bytes must not be negative: " + bytes);
      }
      this.bytes = bytes;
    }

    @Override
    Stage newStage(Pipe pipe, SplittableRandom random) {
      return new Stage.LimitDataStage(this, pipe);
    }

    @Override
    String details() {
      return ", bytes=" + bytes;
    }
  }
}
