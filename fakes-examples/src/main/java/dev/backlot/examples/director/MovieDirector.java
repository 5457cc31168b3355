package dev.backlot.examples.director;

import dev.backlot.examples.director.ConnectionPool.PoolExhaustedException;
import dev.backlot.examples.director.HealthCheckService.HealthStatus;
import dev.backlot.examples.director.ServiceDiscovery.Discovery;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The movie director add-on's connectivity layer, as its Blender panel drives it: discover the
 * backends, open connection pools to them, watch their health, generate images (ComfyUI), text
 * (LiteLLM) and video (Wan2GP), and follow the user's configuration changes.
 *
 * <pre>{@code
 * try (MovieDirector director = new MovieDirector("panel", DirectorConfig.local(8188, 4000, 7860))) {
 *   director.connect();                                   // discovery, pools, first health check
 *   director.status("comfyui");                           // CONNECTED
 *   Generated frame = director.generateImage("a red fox", 42).join();
 * }
 * }</pre>
 *
 * <p>Threads: {@code <name>-http-N} (the HTTP client's, at most 4), {@code <name>-worker-N}
 * (generation and health rounds, idle ones end after a minute), {@code <name>-reconnect}; all
 * end at {@link #close()}.
 */
public final class MovieDirector implements AutoCloseable {

  public enum Status { DISCONNECTED, CONNECTED, ERROR }

  /** What a generation produced: "image" (PNG), "text" or "video" (MP4). */
  public record Generated(String type, String id, byte[] bytes, String text) {}

  private final String name;
  private final ExecutorService httpThreads;
  private final ExecutorService worker;
  private final ScheduledExecutorService scheduler;
  private final HttpClient http;
  private volatile DirectorConfig config;
  private final Map<String, URI> found = new ConcurrentHashMap<>();
  private final Map<String, Status> statuses = new ConcurrentHashMap<>();
  private final Map<String, String> errors = new ConcurrentHashMap<>();
  private volatile ConnectionPool<ComfyUiClient> comfyUi;
  private volatile ConnectionPool<LlmClient> llm;
  private volatile ConnectionPool<Wan2GpClient> wan2gp;
  private volatile HealthCheckService health;

  /** @param name prefix of this director's thread names */
  public MovieDirector(String name, DirectorConfig config) {
    this.name = name;
    this.config = config;
    ThreadPoolExecutor h = new ThreadPoolExecutor(4, 4, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads(name + "-http-"));
    h.allowCoreThreadTimeOut(false);
    this.httpThreads = h;
    this.worker = Executors.newCachedThreadPool(threads(name + "-worker-"));
    this.scheduler = Executors.newSingleThreadScheduledExecutor(threads(name + "-reconnect"));
    this.http = HttpClient.newBuilder().executor(httpThreads).connectTimeout(config.requestTimeout())
        .version(HttpClient.Version.HTTP_1_1).build();
    for (ServiceEndpoint e : config.endpoints()) {
      statuses.put(e.service(), Status.DISCONNECTED);
    }
  }

  private static ThreadFactory threads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix.endsWith("-") ? prefix + n.incrementAndGet() : prefix);
      t.setDaemon(true);
      return t;
    };
  }

  public DirectorConfig config() {
    return config;
  }

  // ------------------------------------------------------------------ discovery and connection

  /** Probes every configured backend in parallel (see {@link ServiceDiscovery}). */
  public Map<String, Discovery> discover() {
    Map<String, Discovery> result = new ServiceDiscovery(http, config.endpoints(), config.discoveryTimeout()).discoverAll();
    result.forEach((service, d) -> {
      if (d.discovered()) {
        found.put(service, d.endpoint());
      } else {
        found.remove(service);
      }
    });
    return result;
  }

  /**
   * The full connection flow: discovery, a pool per discovered backend with one connection
   * opened to prove it, then a first health round. Returns each service's status.
   */
  public Map<String, Status> connect() {
    Map<String, Discovery> discovered = discover();
    for (ServiceEndpoint e : config.endpoints()) {
      Discovery d = discovered.get(e.service());
      if (d.discovered()) {
        open(e.service(), d.endpoint());
      } else {
        fail(e.service(), d.error());
      }
    }
    startHealth();
    health.checkNow();
    return statuses();
  }

  /** Closes the pools and stops the health checks; the director can connect again. */
  public void disconnect() {
    for (String service : List.of(DirectorConfig.COMFYUI, DirectorConfig.LITELLM, DirectorConfig.WAN2GP)) {
      closePool(service);
      statuses.put(service, Status.DISCONNECTED);
    }
    HealthCheckService h = health;
    health = null;
    if (h != null) {
      h.close();
    }
  }

  /** The user typed another port for {@code service} in the panel (takes effect at {@link #reconnect}). */
  public void reconfigure(String service, int port) {
    config = config.withEndpoint(config.endpoint(service).withPort(port));
  }

  /** The panel's "reconnect" button: drops {@code service}'s pool and connects it anew. */
  public Status reconnect(String service) {
    closePool(service);
    ServiceEndpoint e = config.endpoint(service);
    Discovery d = new ServiceDiscovery(http, List.of(e), config.discoveryTimeout()).discover(e).join();
    if (d.discovered()) {
      found.put(service, d.endpoint());
      open(service, d.endpoint());
    } else {
      found.remove(service);
      fail(service, d.error());
    }
    return status(service);
  }

  private void open(String service, URI at) {
    closePool(service);
    try {
      switch (service) {
        case DirectorConfig.COMFYUI -> {
          ConnectionPool<ComfyUiClient> p = new ConnectionPool<>(service, config.poolSize(service), config.acquireTimeout(),
              () -> {
                ComfyUiClient c = new ComfyUiClient(http, at, config.comfyUi(), scheduler, worker);
                try {
                  c.connect();
                } catch (BackendException | InterruptedException e) {
                  c.close();
                  throw e;
                }
                return c;
              });
          comfyUi = p;
          p.release(p.acquire()); // one socket open proves the backend
        }
        case DirectorConfig.LITELLM -> {
          ConnectionPool<LlmClient> p = new ConnectionPool<>(service, config.poolSize(service), config.acquireTimeout(),
              () -> new LlmClient(http, at, config.llmApiKey(), config.llmModel(), config.requestTimeout(), config.attempts()));
          llm = p;
        }
        case DirectorConfig.WAN2GP -> {
          ConnectionPool<Wan2GpClient> p = new ConnectionPool<>(service, config.poolSize(service), config.acquireTimeout(),
              () -> new Wan2GpClient(http, at, config.requestTimeout()).connect());
          wan2gp = p;
          p.release(p.acquire()); // reads /config: is it really Wan2GP?
        }
        default -> throw new IllegalArgumentException("no such service: " + service);
      }
      statuses.put(service, Status.CONNECTED);
      errors.remove(service);
    } catch (BackendException e) {
      closePool(service);
      fail(service, e.reason());
    } catch (PoolExhaustedException e) {
      fail(service, "pool exhausted");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail(service, "interrupted");
    }
  }

  private void fail(String service, String error) {
    statuses.put(service, Status.ERROR);
    errors.put(service, error);
  }

  private void closePool(String service) {
    ConnectionPool<?> p = switch (service) {
      case DirectorConfig.COMFYUI -> comfyUi;
      case DirectorConfig.LITELLM -> llm;
      case DirectorConfig.WAN2GP -> wan2gp;
      default -> null;
    };
    if (p != null) {
      p.close();
    }
    switch (service) {
      case DirectorConfig.COMFYUI -> comfyUi = null;
      case DirectorConfig.LITELLM -> llm = null;
      case DirectorConfig.WAN2GP -> wan2gp = null;
      default -> { }
    }
  }

  private void startHealth() {
    if (health != null) {
      health.close();
    }
    Map<String, HealthCheckService.Check> checks = new LinkedHashMap<>();
    for (ServiceEndpoint e : config.endpoints()) {
      checks.put(e.service(), () -> probe(e.service()));
    }
    health = new HealthCheckService(checks, config.unhealthyAfter(), worker);
  }

  /** A health probe of the service's current endpoint: its health path must answer 2xx. */
  private void probe(String service) throws Exception {
    ServiceEndpoint e = config.endpoint(service);
    URI at = found.getOrDefault(service, e.uri(e.port()));
    HttpRequest req = HttpRequest.newBuilder(at.resolve(e.healthPath())).timeout(config.discoveryTimeout()).build();
    int s;
    try {
      s = http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (java.io.IOException ex) {
      throw new BackendException(service, BackendException.reasonOf(ex), null, ex);
    }
    if (s >= 300) {
      throw new BackendException(service, "http " + s, null, null);
    }
  }

  // ------------------------------------------------------------------ status

  public Status status(String service) {
    return statuses.getOrDefault(service, Status.DISCONNECTED);
  }

  public Map<String, Status> statuses() {
    Map<String, Status> out = new LinkedHashMap<>();
    config.endpoints().forEach(e -> out.put(e.service(), status(e.service())));
    return out;
  }

  /** Why {@code service} is in ERROR ("refused", "timeout", "http 503"...), or null. */
  public String error(String service) {
    return errors.get(service);
  }

  /** The health service of the current connection (null before {@link #connect()}). */
  public HealthCheckService health() {
    return health;
  }

  public HealthStatus systemHealth() {
    return health == null ? HealthStatus.UNKNOWN : health.systemHealth();
  }

  public ConnectionPool<ComfyUiClient> comfyUiPool() {
    return require(comfyUi, DirectorConfig.COMFYUI);
  }

  public ConnectionPool<LlmClient> llmPool() {
    return require(llm, DirectorConfig.LITELLM);
  }

  public ConnectionPool<Wan2GpClient> wan2gpPool() {
    return require(wan2gp, DirectorConfig.WAN2GP);
  }

  private static <T> T require(T pool, String service) {
    if (pool == null) {
      throw new IllegalStateException(service + " is not connected");
    }
    return pool;
  }

  /** Each open pool's statistics. */
  public Map<String, ConnectionPool.Stats> poolStatistics() {
    Map<String, ConnectionPool.Stats> out = new LinkedHashMap<>();
    for (ConnectionPool<?> p : new ConnectionPool<?>[] {comfyUi, llm, wan2gp}) {
      if (p != null) {
        out.put(p.service(), p.stats());
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ generation

  /** A storyboard frame from ComfyUI. */
  public CompletableFuture<Generated> generateImage(String prompt, long seed) {
    return CompletableFuture.supplyAsync(() -> call(() -> {
      ConnectionPool<ComfyUiClient> pool = comfyUiPool();
      ComfyUiClient c = pool.acquire();
      try {
        ComfyUiClient.Queued q = c.sendWorkflow(ComfyUiClient.textToImage(prompt, seed));
        ComfyUiClient.Image img = c.awaitImage(q.promptId(), Duration.ofSeconds(60));
        return new Generated("image", img.promptId(), img.png(), null);
      } finally {
        pool.release(c);
      }
    }), worker);
  }

  /** Script text from the LLM. */
  public CompletableFuture<Generated> generateText(String prompt) {
    return CompletableFuture.supplyAsync(() -> call(() -> {
      ConnectionPool<LlmClient> pool = llmPool();
      LlmClient c = pool.acquire();
      try {
        LlmClient.Completion done = c.complete(prompt);
        return new Generated("text", done.id(), done.text().getBytes(StandardCharsets.UTF_8), done.text());
      } finally {
        pool.release(c);
      }
    }), worker);
  }

  /** A short clip from Wan2GP (416x240, 5 frames, 2 steps: a preview render). */
  public CompletableFuture<Generated> generateVideo(String prompt, long seed) {
    return CompletableFuture.supplyAsync(() -> call(() -> {
      ConnectionPool<Wan2GpClient> pool = wan2gpPool();
      Wan2GpClient c = pool.acquire();
      try {
        Wan2GpClient.Video v = c.generateVideo(prompt, "416x240", 5, 2, seed);
        return new Generated("video", v.eventId(), v.mp4(), v.fileName());
      } finally {
        pool.release(c);
      }
    }), worker);
  }

  private interface Work<T> {
    T run() throws Exception;
  }

  private static <T> T call(Work<T> w) {
    try {
      return w.run();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new CompletionException(e);
    }
  }

  /** Disconnects and ends every thread of this director; idempotent. */
  @Override
  public void close() {
    disconnect();
    scheduler.shutdownNow();
    worker.shutdownNow();
    httpThreads.shutdownNow();
  }

  /** Waits until this director's threads have ended (after {@link #close()}). */
  public boolean awaitTermination(Duration d) throws InterruptedException {
    long deadline = System.nanoTime() + d.toNanos();
    for (ExecutorService e : new ExecutorService[] {scheduler, worker, httpThreads}) {
      if (!e.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "MovieDirector[" + name + ", " + statuses() + "]";
  }
}
