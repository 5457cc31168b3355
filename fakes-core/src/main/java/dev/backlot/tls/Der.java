package dev.backlot.tls;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The few DER encodings an X.509 certificate needs (ITU-T X.690), so certificates can be made
 * without a crypto library on the classpath: the JDK parses and checks what this writes.
 */
final class Der {

  private Der() {}

  static byte[] tlv(int tag, byte[]... parts) {
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      content.writeBytes(p);
    }
    byte[] c = content.toByteArray();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int n = c.length;
    if (n < 0x80) {
      out.write(n);
    } else {
      byte[] len = BigInteger.valueOf(n).toByteArray();
      int skip = len[0] == 0 ? 1 : 0;
      out.write(0x80 | (len.length - skip));
      out.write(len, skip, len.length - skip);
    }
    out.writeBytes(c);
    return out.toByteArray();
  }

  static byte[] seq(byte[]... parts) {
    return tlv(0x30, parts);
  }

  static byte[] set(byte[]... parts) {
    return tlv(0x31, parts);
  }

  static byte[] integer(BigInteger v) {
    return tlv(0x02, v.toByteArray());
  }

  static byte[] bool(boolean v) {
    return tlv(0x01, new byte[] {(byte) (v ? 0xff : 0)});
  }

  static byte[] octets(byte[] v) {
    return tlv(0x04, v);
  }

  /** A BIT STRING with {@code unused} padding bits in its last byte. */
  static byte[] bits(int unused, byte[] v) {
    byte[] c = new byte[v.length + 1];
    c[0] = (byte) unused;
    System.arraycopy(v, 0, c, 1, v.length);
    return tlv(0x03, c);
  }

  static byte[] utf8(String s) {
    return tlv(0x0c, s.getBytes(StandardCharsets.UTF_8));
  }

  /** UTCTime: good for dates before 2050, which is all a test certificate needs. */
  static byte[] time(ZonedDateTime t) {
    String s = t.withZoneSameInstant(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyMMddHHmmss")) + "Z";
    return tlv(0x17, s.getBytes(StandardCharsets.US_ASCII));
  }

  static byte[] oid(String dotted) {
    String[] arcs = dotted.split("\\.");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(Integer.parseInt(arcs[0]) * 40 + Integer.parseInt(arcs[1]));
    for (int i = 2; i < arcs.length; i++) {
      long v = Long.parseLong(arcs[i]);
      int groups = Math.max(1, (64 - Long.numberOfLeadingZeros(v) + 6) / 7);
      for (int g = groups - 1; g >= 0; g--) {
        int b = (int) ((v >>> (7 * g)) & 0x7f);
        out.write(g > 0 ? b | 0x80 : b);
      }
    }
    return tlv(0x06, out.toByteArray());
  }

  /** A context-specific tag: {@code [n]}, constructed (explicit) or primitive (implicit). */
  static byte[] tagged(int n, boolean constructed, byte[]... parts) {
    return tlv((constructed ? 0xa0 : 0x80) | n, parts);
  }
}
