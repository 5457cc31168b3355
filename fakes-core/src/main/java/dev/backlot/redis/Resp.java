package dev.backlot.redis;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal RESP2 codec: encodes a command as an array of bulk strings and decodes one reply into
 * Java values (String for simple and bulk strings, Long, List, null; an error reply becomes a
 * {@link RedisErrorReply} value, not an exception, so a transaction's array can hold one).
 */
final class Resp {

  private Resp() {}

  static byte[] encode(List<String> args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    writeAscii(out, "*" + args.size() + "\r\n");
    for (String a : args) {
      byte[] b = a.getBytes(StandardCharsets.UTF_8);
      writeAscii(out, "$" + b.length + "\r\n");
      out.writeBytes(b);
      writeAscii(out, "\r\n");
    }
    return out.toByteArray();
  }

  static void write(OutputStream out, List<String> args) throws IOException {
    out.write(encode(args));
    out.flush();
  }

  /** Reads one reply; nil bulk strings and nil arrays are null. */
  static Object read(InputStream in) throws IOException {
    int type = in.read();
    if (type < 0) {
      throw new EOFException("connection closed by the server");
    }
    String line = line(in);
    switch (type) {
      case '+':
        return line;
      case '-':
        return new RedisErrorReply(line);
      case ':':
        return Long.parseLong(line);
      case '$': {
        int n = Integer.parseInt(line);
        if (n < 0) {
          return null;
        }
        byte[] data = in.readNBytes(n);
        if (data.length < n || in.read() != '\r' || in.read() != '\n') {
          throw new EOFException("truncated bulk string");
        }
        return new String(data, StandardCharsets.UTF_8);
      }
      case '*': {
        int n = Integer.parseInt(line);
        if (n < 0) {
          return null;
        }
        List<Object> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          items.add(read(in));
        }
        return items;
      }
      default:
        throw new IOException("not a RESP2 reply: type byte " + type);
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream(16);
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new EOFException("connection closed mid-reply");
      }
      if (c == '\r') {
        if (in.read() != '\n') {
          throw new IOException("CR without LF in a reply line");
        }
        return b.toString(StandardCharsets.UTF_8);
      }
      b.write(c);
    }
  }

  private static void writeAscii(ByteArrayOutputStream out, String s) {
    out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
  }
}
