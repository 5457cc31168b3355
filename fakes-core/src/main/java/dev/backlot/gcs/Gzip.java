package dev.backlot.gcs;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.GZIPInputStream;

/** Bounded gzip inflation: a small body that inflates past the cap is refused, not held. */
final class Gzip {

  /** Thrown when the inflated bytes would pass the cap; nothing past it was kept. */
  static final class TooLarge extends IOException {
    TooLarge(long cap) {
      super("inflates past " + cap + " bytes");
    }
  }

  private Gzip() {}

  /**
   * The inflated bytes of {@code data}, read in 64 KiB steps and stopped as soon as they pass
   * {@code cap} (memory held stays within the cap, whatever the compression ratio).
   */
  static byte[] inflate(byte[] data, long cap) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(data), 8192)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(data.length * 4, 1 << 20));
      byte[] step = new byte[64 * 1024];
      long total = 0;
      for (int n; (n = in.read(step)) > 0; ) {
        total += n;
        if (total > cap) {
          throw new TooLarge(cap);
        }
        out.write(step, 0, n);
      }
      return out.toByteArray();
    }
  }
}
