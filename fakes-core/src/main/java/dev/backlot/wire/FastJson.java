package dev.backlot.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;

/**
 * The common case of {@link Json#parse}, without a Jackson parser: a small request body whose
 * root is an object or array, all ASCII, with numbers of ordinary length. It builds the very
 * tree {@code ObjectMapper.readTree} builds (same node classes and values, the last of duplicate
 * keys winning in the first one's place, anything after the root ignored) and gives up, returning
 * null, on anything else: a byte over 0x7F, a control character, a malformed token, a long
 * number, deep nesting, a large body. {@link Json#parse} then lets Jackson parse it, so every
 * error message and limit stays Jackson's. Request bodies are parsed on the hot path of every
 * fake; a Jackson parser costs about as much to set up as such a body costs to read.
 */
final class FastJson {

  /** Larger bodies go to Jackson (whose string, name and nesting limits then apply). */
  static final int MAX_BYTES = 32 * 1024;

  private static final int MAX_DEPTH = 200;
  private static final int MAX_INT_DIGITS = 18; // a longer integer may not fit a long: Jackson's
  private static final int MAX_FLOAT_CHARS = 32;

  /** Thrown to give up: preallocated, no stack trace. */
  private static final RuntimeException NOT_FAST = new RuntimeException("not for the fast path", null, false, false) {};

  // Recent object keys per thread, so a key costs no new String when it repeats (most do).
  private static final ThreadLocal<String[]> KEYS = ThreadLocal.withInitial(() -> new String[256]);

  private final byte[] b;
  private final int n;
  private final JsonNodeFactory nodes;
  private final String[] keys;
  private int p;
  private int depth;
  private StringBuilder escaped;

  private FastJson(byte[] b, JsonNodeFactory nodes) {
    this.b = b;
    this.n = b.length;
    this.nodes = nodes;
    this.keys = KEYS.get();
  }

  /** The tree of {@code bytes}, or null when Jackson must parse them. */
  static JsonNode parse(byte[] bytes, JsonNodeFactory nodes) {
    if (bytes.length > MAX_BYTES) {
      return null;
    }
    try {
      return new FastJson(bytes, nodes).root();
    } catch (RuntimeException notFast) { // NOT_FAST, or an index past the end of a cut body
      return null;
    }
  }

  private JsonNode root() {
    skipSpace();
    if (p >= n) {
      return null;
    }
    byte c = b[p];
    if (c == '{') {
      return object();
    }
    if (c == '[') {
      return array();
    }
    throw NOT_FAST; // a scalar root: Jackson's checks of what follows it decide
  }

  private ObjectNode object() {
    p++; // '{'
    if (++depth > MAX_DEPTH) {
      throw NOT_FAST;
    }
    ObjectNode o = new ObjectNode(nodes, new LinkedHashMap<>(8)); // request objects are small
    skipSpace();
    if (b[p] == '}') {
      p++;
      depth--;
      return o;
    }
    while (true) {
      if (b[p] != '"') {
        throw NOT_FAST;
      }
      String key = key();
      skipSpace();
      if (b[p++] != ':') {
        throw NOT_FAST;
      }
      skipSpace();
      o.replace(key, value());
      skipSpace();
      byte c = b[p++];
      if (c == '}') {
        depth--;
        return o;
      }
      if (c != ',') {
        throw NOT_FAST;
      }
      skipSpace();
    }
  }

  private ArrayNode array() {
    p++; // '['
    if (++depth > MAX_DEPTH) {
      throw NOT_FAST;
    }
    ArrayNode a = new ArrayNode(nodes, new ArrayList<>(4));
    skipSpace();
    if (b[p] == ']') {
      p++;
      depth--;
      return a;
    }
    while (true) {
      a.add(value());
      skipSpace();
      byte c = b[p++];
      if (c == ']') {
        depth--;
        return a;
      }
      if (c != ',') {
        throw NOT_FAST;
      }
      skipSpace();
    }
  }

  private JsonNode value() {
    byte c = b[p];
    switch (c) {
      case '"':
        return nodes.textNode(string());
      case '{':
        return object();
      case '[':
        return array();
      case 't':
        literal("true");
        return nodes.booleanNode(true);
      case 'f':
        literal("false");
        return nodes.booleanNode(false);
      case 'n':
        literal("null");
        return nodes.nullNode();
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        throw NOT_FAST;
    }
  }

  // What follows a literal is checked by the caller's grammar (',' or a closing bracket).
  private void literal(String word) {
    for (int i = 0; i < word.length(); i++) {
      if (b[p++] != word.charAt(i)) {
        throw NOT_FAST;
      }
    }
  }

  // JSON's number grammar; an integer is an IntNode when it fits an int, else a LongNode, as
  // Jackson types it; a fraction or exponent is a DoubleNode of Double.parseDouble's value.
  private JsonNode number() {
    int start = p;
    boolean negative = b[p] == '-';
    if (negative) {
      p++;
    }
    int digitsStart = p;
    if (b[p] == '0') {
      p++;
    } else if (b[p] >= '1' && b[p] <= '9') {
      while (p < n && b[p] >= '0' && b[p] <= '9') {
        p++;
      }
    } else {
      throw NOT_FAST;
    }
    int intDigits = p - digitsStart;
    boolean fraction = false;
    if (p < n && b[p] == '.') {
      fraction = true;
      p++;
      int f = p;
      while (p < n && b[p] >= '0' && b[p] <= '9') {
        p++;
      }
      if (p == f) {
        throw NOT_FAST;
      }
    }
    if (p < n && (b[p] == 'e' || b[p] == 'E')) {
      fraction = true;
      p++;
      if (p < n && (b[p] == '+' || b[p] == '-')) {
        p++;
      }
      int e = p;
      while (p < n && b[p] >= '0' && b[p] <= '9') {
        p++;
      }
      if (p == e) {
        throw NOT_FAST;
      }
    }
    if (fraction) {
      if (p - start > MAX_FLOAT_CHARS) {
        throw NOT_FAST;
      }
      return nodes.numberNode(Double.parseDouble(new String(b, start, p - start, StandardCharsets.ISO_8859_1)));
    }
    if (intDigits > MAX_INT_DIGITS) {
      throw NOT_FAST;
    }
    long v = 0;
    for (int i = digitsStart; i < p; i++) {
      v = v * 10 + (b[i] - '0');
    }
    if (negative) {
      v = -v;
    }
    return v == (int) v ? nodes.numberNode((int) v) : nodes.numberNode(v);
  }

  private String key() {
    p++; // '"'
    int start = p;
    int hash = 0;
    while (true) {
      byte c = b[p];
      if (c == '"') {
        break;
      }
      if (c == '\\' || c < 0x20) { // an escape (or a byte Jackson must judge): no caching
        p = start - 1;
        return string();
      }
      hash = 31 * hash + c;
      p++;
    }
    int len = p - start;
    p++; // closing quote
    int slot = (hash ^ (hash >>> 7)) & (keys.length - 1);
    String cached = keys[slot];
    if (cached != null && cached.length() == len && sameAscii(cached, start)) {
      return cached;
    }
    String k = new String(b, start, len, StandardCharsets.ISO_8859_1);
    keys[slot] = k;
    return k;
  }

  private boolean sameAscii(String s, int start) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) != b[start + i]) {
        return false;
      }
    }
    return true;
  }

  // A string starting at the opening quote. Bytes over 0x7F (negative as Java bytes) and control
  // characters give up: Jackson decodes and judges those.
  private String string() {
    p++; // '"'
    int start = p;
    while (true) {
      byte c = b[p];
      if (c == '"') {
        String s = new String(b, start, p - start, StandardCharsets.ISO_8859_1);
        p++;
        return s;
      }
      if (c == '\\') {
        break;
      }
      if (c < 0x20) {
        throw NOT_FAST;
      }
      p++;
    }
    StringBuilder sb = escaped == null ? (escaped = new StringBuilder(64)) : escaped;
    sb.setLength(0);
    sb.append(new String(b, start, p - start, StandardCharsets.ISO_8859_1));
    while (true) {
      byte c = b[p++];
      if (c == '"') {
        return sb.toString();
      }
      if (c < 0x20) {
        throw NOT_FAST;
      }
      if (c != '\\') {
        sb.append((char) c);
        continue;
      }
      byte e = b[p++];
      switch (e) {
        case '"' -> sb.append('"');
        case '\\' -> sb.append('\\');
        case '/' -> sb.append('/');
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case 'u' -> {
          int v = 0;
          for (int i = 0; i < 4; i++) {
            int d = Character.digit((char) b[p++], 16);
            if (d < 0 || b[p - 1] < 0) {
              throw NOT_FAST;
            }
            v = (v << 4) | d;
          }
          sb.append((char) v);
        }
        default -> throw NOT_FAST;
      }
    }
  }

  private void skipSpace() {
    while (p < n) {
      byte c = b[p];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return;
      }
      p++;
    }
  }
}
