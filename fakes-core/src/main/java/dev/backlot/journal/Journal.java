package dev.backlot.journal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * Everything a fake received and sent, newest last, bounded so a long test never runs out of
 * memory: by entry count ({@code capacity}) and by the bytes of the bodies it holds ({@code
 * maxBytes}: request bodies as kept, up to {@code bodyLimit} each, plus response bodies as kept,
 * up to 4 KB each). Past either bound the oldest entries are dropped ({@link #total()} still
 * counts them); the newest entry always stays, even alone over {@code maxBytes}.
 *
 * <pre>{@code
 * fake.journal().verify(RequestPattern.post("/prompt").bodyContains("KSampler"));
 * fake.journal().verify(2, RequestPattern.get("/history/{id}"));
 * int n = fake.journal().count(RequestPattern.get("/queue"));
 * Entry last = fake.journal().last().orElseThrow();
 * }</pre>
 *
 * <p>Recording takes no lock: an entry keeps references to what the request already holds
 * (headers, a body within the limit) and copies a body only past the limit, only up to it; a
 * response body is kept the same way and turned into text only when read. Readers see a
 * snapshot in id order.
 */
public final class Journal {

  /** Default number of entries kept. */
  public static final int DEFAULT_CAPACITY = 10_000;
  /** Default bytes of each body kept. */
  public static final int DEFAULT_BODY_LIMIT = 16 * 1024;
  /** Default cap on the body bytes one journal holds (32 MiB). */
  public static final long DEFAULT_MAX_BYTES = 32L * 1024 * 1024;

  private final int capacity;
  private final int bodyLimit;
  private final long maxBytes;
  private final ConcurrentLinkedQueue<Entry> entries = new ConcurrentLinkedQueue<>();
  // Ids handed out since the last clear; the queue may briefly hold more than capacity while an
  // append trims, so `held` counts what readers may see.
  private final AtomicLong ids = new AtomicLong();
  private final AtomicInteger held = new AtomicInteger();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicReference<Entry> newest = new AtomicReference<>();
  // Bumped by clear(): an append that raced with it is dropped with the rest.
  private volatile int epoch;

  public Journal() {
    this(DEFAULT_CAPACITY, DEFAULT_BODY_LIMIT);
  }

  public Journal(int capacity, int bodyLimit) {
    this(capacity, bodyLimit, DEFAULT_MAX_BYTES);
  }

  /**
   * A journal of at most {@code capacity} entries, keeping {@code bodyLimit} bytes of each
   * request body, and dropping its oldest entries while the body bytes it holds exceed {@code
   * maxBytes}.
   */
  public Journal(int capacity, int bodyLimit, long maxBytes) {
    if (capacity < 1 || bodyLimit < 0 || maxBytes < 0) {
      throw new IllegalArgumentException(
          "journal: capacity >= 1, bodyLimit >= 0 and maxBytes >= 0 (got " + capacity + ", "
              + bodyLimit + ", " + maxBytes + ")");
    }
    this.capacity = capacity;
    this.bodyLimit = bodyLimit;
    this.maxBytes = maxBytes;
  }

  /** The cap on the body bytes this journal holds. */
  public long maxBytes() {
    return maxBytes;
  }

  /** The body bytes (request and response, as kept) of the entries held now. */
  public long bytes() {
    return Math.max(0, bytes.get());
  }

  /** How many entries this journal keeps at most. */
  public int capacity() {
    return capacity;
  }

  /** How many bytes of each request body an entry keeps. */
  public int bodyLimit() {
    return bodyLimit;
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
    int era = epoch;
    Entry e = new Entry(ids.incrementAndGet(), kind, time, method, path, query, headers, kept, body.length);
    entries.offer(e);
    held.incrementAndGet();
    bytes.addAndGet(kept.length);
    newest.set(e); // of appends at the same moment, any may end up "newest"
    if (era != epoch) {
      forget(e);
      return e;
    }
    trim();
    return e;
  }

  /** Counts the response bytes {@code e} now keeps (once), then keeps within the bounds. */
  void responseKept(Entry e, int kept) {
    if (kept > 0 && e.countResponse(kept)) {
      bytes.addAndGet(kept);
      trim();
    }
  }

  // Drops the oldest entries until the journal is within its bounds (the newest always stays).
  // Each drop first claims its place in `held`, so concurrent appends drop no more than their
  // own excess.
  private void trim() {
    while (true) {
      int h = held.get();
      if (h <= capacity && (h <= 1 || bytes.get() <= maxBytes)) {
        return;
      }
      if (held.compareAndSet(h, h - 1)) {
        Entry old = entries.poll();
        if (old == null) { // a concurrent clear() took it
          held.incrementAndGet();
          return;
        }
        bytes.addAndGet(-old.release());
      }
    }
  }

  private void forget(Entry e) {
    if (entries.remove(e)) {
      held.decrementAndGet();
      bytes.addAndGet(-e.release());
    }
    newest.compareAndSet(e, null);
  }

  /** Drops every entry and restarts numbering. */
  public void clear() {
    epoch++; // only ever from one thread at a time in practice (reset, close); racy bumps still change it
    Entry e;
    while ((e = entries.poll()) != null) {
      held.decrementAndGet();
      bytes.addAndGet(-e.release());
    }
    ids.set(0);
    newest.set(null);
  }

  /** A snapshot of the entries held, oldest first. */
  public List<Entry> entries() {
    Entry[] all = entries.toArray(new Entry[0]);
    // appends from several threads may land slightly out of id order; readers see id order
    Arrays.sort(all, BY_ID);
    int from = Math.max(0, all.length - capacity); // an append's excess not trimmed yet
    return List.of(all).subList(from, all.length);
  }

  private static final Comparator<Entry> BY_ID = Comparator.comparingLong(Entry::id);

  /** The HTTP requests held, oldest first. */
  public List<Entry> requests() {
    return find(e -> e.kind() == Entry.Kind.HTTP);
  }

  /** How many entries were ever recorded since the last clear, dropped ones included. */
  public long total() {
    return ids.get();
  }

  public int size() {
    return Math.max(0, Math.min(held.get(), capacity));
  }

  public List<Entry> find(Predicate<? super Entry> filter) {
    List<Entry> out = new ArrayList<>();
    for (Entry e : entries()) {
      if (filter.test(e)) {
        out.add(e);
      }
    }
    return out;
  }

  public int count(Predicate<? super Entry> filter) {
    int n = 0;
    for (Entry e : entries) {
      if (filter.test(e)) {
        n++;
      }
    }
    return n;
  }

  /** The newest entry of any kind. */
  public Optional<Entry> last() {
    return Optional.ofNullable(newest.get());
  }

  /** The newest entry matching {@code filter}. */
  public Optional<Entry> last(Predicate<? super Entry> filter) {
    List<Entry> all = entries();
    for (int i = all.size() - 1; i >= 0; i--) {
      Entry e = all.get(i);
      if (filter.test(e)) {
        return Optional.of(e);
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
    List<Entry> all = entries();
    // ids are handed out before an entry is visible: count as dropped only what is older than the oldest held
    long dropped = all.isEmpty() ? 0 : Math.max(0, all.get(0).id() - 1);
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
