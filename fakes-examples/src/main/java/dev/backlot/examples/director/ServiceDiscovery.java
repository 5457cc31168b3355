package dev.backlot.examples.director;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Finds the configured backends: each service's ports are probed in order (usual port, then
 * custom ports) with a GET of its health path, all services at once, each probe bounded by the
 * timeout.
 *
 * <pre>{@code
 * var discovery = new ServiceDiscovery(http, List.of(comfy, llm, wan), Duration.ofSeconds(2));
 * Map<String, Discovery> found = discovery.discoverAll();
 * found.get("comfyui").endpoint();   // http://127.0.0.1:8189 when it runs on a custom port
 * }</pre>
 */
public final class ServiceDiscovery {

  /**
   * What discovery learnt about one service: where it answers, or why not ("timeout", "refused",
   * "http 503", ...: the error of the last port tried).
   */
  public record Discovery(String service, boolean discovered, URI endpoint, String error, List<String> tried) {}

  private final HttpClient http;
  private final List<ServiceEndpoint> services;
  private volatile Duration timeout;

  public ServiceDiscovery(HttpClient http, List<ServiceEndpoint> services, Duration timeout) {
    this.http = http;
    this.services = List.copyOf(services);
    this.timeout = timeout;
  }

  public void timeout(Duration t) {
    this.timeout = t;
  }

  /** Probes every service in parallel; the map keeps the configured order. */
  public Map<String, Discovery> discoverAll() {
    List<CompletableFuture<Discovery>> running = new ArrayList<>();
    for (ServiceEndpoint s : services) {
      running.add(discover(s));
    }
    Map<String, Discovery> out = new LinkedHashMap<>();
    for (CompletableFuture<Discovery> f : running) {
      Discovery d = f.join();
      out.put(d.service(), d);
    }
    return out;
  }

  /** Probes one service's ports one after the other; never completes exceptionally. */
  public CompletableFuture<Discovery> discover(ServiceEndpoint s) {
    return probe(s, s.candidatePorts(), 0, new ArrayList<>());
  }

  private CompletableFuture<Discovery> probe(ServiceEndpoint s, List<Integer> ports, int i, List<String> tried) {
    URI base = s.uri(ports.get(i));
    HttpRequest req = HttpRequest.newBuilder(base.resolve(s.healthPath())).timeout(timeout).GET().build();
    return http.sendAsync(req, HttpResponse.BodyHandlers.discarding())
        .handle((res, err) -> {
          String error;
          if (err != null) {
            error = BackendException.reasonOf(err instanceof CompletionException ? err.getCause() : err);
          } else if (res.statusCode() >= 300) {
            error = "http " + res.statusCode();
          } else {
            error = null;
          }
          tried.add(base.getPort() + ":" + (error == null ? "ok" : error));
          return error;
        })
        .thenCompose(error -> {
          if (error == null) {
            return CompletableFuture.completedFuture(new Discovery(s.service(), true, base, null, List.copyOf(tried)));
          }
          if (i + 1 < ports.size()) {
            return probe(s, ports, i + 1, tried);
          }
          return CompletableFuture.completedFuture(new Discovery(s.service(), false, null, error, List.copyOf(tried)));
        });
  }
}
