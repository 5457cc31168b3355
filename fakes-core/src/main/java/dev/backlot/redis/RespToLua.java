package dev.backlot.redis;

import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * A RESP2 reply as Redis hands it to a script: integer as number, bulk string as string, nil as
 * {@code false}, status as {@code {ok=...}}, error (inside an array) as {@code {err=...}},
 * array as table.
 */
final class RespToLua {

  private final byte[] d;
  private int p;

  private RespToLua(byte[] d) {
    this.d = d;
  }

  static LuaValue parse(byte[] reply) {
    return new RespToLua(reply).value();
  }

  private String line() {
    int start = p;
    while (d[p] != '\r') {
      p++;
    }
    String s = new String(d, start, p - start, java.nio.charset.StandardCharsets.UTF_8);
    p += 2;
    return s;
  }

  private LuaValue value() {
    byte type = d[p++];
    switch (type) {
      case '+': {
        LuaTable t = new LuaTable();
        t.set("ok", LuaValue.valueOf(line()));
        return t;
      }
      case '-':
        return LuaScripts.errorTable("-" + line());
      case ':':
        return LuaValue.valueOf((double) Long.parseLong(line()));
      case '$': {
        int n = Integer.parseInt(line());
        if (n < 0) {
          return LuaValue.FALSE;
        }
        byte[] b = java.util.Arrays.copyOfRange(d, p, p + n);
        p += n + 2;
        return LuaValue.valueOf(b);
      }
      case '*': {
        int n = Integer.parseInt(line());
        if (n < 0) {
          return LuaValue.FALSE;
        }
        LuaTable t = new LuaTable();
        for (int i = 1; i <= n; i++) {
          t.set(i, value());
        }
        return t;
      }
      default:
        return LuaValue.NIL;
    }
  }
}
