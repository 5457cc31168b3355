package dev.backlot.redis;

import com.github.fppt.jedismock.datastructures.Slice;
import com.github.fppt.jedismock.server.Response;
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

  static byte[] describe(List<Slice> params) {
    if (params.isEmpty()) {
      return new byte[0];
    }
    StringBuilder sb = new StringBuilder();
    for (Slice p : params) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      byte[] d = p.data();
      if (d.length <= ARG_LIMIT) {
        sb.append(new String(d, StandardCharsets.UTF_8));
      } else {
        sb.append(new String(d, 0, ARG_LIMIT, StandardCharsets.UTF_8))
            .append("...(").append(d.length).append(" bytes)");
      }
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** How redis-cli would print {@code reply}, and its kind. */
  static Shown shown(Slice reply) {
    byte[] d = reply.data();
    String text = new String(d, StandardCharsets.UTF_8);
    int eol = text.indexOf("\r\n");
    String head = eol < 0 ? text.substring(1) : text.substring(1, eol);
    switch (d.length == 0 ? ' ' : (char) d[0]) {
      case '+' -> {
        return new Shown(head, "status");
      }
      case '-' -> {
        return new Shown("(error) " + head, "error: " + head);
      }
      case ':' -> {
        return new Shown("(integer) " + head, "integer");
      }
      case '$' -> {
        if (head.equals("-1")) {
          return new Shown("(nil)", "nil");
        }
        int n = Integer.parseInt(head);
        String v = text.substring(eol + 2, Math.min(text.length(), eol + 2 + Math.min(n, 200)));
        return new Shown("\"" + v + (n > 200 ? "...\"" : "\""), "bulk");
      }
      case '*' -> {
        return head.equals("-1")
            ? new Shown("(nil array)", "nil")
            : new Shown("(" + head + " elements)", "array");
      }
      default -> {
        return new Shown(text, "raw");
      }
    }
  }
}
