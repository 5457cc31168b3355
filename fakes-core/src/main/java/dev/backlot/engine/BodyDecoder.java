package dev.backlot.engine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * Decodes a request body sent with {@code Content-Encoding: gzip} (or {@code x-gzip}, {@code
 * deflate}) before it is journalled and handed to the fake, so every fake sees plain bytes. The
 * cap holds on the decoded bytes: inflating stops one byte past it, so a small bomb never fills
 * memory. Other encodings pass through untouched, for the fake to judge.
 */
final class BodyDecoder {

  /** The decoded body is larger than the cap. */
  static final class TooBig extends Exception {
    TooBig() {
      super(null, null, false, false);
    }
  }

  private BodyDecoder() {}

  /** Whether {@code encoding} (a Content-Encoding header, or null) is one this class decodes. */
  static boolean decodes(String encoding) {
    if (encoding == null) {
      return false;
    }
    String e = encoding.trim().toLowerCase(Locale.ROOT);
    return e.equals("gzip") || e.equals("x-gzip") || e.equals("deflate");
  }

  /**
   * The decoded body.
   *
   * @throws TooBig when it would exceed {@code max} bytes
   * @throws IOException when the bytes are not valid in that encoding
   */
  static byte[] decode(String encoding, byte[] body, long max) throws TooBig, IOException {
    if (body.length == 0) {
      return body;
    }
    String e = encoding.trim().toLowerCase(Locale.ROOT);
    if (!e.equals("deflate")) {
      return readCapped(new GZIPInputStream(new ByteArrayInputStream(body)), max);
    }
    // "deflate" is zlib-wrapped by the RFC; some clients send raw deflate: accept both.
    try {
      return readCapped(new InflaterInputStream(new ByteArrayInputStream(body)), max);
    } catch (IOException zlibFailed) {
      Inflater raw = new Inflater(true);
      try {
        return readCapped(new InflaterInputStream(new ByteArrayInputStream(body), raw), max);
      } finally {
        raw.end();
      }
    }
  }

  private static byte[] readCapped(InputStream in, long max) throws TooBig, IOException {
    try (in) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      long total = 0;
      int n;
      while ((n = in.read(buf)) > 0) {
        total += n;
        if (total > max) {
          throw new TooBig();
        }
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    } catch (RuntimeException e) {
      // a corrupt stream can surface as an unchecked error from the inflater
      throw new IOException(e.getMessage(), e);
    }
  }
}
