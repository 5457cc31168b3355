package dev.backlot.fault;

import java.time.Duration;
import java.util.Objects;
import java.util.Random;

/**
 * How long a fault waits: fixed, uniform, or log-normal (the long-tailed latency of real
 * services). Random delays are drawn from the {@link FaultPlan}'s seeded generator, so the same
 * seed gives the same delays; the value drawn is written to the journal.
 *
 * <pre>{@code
 * fake.faults().onAny().delay(Delay.uniform(Duration.ofMillis(50), Duration.ofMillis(250)));
 * fake.faults().onAny().delay(Delay.logNormal(Duration.ofMillis(120), 0.6).atMost(Duration.ofSeconds(2)));
 * }</pre>
 */
public final class Delay {

  private enum Kind { FIXED, UNIFORM, LOG_NORMAL }

  private final Kind kind;
  private final Duration a;
  private final Duration b;
  private final double sigma;
  private final Duration max;

  private Delay(Kind kind, Duration a, Duration b, double sigma, Duration max) {
    this.kind = kind;
    this.a = a;
    this.b = b;
    this.sigma = sigma;
    this.max = max;
  }

  /** Always {@code d}. */
  public static Delay fixed(Duration d) {
    return new Delay(Kind.FIXED, nonNegative(d), d, 0, null);
  }

  /** Uniformly between {@code min} and {@code max} (inclusive of {@code min}). */
  public static Delay uniform(Duration min, Duration max) {
    if (nonNegative(max).compareTo(nonNegative(min)) < 0) {
      throw new IllegalArgumentException("uniform delay needs min <= max: " + min + " > " + max);
    }
    return new Delay(Kind.UNIFORM, min, max, 0, null);
  }

  /**
   * Log-normal around {@code median}: {@code median * exp(sigma * N(0,1))}. A sigma of 0.25 is a
   * steady service, 1.0 a service with a heavy tail; cap the tail with {@link #atMost}.
   */
  public static Delay logNormal(Duration median, double sigma) {
    if (!(sigma >= 0) || Double.isInfinite(sigma)) {
      throw new IllegalArgumentException("sigma must be a finite number >= 0: " + sigma);
    }
    return new Delay(Kind.LOG_NORMAL, nonNegative(median), median, sigma, null);
  }

  /** The same distribution, clamped to {@code cap}. */
  public Delay atMost(Duration cap) {
    return new Delay(kind, a, b, sigma, nonNegative(cap));
  }

  /** Draws one delay; a fixed delay draws nothing from {@code rng}. */
  Duration sample(Random rng) {
    Duration d =
        switch (kind) {
          case FIXED -> a;
          case UNIFORM -> {
            long lo = a.toNanos();
            long span = b.toNanos() - lo;
            yield Duration.ofNanos(lo + (long) (rng.nextDouble() * span));
          }
          case LOG_NORMAL ->
              Duration.ofNanos((long) (a.toNanos() * Math.exp(sigma * rng.nextGaussian())));
        };
    return max != null && d.compareTo(max) > 0 ? max : d;
  }

  boolean isRandom() {
    return kind != Kind.FIXED;
  }

  private static Duration nonNegative(Duration d) {
    Objects.requireNonNull(d, "duration");
    if (d.isNegative()) {
      throw new IllegalArgumentException("a delay cannot be negative: " + d);
    }
    return d;
  }

  static String format(Duration d) {
    long ms = d.toMillis();
    if (ms < 10_000) {
      return ms + "ms";
    }
    return (ms / 1000) + "." + (ms % 1000 / 100) + "s";
  }

  @Override
  public String toString() {
    String s =
        switch (kind) {
          case FIXED -> format(a);
          case UNIFORM -> "uniform(" + format(a) + ".." + format(b) + ")";
          case LOG_NORMAL -> "lognormal(median " + format(a) + ", sigma " + sigma + ")";
        };
    return max == null ? s : s + " max " + format(max);
  }
}
