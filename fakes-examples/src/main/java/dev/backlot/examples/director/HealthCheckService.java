package dev.backlot.examples.director;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Watches the backends: each check that passes makes a service HEALTHY; a failing one makes it
 * DEGRADED, and the third failure in a row UNHEALTHY. The system is as healthy as its worst
 * service.
 *
 * <pre>{@code
 * var health = new HealthCheckService(Map.of("comfyui", () -> probe(comfyUri)), 3, executor);
 * health.checkNow();                      // or health.start(Duration.ofSeconds(30))
 * health.status("comfyui");               // HEALTHY
 * }</pre>
 */
public final class HealthCheckService implements AutoCloseable {

  public enum HealthStatus { UNKNOWN, HEALTHY, DEGRADED, UNHEALTHY }

  /** One check of one service: throws when the service is not healthy. */
  @FunctionalInterface
  public interface Check {
    void run() throws Exception;
  }

  /** Where one service stands. */
  public record HealthState(String service, HealthStatus status, int consecutiveFailures, long checks, String lastError) {}

  /** A change of status, in the order they happened. */
  public record Transition(String service, HealthStatus from, HealthStatus to, String error) {}

  private final Map<String, Check> checks;
  private final int unhealthyAfter;
  private final Executor executor;
  private final Map<String, HealthState> states = new ConcurrentHashMap<>();
  private final List<Transition> transitions = new CopyOnWriteArrayList<>();
  private ScheduledExecutorService scheduler;
  private ScheduledFuture<?> periodic;

  /**
   * @param unhealthyAfter consecutive failures that make a service UNHEALTHY (3 in the add-on)
   * @param executor runs the checks of one round side by side
   */
  public HealthCheckService(Map<String, Check> checks, int unhealthyAfter, Executor executor) {
    this.checks = new LinkedHashMap<>(checks);
    this.unhealthyAfter = unhealthyAfter;
    this.executor = executor;
    for (String s : this.checks.keySet()) {
      states.put(s, new HealthState(s, HealthStatus.UNKNOWN, 0, 0, null));
    }
  }

  /** Records the result of one check of {@code service} and returns its new status. */
  public synchronized HealthStatus record(String service, boolean healthy, String error) {
    HealthState old = states.getOrDefault(service, new HealthState(service, HealthStatus.UNKNOWN, 0, 0, null));
    int failures = healthy ? 0 : old.consecutiveFailures() + 1;
    HealthStatus next = healthy ? HealthStatus.HEALTHY
        : failures >= unhealthyAfter ? HealthStatus.UNHEALTHY : HealthStatus.DEGRADED;
    states.put(service, new HealthState(service, next, failures, old.checks() + 1, healthy ? null : error));
    if (next != old.status()) {
      transitions.add(new Transition(service, old.status(), next, error));
    }
    return next;
  }

  /** Runs every check once, all at once, and waits for them. */
  public Map<String, HealthState> checkNow() {
    List<CompletableFuture<Void>> running = new ArrayList<>();
    checks.forEach((service, check) -> running.add(CompletableFuture.runAsync(() -> {
      String error = null;
      try {
        check.run();
      } catch (Exception e) {
        error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      }
      record(service, error == null, error);
    }, executor)));
    running.forEach(CompletableFuture::join);
    return states();
  }

  /** Checks every {@code interval} on a thread of its own until {@link #close()}. */
  public synchronized void start(Duration interval) {
    if (scheduler == null) {
      scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "director-health");
        t.setDaemon(true);
        return t;
      });
      periodic = scheduler.scheduleWithFixedDelay(this::checkNow, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  public HealthStatus status(String service) {
    HealthState s = states.get(service);
    return s == null ? HealthStatus.UNKNOWN : s.status();
  }

  public Map<String, HealthState> states() {
    Map<String, HealthState> out = new LinkedHashMap<>();
    for (String s : states.keySet().stream().sorted().toList()) {
      out.put(s, states.get(s));
    }
    return out;
  }

  /** The worst status of any service (UNKNOWN until every service was checked once). */
  public HealthStatus systemHealth() {
    HealthStatus worst = HealthStatus.HEALTHY;
    for (HealthState s : states.values()) {
      if (s.status() == HealthStatus.UNKNOWN) {
        return HealthStatus.UNKNOWN;
      }
      if (s.status().ordinal() > worst.ordinal()) {
        worst = s.status();
      }
    }
    return worst;
  }

  public List<Transition> transitions() {
    return List.copyOf(transitions);
  }

  /** The statuses {@code service} went through, in order. */
  public List<HealthStatus> history(String service) {
    return transitions.stream().filter(t -> t.service().equals(service)).map(Transition::to).toList();
  }

  @Override
  public synchronized void close() {
    if (scheduler != null) {
      periodic.cancel(false);
      scheduler.shutdownNow();
      scheduler = null;
    }
  }
}
