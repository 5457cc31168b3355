package dev.backlot.redis;

import com.github.fppt.jedismock.datastructures.Slice;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Filters jedis-mock's KEYS and SCAN-family replies (arrays of bulk strings) by a glob. */
final class RespArrays {

  private final byte[] d;
  private int p;

  private RespArrays(byte[] d) {
    this.d = d;
  }

  static Slice filter(Slice reply, boolean flat, int step, byte[] glob) {
    RespArrays r = new RespArrays(reply.data());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (flat) {
      write(out, keep(r.bulks(), step, glob));
    } else {
      int n = r.count();
      if (n != 2) {
        return reply;
      }
      byte[] cursor = r.bulk();
      out.writeBytes("*2\r\n".getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(("$" + cursor.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(cursor);
      out.writeBytes(new byte[] {'\r', '\n'});
      write(out, keep(r.bulks(), step, glob));
    }
    return Slice.create(out.toByteArray());
  }

  private static List<byte[]> keep(List<byte[]> items, int step, byte[] glob) {
    List<byte[]> kept = new ArrayList<>();
    for (int i = 0; i + step - 1 < items.size(); i += step) {
      if (Glob.matches(glob, items.get(i))) {
        for (int j = 0; j < step; j++) {
          kept.add(items.get(i + j));
        }
      }
    }
    return kept;
  }

  private static void write(ByteArrayOutputStream out, List<byte[]> items) {
    out.writeBytes(("*" + items.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
    for (byte[] b : items) {
      out.writeBytes(("$" + b.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(b);
      out.writeBytes(new byte[] {'\r', '\n'});
    }
  }

  private int count() {
    p++; // '*'
    int start = p;
    while (d[p] != '\r') {
      p++;
    }
    int n = Integer.parseInt(new String(d, start, p - start, StandardCharsets.US_ASCII));
    p += 2;
    return n;
  }

  private byte[] bulk() {
    int n = count(); // '$' has the same shape
    byte[] b = java.util.Arrays.copyOfRange(d, p, p + n);
    p += n + 2;
    return b;
  }

  private List<byte[]> bulks() {
    int n = count();
    List<byte[]> items = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      items.add(bulk());
    }
    return items;
  }
}
