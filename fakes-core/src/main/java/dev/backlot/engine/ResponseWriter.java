package dev.backlot.engine;

import dev.backlot.fault.HttpFault;
import dev.backlot.journal.Entry;
import dev.backlot.journal.Recorder;
import dev.backlot.wire.Request;
import dev.backlot.wire.Response;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.ServerConnection;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.xnio.IoUtils;
import org.xnio.Options;

/**
 * The last part of the request path: writes a response (plain, deferred, an event stream, or
 * shaped by a body fault) and records its outcome; breaks connections for faults.
 */
final class ResponseWriter {

  private final FakeServer<?> fake;
  private final Recorder rec;

  ResponseWriter(FakeServer<?> fake) {
    this.fake = fake;
    this.rec = fake.recorder();
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
                        ? fake.guardedErrorShape().render(500, "deferred response failed: " + err, Map.of())
                        : r != null ? r : noDeferredResponse(entry, req);
                ex.getIoThread().execute(() -> send(ex, actual, entry, req, fault));
              });
      return;
    }
    if (ex.isResponseStarted()) {
      return;
    }
    if (fault != null && fault.breaksAfterHandler()) {
      rec.outcome(entry, effectText(fault.effect()) + " by fault after the handler answered "
          + response.status() + ", before any byte of it");
      breakConnection(ex, fault.effect());
      return;
    }
    ex.setStatusCode(response.status());
    for (Response.Header h : response.headers()) {
      ex.getResponseHeaders().add(headerName(h.name()), h.value());
    }
    if (response.isStream()) {
      rec.complete(entry, response.status(), null);
      if (fault != null && fault.shapesBody()) {
        rec.fault(entry, "(body actions do not apply to an event stream: use faults().onSse(...))");
      }
      SseStreamImpl stream = new SseStreamImpl(ex, entry, fake, req);
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
        rec.outcome(entry, Entry.NO_ROUTE);
      }
      FaultWriter writer =
          new FaultWriter(fake, ex, body, fault, entry, response.status(), bodyForJournal(response));
      if (ex.isInIoThread()) {
        writer.start();
      } else {
        ex.getIoThread().execute(writer::start);
      }
      return;
    }
    // the journal keeps the body's bytes (no copy) and makes its text only if someone reads it
    rec.complete(entry, response.status(), response.body(), response.header("Content-Type"));
    if (response.isNoRoute()) {
      rec.outcome(entry, Entry.NO_ROUTE);
    }
    ex.getResponseSender().send(ByteBuffer.wrap(body));
  }

  // A deferred response completed with null: a 500 rather than a client left waiting.
  private Response noDeferredResponse(Entry entry, Request req) {
    String why = "deferred response for " + req.method() + " " + req.path()
        + " completed with no response";
    rec.outcome(entry, why);
    return fake.guardedErrorShape().render(500, "The " + fake.name() + " fake failed: " + why, Map.of());
  }

  // Header names a fake sends, made once: HttpString.tryFromString copies and checks a name
  // Undertow does not know (x-litellm-*, x-goog-*, ...) on every call. Bounded, in case a test
  // invents names by the thousand.
  private static final Map<String, HttpString> NAMES = new ConcurrentHashMap<>();

  static HttpString headerName(String name) {
    HttpString h = NAMES.get(name);
    if (h == null) {
      h = HttpString.tryFromString(name);
      if (h != null && NAMES.size() < 1024) {
        NAMES.putIfAbsent(name, h);
      }
    }
    return h;
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
      case STALL -> fake.stall(c);
      case NONE -> {}
    }
  }

  static String effectText(HttpFault.Effect e) {
    return switch (e) {
      case RESET -> "connection reset";
      case CLOSE -> "connection closed";
      case STALL -> "stalled";
      case NONE -> "passed";
    };
  }

  private static String bodyForJournal(Response r) {
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
}
