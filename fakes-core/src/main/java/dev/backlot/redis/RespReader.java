package dev.backlot.redis;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Redis's request reader (processMultibulkBuffer and processInlineBuffer) over the bytes
 * buffered so far. A command that is not complete yet is read again when more bytes came,
 * except that a multibulk request resumes after its last complete argument, so a request of a
 * million arguments arriving in pieces is read once.
 */
final class RespReader {

  static final int INLINE_MAX = 64 * 1024;
  static final long BULK_MAX = 512L * 1024 * 1024;
  private static final byte[] NO_BYTES = new byte[0];

  /** Malformed input: the message is Redis's, after "Protocol error: ". */
  static final class ProtocolError extends Exception {
    private static final long serialVersionUID = 1L;

    ProtocolError(String message) {
      super(message, null, false, false);
    }
  }

  /** Not enough bytes yet for the command being read. */
  private static final class Incomplete extends Exception {
    private static final long serialVersionUID = 1L;
    static final Incomplete INSTANCE = new Incomplete();

    private Incomplete() {
      super(null, null, false, false);
    }
  }


  private byte[] buf;
  /** After a successful {@link #next}: where the next command starts. */
  int pos;
  private int end;
  private boolean eof;
  // a multibulk request cut short: its arguments so far, and where the next one starts
  private List<byte[]> partial;
  private long partialCount;
  private int partialPos;

  /**
   * The next command in {@code buf[from, to)} (empty: nothing to run), or null when it is not
   * complete yet; at the end of input ({@code eof}) an incomplete command is dropped, except
   * that one whose last bulk lacks only its CRLF still runs, as in Redis.
   */
  List<byte[]> next(byte[] buf, int from, int to, boolean eof) throws ProtocolError {
    this.buf = buf;
    this.end = to;
    this.eof = eof;
    try {
      if (partial != null) {
        pos = partialPos;
        return multibulk();
      }
      pos = from;
      if (pos >= end) {
        return null;
      }
      if (buf[pos] == '*') {
        pos++;
        return multibulk();
      }
      return inline();
    } catch (Incomplete e) {
      return null;
    } catch (ProtocolError e) {
      partial = null;
      throw e;
    }
  }

  /** The buffer's bytes moved {@code by} to the left. */
  void shifted(int by) {
    if (partial != null) {
      partialPos -= by;
    }
  }

  private boolean more() throws Incomplete {
    if (pos < end) {
      return true;
    }
    if (eof) {
      return false;
    }
    throw Incomplete.INSTANCE;
  }

  /** A line up to CRLF (or LF for inline), at most {@code max} bytes; null at end of input. */
  private byte[] line(int max, String tooBig, boolean lfOnly) throws Incomplete, ProtocolError {
    int start = pos;
    int i = pos;
    while (true) {
      if (i >= end) {
        if (eof) {
          return null;
        }
        throw Incomplete.INSTANCE;
      }
      byte c = buf[i++];
      if (c == '\n') {
        int len = i - 1 - start;
        if (len > 0 && buf[i - 2] == '\r') {
          pos = i;
          return Arrays.copyOfRange(buf, start, i - 2);
        }
        if (lfOnly) {
          pos = i;
          return Arrays.copyOfRange(buf, start, i - 1);
        }
        continue; // a bare LF belongs to the line (Redis looks for CR)
      }
      if (i - start > max) {
        throw new ProtocolError(tooBig);
      }
    }
  }

  private List<byte[]> multibulk() throws Incomplete, ProtocolError {
    List<byte[]> args;
    long count;
    if (partial != null) {
      args = partial;
      count = partialCount;
      partial = null;
    } else {
      byte[] countLine = line(INLINE_MAX, "too big mbulk count string", false);
      if (countLine == null) {
        return null;
      }
      Long c = parseLong(countLine);
      if (c == null || c > Integer.MAX_VALUE) {
        throw new ProtocolError("invalid multibulk length");
      }
      if (c <= 0) {
        return new ArrayList<>(0);
      }
      count = c;
      args = new ArrayList<>((int) Math.min(count, 1024));
    }
    while (args.size() < count) {
      int argStart = pos;
      try {
        if (!more()) {
          return null;
        }
        byte type = buf[pos];
        if (type != '$') {
          throw new ProtocolError("expected '$', got '" + (char) (type & 0xff) + "'");
        }
        pos++;
        byte[] lenLine = line(INLINE_MAX, "too big bulk count string", false);
        if (lenLine == null) {
          return null;
        }
        Long len = parseLong(lenLine);
        if (len == null || len < 0 || len > BULK_MAX) {
          throw new ProtocolError("invalid bulk length");
        }
        byte[] arg = bulk(len.intValue());
        if (arg == null) {
          return null;
        }
        args.add(arg);
      } catch (Incomplete e) {
        partial = args;
        partialCount = count;
        partialPos = argStart;
        throw e;
      }
    }
    return args;
  }

  /** {@code len} bytes, then the two bytes Redis skips (it does not check they are CRLF). */
  private byte[] bulk(int len) throws Incomplete {
    if (end - pos < len) {
      if (eof) {
        return null;
      }
      throw Incomplete.INSTANCE;
    }
    int after = pos + len;
    if (end - after >= 2) {
      byte[] arg = Arrays.copyOfRange(buf, pos, after);
      pos = after + 2;
      return arg;
    }
    if (eof) {
      byte[] arg = Arrays.copyOfRange(buf, pos, after);
      pos = end;
      return arg; // Redis runs the command once the bulk is complete
    }
    throw Incomplete.INSTANCE;
  }

  private List<byte[]> inline() throws Incomplete, ProtocolError {
    byte[] l = line(INLINE_MAX, "too big inline request", true);
    if (l == null) {
      return null;
    }
    List<byte[]> args = splitArgs(l);
    if (args == null) {
      throw new ProtocolError("unbalanced quotes in request");
    }
    return args;
  }

  // --------------------------------------------------------------------- Redis's helpers

  /** Redis's string2ll: optional minus, digits, no spaces or plus sign, fits a long. */
  static Long parseLong(byte[] s) {
    if (s.length == 0 || s.length > 20) {
      return null;
    }
    int i = 0;
    boolean neg = false;
    if (s[0] == '-') {
      neg = true;
      i = 1;
      if (s.length == 1) {
        return null;
      }
    }
    if (s.length - i > 1 && s[i] == '0') {
      return null;
    }
    long v = 0;
    for (; i < s.length; i++) {
      if (s[i] < '0' || s[i] > '9') {
        return null;
      }
      try {
        v = Math.addExact(Math.multiplyExact(v, 10), s[i] - '0');
      } catch (ArithmeticException e) {
        return null;
      }
    }
    return neg ? -v : v;
  }

  /** Redis's sdssplitargs: spaces separate, "..." with escapes and '...' quote; null if unbalanced. */
  static List<byte[]> splitArgs(byte[] line) {
    List<byte[]> out = new ArrayList<>();
    int i = 0;
    int n = line.length;
    while (true) {
      while (i < n && isSpace(line[i])) {
        i++;
      }
      if (i >= n) {
        return out;
      }
      ByteArrayOutputStream cur = new ByteArrayOutputStream();
      boolean inq = false;
      boolean insq = false;
      boolean done = false;
      while (!done) {
        if (inq) {
          if (i >= n) {
            return null;
          }
          if (line[i] == '\\' && i + 3 < n && line[i + 1] == 'x' && isHex(line[i + 2])
              && isHex(line[i + 3])) {
            cur.write(Character.digit(line[i + 2], 16) * 16 + Character.digit(line[i + 3], 16));
            i += 3;
          } else if (line[i] == '\\' && i + 1 < n) {
            i++;
            byte c = line[i];
            cur.write(switch (c) {
              case 'n' -> '\n';
              case 'r' -> '\r';
              case 't' -> '\t';
              case 'b' -> '\b';
              case 'a' -> 7;
              default -> c;
            });
          } else if (line[i] == '"') {
            if (i + 1 < n && !isSpace(line[i + 1])) {
              return null;
            }
            done = true;
          } else {
            cur.write(line[i]);
          }
        } else if (insq) {
          if (i >= n) {
            return null;
          }
          if (line[i] == '\\' && i + 1 < n && line[i + 1] == '\'') {
            i++;
            cur.write('\'');
          } else if (line[i] == '\'') {
            if (i + 1 < n && !isSpace(line[i + 1])) {
              return null;
            }
            done = true;
          } else {
            cur.write(line[i]);
          }
        } else {
          if (i >= n) {
            done = true;
            continue;
          }
          switch (line[i]) {
            case ' ', '\n', '\r', '\t', 0 -> done = true;
            case '"' -> inq = true;
            case '\'' -> insq = true;
            default -> cur.write(line[i]);
          }
        }
        if (i < n) {
          i++;
        }
      }
      out.add(cur.toByteArray());
    }
  }

  private static boolean isSpace(byte c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == 0x0b || c == '\f';
  }

  private static boolean isHex(byte c) {
    return Character.digit(c, 16) >= 0;
  }

}
