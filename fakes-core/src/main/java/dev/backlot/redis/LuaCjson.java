package dev.backlot.redis;

import dev.backlot.redis.LuaMsgpack.Fn;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaUserdata;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * The {@code cjson} library as Redis ships it (lua-cjson 2.1.0 with Redis's defaults), for LuaJ:
 * {@code cjson.null} is a light userdata that {@code decode} returns for JSON null and {@code
 * encode} writes as {@code null}; an empty table encodes as {@code {}}; tables whose keys are all
 * positive integers encode as arrays (an excessively sparse one is an error), others as objects
 * with string or number keys; numbers print with 14 significant digits; {@code /} is escaped.
 */
final class LuaCjson {

  static final LuaValue NULL = new LuaUserdata(new Object()) {
    @Override
    public String tojstring() {
      return "userdata: NULL";
    }
  };
  private static final int MAX_DEPTH = 1000;

  private LuaCjson() {}

  static LuaTable library() {
    LuaTable t = new LuaTable();
    t.set("encode", new Fn("encode", a -> {
      if (a.narg() != 1) {
        throw new LuaError("bad argument #1 to 'encode' (expected 1 argument)");
      }
      StringBuilder sb = new StringBuilder();
      encode(sb, a.arg1(), 0);
      return LuaValue.valueOf(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    }));
    t.set("decode", new Fn("decode", a -> {
      LuaString s = a.checkstring(1);
      byte[] b = new byte[s.m_length];
      System.arraycopy(s.m_bytes, s.m_offset, b, 0, b.length);
      Parser p = new Parser(b);
      LuaValue v = p.value(0);
      p.space();
      if (p.i < b.length) {
        p.fail("the end");
      }
      return v;
    }));
    t.set("null", NULL);
    t.set("_NAME", "cjson");
    t.set("_VERSION", "2.1.0");
    return t;
  }

  // ---------------------------------------------------------------- encode

  /** Builds the JSON text; Lua strings are bytes, kept byte for byte (as ISO-8859-1 chars). */
  private static void encode(StringBuilder sb, LuaValue v, int depth) {
    switch (v.type()) {
      case LuaValue.TNIL -> sb.append("null");
      case LuaValue.TBOOLEAN -> sb.append(v.toboolean() ? "true" : "false");
      case LuaValue.TNUMBER -> sb.append(number(v.todouble()));
      case LuaValue.TSTRING -> string(sb, v.strvalue());
      case LuaValue.TTABLE -> table(sb, (LuaTable) v, depth + 1);
      case LuaValue.TUSERDATA, LuaValue.TLIGHTUSERDATA -> {
        if (v == NULL) {
          sb.append("null");
        } else {
          throw new LuaError("Cannot serialise userdata: type not supported");
        }
      }
      default -> throw new LuaError("Cannot serialise " + v.typename() + ": type not supported");
    }
  }

  private static String number(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      throw new LuaError("Cannot serialise number: must not be NaN or Inf");
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e14) {
      return Long.toString((long) d);
    }
    // C's %.14g: 14 significant digits of the exact binary value, ties to even
    java.math.BigDecimal bd = new java.math.BigDecimal(d)
        .round(new java.math.MathContext(14, java.math.RoundingMode.HALF_EVEN));
    if (bd.signum() == 0) {
      return "0";
    }
    int exp = bd.precision() - bd.scale() - 1;
    if (exp >= -4 && exp < 14) {
      return bd.stripTrailingZeros().toPlainString();
    }
    String digits = bd.unscaledValue().abs().toString().replaceAll("0+$", "");
    String mantissa = digits.length() > 1 ? digits.charAt(0) + "." + digits.substring(1)
        : digits;
    return (bd.signum() < 0 ? "-" : "") + mantissa + "e" + (exp < 0 ? "-" : "+")
        + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
  }

  private static void string(StringBuilder sb, LuaString s) {
    sb.append('"');
    for (int i = 0; i < s.m_length; i++) {
      int c = s.m_bytes[s.m_offset + i] & 0xff;
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '/' -> sb.append("\\/");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            sb.append(String.format("\\u%04x", c));
          } else {
            sb.append((char) c);
          }
        }
      }
    }
    sb.append('"');
  }

  private static void table(StringBuilder sb, LuaTable t, int depth) {
    if (depth > MAX_DEPTH) {
      throw new LuaError("Cannot serialise, excessive nesting (" + depth + ")");
    }
    // lua-cjson's array test: every key a positive integer; sparse ones refused
    int count = 0;
    double max = 0;
    boolean array = true;
    LuaValue k = LuaValue.NIL;
    while (true) {
      Varargs n = t.next(k);
      k = n.arg1();
      if (k.isnil()) {
        break;
      }
      if (k.type() == LuaValue.TNUMBER && k.todouble() >= 1 && k.todouble() == Math.floor(
          k.todouble())) {
        max = Math.max(max, k.todouble());
        count++;
      } else {
        array = false;
        break;
      }
    }
    if (array && count > 0) {
      if (max > count * 2 && max > 10) {
        throw new LuaError("Cannot serialise table: excessively sparse array");
      }
      sb.append('[');
      for (int i = 1; i <= (int) max; i++) {
        if (i > 1) {
          sb.append(',');
        }
        encode(sb, t.get(i), depth);
      }
      sb.append(']');
      return;
    }
    sb.append('{');
    boolean first = true;
    k = LuaValue.NIL;
    while (true) {
      Varargs n = t.next(k);
      k = n.arg1();
      if (k.isnil()) {
        break;
      }
      if (!first) {
        sb.append(',');
      }
      first = false;
      if (k.type() == LuaValue.TSTRING) {
        string(sb, k.strvalue());
      } else if (k.type() == LuaValue.TNUMBER) {
        sb.append('"').append(number(k.todouble())).append('"');
      } else {
        throw new LuaError("Cannot serialise table: table key must be a number or string");
      }
      sb.append(':');
      encode(sb, n.arg(2), depth);
    }
    sb.append('}');
  }

  // ---------------------------------------------------------------- decode

  private static final class Parser {
    final byte[] b;
    int i;

    Parser(byte[] b) {
      this.b = b;
    }

    void space() {
      while (i < b.length && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r')) {
        i++;
      }
    }

    void fail(String expected) {
      String found = i >= b.length ? "the end" : "'" + (char) (b[i] & 0xff) + "'";
      throw new LuaError("Expected " + expected + " but found " + (i >= b.length
          ? "T_END" : "invalid token") + " at character " + (i + 1) + (found.isEmpty() ? "" : ""));
    }

    LuaValue value(int depth) {
      if (depth > MAX_DEPTH) {
        throw new LuaError("Found too many nested data structures (" + depth + ") at character "
            + (i + 1));
      }
      space();
      if (i >= b.length) {
        fail("value");
      }
      byte c = b[i];
      switch (c) {
        case '{' -> {
          i++;
          LuaTable t = new LuaTable();
          space();
          if (i < b.length && b[i] == '}') {
            i++;
            return t;
          }
          while (true) {
            space();
            if (i >= b.length || b[i] != '"') {
              fail("object key string");
            }
            LuaValue key = str();
            space();
            if (i >= b.length || b[i] != ':') {
              fail("colon");
            }
            i++;
            t.set(key, value(depth + 1));
            space();
            if (i < b.length && b[i] == ',') {
              i++;
            } else if (i < b.length && b[i] == '}') {
              i++;
              return t;
            } else {
              fail("comma or object end");
            }
          }
        }
        case '[' -> {
          i++;
          LuaTable t = new LuaTable();
          space();
          if (i < b.length && b[i] == ']') {
            i++;
            return t;
          }
          for (int n = 1; ; n++) {
            t.set(n, value(depth + 1));
            space();
            if (i < b.length && b[i] == ',') {
              i++;
            } else if (i < b.length && b[i] == ']') {
              i++;
              return t;
            } else {
              fail("comma or array end");
            }
          }
        }
        case '"' -> {
          return str();
        }
        default -> {
          if (match("true")) {
            return LuaValue.TRUE;
          }
          if (match("false")) {
            return LuaValue.FALSE;
          }
          if (match("null")) {
            return NULL;
          }
          int start = i;
          while (i < b.length && "+-0123456789.eE".indexOf(b[i]) >= 0) {
            i++;
          }
          String num = new String(b, start, i - start, StandardCharsets.US_ASCII);
          try {
            return LuaValue.valueOf(Double.parseDouble(num));
          } catch (NumberFormatException e) {
            i = start;
            fail("value");
            return LuaValue.NIL;
          }
        }
      }
    }

    boolean match(String word) {
      byte[] w = word.getBytes(StandardCharsets.US_ASCII);
      if (i + w.length > b.length) {
        return false;
      }
      for (int k = 0; k < w.length; k++) {
        if (b[i + k] != w[k]) {
          return false;
        }
      }
      i += w.length;
      return true;
    }

    LuaValue str() {
      i++; // opening quote
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      while (true) {
        if (i >= b.length) {
          throw new LuaError("Expected value but found unexpected end of string at character "
              + (i + 1));
        }
        byte c = b[i++];
        if (c == '"') {
          return LuaValue.valueOf(out.toByteArray());
        }
        if (c != '\\') {
          out.write(c);
          continue;
        }
        if (i >= b.length) {
          fail("escape");
        }
        byte e = b[i++];
        switch (e) {
          case 'b' -> out.write('\b');
          case 'f' -> out.write('\f');
          case 'n' -> out.write('\n');
          case 'r' -> out.write('\r');
          case 't' -> out.write('\t');
          case 'u' -> {
            int cp = hex4();
            if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < b.length && b[i] == '\\'
                && b[i + 1] == 'u') {
              i += 2;
              int lo = hex4();
              cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            }
            out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
          }
          default -> out.write(e);
        }
      }
    }

    int hex4() {
      if (i + 4 > b.length) {
        fail("hex digits");
      }
      int v = Integer.parseInt(new String(b, i, 4, StandardCharsets.US_ASCII), 16);
      i += 4;
      return v;
    }
  }
}
