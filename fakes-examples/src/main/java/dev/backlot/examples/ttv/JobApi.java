package dev.backlot.examples.ttv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.util.HttpString;
import io.undertow.util.PathTemplateMatch;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The job API, on Undertow with HTTP/1.1 and HTTP/2 (h2c upgrade on plain HTTP; h2 over TLS in
 * production), advertising HTTP/3 with {@code Alt-Svc} on every answer as the team's edge proxy
 * does.
 *
 * <pre>
 * POST /v1/jobs                {"prompt", "generator", "duration_seconds"} -> 202 {"id", "status"}
 * GET  /v1/jobs/{id}           -> {"id", "status", "generator", "progress", "gcs_uri", "error", ...}
 * POST /v1/jobs/{id}/cancel    -> {"id", "status": "canceled"}; 409 once finished or failed
 * GET  /v1/jobs/{id}/logs      -> {"id", "lines": [...]}
 * GET  /v1/jobs/{id}/artifact  -> {"url", "expires_at", "gcs_uri"}; 409 until finished
 * GET  /healthz                -> {"status": "ok", "protocol": "HTTP/2.0"}
 * </pre>
 *
 * <pre>{@code
 * JobApi api = new JobApi(queue, store, Duration.ofHours(1), "h3=\":443\"; ma=86400", clock).start();
 * URI base = api.baseUri();   // http://127.0.0.1:<port>
 * }</pre>
 */
public final class JobApi implements AutoCloseable {

  /** The generators clients may name. */
  public static final Set<String> GENERATORS = Set.of("runway", "veo", "minimax", "wan");

  private final JobQueue queue;
  private final ArtifactStore store;
  private final Duration urlTtl;
  private final String altSvc;
  private final Clock clock;
  private final Undertow server;

  /**
   * @param altSvc the {@code Alt-Svc} value to send, e.g. {@code h3=":8443"; ma=86400}, or null
   */
  public JobApi(JobQueue queue, ArtifactStore store, Duration urlTtl, String altSvc, Clock clock) {
    this.queue = queue;
    this.store = store;
    this.urlTtl = urlTtl;
    this.altSvc = altSvc;
    this.clock = clock;
    RoutingHandler routes = new RoutingHandler()
        .post("/v1/jobs", json(this::submit))
        .get("/v1/jobs/{id}", json(this::status))
        .post("/v1/jobs/{id}/cancel", json(this::cancel))
        .get("/v1/jobs/{id}/logs", json(this::logs))
        .get("/v1/jobs/{id}/artifact", json(this::artifact))
        .get("/healthz", json(x -> reply(200, Http.JSON.createObjectNode().put("status", "ok")
            .put("protocol", x.getProtocol().toString()))))
        .setFallbackHandler(json(x -> error(404, "no route " + x.getRequestPath())));
    this.server = Undertow.builder()
        .setServerOption(UndertowOptions.ENABLE_HTTP2, true)
        .addHttpListener(0, "127.0.0.1")
        .setHandler(new BlockingHandler(routes))
        .build();
  }

  /** Starts listening on a free loopback port. */
  public JobApi start() {
    server.start();
    return this;
  }

  /** Where the API listens. */
  public URI baseUri() {
    InetSocketAddress a = (InetSocketAddress) server.getListenerInfo().get(0).getAddress();
    return URI.create("http://127.0.0.1:" + a.getPort());
  }

  private record Reply(int status, JsonNode body) {}

  @FunctionalInterface
  private interface Route {
    Reply handle(HttpServerExchange x) throws Exception;
  }

  private HttpHandler json(Route route) {
    return x -> {
      Reply r;
      try {
        r = route.handle(x);
      } catch (IllegalArgumentException | IOException e) {
        r = error(400, e.getMessage());
      } catch (RuntimeException e) {
        r = error(503, "backend unavailable: " + e.getMessage());
      }
      x.setStatusCode(r.status());
      x.getResponseHeaders().put(new HttpString("Content-Type"), "application/json");
      if (altSvc != null) {
        x.getResponseHeaders().put(new HttpString("Alt-Svc"), altSvc);
      }
      x.getResponseSender().send(Http.JSON.writeValueAsString(r.body()), StandardCharsets.UTF_8);
    };
  }

  private static Reply reply(int status, JsonNode body) {
    return new Reply(status, body);
  }

  private static Reply error(int status, String message) {
    ObjectNode e = Http.JSON.createObjectNode();
    e.putObject("error").put("code", status).put("message", message);
    return new Reply(status, e);
  }

  private static String id(HttpServerExchange x) {
    return x.getAttachment(PathTemplateMatch.ATTACHMENT_KEY).getParameters().get("id");
  }

  private Reply submit(HttpServerExchange x) throws IOException {
    JsonNode body = Http.JSON.readTree(x.getInputStream());
    String prompt = body == null ? "" : body.path("prompt").asText("");
    String generator = body == null ? "" : body.path("generator").asText("runway");
    if (prompt.isBlank()) {
      return error(400, "prompt is required");
    }
    if (!GENERATORS.contains(generator)) {
      return error(400, "generator must be one of " + GENERATORS.stream().sorted().toList());
    }
    int seconds = body.path("duration_seconds").asInt(4);
    String id = queue.enqueue(new JobRequest(prompt, generator, seconds));
    return reply(202, Http.JSON.createObjectNode().put("id", id).put("status", "queued"));
  }

  private Reply status(HttpServerExchange x) throws IOException {
    Map<String, String> job = queue.job(id(x));
    if (job.isEmpty()) {
      return error(404, "no job " + id(x));
    }
    JsonNode data = Http.JSON.readTree(job.get("data"));
    JsonNode meta = Http.JSON.readTree(job.getOrDefault("meta", "{}"));
    ObjectNode o = Http.JSON.createObjectNode().put("id", id(x)).put("status", job.get("status"))
        .put("generator", data.path("generator").asText())
        .put("prompt", data.path("prompt").asText())
        .put("progress", meta.path("progress").asDouble(0))
        .put("created_at", job.get("created_at"))
        .put("started_at", job.get("started_at"))
        .put("ended_at", job.get("ended_at"))
        .put("gcs_uri", job.get("result"))
        .put("error", job.get("exc_info"));
    return reply(200, o);
  }

  private Reply cancel(HttpServerExchange x) {
    String id = id(x);
    String status = queue.status(id);
    if (status == null) {
      return error(404, "no job " + id);
    }
    if (!queue.cancel(id)) {
      return error(409, "job " + id + " is " + queue.status(id) + " and cannot be canceled");
    }
    return reply(200, Http.JSON.createObjectNode().put("id", id).put("status", "canceled"));
  }

  private Reply logs(HttpServerExchange x) {
    String id = id(x);
    if (queue.status(id) == null) {
      return error(404, "no job " + id);
    }
    ObjectNode o = Http.JSON.createObjectNode().put("id", id);
    queue.logs(id).forEach(o.putArray("lines")::add);
    return reply(200, o);
  }

  private Reply artifact(HttpServerExchange x) {
    String id = id(x);
    Map<String, String> job = queue.job(id);
    if (job.isEmpty()) {
      return error(404, "no job " + id);
    }
    if (!"finished".equals(job.get("status"))) {
      return error(409, "job " + id + " is " + job.get("status") + ": no artifact yet");
    }
    URL url = store.signedUrl(job.get("result"), urlTtl);
    return reply(200, Http.JSON.createObjectNode().put("url", url.toString())
        .put("gcs_uri", job.get("result"))
        .put("expires_at", clock.instant().plus(urlTtl).toString()));
  }

  @Override
  public void close() {
    server.stop();
  }
}
