package dev.backlot.journal;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Everything a fake received and sent, newest last, bounded so a long test never runs out of
 * memory: once {@code capacity} entries are held the oldest are dropped (and {@link #total()}
 * still counts them).
 *
 * <pre>{@code
 * fake.journal().verify(RequestPattern.post("/prompt").bodyContains("KSampler"));
 * fake.journal().verify(2, RequestPattern.get("/history/{id}"));
 * int n = fake.journal().count(RequestPattern.get("/queue"));
 * Entry last = fake.journal().last().orElseThrow();
 * }</pre>
 */
public final class Journal {

  /** Default number of entries kept. */
  public static final int DEFAULT_CAPACITY = 10_000;
  /** Default bytes of each body kept. */
  public static final int DEFAULT_BODY_LIMIT = 16 * 1024;

  private final int capacity;
  private final int bodyLimit;
  private final ArrayDeque<Entry> entries = new ArrayDeque<>();
  private long total;

  public Journal() {
    this(DEFAULT_CAPACITY, DEFAULT_BODY_LIMIT);
  }

  public Journal(int capacity, int bodyLimit) {
    if (capacity < 1 || bodyLimit < 0) {
      throw new IllegalArgumentException("capacity >= 1 and bodyLimit >= 0");
    }
    this.capacity = capacity;
    this.bodyLimit = bodyLimit;
  }

  /** Appends an entry; the body is capped at the journal's body limit. Reached via {@link Recorder}. */
  Entry record(
      Entry.Kind kind,
      Instant time,
      String method,
      String path,
      String query,
      Map<String, List<String>> headers,
      byte[] body) {
    byte[] kept = body.length <= bodyLimit ? body : Arrays.copyOf(body, bodyLimit);
    synchronized (entries) {
      Entry e = new Entry(++total, kind, time, method, path, query, headers, kept, body.length);
      if (entries.size() == capacity) {
        entries.removeFirst();
      }
      entries.addLast(e);
      return e;
    }
  }

  /** Drops every entry and restarts numbering. */
  public void clear() {
    synchronized (entries) {
      entries.clear();
      total = 0;
    }
  }

  /** A snapshot of the entries held, oldest first. */
  public List<Entry> entries() {
    synchronized (entries) {
      return List.copyOf(entries);
    }
  }

  /** The HTTP requests held, oldest first. */
  public List<Entry> requests() {
    return find(e -> e.kind() == Entry.Kind.HTTP);
  }

  /** How many entries were ever recorded since the last clear, dropped ones included. */
  public long total() {
    synchronized (entries) {
      return total;
    }
  }

  public int size() {
    synchronized (entries) {
      return entries.size();
    }
  }

  public List<Entry> find(Predicate<? super Entry> filter) {
    List<Entry> out = new ArrayList<>();
    synchronized (entries) {
      for (Entry e : entries) {
        if (filter.test(e)) {
          out.add(e);
        }
      }
    }
    return out;
  }

  public int count(Predicate<? super Entry> filter) {
    int n = 0;
    synchronized (entries) {
      for (Entry e : entries) {
        if (filter.test(e)) {
          n++;
        }
      }
    }
    return n;
  }

  /** The newest entry of any kind. */
  public Optional<Entry> last() {
    synchronized (entries) {
      return Optional.ofNullable(entries.peekLast());
    }
  }

  /** The newest entry matching {@code filter}. */
  public Optional<Entry> last(Predicate<? super Entry> filter) {
    synchronized (entries) {
      var it = entries.descendingIterator();
      while (it.hasNext()) {
        Entry e = it.next();
        if (filter.test(e)) {
          return Optional.of(e);
        }
      }
    }
    return Optional.empty();
  }

  /** Fails unless at least one request matches. */
  public void verify(RequestPattern pattern) {
    int n = count(pattern);
    if (n == 0) {
      throw new VerificationError(mismatchMessage("at least 1", n, pattern));
    }
  }

  /** Fails unless exactly {@code times} requests match. */
  public void verify(int times, RequestPattern pattern) {
    int n = count(pattern);
    if (n != times) {
      throw new VerificationError(mismatchMessage(String.valueOf(times), n, pattern));
    }
  }

  /** Fails if any request matches. */
  public void verifyNone(RequestPattern pattern) {
    verify(0, pattern);
  }

  /**
   * The newest {@code n} lines of the {@linkplain #digest(int) digest}, indented, one per line,
   * for failure messages.
   */
  public String describe(int n) {
    List<String> lines = digest(n);
    if (lines.isEmpty()) {
      return "  (journal empty)\n";
    }
    StringBuilder sb = new StringBuilder();
    for (String line : lines) {
      sb.append("  ").append(line).append('\n');
    }
    return sb.toString();
  }

  /**
   * The journal as a failure report shows it, at most {@code n} lines (plus one saying how many
   * earlier entries are left out), newest last. Requests stay visible: a run of WebSocket
   * messages or SSE events of one stream is one line counting them by type, so progress chatter
   * cannot push {@code POST /prompt} out of the window. An HTTP error or unhandled request shows
   * its response body; bodies and queries are {@linkplain Entry#toString() previewed}.
   *
   * <pre>{@code
   * #1 POST /prompt -> 200 (4 ms) {"client_id":"c1","prompt":{...}}
   * #2..#26 ws -> /ws: 25 WebSocket messages: executing x2, progress x23
   * #27 GET /history/4f1c... -> 200 (1 ms)
   * }</pre>
   */
  public List<String> digest(int n) {
    List<Entry> all;
    long dropped;
    synchronized (entries) {
      all = List.copyOf(entries);
      dropped = total - all.size();
    }
    return Digest.lines(all, dropped, n);
  }

  private String mismatchMessage(String expected, int actual, RequestPattern pattern) {
    StringBuilder sb =
        new StringBuilder("Expected ")
            .append(expected)
            .append(pattern.matchesCommands() ? " command(s) matching " : " request(s) matching ")
            .append(pattern)
            .append(" but found ")
            .append(actual)
            .append('.');
    boolean commands = pattern.matchesCommands();
    List<Entry> requests = commands ? find(e -> e.kind() == Entry.Kind.COMMAND) : requests();
    if (requests.isEmpty()) {
      return sb.append(commands ? " No command was received at all." : " No request was received at all.")
          .toString();
    }
    if (actual > 0) {
      sb.append(commands ? "\nMatching commands:\n" : "\nMatching requests:\n");
      for (Entry e : find(pattern)) {
        sb.append("  ").append(e).append('\n');
      }
      return sb.toString();
    }
    sb.append(commands ? "\nClosest commands received:\n" : "\nClosest requests received:\n");
    requests.stream()
        .map(e -> Map.entry(e, pattern.mismatches(e)))
        .sorted((a, b) -> Integer.compare(a.getValue().size(), b.getValue().size()))
        .limit(3)
        .forEach(
            m -> {
              sb.append("  ").append(m.getKey()).append('\n');
              for (String why : m.getValue()) {
                sb.append("      - ").append(why).append('\n');
              }
            });
    return sb.toString();
  }
}
