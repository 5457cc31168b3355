package dev.backlot.redis;

import com.github.fppt.jedismock.datastructures.Slice;
import com.github.fppt.jedismock.server.Response;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Replies as Redis gives them where jedis-mock's differ, and commands and replies as the journal
 * shows them (redis-cli's way).
 */
final class Replies {

  private static final int ARG_LIMIT = 256;

  private Replies() {}

  /** A reply as the journal shows it, and its kind ({@code status}, {@code error: ...}, ...). */
  record Shown(String text, String kind) {}

  static boolean isUnsupported(Slice reply) {
    byte[] d = reply.data();
    return d.length > 24 && d[0] == '-'
        && new String(d, 1, 23, StandardCharsets.UTF_8).equals("Unsupported operation: ");
  }

  static final Slice BULK_PONG = Response.bulkString(Slice.create("PONG"));

  static final Slice PONG = Response.simpleString("PONG");

  /**
   * Where jedis-mock's reply differs from Redis's for a command it has (found by running the same
   * commands against redis-server), the reply Redis gives. Only outside MULTI: inside, EXEC's
   * array keeps jedis-mock's form.
   */
  static Slice asRedisReplies(String name, List<Slice> params, Slice reply) {
    switch (name) {
      case "type":
        return typeAsStatus(reply);
      case "ping":
        return params.isEmpty() && reply.equals(BULK_PONG) ? PONG : reply;
      case "discard":
        // jedis-mock accepts a DISCARD outside MULTI
        return reply.equals(Response.OK) ? Response.error("ERR DISCARD without MULTI") : reply;
      case "zincrby": {
        // Redis prints a whole score as "4", jedis-mock as "4.0"
        String text = new String(reply.data(), StandardCharsets.UTF_8);
        if (text.startsWith("$") && text.endsWith(".0\r\n")) {
          String value = text.substring(text.indexOf("\r\n") + 2, text.length() - 4);
          return Response.bulkString(Slice.create(value));
        }
        return reply;
      }
      default:
        return reply;
    }
  }

  /** jedis-mock answers TYPE with a bulk string; Redis with a status ({@code +stream}). */
  static Slice typeAsStatus(Slice reply) {
    byte[] d = reply.data();
    if (d.length == 0 || d[0] != '$') {
      return reply; // an error, or QUEUED inside MULTI (EXEC's array keeps jedis-mock's form)
    }
    String text = new String(d, StandardCharsets.UTF_8);
    int eol = text.indexOf("\r\n");
    return Response.simpleString(text.substring(eol + 2, text.length() - 2));
  }

  /** Redis's own words for a command it does not know (jedis-mock says "Unsupported"). */
  static Slice unknownCommand(String name, List<Slice> params) {
    StringBuilder args = new StringBuilder();
    for (int i = 0; i < params.size() && args.length() < 128; i++) {
      String a = params.get(i).toString();
      int room = 128 - args.length();
      args.append('\'').append(a, 0, Math.min(a.length(), room)).append("' ");
    }
    return Response.error("ERR unknown command '" + name + "', with args beginning with: " + args);
  }

  /** The arguments as the journal shows them: space-separated, each cut at 256 bytes. */
  static byte[] describe(List<Slice> params) {
    if (params.isEmpty()) {
      return new byte[0];
    }
    int size = 0;
    for (Slice p : params) {
      int n = p.length();
      size += (size > 0 ? 1 : 0) + (n <= ARG_LIMIT ? n : ARG_LIMIT + 24);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(size);
    for (Slice p : params) {
      if (out.size() > 0) {
        out.write(' ');
      }
      byte[] d = p.data();
      if (d.length <= ARG_LIMIT) {
        out.write(d, 0, d.length);
      } else {
        out.write(d, 0, cut(d, ARG_LIMIT));
        out.writeBytes(("...(" + d.length + " bytes)").getBytes(StandardCharsets.US_ASCII));
      }
    }
    return out.toByteArray();
  }

  /** {@code limit}, moved back to the start of a UTF-8 sequence it would split. */
  private static int cut(byte[] d, int limit) {
    int i = limit;
    while (i > 0 && i > limit - 3 && (d[i] & 0xC0) == 0x80) {
      i--;
    }
    return (d[i] & 0xC0) == 0x80 ? limit : i;
  }

  /** How redis-cli would print {@code reply}, and its kind. */
  static Shown shown(Slice reply) {
    byte[] d = reply.data();
    int eol = indexOfCrlf(d);
    String head = d.length == 0 ? "" : ascii(d, 1, eol < 0 ? d.length : eol);
    switch (d.length == 0 ? ' ' : (char) d[0]) {
      case '+' -> {
        return new Shown(new String(d, 1, (eol < 0 ? d.length : eol) - 1, StandardCharsets.UTF_8),
            "status");
      }
      case '-' -> {
        String message =
            new String(d, 1, (eol < 0 ? d.length : eol) - 1, StandardCharsets.UTF_8);
        return new Shown("(error) " + message, "error: " + message);
      }
      case ':' -> {
        return new Shown("(integer) " + head, "integer");
      }
      case '$' -> {
        if (head.equals("-1")) {
          return new Shown("(nil)", "nil");
        }
        int n = Integer.parseInt(head);
        // the first 200 characters of the value, decoded from at most 800 bytes
        int from = eol + 2;
        int to = Math.min(d.length - 2, from + Math.min(n, 800));
        String v = new String(d, from, Math.max(0, to - from), StandardCharsets.UTF_8);
        v = v.substring(0, Math.min(v.length(), Math.min(n, 200)));
        return new Shown("\"" + v + (n > 200 ? "...\"" : "\""), "bulk");
      }
      case '*' -> {
        return head.equals("-1")
            ? new Shown("(nil array)", "nil")
            : new Shown("(" + head + " elements)", "array");
      }
      default -> {
        return new Shown(new String(d, StandardCharsets.UTF_8), "raw");
      }
    }
  }

  private static int indexOfCrlf(byte[] d) {
    for (int i = 0; i + 1 < d.length; i++) {
      if (d[i] == '\r' && d[i + 1] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static String ascii(byte[] d, int from, int to) {
    return new String(d, from, Math.max(0, to - from), StandardCharsets.ISO_8859_1);
  }
}
