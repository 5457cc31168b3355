package dev.backlot.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.journal.Entry;
import dev.backlot.wire.ErrorShape;
import dev.backlot.wire.Request;
import dev.backlot.wire.Response;
import io.undertow.UndertowOptions;
import dev.backlot.tls.TlsCertificates;
import io.undertow.server.HttpHandler;
import io.undertow.server.ServerConnection;
import io.undertow.server.protocol.http2.Http2UpgradeHandler;
import io.undertow.util.HttpString;
import io.undertow.server.handlers.HttpContinueReadHandler;
import io.undertow.server.protocol.http.HttpOpenListener;
import io.undertow.websockets.WebSocketProtocolHandshakeHandler;
import io.undertow.websockets.core.WebSocketChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.channels.AcceptingChannel;

/**
 * The HTTP host every HTTP fake is built from: a listener on the shared IO worker, the fake's
 * {@link Routes}, {@link Stub stubs} in front of them, and the lifecycle, journal, clock, faults
 * and ids of {@link AbstractFake}. A backend package adds only its protocol (routes) and its
 * state.
 *
 * <p>Data path of one request (see {@code RequestPath}): the body is read (and a gzip or deflate
 * body decoded, the size cap holding on the decoded bytes) without blocking an IO thread, the
 * journal records the request, the fault plan decides, then on a worker thread the handler chain
 * runs: the fake's own filters ({@link #decorate}), stubs, routes, the no-route answer; the
 * response is written without blocking and the journal records the outcome.
 *
 * <pre>{@code
 * public final class PetFake extends FakeServer<PetFake> {
 *   private final Map<String, JsonNode> pets = new ConcurrentHashMap<>();
 *   PetFake(Builder b) { super("pets", b); }
 *   protected void routes(Routes r) {
 *     r.get("/pets/{id}", req -> Response.json(200, pets.get(req.pathParam("id"))));
 *   }
 *   protected void resetState() { pets.clear(); }
 * }
 * }</pre>
 *
 * @param <F> the fake's own type, so {@link #start()} returns it
 */
public abstract class FakeServer<F extends FakeServer<F>> extends AbstractFake<F> {

  private static final HttpString ALT_SVC = new HttpString("Alt-Svc");

  /** How long an idle connection stays open by default (see {@link Builder#idleTimeout}). */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

  private final long maxBodyBytes;
  private final Routes routes = new Routes();
  private final List<Stub> stubs = new CopyOnWriteArrayList<>();
  private final Set<StreamConnection> connections = ConcurrentHashMap.newKeySet();
  // Connections a fault left stalled; cut by reset() so they do not outlive the test.
  private final Set<ServerConnection> stalled = ConcurrentHashMap.newKeySet();
  private final Set<WebSocketSessionImpl> sockets = ConcurrentHashMap.newKeySet();
  private final Map<Route, WebSocketProtocolHandshakeHandler> handshakes = new ConcurrentHashMap<>();
  private final AtomicInteger connectionCount = new AtomicInteger();
  private final AtomicLong socketCount = new AtomicLong();
  private final ResponseWriter writer;
  private final RequestPath path;
  private final TlsCertificates tls;
  private final boolean http2;
  private final boolean h2c;
  private final String altSvc;
  private final int idleTimeoutMillis;

  private volatile EngineRuntime runtime;
  private volatile AcceptingChannel<? extends StreamConnection> listener;
  private volatile Handler chain;
  // True when decorate() added no filter: only then may stubs and non-blocking routes be
  // answered on the IO thread (a fake's filter might block).
  private volatile boolean plainChain;

  protected FakeServer(String name, Builder<?, F> builder) {
    super(name, builder);
    this.maxBodyBytes = builder.maxBodyBytes;
    this.tls = builder.tls;
    this.http2 = builder.http2;
    this.h2c = builder.h2c;
    this.altSvc = builder.altSvc;
    this.idleTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, builder.idleTimeout.toMillis());
    this.writer = new ResponseWriter(this);
    this.path = new RequestPath(this, writer);
    routes(routes);
  }

  /** Declares the backend's protocol; called once, from the constructor. */
  protected abstract void routes(Routes routes);

  /**
   * Wraps the fake's handler chain (stubs, then routes, then the no-route answer) with the
   * fake's own filters: middleware the real backend runs before any route, such as an origin
   * check. Called once, at the first start; the default adds nothing. Faults and the journal act
   * before the chain; an {@link dev.backlot.wire.HttpError} thrown anywhere in it is answered in
   * the fake's error shape.
   *
   * <pre>{@code
   * protected Handler decorate(Handler next) {
   *   return req -> "OPTIONS".equals(req.method()) ? Response.status(200) : next.handle(req);
   * }
   * }</pre>
   */
  protected Handler decorate(Handler next) {
    return next;
  }

  /**
   * The answer when no stub or route matches. Defaults to a 404 (or 405 when the path exists
   * under another method) in the fake's error shape, listing the closest routes.
   */
  protected Response noRoute(Request request) {
    List<String> allowed = routes.methodsFor(request.rawPath());
    if (!allowed.isEmpty()) {
      return guardedErrorShape()
          .render(405, "Method " + request.method() + " not allowed on " + request.path(), Map.of())
          .setHeader("Allow", String.join(", ", allowed));
    }
    List<String> near = nearMisses(request);
    Map<String, Object> details = near.isEmpty() ? Map.of() : Map.of("nearMisses", near);
    return guardedErrorShape()
        .render(404, "No route for " + request.method() + " " + request.path(), details);
  }

  /**
   * Runs {@code req} through the fake's handler chain (its filters, stubs, routes, no-route), as
   * the request path does after the journal and faults; for requests a fake unpacks itself (a
   * batch's parts). Throws {@link dev.backlot.wire.HttpError} to answer an error.
   */
  protected final Response answer(Request req) throws Exception {
    Handler h = chain;
    if (h == null) {
      h = buildChain();
    }
    return h.handle(req);
  }

  private synchronized Handler buildChain() {
    if (chain == null) {
      Handler inner = new StubsHandler(stubs, new RoutesHandler(routes, new NoRouteHandler(this)));
      Handler h = decorate(inner);
      plainChain = h == inner;
      chain = h;
    }
    return chain;
  }

  /**
   * The answer when it is known never to block, for the request path to write right on the IO
   * thread; null when the request must go to a worker: a fake filter is installed, the matching
   * stub runs the test's own code ({@code respondWith}, {@code when}), or the matching route is
   * not {@linkplain Routes#nonBlocking() declared non-blocking} (for this request: {@link
   * Routes#nonBlockingWhen}), or nothing matches (no-route
   * answers may be overridden). Stubs are tried first, newest first, as {@link #answer} does.
   * {@link #NO_RESPONSE} when the handler that ran returned null.
   */
  final Response answerInline(Request req) throws Exception {
    if (!plainChain) {
      return null;
    }
    String method = req.method();
    String raw = req.rawPath();
    Response stubbed = stubs.isEmpty() ? null : inlineStub(req, method, raw); // no iterator if none
    if (stubbed != null) {
      return stubbed == MUST_DISPATCH ? null : stubbed;
    }
    Routes.Match m = routes.find(method, raw, false);
    // the condition sees the request itself, so a body it parses stays parsed for the worker
    if (m == null || !m.route().runsInline(req)) {
      return null;
    }
    Response answer = m.route().handler().handle(req.withPathParams(m.params()));
    return answer != null ? answer : NO_RESPONSE;
  }

  // A stub matched but runs the test's code: the request goes to a worker.
  private static final Response MUST_DISPATCH = Response.status(500);

  /**
   * From {@link #answerInline}: the handler that ran returned null. Not a reason to dispatch
   * (the handler would run a second time); the request path answers it as a failed handler.
   */
  static final Response NO_RESPONSE = Response.status(500);

  // The first matching stub's fixed answer, MUST_DISPATCH, or null when no stub matches.
  private Response inlineStub(Request req, String method, String raw) throws Exception {
    for (Stub s : stubs) {
      if (s.matchesMethod(method)) {
        Map<String, String> params = s.template().match(raw);
        if (params != null) {
          if (!s.nonBlocking()) {
            return MUST_DISPATCH;
          }
          Request r = req.withPathParams(params);
          if (s.accepts(r)) {
            Response answer = s.answer(r);
            return answer != null ? answer : NO_RESPONSE;
          }
        }
      }
    }
    return null;
  }

  // ---------------------------------------------------------------- transport

  @Override
  protected final void open() {
    runtime = EngineRuntime.acquire();
    buildChain();
  }

  @Override
  protected final int listen(int wanted) {
    OptionMap options =
            OptionMap.builder()
                .set(UndertowOptions.DECODE_URL, false)
                .set(UndertowOptions.DECODE_SLASH, true) // Undertow's name for ALLOW_ENCODED_SLASH
                .set(UndertowOptions.ALWAYS_SET_KEEP_ALIVE, false)
                // no listener-wide cap: the request path sets it per exchange (chunked bodies
                // are capped by the request path itself)
                .set(UndertowOptions.MAX_ENTITY_SIZE, -1L)
                // How long a connection may sit with no request in progress (fresh, between
                // keep-alive requests, or idle HTTP/2) before the fake closes it, as real servers
                // do; a request in progress (a slow upload, an event stream, a fault's stall or
                // delay) and an upgraded WebSocket are never cut by it. -1: never. Never 0, which
                // closes a connection as soon as it goes idle, racing pooled clients that reuse
                // it ("no bytes" errors).
                .set(UndertowOptions.NO_REQUEST_TIMEOUT, idleTimeoutMillis > 0 ? idleTimeoutMillis : -1)
                // request headers that stop arriving halfway count as idle too (else a client
                // that sends half a request line would hold its connection forever)
                .set(UndertowOptions.REQUEST_PARSE_TIMEOUT, idleTimeoutMillis > 0 ? idleTimeoutMillis : -1)
                // h2c prior knowledge (the "PRI *" preface) is read by the HTTP/1 listener
                .set(UndertowOptions.ENABLE_HTTP2, h2c)
                .getMap();
    HttpOpenListener http1 = new HttpOpenListener(runtime.buffers, options);
    HttpHandler root = new HttpContinueReadHandler(path::handle);
    if (altSvc != null) {
      HttpHandler inner = root;
      root = ex -> {
        ex.getResponseHeaders().put(ALT_SVC, altSvc);
        inner.handleRequest(ex);
      };
    }
    if (h2c) {
      root = new Http2UpgradeHandler(root); // "Upgrade: h2c"
    }
    http1.setRootHandler(root);
    ChannelListener<StreamConnection> open = http1;
    if (tls != null && http2) {
      open = Tls.alpn(runtime.buffers, options, http1, root);
    }
    ChannelListener<StreamConnection> opened = open;
    ChannelListener<AcceptingChannel<? extends StreamConnection>> accept =
        channel -> {
          StreamConnection c;
          try {
            while ((c = channel.accept()) != null) {
              if (!isRunning()) {
                IoUtils.safeClose(c);
                continue;
              }
              connections.add(c);
              if (connections.size() > 64) {
                connections.removeIf(x -> !x.isOpen());
              }
              opened.handleEvent(c);
            }
          } catch (IOException e) {
            // the accept failed for one connection; the listener keeps serving
          }
        };
    try {
      OptionMap socket = OptionMap.builder()
          .set(Options.REUSE_ADDRESSES, true)
          .set(Options.TCP_NODELAY, true)
          .set(Options.BACKLOG, 1000)
          .getMap();
      InetSocketAddress address = new InetSocketAddress(host(), wanted);
      AcceptingChannel<? extends StreamConnection> server = tls == null
          ? runtime.worker.createStreamConnectionServer(address, accept, socket)
          : Tls.server(runtime.worker, tls, address, accept, socket);
      server.resumeAccepts();
      listener = server;
      return ((InetSocketAddress) server.getLocalAddress()).getPort();
    } catch (BindException e) {
      throw new UncheckedIOException(
          name() + " fake could not bind " + host() + ":" + wanted + " (port in use?)", e);
    } catch (IOException e) {
      throw new UncheckedIOException(name() + " fake could not start on " + host() + ":" + wanted, e);
    }
  }

  @Override
  protected final void unlisten() {
    IoUtils.safeClose(listener);
    listener = null;
    for (WebSocketSessionImpl s : sockets) {
      s.abort();
    }
    sockets.clear();
    for (StreamConnection c : connections) {
      IoUtils.safeClose(c);
    }
    connections.clear();
    stalled.clear();
  }

  @Override
  protected final void resetTransport() {
    stubs.removeIf(s -> true);
    for (ServerConnection c : stalled) {
      IoUtils.safeClose(c);
    }
    stalled.clear();
  }

  @Override
  protected final void closeTransport() {
    stubs.clear();
    if (runtime != null) {
      EngineRuntime.release(runtime);
      runtime = null;
    }
  }

  /**
   * {@code http://HOST:PORT}, or {@code https://} when built with {@link Builder#https()} (no
   * trailing slash): the link's address when behind one.
   *
   * @throws IllegalStateException before the first start, and after {@link #close()}
   */
  @Override
  public URI baseUri() {
    return URI.create((tls != null ? "https://" : "http://") + uriHost() + ":" + port());
  }

  /** {@code ws://HOST:PORT} ({@code wss://} with TLS): the base for WebSocket routes. */
  public URI wsUri() {
    return URI.create((tls != null ? "wss://" : "ws://") + uriHost() + ":" + port());
  }

  /**
   * The certificates this fake serves, whose trust side the test hands its client.
   *
   * <pre>{@code
   * var api = HttpFake.builder().https().start();
   * HttpClient client = HttpClient.newBuilder().sslContext(api.tls().sslContext()).build();
   * }</pre>
   *
   * @throws IllegalStateException if the fake serves plain HTTP
   */
  public TlsCertificates tls() {
    if (tls == null) {
      throw new IllegalStateException(
          name() + " fake serves plain HTTP: build it with .https() to get certificates");
    }
    return tls;
  }

  private String uriHost() {
    String h = host();
    return h.contains(":") ? "[" + h + "]" : h;
  }

  /** The fake's routes (its protocol), in match order. */
  public List<Route> routes() {
    return routes.all();
  }

  /** Open WebSocket sessions. */
  public List<WebSocketSession> webSockets() {
    return List.copyOf(sockets);
  }

  // ---------------------------------------------------------------- stubs

  /**
   * Adds a stub for {@code method} ("*" for any) and {@code path} (a template such as {@code
   * /users/{id}}), answered before the fake's own routes. Stubs are cleared by {@link #reset()}.
   */
  public Stub stub(String method, String path) {
    Stub[] holder = new Stub[1];
    Stub s = new Stub(method, path, () -> stubs.remove(holder[0]));
    holder[0] = s;
    stubs.add(0, s);
    return s;
  }

  /** The current stubs, newest first. */
  public List<Stub> stubs() {
    return List.copyOf(stubs);
  }

  private List<String> nearMisses(Request req) {
    List<String> out = new ArrayList<>();
    for (Stub s : stubs) {
      if (s.template().similarity(req.rawPath()) > 0) {
        out.add(s.toString());
      }
      if (out.size() == 3) {
        return out;
      }
    }
    out.addAll(routes.nearMisses(req.method(), req.rawPath(), 3 - out.size()));
    return out;
  }

  // ---------------------------------------------------------------- for the request path

  long maxBodyBytes() {
    return maxBodyBytes;
  }

  /**
   * How long a connection with no request in progress stays open before the fake closes it
   * ({@link Duration#ZERO}: forever); see {@link Builder#idleTimeout(Duration)}.
   */
  public Duration idleTimeout() {
    return Duration.ofMillis(idleTimeoutMillis);
  }

  Routes routeTable() {
    return routes;
  }

  ResponseWriter writer() {
    return writer;
  }

  /** Connections the fake holds open now (for tests of the idle timeout). */
  int openConnections() {
    connections.removeIf(c -> !c.isOpen());
    return connections.size();
  }

  int nextConnection() {
    return connectionCount.incrementAndGet();
  }

  void stall(ServerConnection c) {
    stalled.add(c);
    c.addCloseListener(stalled::remove);
  }

  WebSocketProtocolHandshakeHandler handshake(
      Route route, Function<Route, WebSocketProtocolHandshakeHandler> make) {
    return handshakes.computeIfAbsent(route, make);
  }

  void openSocket(Request opening, WebSocketChannel channel, WebSocketHandler handler) {
    WebSocketSessionImpl s = new WebSocketSessionImpl(
        this, String.valueOf(socketCount.incrementAndGet()), opening, channel, handler);
    sockets.add(s);
    channel.addCloseTask(ch -> sockets.remove(s));
    s.open();
  }

  // Called by sessions and streams to record traffic.
  Entry record(Entry.Kind kind, Request origin, byte[] payload) {
    return recorder().record(
        kind, clock().instant(), origin.method(), origin.path(), origin.rawQuery(), Map.of(),
        payload);
  }

  // ---------------------------------------------------------------- builder

  /**
   * Settings every HTTP fake shares (those of {@link AbstractFake.Builder}, a body cap, stubs in
   * config); each fake's builder extends this with its initial state.
   *
   * @param <B> the builder's own type
   * @param <F> the fake it builds
   */
  public abstract static class Builder<B extends Builder<B, F>, F extends FakeServer<F>>
      extends AbstractFake.Builder<B, F> {
    private long maxBodyBytes = 64L * 1024 * 1024;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private TlsCertificates tls;
    private boolean http2 = true;
    private boolean h2c;
    private String altSvc;

    /**
     * Serves HTTPS with the JVM's {@linkplain TlsCertificates#shared() shared test CA}: {@code
     * baseUri()} becomes {@code https://127.0.0.1:PORT}, {@code tls()} gives the client side.
     * HTTP/2 is offered through ALPN next to HTTP/1.1 unless {@link #http2(boolean) http2(false)}.
     *
     * <pre>{@code
     * var api = HttpFake.builder().https().start();
     * var client = HttpClient.newBuilder().sslContext(api.tls().sslContext()).build();
     * }</pre>
     */
    public B https() {
      return tls(TlsCertificates.shared());
    }

    /** Serves HTTPS with these certificates (see {@link #https()}). */
    public B tls(TlsCertificates certificates) {
      this.tls = Objects.requireNonNull(certificates, "certificates");
      return self();
    }

    /**
     * Whether a TLS fake offers HTTP/2 through ALPN (default true; clients that do not ask for
     * it get HTTP/1.1). Plain fakes speak HTTP/2 only with {@link #h2c()}.
     */
    public B http2(boolean enabled) {
      this.http2 = enabled;
      return self();
    }

    /**
     * Cleartext HTTP/2 on a plain fake, both with prior knowledge and through {@code Upgrade:
     * h2c}; HTTP/1.1 keeps working on the same port.
     */
    public B h2c() {
      this.h2c = true;
      return self();
    }

    /**
     * Adds {@code Alt-Svc: value} to every response (e.g. {@code h3=":443"; ma=86400}), for
     * clients that check the HTTP/3 advertisement. The fake itself never speaks HTTP/3 (QUIC is
     * beyond Undertow): clients that follow the advertisement fall back to HTTP/2 or 1.1.
     */
    public B altSvc(String value) {
      this.altSvc = Objects.requireNonNull(value, "value");
      return self();
    }

    /**
     * Largest request body accepted, counted after a gzip or deflate body is decoded; larger
     * ones get a 413 (default 64 MiB).
     */
    public B maxBodyBytes(long max) {
      this.maxBodyBytes = max;
      return self();
    }

    /**
     * How long a connection with no request in progress stays open before the fake closes it
     * (default {@link FakeServer#DEFAULT_IDLE_TIMEOUT}, 60 s; {@link Duration#ZERO}: never), so
     * thousands of abandoned keep-alive connections are not held forever, as real servers reap
     * them (nginx and aiohttp after 75 s, uvicorn after 5 s). It counts wall time, not the fake's
     * clock, and applies to fresh connections, to keep-alive connections between requests, to
     * idle HTTP/2 connections and to request headers that stop halfway. It never cuts a request
     * in progress: a slow upload, an event stream, a long poll, a fault's delay or stall, nor an
     * open WebSocket. Pooled clients should keep idle connections for less than this, or retry.
     *
     * <pre>{@code
     * var api = HttpFake.builder().idleTimeout(Duration.ofSeconds(5)).start();
     * }</pre>
     */
    public B idleTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("idleTimeout must not be negative: " + timeout);
      }
      if (!timeout.isZero() && timeout.toMillis() == 0) {
        throw new IllegalArgumentException("idleTimeout below a millisecond: " + timeout);
      }
      this.idleTimeout = timeout;
      return self();
    }

    /**
     * Besides the shared keys ({@link AbstractFake.Builder#configure(String, JsonNode)}): {@code
     * maxBodyBytes}, {@code idleTimeoutMs} (0: never; see {@link #idleTimeout(Duration)}), {@code
     * tls}, {@code http2}, {@code h2c}, {@code altSvc}, and {@code stubs}, e.g. {@code
     * [{"method": "GET", "path": "/health", "status": 200, "json": {"ok": true}}]}.
     */
    @Override
    protected List<String> settingKeys() {
      return withKeys(super.settingKeys(), "maxBodyBytes", "idleTimeoutMs", "tls", "http2", "h2c",
          "altSvc", "stubs");
    }

    @Override
    protected boolean configure(String key, JsonNode value) {
      switch (key) {
        case "maxBodyBytes" -> maxBodyBytes(longValue(key, value));
        case "idleTimeoutMs" -> idleTimeout(Duration.ofMillis(longValue(key, value)));
        case "tls" -> {
          if (booleanValue(key, value)) {
            https();
          } else {
            this.tls = null;
          }
        }
        case "http2" -> http2(booleanValue(key, value));
        case "h2c" -> this.h2c = booleanValue(key, value);
        case "altSvc" -> {
          if (!value.isTextual()) {
            throw new IllegalArgumentException("'altSvc' must be a string, not " + value);
          }
          altSvc(value.textValue());
        }
        case "stubs" -> {
          if (!value.isArray()) {
            throw new IllegalArgumentException("'stubs' must be a list");
          }
          for (JsonNode stub : value) {
            StubConfig.validate(stub);
            setup(f -> StubConfig.apply(f, stub));
          }
        }
        default -> {
          return super.configure(key, value);
        }
      }
      return true;
    }
  }
}
