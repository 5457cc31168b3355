package dev.backlot.redis;

import java.io.ByteArrayOutputStream;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The {@code cmsgpack} library Redis loads into every script (lua-cmsgpack 0.4.0), written for
 * LuaJ with the same encoding choices: integers in the smallest MessagePack integer form, other
 * numbers as float 32 when that is exact and float 64 otherwise, strings as fixstr/str8/16/32,
 * tables as arrays when their keys are exactly 1..n and as maps otherwise, tables nested deeper
 * than 16 as nil; {@code unpack} returns every top-level value of its input.
 */
final class LuaMsgpack {

  private static final int MAX_NESTING = 16;

  private LuaMsgpack() {}

  /** The {@code cmsgpack} table. */
  static LuaTable library() {
    LuaTable t = new LuaTable();
    t.set("pack", new Fn("pack", LuaMsgpack::pack));
    t.set("unpack", new Fn("unpack", a -> unpack(a, 0, 0, true)));
    t.set("unpack_one", new Fn("unpack_one",
        a -> unpack(a, 1, a.optint(2, 0), false)));
    t.set("unpack_limit", new Fn("unpack_limit",
        a -> unpack(a, a.optint(2, 0), a.optint(3, 0), false)));
    t.set("_NAME", "cmsgpack");
    t.set("_VERSION", "lua-cmsgpack 0.4.0");
    t.set("_COPYRIGHT", "Copyright (C) 2012, Salvatore Sanfilippo");
    t.set("_DESCRIPTION", "MessagePack C implementation for Lua");
    return t;
  }

  interface Body {
    Varargs run(Varargs args);
  }

  /** A named library function (its name appears in argument errors). */
  static final class Fn extends VarArgFunction {
    private final Body body;

    Fn(String name, Body body) {
      this.name = name;
      this.body = body;
    }

    @Override
    public Varargs invoke(Varargs args) {
      return body.run(args);
    }
  }

  // ---------------------------------------------------------------- pack

  static Varargs pack(Varargs args) {
    int n = args.narg();
    if (n == 0) {
      throw new LuaError("bad argument #0 to 'pack' (MessagePack pack needs input.)");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 1; i <= n; i++) {
      encode(out, args.arg(i), 0);
    }
    return LuaValue.valueOf(out.toByteArray());
  }

  private static void encode(ByteArrayOutputStream out, LuaValue v, int level) {
    int type = v.type();
    if (type == LuaValue.TTABLE && level == MAX_NESTING) {
      type = LuaValue.TNIL;
    }
    switch (type) {
      case LuaValue.TSTRING -> {
        LuaString s = v.checkstring();
        encodeHeader(out, s.m_length);
        out.write(s.m_bytes, s.m_offset, s.m_length);
      }
      case LuaValue.TBOOLEAN -> out.write(v.toboolean() ? 0xc3 : 0xc2);
      case LuaValue.TNUMBER -> encodeNumber(out, v.todouble());
      case LuaValue.TTABLE -> encodeTable(out, (LuaTable) v, level);
      default -> out.write(0xc0);
    }
  }

  private static void encodeHeader(ByteArrayOutputStream out, int len) {
    if (len < 32) {
      out.write(0xa0 | len);
    } else if (len <= 0xff) {
      out.write(0xd9);
      out.write(len);
    } else if (len <= 0xffff) {
      out.write(0xda);
      writeBe(out, len, 2);
    } else {
      out.write(0xdb);
      writeBe(out, len, 4);
    }
  }

  private static void encodeNumber(ByteArrayOutputStream out, double d) {
    if (!Double.isInfinite(d) && !Double.isNaN(d) && (double) (long) d == d) {
      encodeInt(out, (long) d);
      return;
    }
    float f = (float) d;
    if ((double) f == d) {
      out.write(0xca);
      writeBe(out, Float.floatToRawIntBits(f) & 0xffffffffL, 4);
    } else {
      out.write(0xcb);
      writeBe(out, Double.doubleToRawLongBits(d), 8);
    }
  }

  private static void encodeInt(ByteArrayOutputStream out, long n) {
    if (n >= 0) {
      if (n <= 127) {
        out.write((int) n);
      } else if (n <= 0xff) {
        out.write(0xcc);
        out.write((int) n);
      } else if (n <= 0xffff) {
        out.write(0xcd);
        writeBe(out, n, 2);
      } else if (n <= 0xffffffffL) {
        out.write(0xce);
        writeBe(out, n, 4);
      } else {
        out.write(0xcf);
        writeBe(out, n, 8);
      }
    } else if (n >= -32) {
      out.write((int) n & 0xff);
    } else if (n >= -128) {
      out.write(0xd0);
      out.write((int) n & 0xff);
    } else if (n >= -32768) {
      out.write(0xd1);
      writeBe(out, n, 2);
    } else if (n >= -2147483648L) {
      out.write(0xd2);
      writeBe(out, n, 4);
    } else {
      out.write(0xd3);
      writeBe(out, n, 8);
    }
  }

  private static void encodeTable(ByteArrayOutputStream out, LuaTable t, int level) {
    if (isArray(t)) {
      int len = t.rawlen();
      encodeCount(out, len, 0x90, 0xdc, 0xdd);
      for (int j = 1; j <= len; j++) {
        encode(out, t.get(j), level + 1);
      }
      return;
    }
    int count = 0;
    LuaValue k = LuaValue.NIL;
    while (true) {
      Varargs next = t.next(k);
      k = next.arg1();
      if (k.isnil()) {
        break;
      }
      count++;
    }
    encodeCount(out, count, 0x80, 0xde, 0xdf);
    k = LuaValue.NIL;
    while (true) {
      Varargs next = t.next(k);
      k = next.arg1();
      if (k.isnil()) {
        break;
      }
      encode(out, k, level + 1);
      encode(out, next.arg(2), level + 1);
    }
  }

  /** lua-cmsgpack's test: every key a positive whole number, and the largest equals the count. */
  private static boolean isArray(LuaTable t) {
    long count = 0;
    double max = 0;
    LuaValue k = LuaValue.NIL;
    while (true) {
      Varargs next = t.next(k);
      k = next.arg1();
      if (k.isnil()) {
        break;
      }
      if (k.type() != LuaValue.TNUMBER) {
        return false;
      }
      double n = k.todouble();
      if (n <= 0 || n != (int) n) {
        return false;
      }
      max = Math.max(max, n);
      count++;
    }
    return max == count;
  }

  private static void encodeCount(ByteArrayOutputStream out, long n, int fix, int b16, int b32) {
    if (n <= 15) {
      out.write(fix | (int) n);
    } else if (n <= 65535) {
      out.write(b16);
      writeBe(out, n, 2);
    } else {
      out.write(b32);
      writeBe(out, n, 4);
    }
  }

  private static void writeBe(ByteArrayOutputStream out, long v, int bytes) {
    for (int i = bytes - 1; i >= 0; i--) {
      out.write((int) (v >>> (8 * i)) & 0xff);
    }
  }

  // ---------------------------------------------------------------- unpack

  private static final class Cursor {
    final byte[] b;
    int p;
    final int end;

    Cursor(byte[] b, int p, int end) {
      this.b = b;
      this.p = p;
      this.end = end;
    }

    void need(int n) {
      if (end - p < n) {
        throw new LuaError("Missing bytes in input.");
      }
    }

    int u8(int at) {
      return b[p + at] & 0xff;
    }

    long be(int at, int n) {
      long v = 0;
      for (int i = 0; i < n; i++) {
        v = (v << 8) | (b[p + at + i] & 0xff);
      }
      return v;
    }
  }

  static Varargs unpack(Varargs args, int limit, int offset, boolean all) {
    LuaString s = args.checkstring(1);
    int len = s.m_length;
    if (offset < 0 || limit < 0) {
      throw new LuaError("Invalid request to unpack with offset of " + offset + " and limit of "
          + len + ".");
    }
    if (offset > len) {
      throw new LuaError("Start offset " + offset + " greater than input length " + len + ".");
    }
    boolean decodeAll = all || (limit == 0 && offset == 0);
    int max = decodeAll ? Integer.MAX_VALUE : limit;
    Cursor c = new Cursor(s.m_bytes, s.m_offset + offset, s.m_offset + len);
    java.util.List<LuaValue> values = new java.util.ArrayList<>();
    for (int cnt = 0; c.end - c.p > 0 && cnt < max; cnt++) {
      values.add(decode(c));
    }
    if (!decodeAll) {
      int left = c.end - c.p;
      values.add(0, LuaValue.valueOf(left == 0 ? -1 : len - left));
    }
    return LuaValue.varargsOf(values.toArray(new LuaValue[0]));
  }

  private static LuaValue decode(Cursor c) {
    c.need(1);
    int t = c.u8(0);
    switch (t) {
      case 0xcc: c.need(2); return take(c, 2, c.u8(1));
      case 0xd0: c.need(2); return take(c, 2, (byte) c.u8(1));
      case 0xcd: c.need(3); return take(c, 3, c.be(1, 2));
      case 0xd1: c.need(3); return take(c, 3, (short) c.be(1, 2));
      case 0xce: c.need(5); return take(c, 5, c.be(1, 4));
      case 0xd2: c.need(5); return take(c, 5, (int) c.be(1, 4));
      case 0xcf: {
        c.need(9);
        long v = c.be(1, 8);
        double d = v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
        return take(c, 9, d);
      }
      case 0xd3: c.need(9); return take(c, 9, c.be(1, 8));
      case 0xc0: c.p += 1; return LuaValue.NIL;
      case 0xc3: c.p += 1; return LuaValue.TRUE;
      case 0xc2: c.p += 1; return LuaValue.FALSE;
      case 0xca: c.need(5); return take(c, 5, Float.intBitsToFloat((int) c.be(1, 4)));
      case 0xcb: c.need(9); return take(c, 9, Double.longBitsToDouble(c.be(1, 8)));
      case 0xd9: c.need(2); return str(c, 2, c.u8(1));
      case 0xda: c.need(3); return str(c, 3, (int) c.be(1, 2));
      case 0xdb: c.need(5); return str(c, 5, c.be(1, 4));
      case 0xdc: c.need(3); return array(c, 3, c.be(1, 2));
      case 0xdd: c.need(5); return array(c, 5, c.be(1, 4));
      case 0xde: c.need(3); return map(c, 3, c.be(1, 2));
      case 0xdf: c.need(5); return map(c, 5, c.be(1, 4));
      default:
        if ((t & 0x80) == 0) {
          return take(c, 1, t);
        } else if ((t & 0xe0) == 0xe0) {
          return take(c, 1, (byte) t);
        } else if ((t & 0xe0) == 0xa0) {
          return str(c, 1, t & 0x1f);
        } else if ((t & 0xf0) == 0x90) {
          return array(c, 1, t & 0xf);
        } else if ((t & 0xf0) == 0x80) {
          return map(c, 1, t & 0xf);
        }
        throw new LuaError("Bad data format in input.");
    }
  }

  private static LuaValue take(Cursor c, int n, double v) {
    c.p += n;
    return LuaValue.valueOf(v);
  }

  private static LuaValue str(Cursor c, int header, long len) {
    c.need(header);
    if (c.end - c.p - header < len) {
      throw new LuaError("Missing bytes in input.");
    }
    LuaValue s = LuaValue.valueOf(java.util.Arrays.copyOfRange(c.b, c.p + header,
        c.p + header + (int) len));
    c.p += header + (int) len;
    return s;
  }

  private static LuaValue array(Cursor c, int header, long len) {
    c.p += header;
    LuaTable t = new LuaTable();
    for (int i = 1; i <= len; i++) {
      t.set(i, decode(c));
    }
    return t;
  }

  private static LuaValue map(Cursor c, int header, long len) {
    c.p += header;
    LuaTable t = new LuaTable();
    for (long i = 0; i < len; i++) {
      LuaValue k = decode(c);
      LuaValue v = decode(c);
      if (!k.isnil()) {
        t.set(k, v);
      }
    }
    return t;
  }
}
