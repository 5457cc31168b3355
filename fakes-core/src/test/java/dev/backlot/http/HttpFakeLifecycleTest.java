package dev.backlot.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.backlot.FakeSet;
import dev.backlot.wire.Response;
import dev.backlot.journal.RequestPattern;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class HttpFakeLifecycleTest {

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private HttpResponse<String> get(URI uri) throws Exception {
    return client.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void startsOnARandomLoopbackPortAndServes() throws Exception {
    try (HttpFake fake = new HttpFake().start()) {
      fake.stub("GET", "/ping").respond(Response.text(200, "pong"));
      assertThat(fake.port()).isPositive();
      assertThat(fake.baseUri()).hasToString("http://127.0.0.1:" + fake.port());
      assertThat(get(fake.baseUri().resolve("/ping")).body()).isEqualTo("pong");
    }
  }

  @Test
  void startsOnAFixedPort() throws Exception {
    int free;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      free = s.getLocalPort();
    }
    try (HttpFake fake = HttpFake.builder().port(free).start()) {
      fake.stub("GET", "/x").respond(Response.text(200, "fixed"));
      assertThat(fake.port()).isEqualTo(free);
      assertThat(get(URI.create("http://127.0.0.1:" + free + "/x")).body()).isEqualTo("fixed");
    }
  }

  @Test
  void aSecondFakeOnTheSamePortFailsClearly() {
    try (HttpFake first = new HttpFake().start()) {
      HttpFake second = HttpFake.builder().port(first.port()).build();
      assertThatThrownBy(second::start)
          .hasMessageContaining("could not bind")
          .hasMessageContaining(String.valueOf(first.port()));
      second.close();
    }
  }

  @Test
  void bindsLoopbackOnly() throws Exception {
    try (HttpFake fake = new HttpFake().start()) {
      List<InetAddress> others =
          Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
              .flatMap(NetworkInterface::inetAddresses)
              .filter(a -> !a.isLoopbackAddress() && !a.isLinkLocalAddress())
              .toList();
      for (InetAddress other : others) {
        try (Socket s = new Socket()) {
          assertThatThrownBy(() -> s.connect(new InetSocketAddress(other, fake.port()), 2000))
              .as("connecting via %s", other)
              .isInstanceOf(IOException.class);
        }
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", fake.port()), 2000);
        assertThat(s.isConnected()).isTrue();
      }
    }
  }

  @Test
  void theMomentStopReturnsThePortRefuses() {
    try (HttpFake fake = new HttpFake().start()) {
      for (int round = 0; round < 200; round++) {
        fake.stop();
        boolean refused;
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), fake.port()), 2000);
          refused = false;
        } catch (ConnectException e) {
          refused = true;
        } catch (IOException e) {
          refused = false;
        }
        assertThat(refused).as("round %d", round).isTrue();
        fake.start();
      }
    }
  }

  @Test
  void stopRefusesConnectionsAndRestartServesOnTheSamePortWithStateKept() throws Exception {
    try (HttpFake fake = new HttpFake().start()) {
      fake.stub("GET", "/state").respond(Response.text(200, "kept"));
      int port = fake.port();
      assertThat(get(fake.baseUri().resolve("/state")).statusCode()).isEqualTo(200);

      fake.stop();
      assertThat(fake.isRunning()).isFalse();
      assertThatThrownBy(() -> get(URI.create("http://127.0.0.1:" + port + "/state")))
          .isInstanceOf(ConnectException.class);

      fake.restart();
      assertThat(fake.port()).isEqualTo(port);
      assertThat(get(fake.baseUri().resolve("/state")).body()).isEqualTo("kept");
      assertThat(fake.journal().count(RequestPattern.get("/state"))).isEqualTo(2);
    }
  }

  @Test
  void stopCutsOpenKeepAliveConnections() throws Exception {
    try (HttpFake fake = new HttpFake().start();
        Socket s = new Socket("127.0.0.1", fake.port())) {
      fake.stub("GET", "/a").respond(Response.text(200, "a"));
      s.setSoTimeout(20_000);
      s.getOutputStream()
          .write("GET /a HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      byte[] buf = new byte[4096];
      assertThat(s.getInputStream().read(buf)).isPositive();
      fake.stop();
      // The server closed the connection: the next read sees EOF or a reset.
      int n;
      try {
        n = s.getInputStream().read(buf);
      } catch (IOException reset) {
        n = -1;
      }
      assertThat(n).isEqualTo(-1);
    }
  }

  @Test
  void resetClearsStubsAndJournalButKeepsSetup() throws Exception {
    try (HttpFake fake =
        HttpFake.builder()
            .setup(f -> f.stub("GET", "/health").respond(Response.text(200, "ok")))
            .start()) {
      fake.stub("GET", "/temp").respond(Response.text(200, "temp"));
      get(fake.baseUri().resolve("/temp"));
      assertThat(fake.journal().size()).isEqualTo(1);

      fake.reset();

      assertThat(fake.journal().size()).isZero();
      assertThat(fake.stubs()).hasSize(1);
      assertThat(get(fake.baseUri().resolve("/temp")).statusCode()).isEqualTo(404);
      assertThat(get(fake.baseUri().resolve("/health")).body()).isEqualTo("ok");
    }
  }

  @Test
  void closeFreesThePortAndLeavesNoBacklotThread() throws Exception {
    HttpFake fake = new HttpFake().start();
    fake.stub("GET", "/x").respond(Response.text(200, "x"));
    get(fake.baseUri().resolve("/x"));
    int port = fake.port();
    fake.close();
    fake.close(); // idempotent

    try (ServerSocket again = new ServerSocket()) {
      again.setReuseAddress(true);
      again.bind(new InetSocketAddress("127.0.0.1", port));
      assertThat(again.getLocalPort()).isEqualTo(port);
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(backlotThreads()).isEmpty());
    assertThatThrownBy(fake::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void fiveHundredStartCloseCyclesLeakNoThreadAndNoFileDescriptor() throws Exception {
    // Warm up once so lazily created JDK resources are not counted as leaks.
    try (HttpFake warm = new HttpFake().start()) {
      warm.stub("GET", "/x").respond(Response.text(200, "x"));
      get(warm.baseUri().resolve("/x"));
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> backlotThreads().isEmpty());
    long fdsBefore = openFileDescriptors();
    int threadsBefore = Thread.activeCount();

    for (int i = 0; i < 500; i++) {
      HttpFake fake = new HttpFake().start();
      if (i % 50 == 0) {
        fake.stub("GET", "/x").respond(Response.text(200, "x"));
        // A plain socket, not the JDK client: its cached worker pool adds a thread whenever a
        // task arrives before an idle worker is back, which is growth this test must not count.
        assertThat(rawGet(fake.port(), "/x")).startsWith("HTTP/1.1 200 ");
      }
      fake.close();
    }

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(backlotThreads()).isEmpty();
              // the HttpClient keeps a few pooled sockets of its own: allow a small margin
              assertThat(openFileDescriptors()).isLessThanOrEqualTo(fdsBefore + 8);
              assertThat(Thread.activeCount()).isLessThanOrEqualTo(threadsBefore + 4);
            });
  }

  @Test
  void twoFakesInOneJvmNeverSeeEachOthersStubsOrJournal() throws Exception {
    try (FakeSet set = FakeSet.of(new HttpFake(), new HttpFake()).start()) {
      HttpFake a = (HttpFake) set.fakes().get(0);
      HttpFake b = (HttpFake) set.fakes().get(1);
      a.stub("GET", "/who").respond(Response.text(200, "a"));
      b.stub("GET", "/who").respond(Response.text(200, "b"));

      assertThat(get(a.baseUri().resolve("/who")).body()).isEqualTo("a");
      assertThat(get(b.baseUri().resolve("/who")).body()).isEqualTo("b");
      get(b.baseUri().resolve("/only-b"));

      assertThat(a.journal().requests()).extracting(e -> e.path()).containsExactly("/who");
      assertThat(b.journal().requests()).extracting(e -> e.path()).containsExactly("/who", "/only-b");
      assertThat(set.endpoints()).containsOnlyKeys("http", "http-2");
    }
  }

  /** One GET on its own connection, read to the end; no client threads, no pooled socket. */
  private static String rawGet(int port, String path) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(30_000);
      s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      return new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
    }
  }

  static List<String> backlotThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith("backlot"))
        .toList();
  }

  static long openFileDescriptors() throws IOException {
    Path fd = Path.of("/proc/self/fd");
    if (!Files.isDirectory(fd)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(fd)) {
      return s.count();
    }
  }
}
