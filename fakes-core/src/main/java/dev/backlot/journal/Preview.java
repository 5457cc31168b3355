package dev.backlot.journal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.wire.Json;
import dev.backlot.wire.Multipart;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One-line previews of journal entries for failure messages: text bodies abbreviated, binary ones
 * summarised (type, size, md5), multipart bodies part by part, long queries shortened, and the
 * type of a WebSocket message or SSE event, by which chatter is counted.
 */
final class Preview {

  /** Characters of a query shown before the rest is counted as "N more params". */
  static final int QUERY_BUDGET = 120;
  /** Characters of one query parameter shown. */
  static final int PARAM_MAX = 48;

  private static final Pattern TYPE_FIELD =
      Pattern.compile("\"(type|msg|event|object)\"\\s*:\\s*\"([^\"]{1,64})\"");

  private Preview() {}

  // ---------------------------------------------------------------- query

  /**
   * {@code query} if short; else its first parameters (each at most {@link #PARAM_MAX}
   * characters) within {@link #QUERY_BUDGET} characters, then {@code ...(N more params)}.
   */
  static String query(String query) {
    if (query.length() <= QUERY_BUDGET) {
      return query;
    }
    String[] params = query.split("&");
    StringBuilder sb = new StringBuilder();
    int shown = 0;
    for (String p : params) {
      String s = p.length() <= PARAM_MAX ? p : p.substring(0, PARAM_MAX - 3) + "...";
      if (shown > 0 && sb.length() + 1 + s.length() > QUERY_BUDGET) {
        break;
      }
      if (shown > 0) {
        sb.append('&');
      }
      sb.append(s);
      shown++;
    }
    int more = params.length - shown;
    if (more > 0) {
      sb.append("&...(").append(more).append(more == 1 ? " more param)" : " more params)");
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------- bodies

  /**
   * The body as one line: text abbreviated to {@code max} characters, binary as {@code
   * [image/png, 40960 bytes, md5 ...]}, multipart as its parts.
   *
   * @param kept the bytes the journal kept
   * @param size the body's full size
   * @param contentType its Content-Type, or null (messages have none)
   */
  static String body(byte[] kept, int size, String contentType, int max) {
    boolean truncated = size > kept.length;
    String type = contentType == null ? null : contentType.trim();
    if (type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/")) {
      String boundary = Multipart.parameter(type, "boundary");
      if (boundary != null && !boundary.isEmpty()) {
        String parts = multipart(kept, size, boundary, type);
        if (parts != null) {
          return parts;
        }
      }
    }
    if ((type == null || textual(type)) && isText(kept, truncated)) {
      String text = abbreviate(new String(kept, StandardCharsets.UTF_8), max);
      return truncated ? text + "...(" + size + " bytes)" : text;
    }
    return "[" + summary(kept, size, type) + "]";
  }

  /**
   * {@code image/png, 40960 bytes, md5 <hex>}; of a body the journal cut, the md5 of the bytes
   * it kept: {@code image/png, 40960 bytes, md5 of the first 16384 <hex>}.
   */
  static String summary(byte[] kept, int size, String contentType) {
    String type = contentType == null ? "binary" : mediaType(contentType);
    return size > kept.length
        ? type + ", " + size + " bytes, md5 of the first " + kept.length + " " + md5(kept)
        : type + ", " + size + " bytes, md5 " + md5(kept);
  }

  /** Parts of a multipart body, leniently (the journal may have cut it); null if it has none. */
  private static String multipart(byte[] kept, int size, String boundary, String contentType) {
    byte[] delim = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    List<int[]> spans = new ArrayList<>();
    int at = indexOf(kept, delim, 0);
    while (at >= 0) {
      int start = at + delim.length;
      if (start + 1 < kept.length && kept[start] == '-' && kept[start + 1] == '-') {
        break; // closing delimiter
      }
      int next = indexOf(kept, delim, start);
      int end = next < 0 ? kept.length : next;
      spans.add(new int[] {start, end, next < 0 ? 1 : 0});
      at = next;
    }
    if (spans.isEmpty()) {
      return null;
    }
    StringBuilder sb = new StringBuilder("[").append(mediaType(contentType)).append(", ").append(size)
        .append(" bytes, ").append(spans.size()).append(spans.size() == 1 ? " part: " : " parts: ");
    for (int i = 0; i < spans.size(); i++) {
      int[] s = spans.get(i);
      boolean cut = s[2] == 1 && size > kept.length;
      sb.append(i == 0 ? "" : "; ").append(part(kept, s[0], s[1], cut));
    }
    return sb.append(']').toString();
  }

  private static String part(byte[] b, int start, int end, boolean cut) {
    int pos = lineEnd(b, start, end); // skip the rest of the delimiter line
    String type = null;
    while (pos < end) {
      int eol = lineEnd(b, pos, end);
      String line = new String(b, pos, Math.max(0, eol - pos), StandardCharsets.UTF_8).strip();
      pos = eol;
      if (line.isEmpty()) {
        break;
      }
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Content-Type")) {
        type = line.substring(colon + 1).trim();
      }
    }
    int bodyEnd = end;
    if (!cut && bodyEnd > pos && b[bodyEnd - 1] == '\n') { // the line break before a delimiter
      bodyEnd--;
      if (bodyEnd > pos && b[bodyEnd - 1] == '\r') {
        bodyEnd--;
      }
    }
    byte[] body = Arrays.copyOfRange(b, Math.min(pos, bodyEnd), bodyEnd);
    String shown = type == null ? "(no type)" : mediaType(type);
    if ((type == null || textual(type)) && isText(body, cut)) {
      String text = abbreviate(new String(body, StandardCharsets.UTF_8), 80);
      return shown + " " + text + (cut ? "...(cut)" : "");
    }
    return cut
        ? shown + ", cut after " + body.length + " bytes, md5 of those " + md5(body)
        : shown + ", " + body.length + " bytes, md5 " + md5(body);
  }

  /** Index just past the next '\n' at or after {@code from} (or {@code end}). */
  private static int lineEnd(byte[] b, int from, int end) {
    for (int i = from; i < end; i++) {
      if (b[i] == '\n') {
        return i + 1;
      }
    }
    return end;
  }

  private static int indexOf(byte[] b, byte[] needle, int from) {
    outer:
    for (int i = from; i <= b.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (b[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** Whether a media type is text a person can read in a report. */
  static boolean textual(String contentType) {
    String t = mediaType(contentType);
    return t.startsWith("text/") || t.endsWith("/json") || t.endsWith("+json") || t.endsWith("/xml")
        || t.endsWith("+xml") || t.equals("application/x-www-form-urlencoded")
        || t.equals("application/javascript") || t.equals("application/x-ndjson")
        || t.equals("application/yaml") || t.equals("application/graphql");
  }

  /** {@code image/png} of {@code image/png; charset=...}, lower case. */
  static String mediaType(String contentType) {
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
  }

  /**
   * Whether {@code b} reads as text: valid UTF-8 (but for a sequence cut at the end of a
   * truncated body) without control characters other than tab, CR, LF and form feed.
   */
  static boolean isText(byte[] b, boolean truncated) {
    CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    int len = b.length;
    if (truncated) { // a multibyte character may have been cut: drop up to 3 trailing bytes of it
      int i = len - 1;
      while (i >= 0 && len - i <= 3 && (b[i] & 0xC0) == 0x80) {
        i--;
      }
      if (i >= 0 && (b[i] & 0x80) != 0) {
        len = i;
      }
    }
    String s;
    try {
      s = d.decode(ByteBuffer.wrap(b, 0, len)).toString();
    } catch (CharacterCodingException e) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7F) {
        return false;
      }
    }
    return true;
  }

  static String md5(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has MD5", e);
    }
  }

  static String abbreviate(String s, int max) {
    String oneLine = s.replace('\n', ' ').replace('\r', ' ');
    return oneLine.length() <= max ? oneLine : oneLine.substring(0, max - 3) + "...";
  }

  // ---------------------------------------------------------------- message types

  /**
   * The type of a WebSocket message or SSE event, by which a report counts them: the SSE event
   * name; else the JSON {@code type}, {@code msg}, {@code event} or {@code object} field (ComfyUI,
   * Gradio, OpenAI); else {@code [DONE]}, {@code binary} or {@code text}.
   */
  static String messageType(Entry e) {
    byte[] b = e.body();
    if (!isText(b, e.bodyTruncated())) {
      return "binary";
    }
    String text = new String(b, StandardCharsets.UTF_8);
    if (e.kind() == Entry.Kind.SSE && text.startsWith("event: ")) {
      int sp = text.indexOf(' ', 7);
      return sp < 0 ? text.substring(7) : text.substring(7, sp);
    }
    String t = text.strip();
    if (t.equals("[DONE]")) {
      return t;
    }
    if (t.startsWith("{") && !e.bodyTruncated()) {
      try {
        JsonNode n = Json.parse(t);
        for (String f : new String[] {"type", "msg", "event", "object"}) {
          if (n.path(f).isTextual()) {
            return n.get(f).asText();
          }
        }
        return "json";
      } catch (RuntimeException notJson) {
        // fall through
      }
    }
    Matcher m = TYPE_FIELD.matcher(t.length() > 300 ? t.substring(0, 300) : t);
    return m.find() ? m.group(2) : "text";
  }
}
