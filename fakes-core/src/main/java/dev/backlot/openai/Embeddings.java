package dev.backlot.openai;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Deterministic embeddings: each lower-cased word contributes a pseudo-random vector seeded by the
 * word, and the whole text a smaller one, then the sum is normalised. Equal texts give equal
 * vectors; texts sharing words have a positive cosine similarity, unrelated texts one near zero.
 * The same on every JVM (own hash and generator, no platform randomness).
 */
final class Embeddings {

  private static final double WHOLE_TEXT_WEIGHT = 0.5;

  private Embeddings() {}

  static float[] of(String text, int dims) {
    double[] acc = new double[dims];
    for (String word : words(text)) {
      add(acc, fnv1a(word), 1.0);
    }
    add(acc, fnv1a("\u0000" + text), WHOLE_TEXT_WEIGHT);
    double norm = 0;
    for (double d : acc) {
      norm += d * d;
    }
    norm = Math.sqrt(norm);
    float[] out = new float[dims];
    for (int i = 0; i < dims; i++) {
      out[i] = (float) (acc[i] / norm);
    }
    return out;
  }

  /** Little-endian float32, base64: what {@code encoding_format: "base64"} sends. */
  static String base64(float[] v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      b.putFloat(f);
    }
    return Base64.getEncoder().encodeToString(b.array());
  }

  private static List<String> words(String text) {
    List<String> out = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    String lower = text.toLowerCase(Locale.ROOT);
    for (int i = 0; i < lower.length(); ) {
      int cp = lower.codePointAt(i);
      if (Character.isLetterOrDigit(cp)) {
        w.appendCodePoint(cp);
      } else if (w.length() > 0) {
        out.add(w.toString());
        w.setLength(0);
      }
      i += Character.charCount(cp);
    }
    if (w.length() > 0) {
      out.add(w.toString());
    }
    return out;
  }

  private static void add(double[] acc, long seed, double weight) {
    long s = seed;
    for (int i = 0; i < acc.length; i++) {
      s += 0x9E3779B97F4A7C15L; // splitmix64
      long z = s;
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      z = z ^ (z >>> 31);
      double u = (z >>> 11) * 0x1.0p-53; // [0, 1)
      acc[i] += weight * (2 * u - 1);
    }
  }

  private static long fnv1a(String s) {
    long h = 0xcbf29ce484222325L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= (b & 0xff);
      h *= 0x100000001b3L;
    }
    return h;
  }
}
