package dev.backlot.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.backlot.http.HttpFake;
import dev.backlot.time.Clock;
import dev.backlot.time.ManualClock;
import dev.backlot.wire.Response;
import dev.backlot.wire.SseStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;
import org.junit.jupiter.api.Test;

/**
 * Issue 22 item 8: an HTTP fake closes connections that sit idle (no request in progress) past
 * its idle timeout, as real servers do, so thousands of abandoned keep-alive connections are not
 * held forever; and it never cuts what is merely quiet: an event stream, a WebSocket, an upload in
 * progress, a fault's stall or delay. No sleeps: each wait is for something to happen (a close
 * seen by the client, a latch); "past the timeout" is proven by an idle canary connection, opened
 * after the long-lived ones, being closed by the fake first.
 */
class IdleTimeoutTest {

  /** An event stream the test feeds, an echo socket, an upload that answers its length. */
  static final class QuietFake extends FakeServer<QuietFake> {
    final AtomicReference<SseStream> events = new AtomicReference<>();
    final CountDownLatch streamOpen = new CountDownLatch(1);

    QuietFake(Builder b) {
      super("quiet", b);
    }

    @Override
    protected void routes(Routes r) {
      r.get("/hi", req -> Response.text(200, "ok"))
          .get("/events", req -> Response.sse(s -> {
            s.send("{\"n\":0}");
            events.set(s);
            streamOpen.countDown();
          }))
          .post("/upload", req -> Response.text(200, "got " + req.body().length))
          .get("/slow", req -> Response.text(200, "late"))
          .get("/stalled", req -> Response.text(200, "never"))
          .ws("/ws", new WebSocketHandler() {
            @Override
            public void onText(WebSocketSession s, String text) {
              s.sendText("echo:" + text);
            }
          });
    }

    static final class Builder extends FakeServer.Builder<Builder, QuietFake> {
      @Override
      public QuietFake build() {
        return new QuietFake(this);
      }
    }
  }

  @Test
  void thousandsOfIdleKeepAliveConnectionsAreAllClosedByTheFake() throws Exception {
    int n = connectionsThisProcessCanOpen(3_000);
    System.out.println("idle connections opened: " + n);
    HttpFake fake = HttpFake.builder().idleTimeout(Duration.ofSeconds(1)).start();
    fake.stub("GET", "/a").respond(Response.text(200, "ok"));
    List<SocketChannel> channels = new ArrayList<>();
    try (Selector selector = Selector.open()) {
      InetSocketAddress address = new InetSocketAddress("127.0.0.1", fake.port());
      for (int i = 0; i < n; i++) {
        SocketChannel c = SocketChannel.open(address);
        channels.add(c);
        if (i % 2 == 0) { // a kept-alive connection after one answered request; else never used
          assertThat(request(c)).startsWith("HTTP/1.1 200 OK");
        }
        c.configureBlocking(false);
        c.register(selector, SelectionKey.OP_READ);
      }
      int[] closed = {0};
      List<String> unexpected = new ArrayList<>();
      ByteBuffer buf = ByteBuffer.allocate(256);
      await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50)).until(() -> {
        selector.selectNow();
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
          SelectionKey k = it.next();
          it.remove();
          buf.clear();
          int read;
          try {
            read = ((SocketChannel) k.channel()).read(buf);
          } catch (IOException reset) {
            read = -1;
          }
          if (read < 0) { // the fake closed it
            closed[0]++;
            k.cancel();
          } else if (read > 0) {
            unexpected.add(new String(buf.array(), 0, read, StandardCharsets.US_ASCII));
          }
        }
        return closed[0] == n;
      });
      assertThat(unexpected).as("bytes on an idle connection").isEmpty();
      await().atMost(Duration.ofSeconds(30)).until(() -> ((FakeServer<?>) fake).openConnections() == 0);
    } finally {
      for (SocketChannel c : channels) {
        c.close();
      }
      fake.close();
    }
  }

  @Test
  void streamsSocketsUploadsStallsAndDelaysOutliveTheTimeout() throws Exception {
    ManualClock clock = Clock.manual();
    QuietFake fake = new QuietFake.Builder().clock(clock).idleTimeout(Duration.ofMillis(500)).start();
    fake.faults().on("GET", "/stalled").stall();
    fake.faults().on("GET", "/slow").delay(Duration.ofHours(1));
    BlockingQueue<String> wsGot = new LinkedBlockingQueue<>();
    CountDownLatch wsOpen = new CountDownLatch(1);
    WebSocketClient ws = new WebSocketClient(URI.create(fake.wsUri() + "/ws")) {
      @Override
      public void onOpen(ServerHandshake h) {
        wsOpen.countDown();
      }

      @Override
      public void onMessage(String message) {
        wsGot.add(message);
      }

      @Override
      public void onClose(int code, String reason, boolean remote) {
        wsGot.add("closed " + code);
      }

      @Override
      public void onError(Exception e) {
        wsGot.add("error " + e);
      }
    };
    ws.setConnectionLostTimeout(0); // no pings: the socket is truly quiet
    List<Socket> sockets = new ArrayList<>();
    try {
      // each connection opened just before its request: a fresh connection idles too
      Socket sse = open(fake, sockets);
      send(sse, "GET /events HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(readUntil(sse, "{\"n\":0}")).startsWith("HTTP/1.1 200");
      assertThat(fake.streamOpen.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(ws.connectBlocking(30, TimeUnit.SECONDS)).isTrue();
      assertThat(wsOpen.await(30, TimeUnit.SECONDS)).isTrue();
      // "100 Continue" shows the fake read the headers: the request is in progress
      Socket upload = open(fake, sockets);
      send(upload, "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n"
          + "Expect: 100-continue\r\n\r\n");
      readUntil(upload, "100 Continue\r\n\r\n");
      send(upload, "12345");
      Socket stalled = open(fake, sockets);
      send(stalled, "GET /stalled HTTP/1.1\r\nHost: x\r\n\r\n");
      Socket slow = open(fake, sockets);
      send(slow, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
      await().atMost(Duration.ofSeconds(30)).until(() -> fake.journal().requests().stream()
          .filter(e -> e.path().equals("/stalled") || e.path().equals("/slow")).count() == 2);

      // Two canaries in turn: each opened after everything above and closed by the fake for
      // idling, so everything above has been quiet for more than the timeout twice over.
      for (int i = 0; i < 2; i++) {
        try (Socket canary = socket(fake)) {
          await().atMost(Duration.ofSeconds(30)).until(() -> closedByPeer(canary));
        }
      }

      SseStream stream = fake.events.get();
      stream.send("{\"n\":1}");
      readUntil(sse, "{\"n\":1}");
      ws.send("still here");
      assertThat(wsGot.poll(30, TimeUnit.SECONDS)).isEqualTo("echo:still here");
      send(upload, "67890");
      assertThat(readUntil(upload, "got 10")).startsWith("HTTP/1.1 200");
      clock.advance(Duration.ofHours(1));
      assertThat(readUntil(slow, "late")).startsWith("HTTP/1.1 200");
      stalled.setSoTimeout(200); // had the fake closed it, the end of stream would be waiting
      assertThatThrownBy(() -> stalled.getInputStream().read())
          .isInstanceOf(SocketTimeoutException.class);
      // ...and the connections that finished a request are idle now, so they go too
      await().atMost(Duration.ofSeconds(30)).until(() -> closedByPeer(upload) && closedByPeer(slow));
      stream.close();
    } finally {
      for (Socket s : sockets) {
        s.close();
      }
      ws.closeBlocking();
      fake.close();
    }
  }

  @Test
  void theTimeoutIsABuilderSettingAndALauncherKey() {
    assertThat(HttpFake.builder().build().idleTimeout()).isEqualTo(FakeServer.DEFAULT_IDLE_TIMEOUT)
        .isEqualTo(Duration.ofSeconds(60));
    assertThat(HttpFake.builder()
            .configure(JsonNodeFactory.instance.objectNode().put("idleTimeoutMs", 1500))
            .build().idleTimeout())
        .isEqualTo(Duration.ofMillis(1500));
    assertThat(HttpFake.builder().idleTimeout(Duration.ZERO).build().idleTimeout()).isZero();
    assertThatThrownBy(() -> HttpFake.builder().idleTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("idleTimeout");
    assertThatThrownBy(() -> HttpFake.builder()
            .configure(JsonNodeFactory.instance.objectNode().put("idleTimeoutMs", "soon")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("idleTimeoutMs");
  }

  // ---------------------------------------------------------------- helpers

  /** {@code wanted}, or fewer if this process's file limit says so (two descriptors each). */
  private static int connectionsThisProcessCanOpen(int wanted) {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.UnixOperatingSystemMXBean os) {
      long spare = os.getMaxFileDescriptorCount() - os.getOpenFileDescriptorCount() - 512;
      return (int) Math.max(100, Math.min(wanted, spare / 2));
    }
    return wanted;
  }

  private static String request(SocketChannel c) throws IOException {
    c.write(ByteBuffer.wrap("GET /a HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    ByteBuffer buf = ByteBuffer.allocate(512);
    while (!got.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\nok")) {
      buf.clear();
      if (c.read(buf) < 0) {
        throw new IOException("closed before the answer: " + got);
      }
      got.write(buf.array(), 0, buf.position());
    }
    return got.toString(StandardCharsets.US_ASCII);
  }

  private static Socket open(FakeServer<?> fake, List<Socket> opened) throws IOException {
    Socket s = socket(fake);
    opened.add(s);
    return s;
  }

  private static Socket socket(FakeServer<?> fake) throws IOException {
    Socket s = new Socket("127.0.0.1", fake.port());
    s.setSoTimeout(30_000);
    return s;
  }

  private static void send(Socket s, String text) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(text.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** Reads until {@code marker} arrived (30 s at most); what was read. */
  private static String readUntil(Socket s, String marker) throws IOException {
    s.setSoTimeout(30_000);
    InputStream in = s.getInputStream();
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    while (!got.toString(StandardCharsets.UTF_8).contains(marker)) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed before '" + marker + "': " + got);
      }
      got.write(b);
    }
    return got.toString(StandardCharsets.UTF_8);
  }

  /** Whether the peer has closed {@code s}: end of stream (or a reset) waits to be read. */
  private static boolean closedByPeer(Socket s) throws IOException {
    s.setSoTimeout(50);
    try {
      InputStream in = s.getInputStream();
      while (in.read() >= 0) {
        // a finished response's leftovers: read on to the end
      }
      return true;
    } catch (SocketTimeoutException open) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }
}
