package dev.backlot.wire;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads and writes {@code multipart/*} bodies ({@code related}, {@code mixed}, {@code form-data}):
 * GCS multipart uploads and batch requests, ComfyUI and Gradio file uploads, and the like.
 *
 * <pre>{@code
 * List<Multipart.Part> parts = Multipart.parse(req.header("Content-Type"), req.body());
 * JsonNode meta = Json.parse(parts.get(0).body());
 * byte[] media = parts.get(1).body();
 * Multipart.Part file = Multipart.parse(ct, body).stream()
 *     .filter(p -> "image".equals(p.name())).findFirst().orElseThrow(); // form-data field
 * }</pre>
 *
 * <p>Parsing is lenient the way servers are: CRLF or bare LF line ends, a preamble and an
 * epilogue, and a boundary parameter quoted with double or single quotes are all accepted. A body
 * without the boundary, or whose closing delimiter is missing, is a 400 {@link HttpError}.
 */
public final class Multipart {

  /** One part: its headers (names case-insensitive) and its body bytes. */
  public record Part(Map<String, String> headers, byte[] body) {

    /** A header of this part, or null. */
    public String header(String name) {
      return headers.get(name);
    }

    /** The part's Content-Type, or null. */
    public String contentType() {
      return headers.get("Content-Type");
    }

    /** The body as UTF-8 text. */
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    /** The {@code name} parameter of a form-data part's Content-Disposition, or null. */
    public String name() {
      return dispositionParam("name");
    }

    /** The {@code filename} parameter of a form-data part's Content-Disposition, or null. */
    public String filename() {
      return dispositionParam("filename");
    }

    private String dispositionParam(String param) {
      String cd = headers.get("Content-Disposition");
      return cd == null ? null : parameter(cd, param);
    }
  }

  private Multipart() {}

  /**
   * Parses {@code body} using the boundary of {@code contentType}; a missing boundary or a
   * malformed body is a 400.
   */
  public static List<Part> parse(String contentType, byte[] body) {
    String boundary = contentType == null ? null : parameter(contentType, "boundary");
    if (boundary == null || boundary.isEmpty()) {
      throw HttpError.badRequest("Content-Type is not multipart with a boundary: " + contentType);
    }
    return parseWithBoundary(boundary, body);
  }

  /** Parses {@code body} split by {@code boundary} (without the leading dashes). */
  public static List<Part> parseWithBoundary(String boundary, byte[] body) {
    byte[] delim = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    int at = findDelimiter(body, delim, 0);
    if (at < 0) {
      throw HttpError.badRequest("Malformed multipart body: boundary '" + boundary + "' not found");
    }
    List<Part> parts = new ArrayList<>();
    while (true) {
      int after = at + delim.length;
      if (startsWith(body, after, "--")) {
        return Collections.unmodifiableList(parts);
      }
      int start = lineEnd(body, after);
      if (start < 0) {
        throw HttpError.badRequest("Malformed multipart body: truncated after a boundary");
      }
      int next = findDelimiter(body, delim, start);
      if (next < 0) {
        throw HttpError.badRequest("Malformed multipart body: closing boundary missing");
      }
      // the line break before the delimiter belongs to the delimiter
      int end = next;
      if (end > start && body[end - 1] == '\n') {
        end--;
        if (end > start && body[end - 1] == '\r') {
          end--;
        }
      }
      parts.add(part(body, start, end));
      at = next;
    }
  }

  private static Part part(byte[] body, int start, int end) {
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    int pos = start;
    while (pos < end) {
      int eol = indexOf(body, (byte) '\n', pos, end);
      int lineEnd = eol < 0 ? end : eol;
      int contentEnd = lineEnd > pos && body[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
      if (contentEnd == pos) {
        pos = eol < 0 ? end : eol + 1;
        return new Part(Collections.unmodifiableMap(headers), Arrays.copyOfRange(body, pos, end));
      }
      String line = new String(body, pos, contentEnd - pos, StandardCharsets.UTF_8);
      int colon = line.indexOf(':');
      if (colon > 0) {
        headers.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
      }
      if (eol < 0) {
        break;
      }
      pos = eol + 1;
    }
    // headers only, no blank line: an empty body
    return new Part(Collections.unmodifiableMap(headers), new byte[0]);
  }

  /**
   * Writes parts as a multipart body with {@code boundary}: each part's headers, a blank line,
   * its body, CRLF line ends, and the closing delimiter. The body starts with the first delimiter
   * (no preamble), as strict readers expect.
   */
  public static byte[] write(String boundary, List<Part> parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Part p : parts) {
      ascii(out, "--" + boundary + "\r\n");
      for (Map.Entry<String, String> h : p.headers().entrySet()) {
        out.writeBytes((h.getKey() + ": " + h.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
      }
      ascii(out, "\r\n");
      out.writeBytes(p.body());
      ascii(out, "\r\n");
    }
    ascii(out, "--" + boundary + "--\r\n");
    return out.toByteArray();
  }

  /**
   * A parameter of a header value such as {@code multipart/related; boundary="abc"}; quotes
   * (double or single) are removed; the name is case-insensitive. Null when absent.
   */
  public static String parameter(String headerValue, String name) {
    String[] pieces = headerValue.split(";");
    for (int i = 1; i < pieces.length; i++) {
      String p = pieces[i].trim();
      int eq = p.indexOf('=');
      if (eq > 0 && p.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
        String v = p.substring(eq + 1).trim();
        if (v.length() >= 2
            && ((v.startsWith("\"") && v.endsWith("\"")) || (v.startsWith("'") && v.endsWith("'")))) {
          v = v.substring(1, v.length() - 1);
        }
        return v;
      }
    }
    return null;
  }

  private static void ascii(ByteArrayOutputStream out, String s) {
    out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** The next delimiter at {@code from} or later that starts the body or a line. */
  private static int findDelimiter(byte[] body, byte[] delim, int from) {
    int i = from;
    while (true) {
      int at = indexOf(body, delim, i);
      if (at < 0) {
        return -1;
      }
      if (at == 0 || body[at - 1] == '\n') {
        return at;
      }
      i = at + 1;
    }
  }

  /** The index after the end of the line at {@code from} (transport padding allowed), or -1. */
  private static int lineEnd(byte[] body, int from) {
    int eol = indexOf(body, (byte) '\n', from, body.length);
    return eol < 0 ? -1 : eol + 1;
  }

  private static boolean startsWith(byte[] body, int at, String s) {
    if (at + s.length() > body.length) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (body[at + i] != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] body, byte b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (body[i] == b) {
        return i;
      }
    }
    return -1;
  }

  private static int indexOf(byte[] body, byte[] needle, int from) {
    byte first = needle[0];
    int last = body.length - needle.length;
    outer:
    for (int i = from; i <= last; i++) {
      if (body[i] != first) {
        continue;
      }
      for (int j = 1; j < needle.length; j++) {
        if (body[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
