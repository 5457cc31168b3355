package dev.backlot.fault;

import dev.backlot.wire.ErrorShape;
import dev.backlot.engine.FakeServer;
import dev.backlot.wire.Json;
import dev.backlot.wire.Response;
import dev.backlot.engine.Routes;
import dev.backlot.engine.WebSocketHandler;
import dev.backlot.engine.WebSocketSession;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small fake with a backend-specific error shape, a counter that handlers change, a body of a
 * known size, an SSE stream and a WebSocket that plays a script: enough surface to watch every
 * fault act on real traffic.
 */
final class TestBackend extends FakeServer<TestBackend> {

  /** The backend's own error body: {@code {"detail":{"code":503,"msg":"..."}}}. */
  static final ErrorShape SHAPE =
      (status, message, details) ->
          Response.json(status, Map.of("detail", Map.of("code", status, "msg", message)));

  /** Messages the WebSocket sends when the client says "go". */
  static final List<String> SCRIPT =
      List.of(
          "{\"type\":\"status\",\"n\":1}",
          "{\"type\":\"progress\",\"n\":2}",
          "{\"type\":\"progress\",\"n\":3}",
          "{\"type\":\"executed\",\"n\":4}");

  final AtomicInteger prompts = new AtomicInteger();
  final List<String> received = new CopyOnWriteArrayList<>();

  private TestBackend(Builder b) {
    super("test", b);
  }

  static Builder builder() {
    return new Builder();
  }

  static TestBackend started() {
    return builder().start();
  }

  /** {@code n} bytes, all printable, position-dependent (so a shifted or corrupt byte shows). */
  static byte[] body(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) ('a' + (i * 7 + i / 26) % 26);
    }
    return b;
  }

  @Override
  protected void routes(Routes r) {
    r.post("/prompt", req -> Response.json(200, Map.of("prompt_id", prompts.incrementAndGet())));
    r.get("/data/{size}", req -> Response.bytes(200, body(Integer.parseInt(req.pathParam("size"))),
        "application/octet-stream"));
    r.get("/events/{n}", req -> {
      int n = Integer.parseInt(req.pathParam("n"));
      return Response.sse(events -> {
        for (int i = 1; i <= n; i++) {
          events.send(i % 2 == 0 ? "progress" : "status", Json.write(Map.of("n", i)));
        }
        events.close();
      });
    });
    r.ws("/ws", new WebSocketHandler() {
      @Override
      public void onText(WebSocketSession s, String text) {
        received.add(text);
        if (text.equals("go")) {
          SCRIPT.forEach(s::sendText);
        }
      }
    });
  }

  @Override
  protected void resetState() {
    prompts.set(0);
    received.clear();
  }

  @Override
  protected ErrorShape errorShape() {
    return SHAPE;
  }

  static final class Builder extends FakeServer.Builder<Builder, TestBackend> {
    @Override
    public TestBackend build() {
      return new TestBackend(this);
    }
  }
}
