package dev.backlot.media;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.zip.Adler32;

/**
 * A small zlib (RFC 1950) / deflate (RFC 1951) compressor: one block with the fixed Huffman
 * codes and greedy LZ77 matching.
 *
 * <p>Why not {@link java.util.zip.Deflater}: its output depends on the zlib the JDK was built
 * with (bundled zlib, the distribution's zlib, or zlib-ng), so the same pixels could compress to
 * different bytes on another machine. Outputs of {@link Media} must be identical everywhere, and
 * this encoder's output is fully determined by its input. The generated images are made of
 * repeated rows and flat runs, for which fixed codes and "previous row" matches are enough.
 */
final class Deflate {

  private static final int WINDOW = 32 * 1024;
  private static final int MIN_MATCH = 3;
  private static final int MAX_MATCH = 258;
  private static final int HASH_BITS = 15;

  private static final int[] LENGTH_BASE = {
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115,
    131, 163, 195, 227, 258
  };
  private static final int[] LENGTH_EXTRA = {
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0
  };
  private static final int[] DIST_BASE = {
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577
  };
  private static final int[] DIST_EXTRA = {
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13
  };

  private Deflate() {}

  /**
   * Compresses {@code data} into a zlib stream. {@code hint} is an extra match distance tried at
   * every position (a PNG's scanline length, so a row equal to the previous one costs a few
   * bytes); 0 for none.
   */
  static byte[] zlib(byte[] data, int hint) {
    BitSink out = new BitSink(data.length / 4 + 64);
    out.bytes.write(0x78); // CM=8 (deflate), 32K window
    out.bytes.write(0x01); // no dictionary, "fastest" level; 0x7801 % 31 == 0
    out.bits(1, 1); // BFINAL
    out.bits(1, 2); // BTYPE=01: fixed Huffman codes

    int[] head = new int[1 << HASH_BITS];
    Arrays.fill(head, -1);
    int n = data.length;
    int i = 0;
    while (i < n) {
      int bestLen = 0;
      int bestDist = 0;
      if (i + MIN_MATCH <= n) {
        int h = hash(data, i);
        int candidate = head[h];
        head[h] = i;
        if (candidate >= 0 && i - candidate <= WINDOW) {
          bestLen = matchLength(data, candidate, i);
          bestDist = i - candidate;
        }
        if (hint > 0 && hint <= WINDOW && i >= hint) {
          int len = matchLength(data, i - hint, i);
          if (len > bestLen) {
            bestLen = len;
            bestDist = hint;
          }
        }
      }
      if (bestLen >= MIN_MATCH) {
        out.length(bestLen);
        out.distance(bestDist);
        // Index the skipped positions too, sparsely: every one would slow long runs down.
        int end = i + bestLen;
        for (int j = i + 1; j < end && j + MIN_MATCH <= n; j += 4) {
          head[hash(data, j)] = j;
        }
        i = end;
      } else {
        out.literal(data[i] & 0xFF);
        i++;
      }
    }
    out.symbol(256); // end of block
    out.flush();

    Adler32 adler = new Adler32();
    adler.update(data);
    long sum = adler.getValue();
    out.bytes.write((int) (sum >>> 24));
    out.bytes.write((int) (sum >>> 16));
    out.bytes.write((int) (sum >>> 8));
    out.bytes.write((int) sum);
    return out.bytes.toByteArray();
  }

  private static int hash(byte[] d, int i) {
    int v = ((d[i] & 0xFF) << 16) | ((d[i + 1] & 0xFF) << 8) | (d[i + 2] & 0xFF);
    return (v * 0x9E3779B1) >>> (32 - HASH_BITS);
  }

  private static int matchLength(byte[] d, int from, int at) {
    int max = Math.min(MAX_MATCH, d.length - at);
    int len = 0;
    while (len < max && d[from + len] == d[at + len]) {
      len++;
    }
    return len;
  }

  /** LSB-first bit packing, as deflate wants; Huffman codes go in most significant bit first. */
  private static final class BitSink {
    final ByteArrayOutputStream bytes;
    private int acc;
    private int count;

    BitSink(int capacity) {
      bytes = new ByteArrayOutputStream(capacity);
    }

    void bits(int value, int n) {
      acc |= value << count;
      count += n;
      while (count >= 8) {
        bytes.write(acc & 0xFF);
        acc >>>= 8;
        count -= 8;
      }
    }

    void huffman(int code, int n) {
      bits(Integer.reverse(code) >>> (32 - n), n);
    }

    /** A literal/length symbol with the fixed code of RFC 1951 section 3.2.6. */
    void symbol(int s) {
      if (s < 144) {
        huffman(0x30 + s, 8);
      } else if (s < 256) {
        huffman(0x190 + s - 144, 9);
      } else if (s < 280) {
        huffman(s - 256, 7);
      } else {
        huffman(0xC0 + s - 280, 8);
      }
    }

    void literal(int b) {
      symbol(b);
    }

    void length(int len) {
      int c = LENGTH_BASE.length - 1;
      while (LENGTH_BASE[c] > len) {
        c--;
      }
      symbol(257 + c);
      bits(len - LENGTH_BASE[c], LENGTH_EXTRA[c]);
    }

    void distance(int dist) {
      int c = DIST_BASE.length - 1;
      while (DIST_BASE[c] > dist) {
        c--;
      }
      huffman(c, 5);
      bits(dist - DIST_BASE[c], DIST_EXTRA[c]);
    }

    void flush() {
      if (count > 0) {
        bytes.write(acc & 0xFF);
        acc = 0;
        count = 0;
      }
    }
  }
}
