package dev.backlot.testing;

import dev.backlot.journal.Entry;
import dev.backlot.journal.Journal;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A journal written out in full, for "same seed, same run" tests: every recorded field of every
 * entry (number, kind, time, method, path, query, request headers sorted by name, body bytes,
 * status, response body, fault, outcome). Latency is left out: it is the machine's wall time, not
 * something the fake decides.
 */
public final class Journals {

  private Journals() {}

  /** One line per entry, byte-comparable between two runs. */
  public static String canonical(Journal journal) {
    StringBuilder out = new StringBuilder();
    for (Entry e : journal.entries()) {
      out.append('#').append(e.id()).append(' ').append(e.kind()).append(' ').append(e.time())
          .append(' ').append(e.method()).append(' ').append(e.path()).append(" ?").append(e.query());
      Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      if (e.headers() != null) {
        headers.putAll(e.headers());
      }
      out.append(" headers=").append(headers);
      out.append(" body=").append(Base64.getEncoder().encodeToString(e.body()))
          .append('/').append(e.bodySize());
      out.append(" -> ").append(e.status()).append(' ').append(e.responseBody())
          .append(" fault=").append(e.fault()).append(" outcome=").append(e.outcome()).append('\n');
    }
    return out.toString();
  }
}
