package dev.backlot.comfyui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The few bits of Python semantics ComfyUI's answers depend on: {@code str()} and {@code repr()}
 * of JSON-decoded values (they appear inside error messages), {@code int()}/{@code float()}/{@code
 * bool()} conversions of prompt inputs, truthiness, and {@code json.dumps} formatting (ComfyUI
 * answers with aiohttp's {@code json_response}, which uses {@code json.dumps} defaults: {@code ", "}
 * and {@code ": "} separators, ASCII only).
 */
final class Py {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final Pattern INT = Pattern.compile("[+-]?[0-9](_?[0-9])*");
  private static final Pattern FLOAT =
      Pattern.compile(
          "[+-]?(([0-9](_?[0-9])*(\\.([0-9](_?[0-9])*)?)?|\\.[0-9](_?[0-9])*)([eE][+-]?[0-9](_?[0-9])*)?"
              + "|inf|infinity|nan)",
          Pattern.CASE_INSENSITIVE);

  private Py() {}

  /** A Python exception raised while emulating a conversion: its type name and {@code str()}. */
  static final class PyException extends RuntimeException {
    final String type;

    PyException(String type, String message) {
      super(message, null, false, false);
      this.type = type;
    }
  }

  // ------------------------------------------------------------------ str / repr

  /** {@code str(value)} of a value as Python's json module decodes it. */
  static String str(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return "None";
    }
    if (v.isTextual()) {
      return v.textValue();
    }
    return repr(v);
  }

  /** {@code repr(value)}. */
  static String repr(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return "None";
    }
    if (v.isTextual()) {
      return reprString(v.textValue());
    }
    if (v.isBoolean()) {
      return v.booleanValue() ? "True" : "False";
    }
    if (v.isIntegralNumber()) {
      return v.bigIntegerValue().toString();
    }
    if (v.isNumber()) {
      return floatRepr(v.doubleValue());
    }
    StringBuilder b = new StringBuilder();
    if (v.isArray()) {
      b.append('[');
      for (int i = 0; i < v.size(); i++) {
        if (i > 0) {
          b.append(", ");
        }
        b.append(repr(v.get(i)));
      }
      return b.append(']').toString();
    }
    b.append('{');
    Iterator<Map.Entry<String, JsonNode>> it = v.properties().iterator();
    boolean first = true;
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!first) {
        b.append(", ");
      }
      first = false;
      b.append(reprString(e.getKey())).append(": ").append(repr(e.getValue()));
    }
    return b.append('}').toString();
  }

  /** Python's {@code repr} of a str: single quotes unless the text has ' and no ". */
  static String reprString(String s) {
    char q = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
    StringBuilder b = new StringBuilder(s.length() + 2).append(q);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == q || c == '\\') {
        b.append('\\').append(c);
      } else if (c == '\n') {
        b.append("\\n");
      } else if (c == '\r') {
        b.append("\\r");
      } else if (c == '\t') {
        b.append("\\t");
      } else if (c < 0x20 || c == 0x7f) {
        b.append(String.format("\\x%02x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append(q).toString();
  }

  /** {@code repr(float)}: the shortest round-trip digits, exponent outside 1e-4 .. 1e16. */
  static String floatRepr(double d) {
    if (Double.isNaN(d)) {
      return "nan";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    if (d == 0) {
      return (1 / d < 0) ? "-0.0" : "0.0";
    }
    BigDecimal bd = shortest(Math.abs(d));
    String digits = bd.unscaledValue().toString();
    int exp = digits.length() - 1 - bd.scale(); // decimal exponent of the first digit
    String sign = d < 0 ? "-" : "";
    if (exp < -4 || exp >= 16) {
      String mant = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
      String e = String.valueOf(Math.abs(exp));
      return sign + mant + "e" + (exp < 0 ? "-" : "+") + (e.length() < 2 ? "0" + e : e);
    }
    String plain = bd.toPlainString();
    return sign + (plain.indexOf('.') < 0 ? plain + ".0" : plain);
  }

  /**
   * The shortest decimal that reads back as {@code d}, correctly rounded (what Python's repr
   * prints; JDK 17's Double.toString is sometimes one digit longer, e.g. for 1.25e22).
   */
  private static BigDecimal shortest(double d) {
    BigDecimal exact = new BigDecimal(d);
    for (int p = 1; p <= 17; p++) {
      BigDecimal r = exact.round(new java.math.MathContext(p, java.math.RoundingMode.HALF_EVEN));
      if (r.doubleValue() == d) {
        return r.stripTrailingZeros();
      }
    }
    return new BigDecimal(Double.toString(d)).stripTrailingZeros();
  }

  /** The Python type name of a JSON-decoded value. */
  static String typeName(JsonNode v) {
    if (v == null || v.isNull()) {
      return "NoneType";
    }
    if (v.isTextual()) {
      return "str";
    }
    if (v.isBoolean()) {
      return "bool";
    }
    if (v.isIntegralNumber()) {
      return "int";
    }
    if (v.isNumber()) {
      return "float";
    }
    return v.isArray() ? "list" : "dict";
  }

  // ------------------------------------------------------------------ conversions

  /** {@code int(value)}, as validation converts INT inputs. */
  static JsonNode toInt(JsonNode v) {
    if (v.isBoolean()) {
      return F.numberNode(v.booleanValue() ? 1 : 0);
    }
    if (v.isIntegralNumber()) {
      return v;
    }
    if (v.isNumber()) {
      double d = v.doubleValue();
      if (Double.isNaN(d)) {
        throw new PyException("ValueError", "cannot convert float NaN to integer");
      }
      if (Double.isInfinite(d)) {
        throw new PyException("OverflowError", "cannot convert float infinity to integer");
      }
      return number(new BigDecimal(d).toBigInteger());
    }
    if (v.isTextual()) {
      String t = v.textValue().strip();
      if (INT.matcher(t).matches()) {
        return number(new BigInteger(t.replace("_", "")));
      }
      throw new PyException(
          "ValueError", "invalid literal for int() with base 10: " + reprString(v.textValue()));
    }
    throw new PyException(
        "TypeError",
        "int() argument must be a string, a bytes-like object or a real number, not '"
            + typeName(v) + "'");
  }

  /** {@code float(value)}, as validation converts FLOAT inputs. */
  static JsonNode toFloat(JsonNode v) {
    if (v.isBoolean()) {
      return DoubleNode.valueOf(v.booleanValue() ? 1.0 : 0.0);
    }
    if (v.isNumber()) {
      return DoubleNode.valueOf(v.doubleValue());
    }
    if (v.isTextual()) {
      String t = v.textValue().strip();
      if (FLOAT.matcher(t).matches()) {
        String lower = t.toLowerCase(Locale.ROOT).replace("_", "");
        String unsigned = lower.startsWith("-") || lower.startsWith("+") ? lower.substring(1) : lower;
        double sign = lower.startsWith("-") ? -1 : 1;
        if (unsigned.startsWith("inf")) {
          return DoubleNode.valueOf(sign * Double.POSITIVE_INFINITY);
        }
        if (unsigned.equals("nan")) {
          return DoubleNode.valueOf(Double.NaN);
        }
        return DoubleNode.valueOf(Double.parseDouble(lower));
      }
      throw new PyException(
          "ValueError", "could not convert string to float: " + reprString(v.textValue()));
    }
    throw new PyException(
        "TypeError",
        "float() argument must be a string or a real number, not '" + typeName(v) + "'");
  }

  /** {@code str(value)} as a JSON string node. */
  static JsonNode toStr(JsonNode v) {
    return v.isTextual() ? v : TextNode.valueOf(str(v));
  }

  /** {@code bool(value)}. */
  static JsonNode toBool(JsonNode v) {
    return BooleanNode.valueOf(truthy(v));
  }

  /** Python truthiness of a JSON-decoded value. */
  static boolean truthy(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return false;
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isNumber()) {
      return v.isIntegralNumber() ? v.bigIntegerValue().signum() != 0 : v.doubleValue() != 0;
    }
    if (v.isTextual()) {
      return !v.textValue().isEmpty();
    }
    return v.size() > 0;
  }

  /** Python {@code ==} between JSON-decoded values (1 == 1.0 == True). */
  static boolean equal(JsonNode a, JsonNode b) {
    boolean an = a.isNumber() || a.isBoolean();
    boolean bn = b.isNumber() || b.isBoolean();
    if (an && bn) {
      return compare(a, b) == 0;
    }
    if (a.isArray() && b.isArray()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (int i = 0; i < a.size(); i++) {
        if (!equal(a.get(i), b.get(i))) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }

  /** Numeric comparison (bools count as 0/1). */
  static int compare(JsonNode a, JsonNode b) {
    return decimal(a).compareTo(decimal(b));
  }

  private static BigDecimal decimal(JsonNode v) {
    if (v.isBoolean()) {
      return v.booleanValue() ? BigDecimal.ONE : BigDecimal.ZERO;
    }
    if (v.isIntegralNumber()) {
      return new BigDecimal(v.bigIntegerValue());
    }
    double d = v.doubleValue();
    if (Double.isNaN(d)) {
      return BigDecimal.ZERO; // comparisons with NaN are False either way; callers check isNaN
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? new BigDecimal("1e400") : new BigDecimal("-1e400");
    }
    return new BigDecimal(d);
  }

  static boolean isNaN(JsonNode v) {
    return v.isFloatingPointNumber() && Double.isNaN(v.doubleValue());
  }

  private static JsonNode number(BigInteger i) {
    if (i.bitLength() < 64) {
      return F.numberNode(i.longValue());
    }
    return BigIntegerNode.valueOf(i);
  }

  // ------------------------------------------------------------------ json.dumps

  /** {@code json.dumps(value)} with Python's default separators and {@code ensure_ascii}. */
  static String dumps(JsonNode v) {
    StringBuilder b = new StringBuilder(256);
    dump(v, b);
    return b.toString();
  }

  private static void dump(JsonNode v, StringBuilder b) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      b.append("null");
    } else if (v.isTextual()) {
      quote(v.textValue(), b);
    } else if (v.isBoolean()) {
      b.append(v.booleanValue() ? "true" : "false");
    } else if (v.isIntegralNumber()) {
      b.append(v.bigIntegerValue());
    } else if (v.isNumber()) {
      double d = v.doubleValue();
      b.append(Double.isNaN(d) ? "NaN" : Double.isInfinite(d) ? (d > 0 ? "Infinity" : "-Infinity")
          : floatRepr(d));
    } else if (v.isArray()) {
      b.append('[');
      for (int i = 0; i < v.size(); i++) {
        if (i > 0) {
          b.append(", ");
        }
        dump(v.get(i), b);
      }
      b.append(']');
    } else if (v.isObject()) {
      b.append('{');
      Iterator<Map.Entry<String, JsonNode>> it = v.properties().iterator();
      boolean first = true;
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!first) {
          b.append(", ");
        }
        first = false;
        quote(e.getKey(), b);
        b.append(": ");
        dump(e.getValue(), b);
      }
      b.append('}');
    } else {
      b.append(v); // binary/POJO nodes do not occur
    }
  }

  private static void quote(String s, StringBuilder b) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case '\b' -> b.append("\\b");
        case '\f' -> b.append("\\f");
        default -> {
          if (c < 0x20 || c > 0x7e) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
