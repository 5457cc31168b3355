package dev.backlot.junit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.backlot.Fake;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/** Runs fixture classes through the JUnit Platform test kit, and small helpers for fixtures. */
final class Kit {

  static final String FIXTURES = "backlot.testkit.fixtures";

  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /** What fixtures saw, by key; tests clear it before running the kit. */
  static final Map<String, List<Object>> SEEN = new ConcurrentHashMap<>();

  private Kit() {}

  static EngineExecutionResults run(Class<?>... classes) {
    return run(Map.of(), classes);
  }

  static EngineExecutionResults run(Map<String, String> config, Class<?>... classes) {
    Map<String, String> all = new HashMap<>(config);
    all.put(FIXTURES, "true");
    var kit = EngineTestKit.engine("junit-jupiter").configurationParameters(all);
    for (Class<?> c : classes) {
      kit = kit.selectors(selectClass(c));
    }
    return kit.execute();
  }

  static final Map<String, String> PARALLEL =
      Map.of(
          "junit.jupiter.execution.parallel.enabled", "true",
          "junit.jupiter.execution.parallel.mode.default", "concurrent",
          "junit.jupiter.execution.parallel.mode.classes.default", "concurrent",
          "junit.jupiter.execution.parallel.config.strategy", "fixed",
          "junit.jupiter.execution.parallel.config.fixed.parallelism", "4");

  static void see(String key, Object value) {
    SEEN.computeIfAbsent(key, k -> Collections.synchronizedList(new ArrayList<>())).add(value);
  }

  static List<Object> seen(String key) {
    return SEEN.getOrDefault(key, List.of());
  }

  @SuppressWarnings("unchecked")
  static <T> T only(String key) {
    List<Object> l = seen(key);
    if (l.size() != 1) {
      throw new AssertionError("expected one value for " + key + " but saw " + l);
    }
    return (T) l.get(0);
  }

  /** GET {@code path} on {@code fake}: status and body. */
  static HttpResponse<String> get(Fake fake, String path) {
    try {
      return CLIENT.send(
          HttpRequest.newBuilder(URI.create(fake.baseUri() + path))
              .timeout(Duration.ofSeconds(20))
              .GET()
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError("GET " + path + " failed", e);
    }
  }

  /** The throwable of the failed test whose display name is {@code test} (e.g. "fails()"). */
  static Throwable failureOf(EngineExecutionResults results, String test) {
    for (Event e : results.testEvents().failed().list()) {
      if (e.getTestDescriptor().getDisplayName().equals(test)) {
        Optional<Throwable> t = e.getRequiredPayload(TestExecutionResult.class).getThrowable();
        return t.orElseThrow();
      }
    }
    throw new AssertionError("no failed test named " + test + "; failures: " + failures(results));
  }

  /** Every failure, "test: message", for assertion messages. */
  static List<String> failures(EngineExecutionResults results) {
    List<String> out = new ArrayList<>();
    for (Event e : results.allEvents().failed().list()) {
      Throwable t = e.getRequiredPayload(TestExecutionResult.class).getThrowable().orElse(null);
      String cause = t != null && t.getCause() != null ? " (cause: " + t.getCause() + ")" : "";
      out.add(e.getTestDescriptor().getDisplayName() + ": " + t + cause);
    }
    return out;
  }
}
