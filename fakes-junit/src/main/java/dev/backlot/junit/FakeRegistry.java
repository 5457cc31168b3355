package dev.backlot.junit;

import dev.backlot.Fake;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The fakes of one scope (a test class, one test, or the whole run), keyed by what asked for them
 * (a field, a parameter, a programmatic registration). Closing it closes the fakes it owns, in
 * reverse order of creation, and undoes the field injections it recorded. Lives in a JUnit store,
 * which also closes it if a callback never got the chance to.
 */
@SuppressWarnings("deprecation") // CloseableResource: how JUnit before 5.13 closes store values
final class FakeRegistry implements AutoCloseable, ExtensionContext.Store.CloseableResource {

  /** A fake, the name reports use for it, and whether this registry closes it. */
  record Managed(Fake fake, String label, boolean owned) {}

  private final String scope;
  private final Map<Object, Managed> entries = new LinkedHashMap<>();
  private final List<Runnable> undo = new ArrayList<>();
  private boolean closed;

  FakeRegistry(String scope) {
    this.scope = scope;
  }

  String scope() {
    return scope;
  }

  synchronized Managed get(Object key) {
    return entries.get(key);
  }

  /**
   * The fake for {@code key}, made by {@code create} the first time. Creation happens under this
   * registry's lock, so two concurrent callers never make two fakes for one key.
   */
  synchronized Managed computeIfAbsent(Object key, Supplier<Managed> create) {
    Managed m = entries.get(key);
    if (m != null) {
      return m;
    }
    if (closed) {
      throw new IllegalStateException("Backlot: the fakes of " + scope + " are already closed");
    }
    m = create.get();
    entries.put(key, m);
    return m;
  }

  /** Lists a fake another registry owns (so it is reset and reported here), unless listed. */
  synchronized void borrow(Object key, Managed owned) {
    entries.putIfAbsent(key, new Managed(owned.fake(), owned.label(), false));
  }

  synchronized boolean contains(Fake fake) {
    for (Managed m : entries.values()) {
      if (m.fake() == fake) {
        return true;
      }
    }
    return false;
  }

  /** The keys under which {@code fake} is listed here. */
  synchronized List<Object> keysOf(Fake fake) {
    List<Object> out = new ArrayList<>();
    for (Map.Entry<Object, Managed> e : entries.entrySet()) {
      if (e.getValue().fake() == fake) {
        out.add(e.getKey());
      }
    }
    return out;
  }

  synchronized boolean isEmpty() {
    return entries.isEmpty();
  }

  synchronized List<Managed> all() {
    return List.copyOf(entries.values());
  }

  /** Runs {@code action} when this registry closes (after its fakes are closed). */
  synchronized void onClose(Runnable action) {
    undo.add(action);
  }

  @Override
  public void close() {
    List<Managed> toClose;
    List<Runnable> actions;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      toClose = new ArrayList<>(entries.values());
      actions = new ArrayList<>(undo);
    }
    Collections.reverse(toClose);
    RuntimeException first = null;
    for (Managed m : toClose) {
      if (!m.owned()) {
        continue;
      }
      try {
        m.fake().close();
      } catch (RuntimeException e) {
        first = keep(first, e);
      }
    }
    for (Runnable r : actions) {
      try {
        r.run();
      } catch (RuntimeException e) {
        first = keep(first, e);
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private static RuntimeException keep(RuntimeException first, RuntimeException next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }

  @Override
  public String toString() {
    return "fakes of " + scope;
  }
}
