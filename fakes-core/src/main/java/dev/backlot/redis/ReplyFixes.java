package dev.backlot.redis;

import com.github.fppt.jedismock.datastructures.Slice;
import com.github.fppt.jedismock.server.Response;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Where jedis-mock's reply to one of its commands differs from Redis's, the reply Redis gives:
 * applied to the replies inside EXEC arrays and to scripts' {@code redis.call}s (top-level
 * replies get the same corrections in {@link Replies#asRedisReplies}).
 */
final class ReplyFixes {

  private static final Slice BULK_PONG = Response.bulkString(Slice.create("PONG"));
  private static final Slice PONG = Response.simpleString("PONG");

  private ReplyFixes() {}

  static Slice fix(String name, List<Slice> params, Slice reply) {
    byte[] d = reply.data();
    switch (name) {
      case "type": {
        if (d.length == 0 || d[0] != '$') {
          return reply;
        }
        String text = new String(d, StandardCharsets.UTF_8);
        int eol = text.indexOf("\r\n");
        return Response.simpleString(text.substring(eol + 2, text.length() - 2));
      }
      case "ping":
        return params.isEmpty() && reply.equals(BULK_PONG) ? PONG : reply;
      case "zincrby": {
        String text = new String(d, StandardCharsets.UTF_8);
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
}
