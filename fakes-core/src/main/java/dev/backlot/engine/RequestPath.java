package dev.backlot.engine;

import dev.backlot.fault.FaultDecider;
import dev.backlot.fault.FaultPlan;
import dev.backlot.fault.HttpFault;
import dev.backlot.journal.Entry;
import dev.backlot.journal.Recorder;
import dev.backlot.wire.HttpError;
import dev.backlot.wire.Request;
import dev.backlot.wire.Response;
import io.undertow.server.Connectors;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import io.undertow.util.SameThreadExecutor;
import io.undertow.websockets.WebSocketConnectionCallback;
import io.undertow.websockets.WebSocketProtocolHandshakeHandler;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.xnio.IoUtils;

/**
 * The request path of an HTTP fake, one step after another: read (and decode) the body without
 * blocking an IO thread, <b>journal</b> the request, let the <b>fault plan</b> decide (delay,
 * break the connection, answer instead), then on a worker thread the fake's handler chain
 * (its own filters, <b>stubs</b>, <b>routes</b>, the <b>no-route</b> answer), and the {@link
 * ResponseWriter} writes the answer and journals the outcome. An answer that never blocks (a
 * stub with fixed responses, a route declared {@link Routes#nonBlocking()}) is computed right on
 * the IO thread instead, without the hand-off. WebSocket upgrades take the same
 * journal and fault steps before the handshake.
 */
final class RequestPath {

  private static final AttachmentKey<Integer> CONNECTION_INDEX = AttachmentKey.create(Integer.class);
  static final AttachmentKey<Request> HANDSHAKE_REQUEST = AttachmentKey.create(Request.class);

  private final FakeServer<?> fake;
  private final Recorder rec;
  private final FaultDecider faults;
  private final ResponseWriter writer;

  RequestPath(FakeServer<?> fake, ResponseWriter writer) {
    this.fake = fake;
    this.rec = fake.recorder();
    this.faults = fake.decider();
    this.writer = writer;
  }

  /** Undertow's root handler: runs on an IO thread. */
  void handle(HttpServerExchange ex) throws Exception {
    if (!fake.isRunning()) {
      IoUtils.safeClose(ex.getConnection());
      return;
    }
    Integer conn = ex.getConnection().getAttachment(CONNECTION_INDEX);
    if (conn == null) {
      conn = fake.nextConnection();
      ex.getConnection().putAttachment(CONNECTION_INDEX, conn);
    }
    if (ex.getRequestHeaders().contains(Headers.UPGRADE)
        && "GET".equals(ex.getRequestMethod().toString())) {
      Routes.Match m = fake.routeTable().find("GET", ex.getRequestPath(), true);
      if (m != null) {
        upgrade(ex, toRequest(ex, new byte[0], conn).withPathParams(m.params()), m.route());
        return;
      }
    }
    final int connection = conn;
    if (!ex.getRequestHeaders().contains(Headers.CONTENT_LENGTH)
        && ex.getRequestHeaders().contains(Headers.TRANSFER_ENCODING)) {
      receiveChunked(ex, connection);
      return;
    }
    ex.setMaxEntitySize(fake.maxBodyBytes());
    ex.getRequestReceiver()
        .receiveFullBytes(
            (e, body) -> received(e, body, connection),
            (e, error) -> {
              Request req = toRequest(e, new byte[0], connection);
              Entry entry = journal(req);
              if (error instanceof RequestTooBigException
                  || error.getCause() instanceof RequestTooBigException) {
                // a chunked body over the cap arrives wrapped in an IOException
                tooBig(e, entry, req);
              } else {
                rec.outcome(entry, "request body not received: " + error.getMessage());
                IoUtils.safeClose(e.getConnection());
              }
            });
  }

  // ---------------------------------------------------------------- body, journal, faults

  /**
   * A chunked body, capped here rather than by Undertow: its own chunked-size check prints a
   * stack trace and hands the error over wrapped, so the client saw a reset instead of a 413.
   * Reading stops at the first byte over the cap; nothing past it is kept.
   */
  private void receiveChunked(HttpServerExchange ex, int connection) {
    long max = fake.maxBodyBytes();
    java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
    boolean[] over = {false};
    ex.getRequestReceiver()
        .receivePartialBytes(
            (e, chunk, last) -> {
              if (over[0]) {
                return;
              }
              if (buf.size() + (long) chunk.length > max) {
                over[0] = true;
                e.getRequestReceiver().pause();
                Request req = toRequest(e, new byte[0], connection);
                tooBig(e, journal(req), req);
                return;
              }
              buf.write(chunk, 0, chunk.length);
              if (last) {
                received(e, buf.toByteArray(), connection);
              }
            },
            (e, error) -> {
              if (over[0]) {
                return;
              }
              Request req = toRequest(e, new byte[0], connection);
              rec.outcome(journal(req), "request body not received: " + error.getMessage());
              IoUtils.safeClose(e.getConnection());
            });
  }

  private void received(HttpServerExchange e, byte[] raw, int connection) {
    byte[] body = raw;
    String encoding = e.getRequestHeaders().getFirst(Headers.CONTENT_ENCODING);
    if (BodyDecoder.decodes(encoding)) {
      try {
        body = BodyDecoder.decode(encoding, raw, fake.maxBodyBytes());
      } catch (BodyDecoder.TooBig big) {
        Request req = toRequest(e, new byte[0], connection);
        tooBig(e, journal(req), req);
        return;
      } catch (IOException bad) {
        Request req = toRequest(e, raw, connection);
        writer.send(e, fake.guardedErrorShape().render(400,
            "Request body is not valid " + encoding.trim() + ": " + bad.getMessage(), Map.of()),
            journal(req), req, null);
        return;
      }
    }
    Request req = toRequest(e, body, connection);
    if (!faults.mayActOn(req)) { // no rule, or none for this method and path: no lock either
      Entry entry = journal(req);
      if (!inline(e, req, entry)) {
        e.dispatch(e.getConnection().getWorker(), () -> process(e, req, entry, null));
      }
      return;
    }
    Entry entry;
    HttpFault fault;
    FaultPlan plan = faults.plan();
    // Recording and deciding under one lock: decisions follow journal order.
    synchronized (plan) {
      entry = journal(req);
      fault = faults.decide(req, entry);
    }
    if (fault == null) {
      if (!inline(e, req, entry)) {
        e.dispatch(e.getConnection().getWorker(), () -> process(e, req, entry, null));
      }
      return;
    }
    rec.fault(entry, fault.description());
    e.dispatch(
        SameThreadExecutor.INSTANCE,
        () -> afterDelay(e, entry, fault, false, () -> beforeHandler(e, req, entry, fault)));
  }

  private void tooBig(HttpServerExchange e, Entry entry, Request req) {
    e.setPersistent(false);
    writer.send(e, fake.guardedErrorShape().render(413,
        "Request body exceeds the configured limit of " + fake.maxBodyBytes() + " bytes",
        Map.of()), entry, req, null);
  }

  private Entry journal(Request req) {
    return rec.record(
        Entry.Kind.HTTP, req.time(), req.method(), req.path(), req.rawQuery(), req.headers(),
        req.body());
  }

  private Request toRequest(HttpServerExchange ex, byte[] body, int connection) {
    return new Request(
        fake.journal().total() + 1,
        ex.getRequestMethod().toString(),
        ex.getRequestPath(),
        ex.getQueryString(),
        new ExchangeHeaders(ex.getRequestHeaders()),
        body,
        fake.clock().instant(),
        connection,
        Map.of());
  }

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
            rec.outcome(entry, "client went away during the fault's delay");
          }
        };
    fake.clock().schedule(
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
      rec.outcome(entry, ResponseWriter.effectText(fault.effect()) + " by fault, no response");
      writer.breakConnection(ex, fault.effect());
      return;
    }
    Response replacement = fault.replacement();
    if (replacement != null) {
      writer.send(ex, replacement, entry, req, fault);
      return;
    }
    try {
      ex.getConnection().getWorker().execute(() -> process(ex, req, entry, fault));
    } catch (RuntimeException rejected) {
      IoUtils.safeClose(ex.getConnection());
    }
  }

  /**
   * Answers on this IO thread when the answer never blocks (a stub with fixed responses, a route
   * declared non-blocking): the hand-off to a worker is most of a small answer's cost. False
   * when the request must go to a worker instead.
   */
  private boolean inline(HttpServerExchange ex, Request req, Entry entry) {
    Response response;
    try {
      response = fake.answerInline(req);
      if (response == null) {
        return false;
      }
      if (response == FakeServer.NO_RESPONSE) {
        response = noResponse(entry, req);
      }
    } catch (HttpError e) {
      response = fake.guardedErrorShape().render(e);
    } catch (Exception | StackOverflowError e) {
      response =
          fake.guardedErrorShape().render(500, "The " + fake.name() + " fake failed: " + e, Map.of());
    }
    if (response.isDeferred() || response.isStream()) {
      // Answered later or over time: the exchange must outlive this call (Undertow ends an
      // exchange whose root handler returns undispatched), so write from a dispatch task.
      Response later = response;
      ex.dispatch(SameThreadExecutor.INSTANCE, () -> writer.send(ex, later, entry, req, null));
      return true;
    }
    writer.send(ex, response, entry, req, null);
    return true;
  }

  /** Runs on a worker thread: the fake's handler chain, errors in the fake's shape. */
  private void process(HttpServerExchange ex, Request req, Entry entry, HttpFault fault) {
    Response response;
    try {
      response = fake.answer(req);
      if (response == null) {
        response = noResponse(entry, req);
      }
    } catch (HttpError e) {
      response = fake.guardedErrorShape().render(e);
    } catch (Exception | StackOverflowError e) {
      response =
          fake.guardedErrorShape().render(500, "The " + fake.name() + " fake failed: " + e, Map.of());
    }
    writer.send(ex, response, entry, req, fault);
  }

  /**
   * A handler (a route's, a stub's {@code respondWith}, a fake's filter) returned null instead of
   * a response: answered as a failing handler is, a 500 in the fake's error shape, so the client
   * is not left waiting; the journal says why.
   */
  private Response noResponse(Entry entry, Request req) {
    String why = "handler for " + req.method() + " " + req.path() + " returned no response";
    rec.outcome(entry, why);
    return fake.guardedErrorShape().render(500, "The " + fake.name() + " fake failed: " + why, Map.of());
  }

  // ---------------------------------------------------------------- WebSocket upgrades

  private void upgrade(HttpServerExchange ex, Request req, Route route) throws Exception {
    WebSocketProtocolHandshakeHandler handshake = fake.handshake(route, this::handshakeFor);
    ex.putAttachment(HANDSHAKE_REQUEST, req);
    HttpFault fault = faults.hasUpgradeRules() ? faults.decideUpgrade(req) : null;
    if (fault == null) {
      handshake.handleRequest(ex);
      return;
    }
    Entry entry = journal(req);
    rec.fault(entry, fault.description());
    ex.dispatch(
        SameThreadExecutor.INSTANCE,
        () -> afterDelay(ex, entry, fault, true,
            () -> upgradeFault(ex, req, entry, fault, handshake)));
  }

  private WebSocketProtocolHandshakeHandler handshakeFor(Route r) {
    return new WebSocketProtocolHandshakeHandler(
        (WebSocketConnectionCallback) (wsEx, channel) ->
            fake.openSocket(wsEx.getAttachment(HANDSHAKE_REQUEST), channel, r.webSocket()));
  }

  private void upgradeFault(
      HttpServerExchange ex, Request req, Entry entry, HttpFault fault,
      WebSocketProtocolHandshakeHandler handshake) {
    if (fault.breaksBeforeHandler()) {
      rec.outcome(entry, ResponseWriter.effectText(fault.effect()) + " by fault, no handshake");
      writer.breakConnection(ex, fault.effect());
      return;
    }
    Response replacement = fault.replacement();
    if (replacement != null) {
      writer.send(ex, replacement, entry, req, null);
      return;
    }
    rec.complete(entry, 101, null); // only delayed: the handshake goes ahead
    Connectors.executeRootHandler(handshake, ex);
  }
}
