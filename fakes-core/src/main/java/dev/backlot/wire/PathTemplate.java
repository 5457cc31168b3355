package dev.backlot.wire;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A route's path: literal segments, {@code {var}} segments, and a last {@code {var*}} that takes
 * the rest of the path, slashes included. A variable may sit between a literal prefix and suffix
 * inside one segment, as in {@code /v1beta/models/{model}:predictLongRunning} or
 * {@code /gradio_api/file={path*}}. Matching works on the raw (still encoded) path and decodes
 * each variable, so {@code %2F} inside a segment never splits it.
 */
public final class PathTemplate {

  private record Segment(String prefix, String var, String suffix, boolean rest) {
    boolean literal() {
      return var == null;
    }
  }

  private final String text;
  private final Segment[] segments;

  private PathTemplate(String text, Segment[] segments) {
    this.text = text;
    this.segments = segments;
  }

  public static PathTemplate of(String template) {
    if (!template.startsWith("/")) {
      throw new IllegalArgumentException("a path template starts with '/': " + template);
    }
    String[] parts =
        split(template).stream().map(r -> template.substring(r[0], r[1])).toArray(String[]::new);
    Segment[] segs = new Segment[parts.length];
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i];
      int open = p.indexOf('{');
      if (open < 0) {
        segs[i] = new Segment(p, null, "", false);
        continue;
      }
      int close = p.indexOf('}', open);
      if (close < 0) {
        throw new IllegalArgumentException("unclosed '{' in path template: " + template);
      }
      String name = p.substring(open + 1, close);
      boolean rest = name.endsWith("*");
      if (rest) {
        name = name.substring(0, name.length() - 1);
        if (i != parts.length - 1 || close != p.length() - 1) {
          throw new IllegalArgumentException("{" + name + "*} must end the template: " + template);
        }
      }
      segs[i] = new Segment(p.substring(0, open), name, p.substring(close + 1), rest);
    }
    return new PathTemplate(template, segs);
  }

  /**
   * The variables of {@code rawPath} if it matches, else null. Walks the path in place (no
   * split, no substrings for literal segments): matching runs for every request.
   */
  public Map<String, String> match(String rawPath) {
    int n = rawPath.length();
    int pos = 0;
    Map<String, String> vars = null;
    for (Segment s : segments) {
      while (pos < n && rawPath.charAt(pos) == '/') {
        pos++;
      }
      if (pos >= n) {
        return null;
      }
      int start = pos;
      int slash = rawPath.indexOf('/', start);
      int end = slash < 0 ? n : slash;
      if (s.rest) {
        // the raw remainder, kept exactly (an object name may hold "//")
        int pl = s.prefix.length();
        if (n - start <= pl || !rawPath.startsWith(s.prefix, start)) {
          return null;
        }
        return put(vars, s.var, Request.decodePath(rawPath.substring(start + pl)));
      }
      int len = end - start;
      int pl = s.prefix.length();
      if (s.literal()) {
        if (len != pl || !rawPath.regionMatches(start, s.prefix, 0, pl)) {
          return null;
        }
      } else {
        int sl = s.suffix.length();
        if (len < pl + sl + 1
            || !rawPath.regionMatches(start, s.prefix, 0, pl)
            || !rawPath.regionMatches(end - sl, s.suffix, 0, sl)) {
          return null;
        }
        vars = put(vars, s.var, Request.decodePath(rawPath.substring(start + pl, end - sl)));
      }
      pos = end;
    }
    while (pos < n && rawPath.charAt(pos) == '/') {
      pos++;
    }
    if (pos < n) {
      return null; // more segments than the template has
    }
    return vars == null ? Map.of() : vars;
  }

  /** How alike a path is to this template, for "did you mean" lists: higher is closer. */
  public int similarity(String rawPath) {
    List<int[]> spans = split(rawPath);
    int score = 0;
    for (int i = 0; i < Math.min(spans.size(), segments.length); i++) {
      Segment s = segments[i];
      String part = rawPath.substring(spans.get(i)[0], spans.get(i)[1]);
      if (s.literal() ? part.equals(s.prefix) : part.startsWith(s.prefix)) {
        score += 2;
      } else if (s.literal() && part.equalsIgnoreCase(s.prefix)) {
        score += 1;
      }
    }
    return score - Math.abs(spans.size() - segments.length);
  }

  private static Map<String, String> put(Map<String, String> vars, String k, String v) {
    Map<String, String> m = vars == null ? new LinkedHashMap<>(4) : vars;
    m.put(k, v);
    return m;
  }

  /** Start/end offsets of the non-empty segments: "/a/b/" and "/a//b" both have two. */
  private static List<int[]> split(String path) {
    List<int[]> out = new ArrayList<>(8);
    int n = path.length();
    int start = 0;
    while (start < n) {
      int slash = path.indexOf('/', start);
      int end = slash < 0 ? n : slash;
      if (end > start) {
        out.add(new int[] {start, end});
      }
      start = end + 1;
    }
    return out;
  }

  @Override
  public String toString() {
    return text;
  }
}
