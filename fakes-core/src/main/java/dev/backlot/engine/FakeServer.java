package dev.backlot.engine;

import dev.backlot.time.Clock;
import dev.backlot.wire.ErrorShape;
import dev.backlot.wire.HttpError;
import dev.backlot.wire.Json;
import dev.backlot.wire.Request;
import dev.backlot.wire.Response;
import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.Fake;
import dev.backlot.fault.FaultPlan;
import dev.backlot.fault.HttpFault;
import dev.backlot.journal.Entry;
import dev.backlot.journal.Journal;
import dev.backlot.net.NetworkLink;
import io.undertow.UndertowOptions;
import io.undertow.server.Connectors;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.server.ServerConnection;
import io.undertow.server.handlers.HttpContinueReadHandler;
import io.undertow.server.protocol.http.HttpOpenListener;
import io.undertow.util.AttachmentKey;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.SameThreadExecutor;
import io.undertow.websockets.WebSocketConnectionCallback;
import io.undertow.websockets.WebSocketProtocolHandshakeHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.channels.AcceptingChannel;

/**
 * The engine every fake is built from: a listener on the shared IO worker, the fake's {@link
 * Routes}, {@link Stub stubs} in front of them, the {@link Journal}, the {@link Clock}, and the
 * lifecycle of {@link Fake}. A backend package adds only its protocol (routes) and its state.
 *
 * <p>Data path of one request: the body is read without blocking an IO thread, the journal
 * records the request, stubs then routes answer on a worker thread, the response is written
 * without blocking, and the journal records the outcome.
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
public abstract class FakeServer<F extends FakeServer<F>> implements Fake {

  private static final AttachmentKey<Integer> CONNECTION_INDEX = AttachmentKey.create(Integer.class);

  private final String name;
  private final String host;
  private final int configuredPort;
  private final long maxBodyBytes;
  private final Clock clock;
  private final Journal journal;
  private final Consumer<F> setup;
  private final long seed;
  private final FaultPlan faults;
  private final Ids ids;
  private final boolean behindLink;
  private final Routes routes = new Routes();
  private final List<Stub> stubs = new CopyOnWriteArrayList<>();
  private final Set<StreamConnection> connections = ConcurrentHashMap.newKeySet();
  // Connections a fault left stalled; cut by reset() so they do not outlive the test.
  private final Set<ServerConnection> stalled = ConcurrentHashMap.newKeySet();
  private final Set<WebSocketSessionImpl> sockets = ConcurrentHashMap.newKeySet();
  private final Map<Route, WebSocketProtocolHandshakeHandler> handshakes = new ConcurrentHashMap<>();
  private final AtomicInteger connectionCount = new AtomicInteger();
  private final AtomicLong socketCount = new AtomicLong();
  private final Object lifecycle = new Object();

  private volatile EngineRuntime runtime;
  private volatile AcceptingChannel<StreamConnection> listener;
  private volatile int port;
  private volatile NetworkLink link;
  private volatile boolean running;
  private volatile boolean closed;

  protected FakeServer(String name, Builder<?, F> builder) {
    this.name = name;
    this.host = builder.host;
    this.configuredPort = builder.port;
    this.maxBodyBytes = builder.maxBodyBytes;
    this.clock = builder.clock;
    this.journal = new Journal(builder.journalCapacity, builder.journalBodyLimit);
    this.setup = builder.setup;
    this.seed = builder.seed;
    this.faults = new FaultPlan(seed, clock, journal, this::errorShape);
    this.ids = new Ids(seed);
    this.behindLink = builder.behindLink;
    routes(routes);
  }

  /** Declares the backend's protocol; called once, from the constructor. */
  protected abstract void routes(Routes routes);

  /** Clears the backend's stored state back to its initial contents (called by {@link #reset}). */
  protected void resetState() {}

  /** How this backend renders errors. */
  protected ErrorShape errorShape() {
    return ErrorShape.DEFAULT;
  }

  /**
   * The answer when no stub or route matches. Defaults to a 404 (or 405 when the path exists
   * under another method) in the fake's error shape, listing the closest routes.
   */
  protected Response noRoute(Request request) {
    List<String> allowed = routes.methodsFor(request.rawPath());
    if (!allowed.isEmpty()) {
      return errorShape()
          .render(405, "Method " + request.method() + " not allowed on " + request.path(), Map.of())
          .withHeader("Allow", String.join(", ", allowed));
    }
    List<String> near = nearMisses(request);
    Map<String, Object> details = near.isEmpty() ? Map.of() : Map.of("nearMisses", near);
    return errorShape()
        .render(404, "No route for " + request.method() + " " + request.path(), details);
  }

  @SuppressWarnings("unchecked")
  private F self() {
    return (F) this;
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public String name() {
    return name;
  }

  @Override
  public F start() {
    synchronized (lifecycle) {
      if (closed) {
        throw new IllegalStateException(name + " fake is closed");
      }
      if (running) {
        return self();
      }
      if (runtime == null) {
        runtime = EngineRuntime.acquire();
        if (setup != null) {
          setup.accept(self());
        }
      }
      bind(port != 0 ? port : behindLink ? 0 : configuredPort);
      if (behindLink) {
        if (link == null) {
          link =
              NetworkLink.builder()
                  .target(host, port)
                  .port(configuredPort)
                  .clock(clock)
                  .name(name)
                  .start();
        } else {
          link.up();
        }
      }
      running = true;
      return self();
    }
  }

  private void bind(int wanted) {
    HttpOpenListener open =
        new HttpOpenListener(
            runtime.buffers,
            OptionMap.builder()
                .set(UndertowOptions.DECODE_URL, false)
                .set(UndertowOptions.ALLOW_ENCODED_SLASH, true)
                .set(UndertowOptions.ALWAYS_SET_KEEP_ALIVE, false)
                .set(UndertowOptions.MAX_ENTITY_SIZE, maxBodyBytes)
                // -1: idle keep-alive connections stay open. 0 would close every connection as
                // soon as it goes idle, racing pooled clients that reuse it ("no bytes" errors).
                .set(UndertowOptions.NO_REQUEST_TIMEOUT, -1)
                .getMap());
    open.setRootHandler(new HttpContinueReadHandler(this::handle));
    ChannelListener<AcceptingChannel<StreamConnection>> accept =
        channel -> {
          StreamConnection c;
          try {
            while ((c = channel.accept()) != null) {
              if (!running) {
                IoUtils.safeClose(c);
                continue;
              }
              connections.add(c);
              if (connections.size() > 64) {
                connections.removeIf(x -> !x.isOpen());
              }
              open.handleEvent(c);
            }
          } catch (IOException e) {
            // the accept failed for one connection; the listener keeps serving
          }
        };
    try {
      AcceptingChannel<StreamConnection> server =
          runtime.worker.createStreamConnectionServer(
              new InetSocketAddress(host, wanted),
              accept,
              OptionMap.builder()
                  .set(Options.REUSE_ADDRESSES, true)
                  .set(Options.TCP_NODELAY, true)
                  .set(Options.BACKLOG, 1000)
                  .getMap());
      server.resumeAccepts();
      listener = server;
      port = ((InetSocketAddress) server.getLocalAddress()).getPort();
    } catch (BindException e) {
      throw new UncheckedIOException(
          name + " fake could not bind " + host + ":" + wanted + " (port in use?)", e);
    } catch (IOException e) {
      throw new UncheckedIOException(name + " fake could not start on " + host + ":" + wanted, e);
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** The port clients use: the link's when the fake is {@linkplain Builder#behindLink() behind one}. */
  @Override
  public int port() {
    if (port == 0) {
      throw new IllegalStateException(name + " fake has not been started");
    }
    NetworkLink l = link;
    return l != null ? l.port() : port;
  }

  /**
   * The {@link NetworkLink} in front of this fake, to add latency, bandwidth caps, partitions...
   *
   * @throws IllegalStateException unless the builder asked for {@link Builder#behindLink()}
   */
  public NetworkLink link() {
    NetworkLink l = link;
    if (l == null) {
      throw new IllegalStateException(
          name + " fake has no network link: build it with .behindLink() (and start it)");
    }
    return l;
  }

  /** The address the listener is bound to (127.0.0.1 unless the builder said otherwise). */
  public String host() {
    return host;
  }

  @Override
  public URI baseUri() {
    return URI.create("http://" + hostForUri() + ":" + port());
  }

  /** {@code ws://127.0.0.1:PORT}. */
  public URI wsUri() {
    return URI.create("ws://" + hostForUri() + ":" + port());
  }

  private String hostForUri() {
    return host.contains(":") ? "[" + host + "]" : host;
  }

  @Override
  public void stop() {
    synchronized (lifecycle) {
      if (!running) {
        return;
      }
      running = false;
      if (link != null) {
        link.down(); // clients of a crashed backend see refused connections, not a silent proxy
      }
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
  }

  @Override
  public void restart() {
    synchronized (lifecycle) {
      stop();
      start();
    }
  }

  @Override
  public void reset() {
    if (link != null) {
      link.reset();
    }
    stubs.removeIf(s -> true);
    faults.clear();
    faults.seed(seed);
    ids.restart();
    for (ServerConnection c : stalled) {
      IoUtils.safeClose(c);
    }
    stalled.clear();
    journal.clear();
    resetState();
    if (setup != null) {
      setup.accept(self());
    }
  }

  @Override
  public void close() {
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      stop();
      closed = true;
      if (link != null) {
        link.close();
      }
      stubs.clear();
      faults.clear();
      journal.clear();
      onClose();
      if (runtime != null) {
        EngineRuntime.release(runtime);
        runtime = null;
      }
    }
  }

  /** Frees backend resources (job engines, timers); called once by {@link #close()}. */
  protected void onClose() {}

  @Override
  public Journal journal() {
    return journal;
  }

  @Override
  public Clock clock() {
    return clock;
  }

  /**
   * This fake's fault plan: rules that act on its real traffic (see {@link FaultPlan}). Cleared
   * by {@link #reset()}, which also restores the builder's {@linkplain Builder#seed seed}.
   */
  @Override
  public FaultPlan faults() {
    return faults;
  }

  /**
   * The source of every id this fake mints, seeded by the builder's {@linkplain Builder#seed
   * seed} and restarted by {@link #reset()}: same seed, same ids.
   */
  public Ids ids() {
    return ids;
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

  // ---------------------------------------------------------------- request path

  private void handle(HttpServerExchange ex) throws Exception {
    if (!running) {
      IoUtils.safeClose(ex.getConnection());
      return;
    }
    Integer conn = ex.getConnection().getAttachment(CONNECTION_INDEX);
    if (conn == null) {
      conn = connectionCount.incrementAndGet();
      ex.getConnection().putAttachment(CONNECTION_INDEX, conn);
    }
    String method = ex.getRequestMethod().toString();
    boolean upgrade = ex.getRequestHeaders().contains(Headers.UPGRADE);
    if (upgrade && "GET".equals(method)) {
      Routes.Match m = routes.find(method, ex.getRequestPath(), true);
      if (m != null) {
        Request req = toRequest(ex, new byte[0], conn).withPathParams(m.params());
        WebSocketProtocolHandshakeHandler handshake =
            handshakes.computeIfAbsent(m.route(), r -> new WebSocketProtocolHandshakeHandler(
                (WebSocketConnectionCallback) (wsEx, channel) -> {
                  Request opening = wsEx.getAttachment(HANDSHAKE_REQUEST_KEY);
                  WebSocketSessionImpl s = new WebSocketSessionImpl(
                      this, String.valueOf(socketCount.incrementAndGet()), opening, channel,
                      r.webSocket());
                  sockets.add(s);
                  channel.addCloseTask(ch -> sockets.remove(s));
                  s.open();
                }));
        withHandshake(ex, req);
        FaultPlan plan = faults;
        HttpFault fault = plan.hasUpgradeRules() ? plan.decideUpgrade(req) : null;
        if (fault == null) {
          handshake.handleRequest(ex);
          return;
        }
        Entry entry = recordRequest(req);
        entry.fault(fault.description());
        ex.dispatch(
            SameThreadExecutor.INSTANCE,
            () -> afterDelay(ex, entry, fault, true,
                () -> upgradeFault(ex, req, entry, fault, handshake)));
        return;
      }
    }
    ex.setMaxEntitySize(maxBodyBytes);
    final int connection = conn;
    ex.getRequestReceiver()
        .receiveFullBytes(
            (e, body) -> {
              Request req = toRequest(e, body, connection);
              FaultPlan plan = faults;
              if (!plan.hasHttpRules()) {
                Entry entry = recordRequest(req);
                e.dispatch(e.getConnection().getWorker(), () -> process(e, req, entry, null));
                return;
              }
              Entry entry;
              HttpFault fault;
              // Recording and deciding under one lock: decisions follow journal order.
              synchronized (plan) {
                entry = recordRequest(req);
                fault = plan.decide(req, entry);
              }
              if (fault == null) {
                e.dispatch(e.getConnection().getWorker(), () -> process(e, req, entry, null));
                return;
              }
              entry.fault(fault.description());
              e.dispatch(
                  SameThreadExecutor.INSTANCE,
                  () -> afterDelay(e, entry, fault, false, () -> beforeHandler(e, req, entry, fault)));
            },
            (e, error) -> {
              Request req = toRequest(e, new byte[0], connection);
              Entry entry = recordRequest(req);
              if (error instanceof RequestTooBigException) {
                e.setPersistent(false);
                send(e, errorShape().render(413,
                    "Request body exceeds the configured limit of " + maxBodyBytes + " bytes",
                    Map.of()), entry, req, null);
              } else {
                entry.outcome("request body not received: " + error.getMessage());
                IoUtils.safeClose(e.getConnection());
              }
            });
  }

  private Entry recordRequest(Request req) {
    return journal.record(
        Entry.Kind.HTTP, req.time(), req.method(), req.path(), req.rawQuery(), req.headers(),
        req.body());
  }

  // ---------------------------------------------------------------- faults on the wire

  /**
   * Runs {@code next} once the fault's delay has passed on the fake's clock; no thread waits. A
   * handshake continues on the IO thread; anything else right on the clock's thread (it only
   * breaks the connection, writes a ready answer, or hands the handler to a worker).
   */
  private void afterDelay(
      HttpServerExchange ex, Entry entry, HttpFault fault, boolean ioThread, Runnable next) {
    Duration d = fault.delay();
    if (d.isZero()) {
      next.run();
      return;
    }
    Runnable resume =
        () -> {
          if (ex.getConnection().isOpen()) {
            next.run();
          } else if (entry.outcome() == null) {
            entry.outcome("client went away during the fault's delay");
          }
        };
    clock.schedule(
        d,
        () -> {
          try {
            if (ioThread) {
              ex.getIoThread().execute(resume);
            } else {
              resume.run();
            }
          } catch (RuntimeException closed) {
            // the fake was closed during the delay: nothing left to answer
          }
        });
  }

  /** After the delay: break the connection, answer instead, or run the handler on a worker. */
  private void beforeHandler(HttpServerExchange ex, Request req, Entry entry, HttpFault fault) {
    if (fault.breaksBeforeHandler()) {
      entry.outcome(effectText(fault.effect()) + " by fault, no response");
      breakConnection(ex, fault.effect());
      return;
    }
    Response replacement = fault.replacement();
    if (replacement != null) {
      send(ex, replacement, entry, req, fault);
      return;
    }
    try {
      ex.getConnection().getWorker().execute(() -> process(ex, req, entry, fault));
    } catch (RuntimeException rejected) {
      IoUtils.safeClose(ex.getConnection());
    }
  }

  private void upgradeFault(
      HttpServerExchange ex, Request req, Entry entry, HttpFault fault,
      WebSocketProtocolHandshakeHandler handshake) {
    if (fault.breaksBeforeHandler()) {
      entry.outcome(effectText(fault.effect()) + " by fault, no handshake");
      breakConnection(ex, fault.effect());
      return;
    }
    Response replacement = fault.replacement();
    if (replacement != null) {
      send(ex, replacement, entry, req, null);
      return;
    }
    entry.complete(101, null); // only delayed: the handshake goes ahead
    Connectors.executeRootHandler(handshake, ex);
  }

  /** Closes (FIN), resets (RST) or stalls the exchange's connection. */
  void breakConnection(HttpServerExchange ex, HttpFault.Effect effect) {
    ServerConnection c = ex.getConnection();
    switch (effect) {
      case RESET -> {
        try {
          // SO_LINGER 0: close() then sends RST instead of FIN.
          c.setOption(Options.CLOSE_ABORT, true);
        } catch (IOException | RuntimeException e) {
          // already closed: nothing to reset
        }
        IoUtils.safeClose(c);
      }
      case CLOSE -> IoUtils.safeClose(c);
      case STALL -> {
        stalled.add(c);
        c.addCloseListener(stalled::remove);
      }
      case NONE -> {}
    }
  }

  private static String effectText(HttpFault.Effect e) {
    return switch (e) {
      case RESET -> "connection reset";
      case CLOSE -> "connection closed";
      case STALL -> "stalled";
      case NONE -> "passed";
    };
  }

  private static final AttachmentKey<Request> HANDSHAKE_REQUEST_KEY = AttachmentKey.create(Request.class);

  private static HttpServerExchange withHandshake(HttpServerExchange ex, Request req) {
    ex.putAttachment(HANDSHAKE_REQUEST_KEY, req);
    return ex;
  }

  private Request toRequest(HttpServerExchange ex, byte[] body, int connection) {
    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (HeaderValues hv : ex.getRequestHeaders()) {
      headers.put(hv.getHeaderName().toString(), List.copyOf(hv));
    }
    return new Request(
        journal.total() + 1,
        ex.getRequestMethod().toString(),
        ex.getRequestPath(),
        ex.getQueryString(),
        Collections.unmodifiableMap(headers),
        body,
        clock.instant(),
        connection,
        Map.of());
  }

  /** Runs on a worker thread: stubs, then routes, then the no-route answer. */
  private void process(HttpServerExchange ex, Request req, Entry entry, HttpFault fault) {
    Response response;
    try {
      response = answer(req);
    } catch (HttpError e) {
      response = errorShape().render(e);
    } catch (Exception | StackOverflowError e) {
      response =
          errorShape().render(500, "The " + name + " fake failed: " + e, Map.of());
    }
    send(ex, response, entry, req, fault);
  }

  /** Finds and runs the stub or route for {@code req}. Throws {@link HttpError} to answer an error. */
  protected Response answer(Request req) throws Exception {
    String raw = req.rawPath();
    for (Stub s : stubs) {
      if (s.matchesMethod(req.method())) {
        Map<String, String> params = s.template().match(raw);
        if (params != null) {
          Request r = req.withPathParams(params);
          if (s.accepts(r)) {
            return s.answer(r);
          }
        }
      }
    }
    Routes.Match m = routes.find(req.method(), raw, false);
    if (m == null) {
      return noRoute(req).asNoRoute();
    }
    return m.route().handler().handle(req.withPathParams(m.params()));
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

  /** Writes {@code response}, shaped by {@code fault} if any; from any thread. */
  void send(HttpServerExchange ex, Response response, Entry entry, Request req, HttpFault fault) {
    if (response.isDeferred()) {
      response
          .deferred()
          .whenComplete(
              (r, err) -> {
                Response actual =
                    err != null
                        ? errorShape().render(500, "deferred response failed: " + err, Map.of())
                        : r;
                ex.getIoThread().execute(() -> send(ex, actual, entry, req, fault));
              });
      return;
    }
    if (ex.isResponseStarted()) {
      return;
    }
    if (fault != null && fault.breaksAfterHandler()) {
      entry.outcome(effectText(fault.effect()) + " by fault after the handler answered "
          + response.status() + ", before any byte of it");
      breakConnection(ex, fault.effect());
      return;
    }
    ex.setStatusCode(response.status());
    for (Response.Header h : response.headers()) {
      ex.getResponseHeaders().add(HttpString.tryFromString(h.name()), h.value());
    }
    if (response.isStream()) {
      entry.complete(response.status(), null);
      if (fault != null && fault.shapesBody()) {
        entry.fault("(body actions do not apply to an event stream: use faults().onSse(...))");
      }
      SseStreamImpl stream = new SseStreamImpl(ex, entry, this, req);
      try {
        response.sseWriter().accept(stream);
      } catch (RuntimeException e) {
        stream.abort();
      }
      return;
    }
    byte[] body = fault == null ? response.body() : fault.corrupt(response.body());
    if (!ex.getResponseHeaders().contains(Headers.CONTENT_LENGTH)) {
      ex.setResponseContentLength(body.length);
    }
    if (fault != null && fault.shapesBody()) {
      if (response.isNoRoute()) {
        entry.outcome(Entry.NO_ROUTE);
      }
      FaultWriter writer =
          new FaultWriter(this, ex, body, fault, entry, response.status(), bodyForJournal(response));
      if (ex.isInIoThread()) {
        writer.start();
      } else {
        ex.getIoThread().execute(writer::start);
      }
      return;
    }
    entry.complete(response.status(), bodyForJournal(response));
    if (response.isNoRoute()) {
      entry.outcome(Entry.NO_ROUTE);
    }
    ex.getResponseSender().send(ByteBuffer.wrap(body));
  }

  private String bodyForJournal(Response r) {
    byte[] b = r.body();
    if (b.length == 0) {
      return "";
    }
    String type = r.header("Content-Type");
    boolean text =
        type == null
            || type.startsWith("text/")
            || type.contains("json")
            || type.contains("xml");
    if (!text) {
      return "(" + b.length + " bytes " + type + ")";
    }
    int n = Math.min(b.length, 4096);
    return new String(b, 0, n, StandardCharsets.UTF_8) + (n < b.length ? "..." : "");
  }

  // Called by sessions and streams to record traffic.
  Entry record(Entry.Kind kind, Request origin, byte[] payload) {
    return journal.record(
        kind, clock.instant(), origin.method(), origin.path(), origin.rawQuery(), Map.of(),
        payload);
  }

  // ---------------------------------------------------------------- builder

  /**
   * Settings every fake shares; each fake's builder extends this with its initial state.
   *
   * @param <B> the builder's own type
   * @param <F> the fake it builds
   */
  public abstract static class Builder<B extends Builder<B, F>, F extends FakeServer<F>> {
    private String host = "127.0.0.1";
    private int port;
    private Clock clock = Clock.system();
    private long maxBodyBytes = 64L * 1024 * 1024;
    private int journalCapacity = Journal.DEFAULT_CAPACITY;
    private int journalBodyLimit = Journal.DEFAULT_BODY_LIMIT;
    private Consumer<F> setup;
    private long seed = FaultPlan.DEFAULT_SEED;
    private boolean behindLink;

    @SuppressWarnings("unchecked")
    protected final B self() {
      return (B) this;
    }

    /** A fixed port (default 0: a random free port). */
    public B port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      this.port = port;
      return self();
    }

    /**
     * The address to bind (default 127.0.0.1, loopback only). Binding anything else exposes the
     * fake to the network: do it only on purpose.
     */
    public B host(String host) {
      this.host = host;
      return self();
    }

    /** The clock for everything that waits (default {@link Clock#system()}). */
    public B clock(Clock clock) {
      this.clock = clock;
      return self();
    }

    /**
     * Puts a {@link NetworkLink} in front of the fake: {@code baseUri()} and {@code port()} then
     * point at the link, {@link FakeServer#link()} shapes the traffic, and a fixed {@link
     * #port(int)} is the link's.
     *
     * <pre>{@code
     * var api = HttpFake.builder().behindLink().start();
     * api.link().toxics().latency(Direction.DOWNSTREAM, Duration.ofMillis(300));
     * api.link().partition(); ... api.link().heal();
     * }</pre>
     */
    public B behindLink() {
      this.behindLink = true;
      return self();
    }

    /** Largest request body accepted; larger ones get a 413 (default 64 MiB). */
    public B maxBodyBytes(long max) {
      this.maxBodyBytes = max;
      return self();
    }

    /**
     * The seed of the fake's {@linkplain FakeServer#faults() fault plan} (default {@link
     * FaultPlan#DEFAULT_SEED}): every random fault decision follows from it, and the journal
     * prints it with each decision, so a failing run can be replayed.
     */
    public B seed(long seed) {
      this.seed = seed;
      return self();
    }

    /** How many journal entries to keep, and how many bytes of each body. */
    public B journal(int capacity, int bodyLimit) {
      this.journalCapacity = capacity;
      this.journalBodyLimit = bodyLimit;
      return self();
    }

    /**
     * Stubs or state the fake starts with and returns to on every {@link FakeServer#reset()}.
     *
     * <pre>{@code
     * HttpFake.builder().setup(f -> f.stub("GET", "/health").respond(Response.text(200, "ok")))
     * }</pre>
     */
    public B setup(Consumer<F> setup) {
      Consumer<F> before = this.setup;
      this.setup = before == null ? setup : before.andThen(setup);
      return self();
    }

    /**
     * Applies settings from a config object (JSON, or YAML read into a tree) with the same
     * meaning as this builder's methods, as the standalone launcher reads them:
     *
     * <pre>{@code
     * {"port": 8188, "maxBodyBytes": 1048576, "journal": {"capacity": 500, "bodyLimit": 4096},
     *  "stubs": [{"method": "GET", "path": "/health", "status": 200, "json": {"ok": true}}]}
     * }</pre>
     *
     * An unknown key or a value of the wrong type is an {@link IllegalArgumentException} naming
     * it. Fakes add their own keys (initial state) by overriding {@link #configure(String,
     * JsonNode)}.
     */
    public final B configure(JsonNode config) {
      if (config == null || config.isNull()) {
        return self();
      }
      if (!config.isObject()) {
        throw new IllegalArgumentException("settings must be an object, not " + config);
      }
      config.fields().forEachRemaining(e -> {
        if (!configure(e.getKey(), e.getValue())) {
          throw new IllegalArgumentException("unknown setting '" + e.getKey() + "'");
        }
      });
      return self();
    }

    /**
     * Applies one config key; returns false if the key is unknown. Overrides handle their own
     * keys and delegate the rest to {@code super.configure(key, value)}.
     */
    protected boolean configure(String key, JsonNode value) {
      switch (key) {
        case "port" -> port(intValue(key, value));
        case "maxBodyBytes" -> maxBodyBytes(longValue(key, value));
        case "seed" -> seed(longValue(key, value));
        case "faults" -> {
          if (!value.isArray()) {
            throw new IllegalArgumentException("'faults' must be a list of rules");
          }
          for (JsonNode rule : value) {
            // checked now, on a scratch plan, so a bad rule fails at startup, not at reset
            dev.backlot.fault.FaultConfig.apply(
                new dev.backlot.fault.FaultPlan(0, Clock.system(), new Journal(1, 0), () -> ErrorShape.DEFAULT), rule);
            setup(f -> dev.backlot.fault.FaultConfig.apply(f.faults(), rule));
          }
        }
        case "behindLink" -> {
          if (!value.isBoolean()) {
            throw new IllegalArgumentException("'behindLink' must be true or false");
          }
          this.behindLink = value.booleanValue();
        }
        case "journal" -> journal(
            intValue("journal.capacity", value.path("capacity").isMissingNode()
                ? Json.mapper().getNodeFactory().numberNode(Journal.DEFAULT_CAPACITY) : value.get("capacity")),
            intValue("journal.bodyLimit", value.path("bodyLimit").isMissingNode()
                ? Json.mapper().getNodeFactory().numberNode(Journal.DEFAULT_BODY_LIMIT) : value.get("bodyLimit")));
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
          return false;
        }
      }
      return true;
    }

    protected static int intValue(String key, JsonNode v) {
      if (v == null || !v.canConvertToInt()) {
        throw new IllegalArgumentException("'" + key + "' must be a whole number, not " + v);
      }
      return v.intValue();
    }

    protected static long longValue(String key, JsonNode v) {
      if (v == null || !v.canConvertToLong()) {
        throw new IllegalArgumentException("'" + key + "' must be a whole number, not " + v);
      }
      return v.longValue();
    }

    public abstract F build();

    /** Builds and starts the fake. */
    public F start() {
      return build().start();
    }
  }
}
