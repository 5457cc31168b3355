package dev.backlot;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Several fakes started together (in parallel) and closed together.
 *
 * <pre>{@code
 * try (FakeSet fakes = FakeSet.of(new HttpFake(), new HttpFake()).start()) {
 *   ...
 * } // every fake closed, even if one failed to start
 * }</pre>
 */
public final class FakeSet implements AutoCloseable {

  private final List<Fake> fakes;

  private FakeSet(List<Fake> fakes) {
    this.fakes = List.copyOf(fakes);
  }

  public static FakeSet of(Fake... fakes) {
    return new FakeSet(List.of(fakes));
  }

  public static FakeSet of(List<? extends Fake> fakes) {
    return new FakeSet(new ArrayList<>(fakes));
  }

  /**
   * Starts every fake in parallel; if any fails, all are closed and the first failure thrown.
   */
  public FakeSet start() {
    List<CompletableFuture<Void>> starts = new ArrayList<>();
    for (Fake f : fakes) {
      starts.add(CompletableFuture.runAsync(f::start));
    }
    try {
      CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();
    } catch (CompletionException e) {
      close();
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw e;
    }
    return this;
  }

  /** Resets every fake. */
  public void reset() {
    fakes.forEach(Fake::reset);
  }

  public List<Fake> fakes() {
    return fakes;
  }

  /** The first fake of {@code type}. */
  public <T extends Fake> T get(Class<T> type) {
    for (Fake f : fakes) {
      if (type.isInstance(f)) {
        return type.cast(f);
      }
    }
    throw new IllegalArgumentException("no " + type.getSimpleName() + " in " + names());
  }

  /** Name to base URL of each running fake; a name used twice gets a suffix (http, http-2). */
  public Map<String, String> endpoints() {
    Map<String, String> out = new LinkedHashMap<>();
    for (Fake f : fakes) {
      String key = f.name();
      for (int i = 2; out.containsKey(key); i++) {
        key = f.name() + "-" + i;
      }
      out.put(key, f.isRunning() ? f.baseUri().toString() : null);
    }
    return Collections.unmodifiableMap(out);
  }

  private List<String> names() {
    return fakes.stream().map(Fake::name).toList();
  }

  /** Closes every fake; failures of one do not keep the others open. */
  @Override
  public void close() {
    RuntimeException first = null;
    for (Fake f : fakes) {
      try {
        f.close();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
