package dev.backlot.net;

import java.util.SplittableRandom;

/** Seeded, order-independent rolls: the same inputs give the same numbers in every JVM. */
final class Seeds {

  private Seeds() {}

  /** A uniform double in [0, 1) for (seed, toxic name, connection number). */
  static double roll(long seed, String name, long connection) {
    return (hash(seed, name, connection, 0) >>> 11) * 0x1.0p-53;
  }

  /** The random source a toxic's stage uses on one connection and direction. */
  static SplittableRandom random(long seed, String name, long connection, Direction direction) {
    return new SplittableRandom(hash(seed, name, connection, 1 + direction.ordinal()));
  }

  private static long hash(long seed, String name, long connection, int salt) {
    long h = mix(seed ^ 0x9E3779B97F4A7C15L);
    h = mix(h ^ name.hashCode()); // String.hashCode is specified, so stable across JVMs
    h = mix(h ^ connection);
    return mix(h + salt);
  }

  /** SplitMix64's finaliser. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
