package dev.backlot.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.backlot.time.Clock;
import dev.backlot.time.ManualClock;
import dev.backlot.journal.Entry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** SSE and WebSocket faults, seen by real clients: the JDK client, OkHttp and Java-WebSocket. */
class StreamFaultsTest {

  private TestBackend fake = TestBackend.started();
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void close() {
    fake.close();
  }

  private void useManualClock(ManualClock clock) {
    fake.close();
    fake = TestBackend.builder().clock(clock).start();
  }

  // ------------------------------------------------------------------ SSE

  /** What a client read from an event stream: the data lines, and how the stream ended. */
  record Read(List<String> data, IOException failure) {}

  /**
   * Reads an event stream with the JDK client until it ends or breaks, line by line as the lines
   * arrive. (A line subscriber, not {@code ofInputStream()}: the JDK's input stream throws on a
   * broken connection before handing over bytes it already received, which would hide events.)
   */
  private Read readSse(String path, List<String> live) throws Exception {
    CompletableFuture<Read> done = new CompletableFuture<>();
    Flow.Subscriber<String> lines =
        new Flow.Subscriber<>() {
          @Override
          public void onSubscribe(Flow.Subscription s) {
            s.request(Long.MAX_VALUE);
          }

          @Override
          public void onNext(String line) {
            if (line.startsWith("data: ")) {
              live.add(line.substring(6));
            }
          }

          @Override
          public void onError(Throwable t) {
            done.complete(new Read(List.copyOf(live),
                t instanceof IOException io ? io : new IOException(t)));
          }

          @Override
          public void onComplete() {
            done.complete(new Read(List.copyOf(live), null));
          }
        };
    AtomicReference<HttpResponse.ResponseInfo> head = new AtomicReference<>();
    http.sendAsync(
        HttpRequest.newBuilder(URI.create(fake.baseUri() + path)).timeout(Duration.ofSeconds(20)).build(),
        info -> {
          head.set(info);
          return HttpResponse.BodySubscribers.fromLineSubscriber(lines);
        });
    Read read = done.get(20, TimeUnit.SECONDS);
    assertThat(head.get().statusCode()).isEqualTo(200);
    assertThat(head.get().headers().firstValue("Content-Type")).hasValue("text/event-stream");
    return read;
  }

  private Read readSse(String path) throws Exception {
    return readSse(path, new CopyOnWriteArrayList<>());
  }

  @Test
  void sseWithoutFaultsEndsNormally() throws Exception {
    Read r = readSse("/events/5");
    assertThat(r.data()).containsExactly(
        "{\"n\":1}", "{\"n\":2}", "{\"n\":3}", "{\"n\":4}", "{\"n\":5}");
    assertThat(r.failure()).isNull();
  }

  @Test
  void sseCutAfterThreeEventsBreaksTheChunkedStream() throws Exception {
    fake.faults().onSse("GET", "/events/{n}").cutAfter(3);

    Read r = readSse("/events/5");

    assertThat(r.data()).containsExactly("{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
    assertThat(r.failure()).as("a broken stream, not a normal end").isNotNull();
    Entry stream = fake.journal().requests().get(0);
    assertThat(stream.outcome()).isEqualTo("stream cut by fault after 3 events");
    assertThat(stream.fault()).contains("SSE GET /events/{n} -> cut after 3 events");
  }

  @Test
  void sseEndAfterSendsOneLastEventThenEndsNormally() throws Exception {
    fake.faults().onSse("GET", "/events/{n}").next(1).endAfter(2, "error", "{\"error\":\"overloaded\"}");

    Read r = readSse("/events/5");

    assertThat(r.data()).containsExactly("{\"n\":1}", "{\"n\":2}", "{\"error\":\"overloaded\"}");
    assertThat(r.failure()).as("a normal end of the chunked body").isNull();
    Entry stream = fake.journal().requests().get(0);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
        .until(() -> "stream ended by fault after 3 events".equals(stream.outcome()));
    assertThat(stream.fault()).contains("next(1) -> after 2 events send event error {\"error\":\"overloaded\"} and end");
    List<Entry> sent = fake.journal().find(e -> e.kind() == Entry.Kind.SSE);
    assertThat(sent).extracting(Entry::bodyText).containsExactly(
        "event: status {\"n\":1}", "event: progress {\"n\":2}", "event: error {\"error\":\"overloaded\"}");
    assertThat(sent.get(2).fault()).contains("send event error");
    // next(1): the second stream is intact
    assertThat(readSse("/events/3").data()).hasSize(3);
  }

  @Test
  void sseEndAfterZeroSendsOnlyTheEventAndFewerEventsEndAsUsual() throws Exception {
    fake.faults().onSse("GET", "/events/{n}").next(1).endAfter(0, "{\"bye\":true}");
    Read r = readSse("/events/3");
    assertThat(r.data()).containsExactly("{\"bye\":true}");
    assertThat(r.failure()).isNull();

    fake.faults().onSse("GET", "/events/{n}").next(1).endAfter(9, "never sent");
    Read whole = readSse("/events/2");
    assertThat(whole.data()).containsExactly("{\"n\":1}", "{\"n\":2}");
    assertThat(whole.failure()).isNull();
  }

  @Test
  void sseCutSeenByOkHttpAsAnUnexpectedEnd() throws Exception {
    fake.faults().onSse("GET", "/events/{n}").cutAfter(2);
    OkHttpClient ok = new OkHttpClient.Builder().retryOnConnectionFailure(false).build();
    try (Response r = ok.newCall(new Request.Builder().url(fake.baseUri() + "/events/5").build()).execute()) {
      List<String> lines = new CopyOnWriteArrayList<>();
      IOException failure = null;
      try {
        var source = r.body().source();
        for (String line; (line = source.readUtf8Line()) != null; ) {
          if (line.startsWith("data: ")) {
            lines.add(line.substring(6));
          }
        }
      } catch (IOException e) {
        failure = e;
      }
      assertThat(lines).containsExactly("{\"n\":1}", "{\"n\":2}");
      assertThat(failure).isNotNull();
    } finally {
      ok.dispatcher().executorService().shutdown();
      ok.connectionPool().evictAll();
    }
  }

  @Test
  void sseCutOnlyTheFirstStreamWithNext() throws Exception {
    fake.faults().onSse("GET", "/events/{n}").next(1).cutAfter(1);

    assertThat(readSse("/events/3").failure()).isNotNull();
    Read second = readSse("/events/3");
    assertThat(second.failure()).isNull();
    assertThat(second.data()).hasSize(3);
  }

  @Test
  void sseCutAfterZeroSendsHeadersThenBreaks() throws Exception {
    fake.faults().onSse("GET", "/events/{n}").cutAfter(0);

    Read r = readSse("/events/3"); // asserts the 200 and the content type came first
    assertThat(r.data()).isEmpty();
    assertThat(r.failure()).isNotNull();
  }

  @Test
  void sseDropAndDuplicateEventsByType() throws Exception {
    fake.faults().onSse("GET", "/events/{n}").event("progress").drop();
    fake.faults().onSse("GET", "/events/{n}").event("status").nth(2).duplicate();

    Read r = readSse("/events/5");

    assertThat(r.data()).containsExactly("{\"n\":1}", "{\"n\":3}", "{\"n\":3}", "{\"n\":5}");
    assertThat(r.failure()).isNull();
    List<Entry> dropped = fake.journal().find(e -> "dropped by fault: not sent".equals(e.outcome()));
    assertThat(dropped).extracting(Entry::bodyText)
        .containsExactly("event: progress {\"n\":2}", "event: progress {\"n\":4}");
  }

  @Test
  void sseDelayedEventHoldsBackTheRestInOrder() throws Exception {
    ManualClock clock = Clock.manual();
    useManualClock(clock);
    fake.faults().onSse("GET", "/events/{n}").nth(2).delay(Duration.ofSeconds(5));

    List<String> live = new CopyOnWriteArrayList<>();
    CompletableFuture<Read> reading =
        CompletableFuture.supplyAsync(() -> {
          try {
            return readSse("/events/4", live);
          } catch (Exception e) {
            throw new RuntimeException(e);
          }
        });
    await().atMost(Duration.ofSeconds(30)).until(() -> live.size() == 1 && clock.pendingTasks() == 1);
    clock.advance(Duration.ofSeconds(4));
    assertThat(live).containsExactly("{\"n\":1}");

    clock.advance(Duration.ofSeconds(1));
    Read r = reading.get(30, TimeUnit.SECONDS);
    assertThat(r.data()).containsExactly("{\"n\":1}", "{\"n\":2}", "{\"n\":3}", "{\"n\":4}");
    assertThat(r.failure()).isNull();
  }

  // ------------------------------------------------------------------ WebSocket

  /** A Java-WebSocket client that records what it receives and how it closed. */
  static final class Ws extends WebSocketClient {
    final List<String> messages = new CopyOnWriteArrayList<>();
    final CompletableFuture<String> closed = new CompletableFuture<>();

    Ws(URI uri) {
      super(uri);
      setConnectionLostTimeout(0);
    }

    @Override
    public void onOpen(ServerHandshake handshake) {}

    @Override
    public void onMessage(String message) {
      messages.add(message);
    }

    @Override
    public void onClose(int code, String reason, boolean remote) {
      closed.complete(code + " " + reason);
    }

    @Override
    public void onError(Exception ex) {}
  }

  private Ws connect() throws Exception {
    Ws ws = new Ws(URI.create(fake.wsUri() + "/ws"));
    assertThat(ws.connectBlocking(30, TimeUnit.SECONDS)).isTrue();
    return ws;
  }

  private static int n(String json) {
    return dev.backlot.wire.Json.parse(json).get("n").asInt();
  }

  @Nested
  class WebSockets {

    @Test
    void dropOutgoingMessagesOfAType() throws Exception {
      fake.faults().onWebSocket("/ws").outgoing("progress").drop();
      Ws ws = connect();
      ws.send("go");

      await().atMost(Duration.ofSeconds(30)).until(() -> ws.messages.stream().anyMatch(m -> m.contains("executed")));
      assertThat(ws.messages).extracting(StreamFaultsTest::n).containsExactly(1, 4);
      assertThat(fake.journal().find(e -> e.kind() == Entry.Kind.WS_OUT && e.fault() != null))
          .hasSize(2)
          .allSatisfy(e -> assertThat(e.outcome()).isEqualTo("dropped by fault: not sent"));
      ws.closeBlocking();
    }

    @Test
    void duplicateTheFirstProgressMessage() throws Exception {
      fake.faults().onWebSocket("/ws").outgoing("progress").nth(1).duplicate();
      Ws ws = connect();
      ws.send("go");

      await().atMost(Duration.ofSeconds(30)).until(() -> ws.messages.size() == 5);
      assertThat(ws.messages).extracting(StreamFaultsTest::n).containsExactly(1, 2, 2, 3, 4);
      ws.closeBlocking();
    }

    @Test
    void delayedMessageHoldsBackTheOnesAfterIt() throws Exception {
      ManualClock clock = Clock.manual();
      useManualClock(clock);
      fake.faults().onWebSocket("/ws").outgoing("progress").nth(1).delay(Duration.ofMillis(500));
      Ws ws = connect();
      ws.send("go");

      await().atMost(Duration.ofSeconds(30)).until(() -> ws.messages.size() == 1 && clock.pendingTasks() == 1);
      clock.advance(Duration.ofMillis(499));
      assertThat(ws.messages).hasSize(1);
      clock.advance(Duration.ofMillis(1));

      await().atMost(Duration.ofSeconds(30)).until(() -> ws.messages.size() == 4);
      assertThat(ws.messages).extracting(StreamFaultsTest::n).containsExactly(1, 2, 3, 4);
      ws.closeBlocking();
    }

    @Test
    void closeWithACodeAfterTwoMessagesOnTheFirstConnectionOnly() throws Exception {
      fake.faults().onWebSocket("/ws").outgoing().next(1).closeAfter(2, 1011, "overloaded");
      Ws first = connect();
      first.send("go");

      assertThat(first.closed.get(30, TimeUnit.SECONDS)).isEqualTo("1011 overloaded");
      assertThat(first.messages).extracting(StreamFaultsTest::n).containsExactly(1, 2);
      Entry close = fake.journal().last(e -> e.kind() == Entry.Kind.WS_CLOSE).orElseThrow();
      assertThat(close.status()).isEqualTo(1011);
      assertThat(close.fault()).contains("close 1011 after 2 messages");

      Ws second = connect();
      second.send("go");
      await().atMost(Duration.ofSeconds(30)).until(() -> second.messages.size() == 4);
      second.closeBlocking();
    }

    @Test
    void abortAfterOneMessageIsAnAbnormalClosure() throws Exception {
      fake.faults().onWebSocket("/ws").outgoing().abortAfter(1);
      Ws ws = connect();
      ws.send("go");

      assertThat(ws.closed.get(30, TimeUnit.SECONDS)).startsWith("1006");
      assertThat(ws.messages).extracting(StreamFaultsTest::n).containsExactly(1);
    }

    @Test
    void refuseTheUpgradeWithTheBackendsError() throws Exception {
      fake.faults().onWebSocket("/ws").next(1).refuse(403);

      Ws refused = new Ws(URI.create(fake.wsUri() + "/ws"));
      assertThat(refused.connectBlocking(30, TimeUnit.SECONDS)).isFalse();
      assertThat(refused.closed.get(30, TimeUnit.SECONDS)).contains("403");
      Entry e = fake.journal().requests().get(0);
      assertThat(e.status()).isEqualTo(403);
      assertThat(e.fault()).contains("WS /ws, next(1) -> refuse 403");

      Ws ok = connect(); // only the next one was refused
      ok.closeBlocking();
    }

    @Test
    void dropTheUpgrade() throws Exception {
      fake.faults().onWebSocket("/ws").dropUpgrade();

      Ws ws = new Ws(URI.create(fake.wsUri() + "/ws"));
      assertThat(ws.connectBlocking(30, TimeUnit.SECONDS)).isFalse();
      assertThat(fake.journal().requests().get(0).outcome()).isEqualTo("connection closed by fault, no handshake");
    }

    @Test
    void httpRulesSeeUpgradeRequestsToo() throws Exception {
      fake.faults().on("GET", "/ws").next(1).status(503);

      Ws ws = new Ws(URI.create(fake.wsUri() + "/ws"));
      assertThat(ws.connectBlocking(30, TimeUnit.SECONDS)).isFalse();
      assertThat(ws.closed.get(30, TimeUnit.SECONDS)).contains("503");
      connect().closeBlocking();
    }

    @Test
    void dropAndDelayIncomingMessages() throws Exception {
      ManualClock clock = Clock.manual();
      useManualClock(clock);
      fake.faults().onWebSocket("/ws").incoming().where("is ping", t -> t.contains("ping")).drop();
      fake.faults().onWebSocket("/ws").incoming("hello").delay(Duration.ofSeconds(2));
      Ws ws = connect();

      ws.send("{\"type\":\"ping\"}");
      ws.send("{\"type\":\"hello\"}");
      ws.send("after");
      await().atMost(Duration.ofSeconds(30)).until(() -> clock.pendingTasks() == 1);
      assertThat(fake.received).isEmpty(); // ping dropped; hello held, "after" behind it

      clock.advance(Duration.ofSeconds(2));
      await().atMost(Duration.ofSeconds(30)).until(() -> fake.received.size() == 2);
      assertThat(fake.received).containsExactly("{\"type\":\"hello\"}", "after");
      assertThat(fake.journal().find(e -> e.kind() == Entry.Kind.WS_IN)).hasSize(3);
      ws.closeBlocking();
    }
  }
}
