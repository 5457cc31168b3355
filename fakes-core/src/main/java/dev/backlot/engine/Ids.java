package dev.backlot.engine;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The one source of every id a fake mints (prompt ids, task ids, upload ids, session hashes...):
 * seeded by the fake's seed and restarted by {@code reset()}, so the same seed and the same
 * sequence of calls give the same ids, run after run, and journals compare byte for byte.
 *
 * <pre>{@code
 * String taskId = ids().uuid();              // "3f0c...-4...": a version-4 shaped UUID
 * String upload = "ABPtcP" + ids().hex(32);   // 32 lowercase hex digits
 * long showId = ids().next("show");           // 1, 2, 3... per name
 * }</pre>
 *
 * <p>Thread-safe; ids minted from several threads at once are unique, but their order then
 * follows the threads' order.
 */
public final class Ids {

  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final char[] ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  private final long seed;
  private SplittableRandom random;
  private final Map<String, Long> counters = new HashMap<>();

  /** Ids seeded with {@code seed}. */
  public Ids(long seed) {
    this.seed = seed;
    this.random = new SplittableRandom(seed);
  }

  /** Starts the sequence again from the seed, and every counter again from 1. */
  public synchronized void restart() {
    random = new SplittableRandom(seed);
    counters.clear();
  }

  /** A random UUID in the canonical 8-4-4-4-12 form, with version 4 and the IETF variant. */
  public synchronized String uuid() {
    long hi = (random.nextLong() & ~0xF000L) | 0x4000L;
    long lo = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new java.util.UUID(hi, lo).toString();
  }

  /** {@code length} random lowercase hex digits. */
  public synchronized String hex(int length) {
    return pick(HEX, length);
  }

  /** {@code length} random characters from {@code a-z0-9}. */
  public synchronized String token(int length) {
    return pick(ALNUM, length);
  }

  /** A random long in [0, bound). */
  public synchronized long nextLong(long bound) {
    return random.nextLong(bound);
  }

  /** The next number of the sequence called {@code name}: 1, 2, 3... (restarted by reset). */
  public synchronized long next(String name) {
    return counters.merge(name, 1L, Long::sum);
  }

  private String pick(char[] alphabet, int length) {
    char[] out = new char[length];
    for (int i = 0; i < length; i++) {
      out[i] = alphabet[random.nextInt(alphabet.length)];
    }
    return new String(out);
  }
}
