package dev.backlot.journal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The lines of {@link Journal#digest(int)}: entries one per line, except that a run of WebSocket
 * messages or SSE events of one stream becomes one line counting them by type.
 */
final class Digest {

  /** Shorter runs of messages are shown as they are. */
  static final int MIN_RUN = 3;
  /** Characters of an error's response body shown after {@code =>}. */
  static final int ERROR_BODY_MAX = 200;

  private record Item(String line, int entries) {}

  private Digest() {}

  static List<String> lines(List<Entry> all, long dropped, int n) {
    List<Item> items = new ArrayList<>();
    int i = 0;
    while (i < all.size()) {
      Entry e = all.get(i);
      String type = chatter(e) ? Preview.messageType(e) : null;
      if (type != null && !notable(type)) {
        List<Entry> run = new ArrayList<>();
        List<String> types = new ArrayList<>();
        run.add(e);
        types.add(type);
        int j = i + 1;
        while (j < all.size() && sameStream(e, all.get(j))) {
          String t = Preview.messageType(all.get(j));
          if (notable(t)) {
            break;
          }
          run.add(all.get(j));
          types.add(t);
          j++;
        }
        if (run.size() >= MIN_RUN) {
          items.add(new Item(run(run, types), run.size()));
          i = j;
          continue;
        }
      }
      items.add(new Item(line(e), 1));
      i++;
    }
    int from = Math.max(0, items.size() - Math.max(0, n));
    long hidden = dropped;
    for (int k = 0; k < from; k++) {
      hidden += items.get(k).entries();
    }
    List<String> out = new ArrayList<>(items.size() - from + 1);
    if (hidden > 0) {
      out.add("... " + hidden + " earlier entries not shown");
    }
    for (int k = from; k < items.size(); k++) {
      out.add(items.get(k).line());
    }
    return out;
  }

  /** One entry; an HTTP error or an unhandled request with the body that explains it. */
  static String line(Entry e) {
    String s = e.toString();
    String body = e.responseBody();
    if (e.kind() == Entry.Kind.HTTP && (e.status() >= 400 || e.unmatched()) && body != null
        && !body.isEmpty()) {
      s += " => " + Preview.abbreviate(body, ERROR_BODY_MAX);
    }
    return s;
  }

  /** A message or event nothing happened to (no fault, no unusual outcome): chatter. */
  private static boolean chatter(Entry e) {
    return (e.kind() == Entry.Kind.WS_OUT || e.kind() == Entry.Kind.WS_IN || e.kind() == Entry.Kind.SSE)
        && e.fault() == null && e.outcome() == null;
  }

  private static boolean sameStream(Entry first, Entry next) {
    return chatter(next) && next.kind() == first.kind() && next.path().equals(first.path())
        && next.query().equals(first.query());
  }

  /** Errors are shown in full, never counted away. */
  private static boolean notable(String type) {
    String t = type.toLowerCase(Locale.ROOT);
    return t.contains("error") || t.contains("fail");
  }

  /** {@code #2..#26 ws -> /ws: 25 WebSocket frames: progress x23, executing x2}. */
  private static String run(List<Entry> run, List<String> types) {
    Entry first = run.get(0);
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (String t : types) {
      counts.merge(t, 1, Integer::sum);
    }
    List<Map.Entry<String, Integer>> byCount = new ArrayList<>(counts.entrySet());
    byCount.sort((a, b) -> Integer.compare(b.getValue(), a.getValue())); // stable: ties keep first-seen order
    StringBuilder sb = new StringBuilder().append('#').append(first.id()).append("..#")
        .append(run.get(run.size() - 1).id()).append(' ');
    switch (first.kind()) {
      case WS_OUT -> sb.append("ws -> ");
      case WS_IN -> sb.append("ws <- ");
      default -> sb.append("sse -> ");
    }
    sb.append(first.path()).append(": ").append(run.size())
        .append(first.kind() == Entry.Kind.SSE ? " SSE events: " : " WebSocket frames: ");
    for (int k = 0; k < byCount.size(); k++) {
      Map.Entry<String, Integer> c = byCount.get(k);
      sb.append(k == 0 ? "" : ", ").append(c.getKey()).append(" x").append(c.getValue());
    }
    return sb.toString();
  }
}
