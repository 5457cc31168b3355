package dev.backlot.net;

import static dev.backlot.net.EchoServer.assertSilentFor;
import static dev.backlot.net.EchoServer.connect;
import static dev.backlot.net.EchoServer.eventually;
import static dev.backlot.net.EchoServer.pattern;
import static dev.backlot.net.EchoServer.receive;
import static dev.backlot.net.EchoServer.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backlot.time.Clock;
import dev.backlot.time.ManualClock;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The link itself: forwarding, counters, down/up, partition/heal, lifecycle, load. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NetworkLinkTest {


  private EchoServer echo;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @BeforeEach
  void startEcho() throws IOException {
    echo = new EchoServer();
  }

  @AfterEach
  void stopAll() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    echo.close();
  }

  private <T extends AutoCloseable> T closeLater(T c) {
    closeables.add(0, c);
    return c;
  }

  private NetworkLink link() {
    return closeLater(NetworkLink.to(echo.address()));
  }

  @Test
  void forwardsBothWaysAndCounts() throws Exception {
    NetworkLink link = link();
    assertThat(link.address().getAddress().isLoopbackAddress()).isTrue();
    assertThat(link.port()).isPositive().isNotEqualTo(echo.address().getPort());
    assertThat(link.uri("redis").toString()).isEqualTo("redis://127.0.0.1:" + link.port());

    byte[] payload = pattern(1024 * 1024, 1);
    try (Socket s = connect(link)) {
      // Write from another thread: 1 MB in flight both ways can exceed the socket buffers.
      CompletableFuture<Void> writer =
          CompletableFuture.runAsync(
              () -> {
                try {
                  send(s, payload);
                } catch (IOException e) {
                  throw new RuntimeException(e);
                }
              });
      assertThat(receive(s, payload.length)).isEqualTo(payload);
      writer.get(30, TimeUnit.SECONDS);
      // Counters move just after the link hands bytes to the kernel: the client can be faster.
      eventually().until(() -> link.stats().bytesDownstream() == payload.length);
      NetworkLink.Stats stats = link.stats();
      assertThat(stats.connectionsAccepted()).isEqualTo(1);
      assertThat(stats.connectionsOpen()).isEqualTo(1);
      assertThat(stats.bytesUpstream()).isEqualTo(payload.length);
      assertThat(stats.bytesBuffered()).isZero();
    }
    eventually().until(() -> link.stats().connectionsOpen() == 0);
    assertThat(echo.accepted()).isEqualTo(1);
  }

  @Test
  void halfCloseIsForwarded() throws Exception {
    NetworkLink link = link();
    try (Socket s = connect(link)) {
      send(s, "last words".getBytes());
      s.shutdownOutput(); // the echo server sees EOF, answers, and closes
      assertThat(s.getInputStream().readAllBytes()).isEqualTo("last words".getBytes());
    }
  }

  @Test
  void aTargetThatRefusesEndsTheClientConnection() throws Exception {
    int deadPort;
    try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      deadPort = ss.getLocalPort();
    }
    NetworkLink link = closeLater(NetworkLink.to("127.0.0.1", deadPort));
    try (Socket s = connect(link)) {
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
    eventually().until(() -> link.stats().connectionsOpen() == 0);
    assertThat(link.stats().connectionsAccepted()).isEqualTo(1);
  }

  @Test
  void downRefusesAndDropsThenUpServesOnTheSamePort() throws Exception {
    NetworkLink link = link();
    int port = link.port();
    try (Socket s = connect(link)) {
      send(s, "before".getBytes());
      assertThat(receive(s, 6)).isEqualTo("before".getBytes());

      link.down();

      assertThat(link.isUp()).isFalse();
      // The open connection is closed: EOF (or a reset, if the kernel had unread data).
      assertThat(readEndOrReset(s.getInputStream())).isTrue();
      assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
          .isInstanceOf(ConnectException.class)
          .hasMessageContaining("Connection refused");
    }

    link.up();

    assertThat(link.isUp()).isTrue();
    assertThat(link.port()).isEqualTo(port);
    try (Socket s = connect(link)) {
      assertThat(s.getPort()).isEqualTo(port);
      send(s, "after".getBytes());
      assertThat(receive(s, 5)).isEqualTo("after".getBytes());
    }
    assertThat(link.stats().connectionsAccepted()).isEqualTo(2);
  }

  private static boolean readEndOrReset(InputStream in) throws IOException {
    try {
      return in.read() == -1;
    } catch (SocketException e) {
      return e.getMessage().contains("reset");
    }
  }

  @Test
  void partitionFreezesBothWaysAndHealLosesNothing() throws Exception {
    NetworkLink link = link();
    try (Socket s = connect(link)) {
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      DataInputStream in = new DataInputStream(s.getInputStream());
      for (int i = 0; i < 1000; i++) {
        out.writeInt(i);
      }
      out.flush();
      for (int i = 0; i < 1000; i++) {
        assertThat(in.readInt()).isEqualTo(i);
      }

      link.partition();

      assertThat(link.isPartitioned()).isTrue();
      for (int i = 1000; i < 10_000; i++) {
        out.writeInt(i);
      }
      out.flush();
      assertSilentFor(s, Duration.ofMillis(500));
      assertThat(link.stats().connectionsOpen()).isEqualTo(1);

      link.heal();

      for (int i = 1000; i < 10_000; i++) {
        assertThat(in.readInt()).isEqualTo(i);
      }
      out.writeInt(-1);
      out.flush();
      assertThat(in.readInt()).isEqualTo(-1);
    }
  }

  @Test
  void repeatedPartitionsUnderAStreamLoseAndReorderNothing() throws Exception {
    NetworkLink link = link();
    int count = 300_000; // 1.2 MB each way, more than the link and socket buffers hold
    try (Socket s = connect(link)) {
      CompletableFuture<Void> writer =
          CompletableFuture.runAsync(
              () -> {
                try {
                  DataOutputStream out =
                      new DataOutputStream(new java.io.BufferedOutputStream(s.getOutputStream()));
                  for (int i = 0; i < count; i++) {
                    out.writeInt(i);
                  }
                  out.flush();
                } catch (IOException e) {
                  throw new RuntimeException(e);
                }
              });
      AtomicInteger received = new AtomicInteger();
      CompletableFuture<Void> reader =
          CompletableFuture.runAsync(
              () -> {
                try {
                  DataInputStream in =
                      new DataInputStream(new java.io.BufferedInputStream(s.getInputStream()));
                  for (int i = 0; i < count; i++) {
                    int v = in.readInt();
                    if (v != i) {
                      throw new AssertionError("expected " + i + " but read " + v);
                    }
                    received.set(i + 1);
                  }
                } catch (IOException e) {
                  throw new RuntimeException(e);
                }
              });
      for (int round = 0; round < 3; round++) {
        int before = received.get();
        eventually().until(() -> received.get() > before || reader.isDone());
        link.partition();
        link.heal();
      }
      reader.get(30, TimeUnit.SECONDS);
      writer.get(30, TimeUnit.SECONDS);
      assertThat(received.get()).isEqualTo(count);
    }
  }

  @Test
  void connectionsMadeDuringAPartitionWaitForTheHeal() throws Exception {
    NetworkLink link = link();
    link.partition();
    try (Socket s = connect(link)) { // the kernel completes the handshake from the backlog
      send(s, "queued".getBytes());
      assertSilentFor(s, Duration.ofMillis(300));
      assertThat(link.stats().connectionsAccepted()).isZero();
      link.heal();
      assertThat(receive(s, 6)).isEqualTo("queued".getBytes());
    }
  }

  @Test
  void closeFreesThePortAndTheThread() throws Exception {
    NetworkLink link = NetworkLink.to(echo.address());
    int port = link.port();
    String threadName = NetworkLink.THREAD_PREFIX + port;
    assertThat(linkThreads(threadName)).hasSize(1);
    Socket s = connect(link);
    send(s, "x".getBytes());
    assertThat(receive(s, 1)).isEqualTo("x".getBytes());
    link.toxics().latency(Direction.DOWNSTREAM, Duration.ofHours(1)); // a pending timer

    link.close();
    link.close(); // idempotent

    assertThat(link.isClosed()).isTrue();
    assertThat(linkThreads(threadName)).isEmpty();
    assertThat(readEndOrReset(s.getInputStream())).isTrue();
    s.close();
    try (ServerSocket again = new ServerSocket()) {
      again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      assertThat(again.getLocalPort()).isEqualTo(port);
    }
    assertThatThrownBy(() -> link.toxics().latency(Direction.UPSTREAM, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aFixedPortIsUsed() throws Exception {
    int port;
    try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = ss.getLocalPort();
    }
    NetworkLink link =
        closeLater(
            NetworkLink.builder().target(echo.address()).port(port).name("fixed").start());
    assertThat(link.port()).isEqualTo(port);
    assertThat(linkThreads(NetworkLink.THREAD_PREFIX + port + "-fixed")).hasSize(1);
    try (Socket s = connect(link)) {
      send(s, "ok".getBytes());
      assertThat(receive(s, 2)).isEqualTo("ok".getBytes());
    }
  }

  @Test
  void twoHundredConcurrentConnectionsShareOneThreadPerCore() throws Exception {
    NetworkLink link = link();
    int n = 200;
    List<Socket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        sockets.add(connect(link));
      }
      for (int round = 0; round < 3; round++) {
        for (int i = 0; i < n; i++) {
          send(sockets.get(i), pattern(100, i + round * n));
        }
        for (int i = 0; i < n; i++) {
          assertThat(receive(sockets.get(i), 100)).isEqualTo(pattern(100, i + round * n));
        }
      }
      assertThat(link.stats().connectionsAccepted()).isEqualTo(n);
      assertThat(link.stats().connectionsOpen()).isEqualTo(n);
      eventually().until(() -> link.stats().bytesDownstream() == 3L * n * 100);
      assertThat(link.stats().bytesUpstream()).isEqualTo(3L * n * 100);
      // one selector thread per core, never one per connection
      assertThat(linkThreads(NetworkLink.THREAD_PREFIX + link.port()))
          .hasSize(Math.min(NetworkLink.LOOPS, n));
    } finally {
      for (Socket s : sockets) {
        s.close();
      }
    }
    eventually().until(() -> link.stats().connectionsOpen() == 0);
  }

  @Test
  void connectionsOnSeveralThreadsAllSeeToxicsPartitionsAndDown() throws Exception {
    // Three threads whatever the machine: connections go to them in turn, and every control
    // call acts on all of them before it returns.
    ManualClock clock = Clock.manual();
    NetworkLink link =
        closeLater(NetworkLink.builder().target(echo.address()).clock(clock).threads(3).start());
    int port = link.port();
    List<Socket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < 6; i++) {
        Socket s = connect(link);
        sockets.add(s);
        send(s, new byte[] {(byte) i});
        assertThat(receive(s, 1)).containsExactly((byte) i);
      }
      assertThat(linkThreads(NetworkLink.THREAD_PREFIX + port)).hasSize(3);

      Toxic lag = link.toxics().latency(Direction.DOWNSTREAM, Duration.ofSeconds(1));
      for (Socket s : sockets) {
        send(s, "held".getBytes());
      }
      eventually().until(() -> link.stats().bytesBuffered() == 6 * 4);
      for (Socket s : sockets) {
        assertSilentFor(s, Duration.ofMillis(50));
      }
      lag.remove(); // releases what every thread held
      for (Socket s : sockets) {
        assertThat(receive(s, 4)).isEqualTo("held".getBytes());
      }

      link.partition();
      for (Socket s : sockets) {
        send(s, "frozen".getBytes());
      }
      for (Socket s : sockets) {
        assertSilentFor(s, Duration.ofMillis(50));
      }
      link.heal();
      for (Socket s : sockets) {
        assertThat(receive(s, 6)).isEqualTo("frozen".getBytes());
      }

      link.down();
      for (Socket s : sockets) {
        assertThat(readEndOrReset(s.getInputStream())).isTrue();
      }
      assertThat(link.stats().connectionsOpen()).isZero();
    } finally {
      for (Socket s : sockets) {
        s.close();
      }
    }
    link.close();
    assertThat(linkThreads(NetworkLink.THREAD_PREFIX + port)).isEmpty();
  }

  @Test
  void concurrentClientsWithToxicsFinish() throws Exception {
    NetworkLink link = link();
    link.toxics().latency(Direction.DOWNSTREAM, Duration.ofMillis(20)).jitter(Duration.ofMillis(10));
    link.toxics().slicer(Direction.UPSTREAM, 7);
    int clients = 50;
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(clients);
    closeLater(pool::shutdownNow);
    CountDownLatch done = new CountDownLatch(clients);
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int id = c;
      all.add(
          CompletableFuture.runAsync(
              () -> {
                try (Socket s = connect(link)) {
                  for (int r = 0; r < 5; r++) {
                    byte[] msg = pattern(64, id * 10 + r);
                    send(s, msg);
                    assertThat(receive(s, 64)).isEqualTo(msg);
                  }
                } catch (IOException e) {
                  throw new RuntimeException(e);
                } finally {
                  done.countDown();
                }
              },
              pool));
    }
    assertThat(done.await(45, TimeUnit.SECONDS)).isTrue();
    for (CompletableFuture<Void> f : all) {
      f.get();
    }
    assertThat(link.stats().connectionsAccepted()).isEqualTo(clients);
  }

  @Test
  void resetRestoresACleanLink() throws Exception {
    NetworkLink link = link();
    link.toxics().timeout(Direction.DOWNSTREAM, Duration.ZERO);
    link.partition();
    link.down();

    link.reset();

    assertThat(link.toxics().list()).isEmpty();
    assertThat(link.isUp()).isTrue();
    assertThat(link.isPartitioned()).isFalse();
    try (Socket s = connect(link)) {
      send(s, "clean".getBytes());
      assertThat(receive(s, 5)).isEqualTo("clean".getBytes());
    }
  }

  @Test
  void controlCallsInQuickSuccessionNeverHang() throws Exception {
    // Regression: a selectNow() inside down() used to swallow the wakeup meant for the next call.
    NetworkLink link = link();
    for (int i = 0; i < 100; i++) {
      link.partition();
      link.down();
      Toxic t = link.toxics().timeout(Direction.DOWNSTREAM, Duration.ZERO);
      t.remove();
      link.up();
      link.heal();
      if (i % 25 == 0) {
        try (Socket s = connect(link)) {
          send(s, "alive".getBytes());
          assertThat(receive(s, 5)).isEqualTo("alive".getBytes());
        }
      }
    }
  }

  @Test
  void builderAndDescriptions() {
    assertThatThrownBy(() -> NetworkLink.builder().start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("target");
    assertThatThrownBy(() -> NetworkLink.builder().port(70_000))
        .isInstanceOf(IllegalArgumentException.class);
    NetworkLink link =
        closeLater(NetworkLink.to(echo.address().getHostString(), echo.address().getPort()));
    assertThat(link.target()).isEqualTo(echo.address());
    assertThat(link.seed()).isZero();
    assertThat(link.clock()).isSameAs(dev.backlot.time.Clock.system());
    link.toxics().latency(Direction.UPSTREAM, Duration.ofMillis(5)).jitter(Duration.ofMillis(1));
    link.toxics().slicer(Direction.UPSTREAM, 4).sizeVariation(1).delay(Duration.ofMillis(1));
    link.toxics().packetLoss(Direction.UPSTREAM, 0.1);
    link.toxics().bandwidth(Direction.DOWNSTREAM, 1000);
    link.toxics().timeout(Direction.DOWNSTREAM, Duration.ofSeconds(1));
    link.toxics().resetPeer(Direction.DOWNSTREAM, Duration.ofSeconds(1));
    link.toxics().slowClose(Direction.DOWNSTREAM, Duration.ofSeconds(1));
    link.toxics().limitData(Direction.DOWNSTREAM, 9);
    link.partition();
    assertThat(link.toString())
        .contains("127.0.0.1:" + link.port(), "partitioned", "latency_upstream", "slicer_upstream",
            "packet_loss_upstream", "bandwidth_downstream", "timeout_downstream",
            "reset_peer_downstream", "slow_close_downstream", "limit_data_downstream");
    assertThat(link.toxics().get("latency_upstream").orElseThrow().toString())
        .isEqualTo("latency[latency_upstream, upstream, toxicity=1.0, latency=PT0.005S, jitter=PT0.001S]");
    link.reset();
    assertThat(link.toString()).doesNotContain("partitioned", "latency");
  }

  static List<Thread> linkThreads(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive())
        .filter(t -> t.getName().equals(name) || t.getName().startsWith(name + "-"))
        .toList();
  }
}
