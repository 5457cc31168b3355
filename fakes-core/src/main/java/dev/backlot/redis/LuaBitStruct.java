package dev.backlot.redis;

import dev.backlot.redis.LuaMsgpack.Fn;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * The {@code bit} (LuaBitOp 1.0: 32-bit operations on Lua numbers, results signed) and {@code
 * struct} (Roberto Ierusalimschy's binary packing, as Redis ships it: native little-endian,
 * alignment 1, {@code long} and {@code size_t} 8 bytes) libraries Redis loads into every script,
 * written for LuaJ.
 */
final class LuaBitStruct {

  private LuaBitStruct() {}

  // ---------------------------------------------------------------- bit

  /** The {@code bit} table. */
  static LuaTable bit() {
    LuaTable t = new LuaTable();
    t.set("tobit", new Fn("tobit", a -> num(tobit(a, 1))));
    t.set("bnot", new Fn("bnot", a -> num(~tobit(a, 1))));
    t.set("band", new Fn("band", a -> {
      int r = tobit(a, 1);
      for (int i = 2; i <= a.narg(); i++) {
        r &= tobit(a, i);
      }
      return num(r);
    }));
    t.set("bor", new Fn("bor", a -> {
      int r = tobit(a, 1);
      for (int i = 2; i <= a.narg(); i++) {
        r |= tobit(a, i);
      }
      return num(r);
    }));
    t.set("bxor", new Fn("bxor", a -> {
      int r = tobit(a, 1);
      for (int i = 2; i <= a.narg(); i++) {
        r ^= tobit(a, i);
      }
      return num(r);
    }));
    t.set("lshift", new Fn("lshift", a -> num(tobit(a, 1) << (tobit(a, 2) & 31))));
    t.set("rshift", new Fn("rshift", a -> num(tobit(a, 1) >>> (tobit(a, 2) & 31))));
    t.set("arshift", new Fn("arshift", a -> num(tobit(a, 1) >> (tobit(a, 2) & 31))));
    t.set("rol", new Fn("rol", a -> num(Integer.rotateLeft(tobit(a, 1), tobit(a, 2) & 31))));
    t.set("ror", new Fn("ror", a -> num(Integer.rotateRight(tobit(a, 1), tobit(a, 2) & 31))));
    t.set("bswap", new Fn("bswap", a -> num(Integer.reverseBytes(tobit(a, 1)))));
    t.set("tohex", new Fn("tohex", a -> {
      int b = tobit(a, 1);
      int n = a.isnoneornil(2) ? 8 : tobit(a, 2);
      boolean upper = n < 0;
      if (upper) {
        n = -n;
      }
      if (n > 8) {
        n = 8;
      }
      String hex = String.format(upper ? "%08X" : "%08x", b);
      return LuaValue.valueOf(hex.substring(8 - n));
    }));
    return t;
  }

  /**
   * LuaBitOp's conversion: the number modulo 2^32 as a signed 32-bit integer (non-integral
   * numbers round to nearest even, as its 2^52+2^51 addition does).
   */
  static int tobit(Varargs a, int i) {
    double d = a.checkdouble(i);
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return 0;
    }
    double r = Math.rint(d);
    if (Math.abs(r) < 9.2e18) {
      return (int) (long) r;
    }
    return (int) (long) (r % 4294967296.0);
  }

  private static LuaValue num(int v) {
    return LuaValue.valueOf(v);
  }

  // ---------------------------------------------------------------- struct

  private static final int MAX_INT_SIZE = 32;
  private static final int MAX_ALIGN = 8;

  /** The {@code struct} table. */
  static LuaTable struct() {
    LuaTable t = new LuaTable();
    t.set("pack", new Fn("pack", LuaBitStruct::pack));
    t.set("unpack", new Fn("unpack", LuaBitStruct::unpack));
    t.set("size", new Fn("size", LuaBitStruct::size));
    return t;
  }

  private static final class Format {
    final byte[] f;
    int i;
    boolean little = true;
    int align = 1;

    Format(LuaString s) {
      this.f = new byte[s.m_length];
      System.arraycopy(s.m_bytes, s.m_offset, f, 0, s.m_length);
    }

    boolean more() {
      return i < f.length && f[i] != 0;
    }

    int num(int dflt) {
      if (i >= f.length || !Character.isDigit(f[i])) {
        return dflt;
      }
      long a = 0;
      while (i < f.length && Character.isDigit(f[i])) {
        a = a * 10 + (f[i++] - '0');
        if (a > Integer.MAX_VALUE) {
          throw new LuaError("integral size overflow");
        }
      }
      return (int) a;
    }

    int size(char opt) {
      switch (opt) {
        case 'B': case 'b': case 'x': return 1;
        case 'H': case 'h': return 2;
        case 'L': case 'l': case 'T': case 'd': return 8;
        case 'f': return 4;
        case 'c': return num(1);
        case 'i': case 'I': {
          int sz = num(4);
          if (sz > MAX_INT_SIZE) {
            throw new LuaError("integral size " + sz + " is larger than limit of " + MAX_INT_SIZE);
          }
          return sz;
        }
        default: return 0;
      }
    }

    int toAlign(long len, char opt, int size) {
      if (size == 0 || opt == 'c') {
        return 0;
      }
      int s = Math.min(size, align);
      return (int) ((s - (len & (s - 1))) & (s - 1));
    }

    void control(char opt) {
      switch (opt) {
        case ' ' -> { }
        case '>' -> little = false;
        case '<' -> little = true;
        case '!' -> {
          int a = num(MAX_ALIGN);
          if (a == 0 || (a & (a - 1)) != 0) {
            throw new LuaError("alignment " + a + " is not a power of 2");
          }
          align = a;
        }
        default -> throw new LuaError("bad argument #1 to 'pack' (invalid format option '"
            + opt + "')");
      }
    }
  }

  private static Varargs pack(Varargs a) {
    Format fmt = new Format(a.checkstring(1));
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int arg = 2;
    long total = 0;
    while (fmt.more()) {
      char opt = (char) fmt.f[fmt.i++];
      int size = fmt.size(opt);
      int toAlign = fmt.toAlign(total, opt, size);
      total += toAlign;
      for (int k = 0; k < toAlign; k++) {
        b.write(0);
      }
      switch (opt) {
        case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I' -> {
          double n = a.checkdouble(arg++);
          long v = (long) n;
          byte[] buf = new byte[size];
          for (int k = 0; k < size; k++) {
            int at = fmt.little ? k : size - 1 - k;
            buf[at] = (byte) (k < 8 ? v >>> (8 * k) : 0);
          }
          b.writeBytes(buf);
        }
        case 'x' -> b.write(0);
        case 'f' -> writeOrdered(b, Float.floatToRawIntBits((float) a.checkdouble(arg++)), 4,
            fmt.little);
        case 'd' -> writeOrdered(b, Double.doubleToRawLongBits(a.checkdouble(arg++)), 8,
            fmt.little);
        case 'c', 's' -> {
          LuaString s = a.checkstring(arg++);
          int l = s.m_length;
          if (size == 0) {
            size = l;
          }
          if (l < size) {
            throw new LuaError("bad argument #" + arg + " to 'pack' (string too short)");
          }
          b.write(s.m_bytes, s.m_offset, size);
          if (opt == 's') {
            b.write(0);
            size++;
          }
        }
        default -> fmt.control(opt);
      }
      total += size;
    }
    return LuaValue.valueOf(b.toByteArray());
  }

  private static void writeOrdered(ByteArrayOutputStream b, long bits, int size, boolean little) {
    for (int k = 0; k < size; k++) {
      int shift = little ? 8 * k : 8 * (size - 1 - k);
      b.write((int) (bits >>> shift) & 0xff);
    }
  }

  private static long readOrdered(byte[] d, int pos, int size, boolean little) {
    long v = 0;
    for (int k = 0; k < size; k++) {
      int at = little ? pos + size - 1 - k : pos + k;
      v = (v << 8) | (d[at] & 0xff);
    }
    return v;
  }

  private static Varargs unpack(Varargs a) {
    Format fmt = new Format(a.checkstring(1));
    LuaString data = a.checkstring(2);
    byte[] d = new byte[data.m_length];
    System.arraycopy(data.m_bytes, data.m_offset, d, 0, d.length);
    int ld = d.length;
    long pos = a.optlong(3, 1);
    if (pos <= 0) {
      throw new LuaError("bad argument #3 to 'unpack' (offset must be 1 or greater)");
    }
    pos--;
    List<LuaValue> out = new ArrayList<>();
    while (fmt.more()) {
      char opt = (char) fmt.f[fmt.i++];
      int size = fmt.size(opt);
      pos += fmt.toAlign(pos, opt, size);
      if (!(size <= ld && pos <= ld - size)) {
        throw new LuaError("bad argument #2 to 'unpack' (data string too short)");
      }
      int p = (int) pos;
      switch (opt) {
        case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I' -> {
          boolean signed = Character.isLowerCase(opt);
          int n = Math.min(size, 8);
          long v = readOrdered(d, fmt.little ? p : p + size - n, n, fmt.little);
          double r;
          if (signed) {
            if (n < 8 && (v & (1L << (n * 8 - 1))) != 0) {
              v |= -1L << (n * 8);
            }
            r = v;
          } else {
            r = v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
          }
          out.add(LuaValue.valueOf(r));
        }
        case 'x' -> { }
        case 'f' -> out.add(LuaValue.valueOf(
            Float.intBitsToFloat((int) readOrdered(d, p, 4, fmt.little))));
        case 'd' -> out.add(LuaValue.valueOf(
            Double.longBitsToDouble(readOrdered(d, p, 8, fmt.little))));
        case 'c' -> {
          if (size == 0) {
            if (out.isEmpty() || !out.get(out.size() - 1).isnumber()) {
              throw new LuaError("format 'c0' needs a previous size");
            }
            size = out.remove(out.size() - 1).toint();
            if (!(size <= ld && pos <= ld - size)) {
              throw new LuaError("bad argument #2 to 'unpack' (data string too short)");
            }
          }
          out.add(LuaValue.valueOf(java.util.Arrays.copyOfRange(d, p, p + size)));
        }
        case 's' -> {
          int e = p;
          while (e < ld && d[e] != 0) {
            e++;
          }
          if (e >= ld) {
            throw new LuaError("unfinished string in data");
          }
          size = e - p + 1;
          out.add(LuaValue.valueOf(java.util.Arrays.copyOfRange(d, p, e)));
        }
        default -> fmt.control(opt);
      }
      pos += size;
    }
    out.add(LuaValue.valueOf(pos + 1));
    return LuaValue.varargsOf(out.toArray(new LuaValue[0]));
  }

  private static Varargs size(Varargs a) {
    Format fmt = new Format(a.checkstring(1));
    long pos = 0;
    while (fmt.more()) {
      char opt = (char) fmt.f[fmt.i++];
      int size = fmt.size(opt);
      pos += fmt.toAlign(pos, opt, size);
      if (opt == 's') {
        throw new LuaError("bad argument #1 to 'size' (option 's' has no fixed size)");
      } else if (opt == 'c' && size == 0) {
        throw new LuaError("bad argument #1 to 'size' (option 'c0' has no fixed size)");
      }
      if (!Character.isLetterOrDigit(opt)) {
        fmt.control(opt);
      }
      pos += size;
    }
    return LuaValue.valueOf(pos);
  }
}
