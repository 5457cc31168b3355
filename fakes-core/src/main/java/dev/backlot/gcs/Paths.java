package dev.backlot.gcs;

import java.nio.charset.StandardCharsets;

/** RFC 3986 percent-encoding as GCS and its clients use it. */
final class Paths {

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private Paths() {}

  /** One path segment or query component: everything but unreserved characters is encoded. */
  static String segment(String s) {
    return encode(s, false);
  }

  /** A path whose '/' stay as they are (XML-API object names). */
  static String path(String s) {
    return encode(s, true);
  }

  private static String encode(String s, boolean keepSlash) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(bytes.length + 8);
    for (byte b : bytes) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || c == '.'
          || c == '~'
          || (keepSlash && c == '/')) {
        out.append((char) c);
      } else {
        out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return out.toString();
  }
}
