package dev.backlot.engine;

import dev.backlot.time.Clock;
import dev.backlot.time.ManualClock;
import dev.backlot.wire.Json;
import dev.backlot.wire.Response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.backlot.journal.Entry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** SSE, WebSocket and deferred responses through a small fake built on the engine. */
class StreamingTest {

  /** A tiny fake with an echo socket, a ticking event stream and a long poll. */
  static final class TickFake extends FakeServer<TickFake> {
    final CompletableFuture<Response> poll = new CompletableFuture<>();

    TickFake(Builder b) {
      super("tick", b);
    }

    static Builder builder() {
      return new Builder();
    }

    @Override
    protected void routes(Routes r) {
      r.get(
              "/events",
              req -> {
                int n = req.queryInt("n", 3);
                return Response.sse(
                    events -> {
                      for (int i = 1; i <= n; i++) {
                        int k = i;
                        clock().schedule(Duration.ofSeconds(k), () -> {
                          events.send("tick", "{\"n\":" + k + "}");
                          if (k == n) {
                            events.close();
                          }
                        });
                      }
                    });
              })
          .get(
              "/cut",
              req ->
                  Response.sse(
                      events -> {
                        events.send("{\"n\":1}");
                        events.send("{\"n\":2}");
                        events.abort();
                        events.send("{\"n\":3}"); // after the abort: dropped
                      }))
          .get("/poll", req -> Response.later(poll))
          .ws(
              "/ws",
              new WebSocketHandler() {
                @Override
                public void onOpen(WebSocketSession s) {
                  s.sendJson(java.util.Map.of("type", "hello", "client", s.request().query("clientId", "")));
                }

                @Override
                public void onText(WebSocketSession s, String text) {
                  if (text.equals("bye")) {
                    s.close(4000, "asked to");
                  } else {
                    s.sendText("echo:" + text);
                  }
                }

                @Override
                public void onBinary(WebSocketSession s, byte[] data) {
                  s.sendBinary(data);
                }
              });
    }

    static final class Builder extends FakeServer.Builder<Builder, TickFake> {
      @Override
      public TickFake build() {
        return new TickFake(this);
      }
    }
  }

  private final ManualClock clock = Clock.manual();
  private final TickFake fake = TickFake.builder().clock(clock).start();

  @AfterEach
  void close() {
    fake.close();
  }

  @Test
  void sseEventsArriveWhenTheManualClockReleasesThem() throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    HttpResponse<java.io.InputStream> r =
        client.send(
            HttpRequest.newBuilder(URI.create(fake.baseUri() + "/events?n=3")).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.headers().firstValue("Content-Type")).hasValue("text/event-stream");

    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader br =
                  new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = br.readLine()) != null) {
                  if (!line.isEmpty()) {
                    lines.add(line);
                  }
                }
                lines.add("EOF");
              } catch (Exception e) {
                lines.add("ERROR " + e);
              }
            });
    reader.start();

    assertThat(lines.poll(200, TimeUnit.MILLISECONDS)).as("nothing before the clock moves").isNull();
    clock.advance(Duration.ofSeconds(1));
    assertThat(lines.poll(20, TimeUnit.SECONDS)).isEqualTo("event: tick");
    assertThat(lines.poll(20, TimeUnit.SECONDS)).isEqualTo("data: {\"n\":1}");
    clock.advance(Duration.ofSeconds(2));
    List<String> rest = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      rest.add(lines.poll(20, TimeUnit.SECONDS));
    }
    assertThat(rest)
        .containsExactly("event: tick", "data: {\"n\":2}", "event: tick", "data: {\"n\":3}", "EOF");
    assertThat(fake.journal().find(e -> e.kind() == Entry.Kind.SSE)).hasSize(3);
    reader.join(20_000);
  }

  @Test
  void anAbortCutsTheStreamAfterTheEventsSentBeforeIt() throws Exception {
    // A raw socket: HTTP clients may discard bytes already received when a stream breaks.
    java.io.ByteArrayOutputStream wire = new java.io.ByteArrayOutputStream();
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", fake.port())) {
      s.setSoTimeout(20_000);
      s.getOutputStream().write(
          "GET /cut HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      byte[] buf = new byte[4096];
      try {
        for (int n; (n = s.getInputStream().read(buf)) != -1; ) {
          wire.write(buf, 0, n);
        }
      } catch (java.net.SocketException reset) {
        // a reset after the bytes is a cut too
      }
    }
    String text = wire.toString(StandardCharsets.UTF_8);
    assertThat(text).startsWith("HTTP/1.1 200");
    assertThat(text.indexOf("data: {\"n\":1}")).isPositive();
    assertThat(text.indexOf("data: {\"n\":2}")).isGreaterThan(text.indexOf("data: {\"n\":1}"));
    assertThat(text).as("a cut chunked body never gets its last chunk").doesNotContain("\r\n0\r\n\r\n");
    Entry request = fake.journal().requests().get(0);
    await().atMost(Duration.ofSeconds(20)).until(() -> "stream aborted".equals(request.outcome()));
  }

  @Test
  void aDeferredResponseIsSentWhenItCompletes() throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    CompletableFuture<HttpResponse<String>> pending =
        client.sendAsync(
            HttpRequest.newBuilder(URI.create(fake.baseUri() + "/poll")).build(),
            HttpResponse.BodyHandlers.ofString());
    await().atMost(Duration.ofSeconds(20)).until(() -> fake.journal().size() == 1);
    assertThat(pending).isNotDone();

    fake.poll.complete(Response.json(200, "{\"ready\":true}"));

    assertThat(pending.get(20, TimeUnit.SECONDS).body()).isEqualTo("{\"ready\":true}");
  }

  @Test
  void webSocketOpenEchoBinaryAndCloseAreServedAndJournalled() throws Exception {
    BlockingQueue<Object> got = new LinkedBlockingQueue<>();
    CountDownLatch closed = new CountDownLatch(1);
    int[] closeCode = new int[1];
    WebSocketClient ws =
        new WebSocketClient(URI.create(fake.wsUri() + "/ws?clientId=abc")) {
          @Override
          public void onOpen(ServerHandshake h) {}

          @Override
          public void onMessage(String message) {
            got.add(message);
          }

          @Override
          public void onMessage(ByteBuffer bytes) {
            byte[] b = new byte[bytes.remaining()];
            bytes.get(b);
            got.add(b);
          }

          @Override
          public void onClose(int code, String reason, boolean remote) {
            closeCode[0] = code;
            closed.countDown();
          }

          @Override
          public void onError(Exception ex) {
            got.add(ex);
          }
        };
    assertThat(ws.connectBlocking(20, TimeUnit.SECONDS)).isTrue();
    assertThat(Json.parse((String) got.poll(20, TimeUnit.SECONDS)))
        .isEqualTo(Json.parse("{\"type\":\"hello\",\"client\":\"abc\"}"));

    ws.send("hi");
    assertThat(got.poll(20, TimeUnit.SECONDS)).isEqualTo("echo:hi");
    ws.send(new byte[] {1, 2, 3});
    assertThat((byte[]) got.poll(20, TimeUnit.SECONDS)).containsExactly(1, 2, 3);
    assertThat(fake.webSockets()).hasSize(1);

    ws.send("bye");
    assertThat(closed.await(20, TimeUnit.SECONDS)).isTrue();
    assertThat(closeCode[0]).isEqualTo(4000);
    await().atMost(Duration.ofSeconds(20)).until(() -> fake.webSockets().isEmpty());

    List<Entry.Kind> kinds = fake.journal().entries().stream().map(Entry::kind).toList();
    assertThat(kinds)
        .containsSubsequence(
            Entry.Kind.WS_OPEN, Entry.Kind.WS_OUT, Entry.Kind.WS_IN, Entry.Kind.WS_OUT,
            Entry.Kind.WS_IN, Entry.Kind.WS_CLOSE);
  }

  @Test
  void stopCutsWebSocketsAndTheClientSeesAnAbnormalClose() throws Exception {
    CountDownLatch open = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    int[] code = new int[1];
    WebSocketClient ws =
        new WebSocketClient(URI.create(fake.wsUri() + "/ws")) {
          @Override
          public void onOpen(ServerHandshake h) {
            open.countDown();
          }

          @Override
          public void onMessage(String message) {}

          @Override
          public void onClose(int c, String reason, boolean remote) {
            code[0] = c;
            closed.countDown();
          }

          @Override
          public void onError(Exception ex) {}
        };
    ws.connect();
    assertThat(open.await(20, TimeUnit.SECONDS)).isTrue();
    await().atMost(Duration.ofSeconds(20)).until(() -> fake.webSockets().size() == 1);

    fake.stop();

    assertThat(closed.await(20, TimeUnit.SECONDS)).isTrue();
    assertThat(code[0]).as("no close frame: abnormal closure").isEqualTo(1006);
    await().atMost(Duration.ofSeconds(20)).until(() -> ws.getConnection().isClosed());
  }

  @Test
  void anUnknownWebSocketPathIsNotUpgraded() throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    var r =
        client.send(
            HttpRequest.newBuilder(URI.create(fake.baseUri() + "/nope")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.body()).contains("/nope");
  }

  @Test
  void aMethodTheRouteDoesNotTakeIs405WithAllow() throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    var r =
        client.send(
            HttpRequest.newBuilder(URI.create(fake.baseUri() + "/poll"))
                .DELETE()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.headers().firstValue("Allow")).hasValue("GET");
  }
}
