package dev.backlot.net;

import static dev.backlot.net.EchoServer.assertSilentFor;
import static dev.backlot.net.EchoServer.connect;
import static dev.backlot.net.EchoServer.eventually;
import static dev.backlot.net.EchoServer.pattern;
import static dev.backlot.net.EchoServer.receive;
import static dev.backlot.net.EchoServer.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.backlot.time.Clock;
import dev.backlot.time.ManualClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each toxic's effect, seen by a real client through a link in front of a raw-socket echo server.
 *
 * <p>Wall-clock tests assert lower bounds strictly and upper bounds generously (this runs on a
 * slow, shared machine); exact timing is asserted with a {@link ManualClock}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ToxicsTest {

  /** Slack added to upper bounds for scheduling stalls of a noisy 2-core machine. */
  private static final long NOISE_MS = 5_000;

  private EchoServer echo;
  private ManualClock clock;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @BeforeEach
  void startEcho() throws IOException {
    echo = new EchoServer();
    clock = Clock.manual();
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

  /** A link on the wall clock. */
  private NetworkLink link() {
    return closeLater(NetworkLink.builder().target(echo.address()).seed(42).start());
  }

  /** A link on the test's manual clock. */
  private NetworkLink manualLink() {
    return closeLater(NetworkLink.builder().target(echo.address()).clock(clock).seed(42).start());
  }

  /** Waits until the link has armed a timer for data it holds, then moves the clock. */
  private void advanceWhenHeld(Duration step) {
    eventually().until(() -> clock.pendingTasks() > 0);
    clock.advance(step);
  }

  private static long millisSince(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  // ------------------------------------------------------------------------------------ latency

  @Test
  void latencyDelaysEachRoundTrip() throws Exception {
    NetworkLink link = link();
    link.toxics().latency(Direction.DOWNSTREAM, Duration.ofMillis(200)).jitter(Duration.ofMillis(20));
    try (Socket s = connect(link)) {
      for (int i = 0; i < 3; i++) {
        long t0 = System.nanoTime();
        send(s, "ping".getBytes());
        assertThat(receive(s, 4)).isEqualTo("ping".getBytes());
        assertThat(millisSince(t0)).isGreaterThanOrEqualTo(180).isLessThan(220 + NOISE_MS);
      }
    }
  }

  @Test
  void upstreamAndDownstreamLatencyAdd() throws Exception {
    NetworkLink link = link();
    link.toxics().latency(Direction.UPSTREAM, Duration.ofMillis(150));
    link.toxics().latency(Direction.DOWNSTREAM, Duration.ofMillis(150));
    try (Socket s = connect(link)) {
      long t0 = System.nanoTime();
      send(s, "ping".getBytes());
      assertThat(receive(s, 4)).isEqualTo("ping".getBytes());
      assertThat(millisSince(t0)).isGreaterThanOrEqualTo(300).isLessThan(300 + NOISE_MS);
    }
  }

  @Test
  void latencyOnAManualClockIsReleasedExactlyWhenTheClockGetsThere() throws Exception {
    NetworkLink link = manualLink();
    link.toxics().latency(Direction.DOWNSTREAM, Duration.ofMillis(200));
    try (Socket s = connect(link)) {
      send(s, "ping".getBytes());
      advanceWhenHeld(Duration.ofMillis(199));
      assertSilentFor(s, Duration.ofMillis(300));

      clock.advance(Duration.ofMillis(1));

      assertThat(receive(s, 4)).isEqualTo("ping".getBytes());
      assertThat(clock.pendingTasks()).isZero();
    }
  }

  @Test
  void httpThroughALinkWithLatency() throws Exception {
    HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext(
        "/hello",
        ex -> {
          byte[] body = "hello through the link".getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    http.start();
    closeLater(() -> http.stop(0));
    NetworkLink link =
        closeLater(NetworkLink.to("127.0.0.1", http.getAddress().getPort()));
    link.toxics().latency(Direction.DOWNSTREAM, Duration.ofMillis(300));
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    long t0 = System.nanoTime();
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create(link.uri("http") + "/hello"))
                .timeout(Duration.ofSeconds(20))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("hello through the link");
    assertThat(millisSince(t0)).isGreaterThanOrEqualTo(300).isLessThan(300 + NOISE_MS * 2);
    assertThat(link.stats().connectionsAccepted()).isEqualTo(1);
  }

  // ---------------------------------------------------------------------------------- bandwidth

  @Test
  void bandwidthLimitsThroughputOnTheWallClock() throws Exception {
    // 256 KB at 512 KB/s: 0.5 s. The link never releases a byte early, so the lower bound is
    // tight (2% for timer rounding); the upper bound is 10% plus the machine's stall allowance.
    NetworkLink link = link();
    int rate = 512 * 1024;
    byte[] payload = pattern(256 * 1024, 3);
    link.toxics().bandwidth(Direction.DOWNSTREAM, rate);
    try (Socket s = connect(link)) {
      long t0 = System.nanoTime();
      CompletableFuture<Void> writer = writeAsync(s, payload);
      assertThat(receive(s, payload.length)).isEqualTo(payload);
      long ms = millisSince(t0);
      writer.get(30, TimeUnit.SECONDS);
      long ideal = payload.length * 1000L / rate;
      System.out.printf(
          "bandwidth: %d bytes in %d ms = %.0f bytes/s (limit %d)%n",
          payload.length, ms, payload.length * 1000.0 / ms, rate);
      assertThat(ms).isGreaterThanOrEqualTo(ideal * 98 / 100).isLessThan(ideal * 110 / 100 + NOISE_MS);
    }
  }

  @Test
  void bandwidthOnAManualClockIsWithinOneSliceOfTheRate() throws Exception {
    NetworkLink link = manualLink();
    int rate = 100_000; // slices of 5 000 bytes (50 ms)
    int total = 100_000;
    link.toxics().bandwidth(Direction.DOWNSTREAM, rate);
    try (Socket s = connect(link)) {
      send(s, pattern(total, 4));
      // Everything echoed and held by the toxic before time moves.
      eventually().until(() -> link.stats().bytesBuffered() == total);
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      for (int step = 1; step <= 10; step++) {
        advanceWhenHeld(Duration.ofMillis(100));
        long allowed = (long) rate * step / 10; // bytes the rate allows after step * 100 ms
        eventually().until(() -> link.stats().bytesDownstream() >= allowed - 5_000);
        long delivered = link.stats().bytesDownstream();
        assertThat(delivered).as("after %d ms", step * 100).isBetween(allowed - 5_000, allowed);
        got.write(receive(s, (int) delivered - got.size()));
      }
      eventually().until(() -> link.stats().bytesDownstream() == total);
      got.write(receive(s, total - got.size()));
      assertThat(got.toByteArray()).isEqualTo(pattern(total, 4));
    }
  }

  @Test
  void bandwidthZeroStallsUntilRemoved() throws Exception {
    NetworkLink link = link();
    Toxic stall = link.toxics().bandwidth(Direction.UPSTREAM, 0);
    try (Socket s = connect(link)) {
      send(s, "wait".getBytes());
      assertSilentFor(s, Duration.ofMillis(300));
      stall.remove();
      assertThat(receive(s, 4)).isEqualTo("wait".getBytes());
    }
  }

  // ------------------------------------------------------------------------------------- slicer

  @Test
  void slicerOnAManualClockDeliversOneSlicePerDelay() throws Exception {
    NetworkLink link = manualLink();
    link.toxics().slicer(Direction.DOWNSTREAM, 10).delay(Duration.ofMillis(100));
    byte[] payload = "0123456789abcdefghijABCDEFGHIJ".getBytes();
    try (Socket s = connect(link)) {
      send(s, payload);
      InputStream in = s.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      List<Integer> reads = new ArrayList<>();
      byte[] buf = new byte[1024];
      while (true) {
        int n = in.read(buf); // only one slice is ever available
        reads.add(n);
        got.write(buf, 0, n);
        if (got.size() == payload.length) {
          break;
        }
        advanceWhenHeld(Duration.ofMillis(100));
      }
      assertThat(got.toByteArray()).isEqualTo(payload);
      assertThat(reads).hasSizeGreaterThanOrEqualTo(3).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(10));
    }
  }

  @Test
  void slicerOnTheWallClockMakesTheClientReadSeveralTimes() throws Exception {
    NetworkLink link = link();
    link.toxics()
        .slicer(Direction.DOWNSTREAM, 200)
        .sizeVariation(20)
        .delay(Duration.ofMillis(200));
    // About 10 slices spread over about 1.8 s: a single read would need a longer client stall.
    byte[] payload = pattern(2_000, 5);
    try (Socket s = connect(link)) {
      send(s, payload);
      InputStream in = s.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      int reads = 0;
      byte[] buf = new byte[64 * 1024];
      while (got.size() < payload.length) {
        int n = in.read(buf);
        assertThat(n).isPositive();
        got.write(buf, 0, n);
        reads++;
      }
      assertThat(got.toByteArray()).isEqualTo(payload);
      assertThat(reads).isGreaterThanOrEqualTo(2);
    }
  }

  // ------------------------------------------------------------------------- timeout and reset

  @Test
  void timeoutZeroIsABlackHoleUntilRemoved() throws Exception {
    NetworkLink link = link();
    Toxic blackHole = link.toxics().timeout(Direction.DOWNSTREAM, Duration.ZERO);
    try (Socket s = connect(link)) {
      send(s, "anyone?".getBytes());
      assertSilentFor(s, Duration.ofMillis(500)); // SocketTimeoutException

      assertThat(blackHole.remove()).isTrue();
      assertThat(blackHole.remove()).isFalse();

      assertThat(receive(s, 7)).isEqualTo("anyone?".getBytes()); // held, not lost
    }
  }

  @Test
  void timeoutClosesTheConnectionAfterItsDelay() throws Exception {
    NetworkLink link = manualLink();
    try (Socket s = connect(link)) {
      send(s, "a".getBytes());
      assertThat(receive(s, 1)).isEqualTo("a".getBytes());
      link.toxics().timeout(Direction.DOWNSTREAM, Duration.ofSeconds(5)); // starts now, open conn
      send(s, "b".getBytes());

      advanceWhenHeld(Duration.ofMillis(4_999));
      assertSilentFor(s, Duration.ofMillis(300));
      clock.advance(Duration.ofMillis(1));

      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
    eventually().until(() -> link.stats().connectionsOpen() == 0);
  }

  @Test
  void resetPeerMakesTheClientSeeConnectionReset() throws Exception {
    NetworkLink link = link();
    link.toxics().resetPeer(Direction.DOWNSTREAM, Duration.ZERO);
    try (Socket s = connect(link)) {
      send(s, "hello".getBytes());
      assertThatThrownBy(() -> s.getInputStream().read())
          .isInstanceOf(SocketException.class)
          .hasMessageContaining("Connection reset");
    }
  }

  @Test
  void resetPeerAfterADelayOnAManualClock() throws Exception {
    NetworkLink link = manualLink();
    link.toxics().resetPeer(Direction.UPSTREAM, Duration.ofSeconds(2));
    try (Socket s = connect(link)) {
      send(s, "hello".getBytes());
      advanceWhenHeld(Duration.ofMillis(1_999));
      assertSilentFor(s, Duration.ofMillis(300));
      clock.advance(Duration.ofMillis(1));
      assertThatThrownBy(() -> s.getInputStream().read())
          .isInstanceOf(SocketException.class)
          .hasMessageContaining("Connection reset");
    }
    eventually().until(() -> echo.accepted() == 1);
  }

  // -------------------------------------------------------------------- slow close, limit data

  @Test
  void slowCloseDelaysTheEndOfStream() throws Exception {
    NetworkLink link = manualLink();
    link.toxics().slowClose(Direction.DOWNSTREAM, Duration.ofSeconds(2));
    try (Socket s = connect(link)) {
      send(s, "bye".getBytes());
      s.shutdownOutput(); // the echo server answers and closes
      assertThat(receive(s, 3)).isEqualTo("bye".getBytes());

      advanceWhenHeld(Duration.ofMillis(1_999));
      assertSilentFor(s, Duration.ofMillis(300));
      clock.advance(Duration.ofMillis(1));

      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  void limitDataGivesExactlyThatManyBytesThenEof() throws Exception {
    NetworkLink link = link();
    link.toxics().limitData(Direction.DOWNSTREAM, 100);
    byte[] payload = pattern(1_000, 6);
    try (Socket s = connect(link)) {
      send(s, payload);
      assertThat(s.getInputStream().readAllBytes()).isEqualTo(Arrays.copyOf(payload, 100));
    }
    eventually().until(() -> link.stats().connectionsOpen() == 0);
    assertThat(link.stats().bytesDownstream()).isEqualTo(100);
  }

  @Test
  void limitDataUpstreamCountsAcrossWrites() throws Exception {
    NetworkLink link = link();
    link.toxics().limitData(Direction.UPSTREAM, 10);
    try (Socket s = connect(link)) {
      send(s, "12345".getBytes());
      assertThat(receive(s, 5)).isEqualTo("12345".getBytes());
      send(s, "6789ABCD".getBytes());
      // The target got "6789A" and then the connection closed; its echo may or may not make it.
      assertThat("6789A").startsWith(new String(s.getInputStream().readAllBytes()));
    }
    eventually().until(() -> link.stats().connectionsOpen() == 0);
    assertThat(link.stats().bytesUpstream()).isEqualTo(10);
  }

  // -------------------------------------------------------------------------------- packet loss

  @Test
  void certainPacketLossStallsForTheFullBackoffOnAManualClock() throws Exception {
    NetworkLink link = manualLink();
    link.toxics().packetLoss(Direction.DOWNSTREAM, 1.0).retransmitTimeout(Duration.ofMillis(100));
    try (Socket s = connect(link)) {
      send(s, "lossy".getBytes());
      // 6 retransmissions: 100 + 200 + 400 + 800 + 1600 + 3200 ms
      advanceWhenHeld(Duration.ofMillis(6_299));
      assertSilentFor(s, Duration.ofMillis(300));
      clock.advance(Duration.ofMillis(1));
      assertThat(receive(s, 5)).isEqualTo("lossy".getBytes());
    }
  }

  @Test
  void packetLossDelaysSomeRoundTripsButLosesNothing() throws Exception {
    NetworkLink link = link();
    link.toxics().packetLoss(Direction.DOWNSTREAM, 0.3).retransmitTimeout(Duration.ofMillis(20));
    int slow = 0;
    try (Socket s = connect(link)) {
      for (int i = 0; i < 30; i++) {
        byte[] msg = pattern(32, i);
        long t0 = System.nanoTime();
        send(s, msg);
        assertThat(receive(s, 32)).isEqualTo(msg);
        if (millisSince(t0) >= 20) {
          slow++;
        }
      }
    }
    assertThat(slow).isPositive();
  }

  // ----------------------------------------------------------------- toxicity, names, handles

  @Test
  void toxicityWithASeedChoosesTheSameConnectionsEveryRun() throws Exception {
    List<Boolean> first = affectedConnections(42);
    List<Boolean> second = affectedConnections(42);
    List<Boolean> other = affectedConnections(7);

    assertThat(second).isEqualTo(first);
    assertThat(first).contains(true, false);
    assertThat(other).isNotEqualTo(first);
  }

  /** For 20 connections in a row: was each one cut by a limitData(0) toxic of toxicity 0.5? */
  private List<Boolean> affectedConnections(long seed) throws Exception {
    List<Boolean> affected = new ArrayList<>();
    try (NetworkLink link = NetworkLink.builder().target(echo.address()).seed(seed).start()) {
      link.toxics().named("cut").limitData(Direction.DOWNSTREAM, 0).toxicity(0.5);
      for (int i = 0; i < 20; i++) {
        try (Socket s = connect(link)) {
          send(s, "?".getBytes());
          affected.add(s.getInputStream().read() == -1);
        }
      }
    }
    return affected;
  }

  @Test
  void toxicityPicksTheSameConnectionsWhenAddedToOpenOnes() throws Exception {
    List<Boolean> addedFirst = affectedConnections(42);
    List<Boolean> addedLater = new ArrayList<>();
    try (NetworkLink link = NetworkLink.builder().target(echo.address()).seed(42).start()) {
      List<Socket> sockets = new ArrayList<>();
      try {
        for (int i = 0; i < 20; i++) {
          Socket s = connect(link);
          sockets.add(s);
          int accepted = i + 1; // keep the accept order the connect order
          eventually().until(() -> link.stats().connectionsAccepted() == accepted);
        }
        link.toxics().named("cut").limitData(Direction.DOWNSTREAM, 0).toxicity(0.5);
        for (Socket s : sockets) {
          send(s, "?".getBytes());
          addedLater.add(s.getInputStream().read() == -1);
        }
      } finally {
        for (Socket s : sockets) {
          s.close();
        }
      }
    }
    assertThat(addedLater).isEqualTo(addedFirst);
  }

  @Test
  void jitterIsSeeded() throws Exception {
    assertThat(firstLatency(42))
        .isEqualTo(firstLatency(42))
        .isBetween(Duration.ofMillis(50).toNanos(), Duration.ofMillis(150).toNanos());
    assertThat(List.of(firstLatency(1), firstLatency(2), firstLatency(3))).doesNotHaveDuplicates();
  }

  /** The delay (ns) a 100 +/- 50 ms latency toxic gives the first message of the first connection. */
  private long firstLatency(long seed) throws Exception {
    ManualClock manual = Clock.manual();
    try (NetworkLink link =
            NetworkLink.builder().target(echo.address()).clock(manual).seed(seed).start();
        Socket s = connect(link)) {
      link.toxics().latency(Direction.DOWNSTREAM, Duration.ofMillis(100)).jitter(Duration.ofMillis(50));
      send(s, "j".getBytes());
      eventually().until(() -> manual.pendingTasks() == 1);
      Duration delay = Duration.between(manual.instant(), manual.pendingDueTimes().get(0));
      manual.advance(delay);
      assertThat(receive(s, 1)).isEqualTo("j".getBytes());
      return delay.toNanos();
    }
  }

  @Test
  void toxicsAreAddedToAndRemovedFromOpenConnections() throws Exception {
    NetworkLink link = manualLink();
    try (Socket s = connect(link)) {
      send(s, "1".getBytes());
      assertThat(receive(s, 1)).isEqualTo("1".getBytes());

      Toxic.Latency lag = link.toxics().latency(Direction.DOWNSTREAM, Duration.ofHours(1));
      send(s, "2".getBytes());
      eventually().until(() -> clock.pendingTasks() > 0);
      assertSilentFor(s, Duration.ofMillis(200));

      assertThat(link.toxics().remove("latency_downstream")).isTrue(); // no clock advance
      assertThat(lag.isActive()).isFalse();

      assertThat(receive(s, 1)).isEqualTo("2".getBytes());
      send(s, "3".getBytes());
      assertThat(receive(s, 1)).isEqualTo("3".getBytes());
    }
  }

  @Test
  void namesAreUniquePerLink() {
    NetworkLink link = link();
    Toxic first = link.toxics().latency(Direction.DOWNSTREAM, Duration.ofMillis(1));
    assertThat(first.name()).isEqualTo("latency_downstream");
    assertThat(first.type()).isEqualTo("latency");
    assertThatThrownBy(() -> link.toxics().latency(Direction.DOWNSTREAM, Duration.ofMillis(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("latency_downstream");
    Toxic second = link.toxics().named("more").latency(Direction.DOWNSTREAM, Duration.ofMillis(2));
    assertThat(link.toxics().list()).containsExactly(first, second);
    assertThat(link.toxics().get("more")).contains(second);
    link.toxics().clear();
    assertThat(link.toxics().list()).isEmpty();
    assertThat(second.isActive()).isFalse();
  }

  @Test
  void badSettingsAreRejected() {
    NetworkLink link = link();
    assertThatThrownBy(() -> link.toxics().latency(Direction.UPSTREAM, Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> link.toxics().bandwidth(Direction.UPSTREAM, -1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> link.toxics().slicer(Direction.UPSTREAM, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> link.toxics().packetLoss(Direction.UPSTREAM, 1.5))
        .isInstanceOf(IllegalArgumentException.class);
    Toxic t = link.toxics().limitData(Direction.UPSTREAM, 5);
    assertThatThrownBy(() -> t.toxicity(2)).isInstanceOf(IllegalArgumentException.class);
    assertThat(link.toxics().list()).containsExactly(t);
  }

  private static CompletableFuture<Void> writeAsync(Socket s, byte[] data) {
    return CompletableFuture.runAsync(
        () -> {
          try {
            send(s, data);
          } catch (IOException e) {
            throw new RuntimeException(e);
          }
        });
  }
}
