package dev.backlot.openai;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A byte-level JSON writer for the reply bodies on the fake's hot path: the caller writes the
 * punctuation and field names as prepared ASCII, this class escapes strings and formats numbers
 * exactly as the shared Jackson mapper does (same bytes: {@code \b \t \n \f \r}, other control
 * characters and every surrogate as upper-case {@code \\uXXXX}, everything else as UTF-8), so
 * clients see no difference. One instance per thread, reused: a reply then costs its final
 * {@code byte[]} and nothing else.
 */
final class JsonBytes {

  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NULL = ascii("null");
  private static final ThreadLocal<JsonBytes> PER_THREAD = ThreadLocal.withInitial(JsonBytes::new);

  private byte[] buf = new byte[1024];
  private int len;

  /** The calling thread's writer, emptied. */
  static JsonBytes get() {
    JsonBytes w = PER_THREAD.get();
    w.len = 0;
    return w;
  }

  /** {@code s} as ASCII bytes, for the prepared pieces of a reply. */
  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** Appends prepared bytes (punctuation, a quoted field name). */
  JsonBytes raw(byte[] piece) {
    ensure(piece.length);
    System.arraycopy(piece, 0, buf, len, piece.length);
    len += piece.length;
    return this;
  }

  /** Appends {@code s} quoted and escaped, or {@code null}. */
  JsonBytes string(String s) {
    if (s == null) {
      return raw(NULL);
    }
    int n = s.length();
    ensure(n * 6 + 2); // the worst case: every char a \\uXXXX escape
    byte[] b = buf;
    int p = len;
    b[p++] = '"';
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        if (c >= 0x20 && c != '"' && c != '\\') {
          b[p++] = (byte) c;
          continue;
        }
        b[p++] = '\\';
        switch (c) {
          case '"' -> b[p++] = '"';
          case '\\' -> b[p++] = '\\';
          case '\b' -> b[p++] = 'b';
          case '\t' -> b[p++] = 't';
          case '\n' -> b[p++] = 'n';
          case '\f' -> b[p++] = 'f';
          case '\r' -> b[p++] = 'r';
          default -> p = unicodeEscape(b, p, c);
        }
      } else if (c < 0x800) {
        b[p++] = (byte) (0xC0 | (c >> 6));
        b[p++] = (byte) (0x80 | (c & 0x3F));
      } else if (c >= 0xD800 && c <= 0xDFFF) {
        b[p++] = '\\'; // Jackson escapes surrogates, paired or not
        p = unicodeEscape(b, p, c);
      } else {
        b[p++] = (byte) (0xE0 | (c >> 12));
        b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        b[p++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    b[p++] = '"';
    len = p;
    return this;
  }

  /** Appends a whole number, as {@link Long#toString(long)} writes it. */
  JsonBytes number(long v) {
    if (v == Long.MIN_VALUE) {
      return raw(ascii(Long.toString(v)));
    }
    ensure(20);
    byte[] b = buf;
    if (v < 0) {
      b[len++] = '-';
      v = -v;
    }
    int digits = 1;
    for (long x = v; x >= 10; x /= 10) {
      digits++;
    }
    int end = len + digits;
    for (int p = end - 1; p >= len; p--) {
      b[p] = (byte) ('0' + (v % 10));
      v /= 10;
    }
    len = end;
    return this;
  }

  /** The bytes written, as a new array. */
  byte[] toBytes() {
    byte[] out = Arrays.copyOf(buf, len);
    if (buf.length > 64 * 1024) {
      buf = new byte[1024]; // a huge reply does not pin its buffer to the thread
    }
    len = 0;
    return out;
  }

  // After the backslash: uXXXX.
  private static int unicodeEscape(byte[] b, int p, char c) {
    b[p++] = 'u';
    b[p++] = HEX[(c >> 12) & 0xF];
    b[p++] = HEX[(c >> 8) & 0xF];
    b[p++] = HEX[(c >> 4) & 0xF];
    b[p++] = HEX[c & 0xF];
    return p;
  }

  private void ensure(int more) {
    if (len + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }
  }
}
