package dev.backlot.engine;

import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import java.util.AbstractMap;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The request headers of one exchange as the read-only, case-insensitive map a {@code Request}
 * and its journal entry carry, without copying them: Undertow builds a new header map for every
 * request and never changes it once the request is read, so a lookup reads it in place. Only
 * iterating (rare: reports, dashboards, equality) makes a sorted copy, once.
 */
final class ExchangeHeaders extends AbstractMap<String, List<String>> {

  private final HeaderMap headers;
  private volatile Map<String, List<String>> sorted;

  ExchangeHeaders(HeaderMap headers) {
    this.headers = headers;
  }

  @Override
  public List<String> get(Object name) {
    if (!(name instanceof String s)) {
      return null;
    }
    HeaderValues v = headers.get(s);
    return v == null ? null : Collections.unmodifiableList(v);
  }

  @Override
  public boolean containsKey(Object name) {
    return name instanceof String s && headers.contains(s);
  }

  @Override
  public int size() {
    return copy().size();
  }

  @Override
  public boolean isEmpty() {
    return copy().isEmpty();
  }

  @Override
  public Set<Entry<String, List<String>>> entrySet() {
    return copy().entrySet();
  }

  private Map<String, List<String>> copy() {
    Map<String, List<String>> m = sorted;
    if (m == null) {
      Map<String, List<String>> t = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      for (HeaderValues hv : headers) {
        t.put(hv.getHeaderName().toString(), List.copyOf(hv));
      }
      m = Collections.unmodifiableMap(t);
      sorted = m;
    }
    return m;
  }
}
