package dev.backlot.wire;

import java.util.Collection;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;

/**
 * "Did you mean" for misspelt names: every "unknown" error of Backlot (settings of a fake, fault
 * and stub keys of a config file, launcher options) names the nearest valid name and the valid
 * ones, so a typo costs one look at the message.
 *
 * <pre>{@code
 * Hints.unknown("setting", "replly", "openai", List.of("models", "reply", "replies"));
 * // "unknown setting 'replly' for openai; did you mean 'reply'? (known: models, reply, replies)"
 * Hints.nearest("comfy", List.of("http", "comfyui"));   // Optional[comfyui]
 * }</pre>
 */
public final class Hints {

  private Hints() {}

  /**
   * The message for an unknown name: {@code unknown KIND 'GIVEN'[ for OWNER][; did you mean
   * 'NEAREST'?] (known: A, B, C)}, the known names in the order given.
   *
   * @param kind what the name names: "setting", "fault key", "stub key"...
   * @param owner whose names they are ("openai"), or null
   */
  public static String unknown(String kind, String given, String owner, Collection<String> known) {
    StringBuilder sb = new StringBuilder("unknown ").append(kind).append(" '").append(given).append('\'');
    if (owner != null) {
      sb.append(" for ").append(owner);
    }
    nearest(given, known).ifPresent(n -> sb.append("; did you mean '").append(n).append("'?"));
    return sb.append(" (known: ").append(String.join(", ", known)).append(')').toString();
  }

  /**
   * Refuses the first name of {@code given} that is not in {@code known}, with the message of
   * {@link #unknown(String, String, String, Collection)}: for the keys of a config object nested
   * in a setting, such as one of GCS's {@code objects}.
   *
   * <pre>{@code
   * Hints.requireKnown("object setting", entry.fieldNames(), "gcs", List.of("bucket", "name", "text"));
   * // IllegalArgumentException: unknown object setting 'nmae' for gcs; did you mean 'name'? (known: ...)
   * }</pre>
   *
   * @param owner whose names they are ("gcs"), or null
   * @throws IllegalArgumentException for the first unknown name
   */
  public static void requireKnown(String kind, Iterator<String> given, String owner, Collection<String> known) {
    while (given.hasNext()) {
      String g = given.next();
      if (!known.contains(g)) {
        throw new IllegalArgumentException(unknown(kind, g, owner, known));
      }
    }
  }

  /** {@link #unknown(String, String, String, Collection)} without an owner. */
  public static String unknown(String kind, String given, Collection<String> known) {
    return unknown(kind, given, null, known);
  }

  /**
   * The known name closest to {@code given} (edit distance, ignoring case), if it is close enough
   * to be a typo: within a third of the given name's length, and at least 2 edits allowed.
   */
  public static Optional<String> nearest(String given, Collection<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    String g = given.toLowerCase(Locale.ROOT);
    for (String k : known) {
      int d = distance(g, k.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        bestDistance = d;
        best = k;
      }
    }
    int allowed = Math.max(2, given.length() / 3);
    return best != null && bestDistance <= allowed ? Optional.of(best) : Optional.empty();
  }

  /** " (did you mean 'x'?)" when {@link #nearest} finds a name; else "". */
  public static String didYouMean(String given, Collection<String> known) {
    return nearest(given, known).map(n -> " (did you mean '" + n + "'?)").orElse("");
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
