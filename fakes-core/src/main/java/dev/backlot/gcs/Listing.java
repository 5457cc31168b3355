package dev.backlot.gcs;

import dev.backlot.wire.HttpError;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Object listing as GCS does it: names in lexicographic order, {@code prefix}, {@code delimiter}
 * folding names into {@code prefixes} (each prefix counts as one result), {@code startOffset}
 * (inclusive) and {@code endOffset} (exclusive), {@code matchGlob}, {@code versions}, and pages of
 * {@code maxResults} linked by an opaque {@code nextPageToken} that is absent on the last page.
 */
final class Listing {

  record Query(
      String prefix,
      String delimiter,
      String startOffset,
      String endOffset,
      Pattern glob,
      boolean versions,
      boolean includeTrailingDelimiter,
      int maxResults,
      String pageToken) {}

  record Page(List<GcsObject> items, List<String> prefixes, String nextPageToken) {}

  private Listing() {}

  static Page objects(GcsStore.Bucket bucket, Query q) {
    String prefix = q.prefix() == null ? "" : q.prefix();
    Token token = Token.decode(q.pageToken());
    String from = prefix;
    if (q.startOffset() != null && q.startOffset().compareTo(from) > 0) {
      from = q.startOffset();
    }
    if (token != null && token.key.compareTo(from) > 0) {
      from = token.key;
    }
    List<GcsObject> items = new ArrayList<>();
    List<String> prefixes = new ArrayList<>();
    int count = 0;
    String last = null;
    String currentPrefix = null;
    boolean more = false;
    String delimiter = q.delimiter() == null || q.delimiter().isEmpty() ? null : q.delimiter();

    outer:
    for (Map.Entry<String, GcsStore.History> e : bucket.objects.tailMap(from, true).entrySet()) {
      String name = e.getKey();
      if (!name.startsWith(prefix)) {
        break;
      }
      if (q.endOffset() != null && !q.endOffset().isEmpty() && name.compareTo(q.endOffset()) >= 0) {
        break;
      }
      if (token != null && token.skips(name)) {
        continue;
      }
      List<GcsObject> visible = visible(e.getValue(), q.versions());
      if (token != null && token.kind == 'V' && name.equals(token.key)) {
        visible.removeIf(o -> o.generation() <= token.generation);
      }
      if (visible.isEmpty() || (q.glob() != null && !q.glob().matcher(name).matches())) {
        continue;
      }
      if (delimiter != null) {
        int idx = name.indexOf(delimiter, prefix.length());
        if (idx >= 0) {
          String p = name.substring(0, idx + delimiter.length());
          if (p.equals(currentPrefix)) {
            continue;
          }
          if (count == q.maxResults()) {
            more = true;
            break;
          }
          currentPrefix = p;
          prefixes.add(p);
          count++;
          last = Token.encode('P', p, 0);
          if (q.includeTrailingDelimiter() && name.equals(p)) {
            items.addAll(visible);
          }
          continue;
        }
      }
      for (GcsObject o : visible) {
        if (count == q.maxResults()) {
          more = true;
          break outer;
        }
        items.add(o);
        count++;
        last = q.versions() ? Token.encode('V', name, o.generation()) : Token.encode('N', name, 0);
      }
    }
    return new Page(items, prefixes, more ? last : null);
  }

  private static List<GcsObject> visible(GcsStore.History h, boolean versions) {
    List<GcsObject> out = new ArrayList<>(versions ? h.noncurrent().size() + 1 : 1);
    if (versions) {
      out.addAll(h.noncurrent());
      if (h.live() != null) {
        out.add(h.live());
      }
      out.sort((a, b) -> Long.compare(a.generation(), b.generation()));
    } else if (h.live() != null) {
      out.add(h.live());
    }
    return out;
  }

  /** Where the next page starts: after a name, after a folded prefix, or after one version. */
  static final class Token {
    final char kind;
    final String key;
    final long generation;

    private Token(char kind, String key, long generation) {
      this.kind = kind;
      this.key = key;
      this.generation = generation;
    }

    boolean skips(String name) {
      switch (kind) {
        case 'P':
          return name.startsWith(key);
        case 'N':
          return name.compareTo(key) <= 0;
        default:
          return name.compareTo(key) < 0;
      }
    }

    static String encode(char kind, String key, long generation) {
      String raw = kind + (kind == 'V' ? generation + ":" : "") + key;
      return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    static Token decode(String token) {
      if (token == null || token.isEmpty()) {
        return null;
      }
      try {
        String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        char kind = raw.charAt(0);
        if (kind == 'V') {
          int colon = raw.indexOf(':');
          return new Token(kind, raw.substring(colon + 1), Long.parseLong(raw.substring(1, colon)));
        }
        if (kind != 'P' && kind != 'N') {
          throw new IllegalArgumentException();
        }
        return new Token(kind, raw.substring(1), 0);
      } catch (RuntimeException e) {
        throw new HttpError(400, "Invalid pageToken: " + token).with("reason", "invalid");
      }
    }
  }

  /**
   * A {@code matchGlob} as a regex: {@code **} matches across '/', {@code *} and {@code ?} do
   * not, {@code [..]} / {@code [!..]} are character classes and {@code {a,b}} alternatives.
   */
  static Pattern glob(String glob) {
    if (glob == null || glob.isEmpty()) {
      return null;
    }
    StringBuilder re = new StringBuilder();
    int i = 0;
    int braces = 0;
    while (i < glob.length()) {
      char c = glob.charAt(i);
      switch (c) {
        case '*':
          if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
            re.append(".*");
            i++;
          } else {
            re.append("[^/]*");
          }
          break;
        case '?':
          re.append("[^/]");
          break;
        case '[': {
          int close = glob.indexOf(']', i + 2);
          if (close < 0) {
            throw invalidGlob(glob);
          }
          String body = glob.substring(i + 1, close);
          if (body.startsWith("!")) {
            body = "^" + body.substring(1);
          }
          re.append('[').append(body.replace("\\", "\\\\").replace("[", "\\[")).append(']');
          i = close;
          break;
        }
        case '{':
          braces++;
          re.append("(?:");
          break;
        case '}':
          if (braces == 0) {
            throw invalidGlob(glob);
          }
          braces--;
          re.append(')');
          break;
        case ',':
          re.append(braces > 0 ? "|" : ",");
          break;
        default:
          re.append(Pattern.quote(String.valueOf(c)));
      }
      i++;
    }
    if (braces != 0) {
      throw invalidGlob(glob);
    }
    try {
      return Pattern.compile(re.toString(), Pattern.DOTALL);
    } catch (PatternSyntaxException e) {
      throw invalidGlob(glob);
    }
  }

  private static HttpError invalidGlob(String glob) {
    return new HttpError(400, "The matchGlob parameter is not a valid glob: " + glob)
        .with("reason", "invalid");
  }
}
