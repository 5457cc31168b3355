package dev.backlot.journal;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The write side of a {@link Journal}: appends entries and completes them. Whoever creates the
 * journal holds its recorder (a fake's engine does, privately); everyone else gets the {@link
 * #journal()} alone, whose entries they can read but never change.
 *
 * <pre>{@code
 * Recorder rec = Recorder.create(1000, 4096);
 * Entry e = rec.record(Entry.Kind.HTTP, Instant.now(), "GET", "/x", "", Map.of(), new byte[0]);
 * rec.complete(e, 200, "ok");
 * rec.journal().verify(RequestPattern.get("/x"));
 * }</pre>
 */
public final class Recorder {

  private final Journal journal;

  private Recorder(Journal journal) {
    this.journal = journal;
  }

  /** A new, empty journal ({@code capacity} entries, {@code bodyLimit} bytes of each body) and its recorder. */
  public static Recorder create(int capacity, int bodyLimit) {
    return new Recorder(new Journal(capacity, bodyLimit));
  }

  /**
   * A new, empty journal that also drops its oldest entries while the body bytes it holds
   * exceed {@code maxBytes} (see {@link Journal}), and its recorder.
   */
  public static Recorder create(int capacity, int bodyLimit, long maxBytes) {
    return new Recorder(new Journal(capacity, bodyLimit, maxBytes));
  }

  /** The journal this recorder writes: hand this one out. */
  public Journal journal() {
    return journal;
  }

  /** Appends an entry; the body is capped at the journal's body limit. */
  public Entry record(
      Entry.Kind kind,
      Instant time,
      String method,
      String path,
      String query,
      Map<String, List<String>> headers,
      byte[] body) {
    return journal.record(kind, time, method, path, query, headers, body);
  }

  /** Records the response of {@code entry} (status, and the body as the journal shows it). */
  public void complete(Entry entry, int status, String responseBody) {
    entry.complete(status, responseBody);
    if (responseBody != null) {
      journal.responseKept(entry, responseBody.length());
    }
  }

  /**
   * Records the response of {@code entry} from its bytes, without copying them: the text
   * {@link Entry#responseBody()} shows (capped at 4,096 bytes; a binary body by its size and
   * {@code contentType}) is made only when read. The bytes must not change afterwards.
   */
  public void complete(Entry entry, int status, byte[] body, String contentType) {
    journal.responseKept(entry, entry.complete(status, body, contentType));
  }

  /** Notes a fault rule that acted on {@code entry}'s exchange. */
  public void fault(Entry entry, String description) {
    entry.fault(description);
  }

  /** Records how {@code entry}'s exchange ended when not by a plain response. */
  public void outcome(Entry entry, String outcome) {
    entry.outcome(outcome);
  }
}
