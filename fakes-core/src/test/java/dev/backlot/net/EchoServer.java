package dev.backlot.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/** A raw-socket echo server on 127.0.0.1, one thread per connection; plus socket helpers. */
final class EchoServer implements AutoCloseable {

  private final ServerSocket server;
  private final ExecutorService pool;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final AtomicInteger accepted = new AtomicInteger();
  private volatile boolean closed;

  EchoServer() throws IOException {
    server = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
    AtomicInteger n = new AtomicInteger();
    pool =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "test-echo-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.execute(this::acceptLoop);
  }

  InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
  }

  int accepted() {
    return accepted.get();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket s = server.accept();
        s.setTcpNoDelay(true);
        accepted.incrementAndGet();
        sockets.add(s);
        pool.execute(() -> echo(s));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void echo(Socket s) {
    try (s;
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream()) {
      byte[] buf = new byte[16 * 1024];
      int n;
      while ((n = in.read(buf)) > 0) {
        out.write(buf, 0, n);
      }
    } catch (IOException ignored) {
      // peer went away
    } finally {
      sockets.remove(s);
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
    pool.shutdownNow();
  }

  // ------------------------------------------------------------------------------ socket helpers

  /** Awaitility with a generous ceiling and quick polling (the default polls every 100 ms). */
  static ConditionFactory eventually() {
    return Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(5));
  }

  /** A blocking client socket to {@code link}, with a generous 30 s read timeout. */
  static Socket connect(NetworkLink link) throws IOException {
    Socket s = new Socket();
    s.setTcpNoDelay(true);
    s.connect(link.address(), 30_000);
    s.setSoTimeout(30_000);
    return s;
  }

  static void send(Socket s, byte[] data) throws IOException {
    s.getOutputStream().write(data);
    s.getOutputStream().flush();
  }

  /** Reads exactly {@code n} bytes (30 s read timeout per read). */
  static byte[] receive(Socket s, int n) throws IOException {
    byte[] b = s.getInputStream().readNBytes(n);
    assertThat(b).as("bytes before EOF").hasSize(n);
    return b;
  }

  /** Asserts that nothing arrives on {@code s} for {@code quiet} (a read times out). */
  static void assertSilentFor(Socket s, Duration quiet) throws IOException {
    int old = s.getSoTimeout();
    s.setSoTimeout((int) quiet.toMillis());
    try {
      assertThatThrownBy(() -> s.getInputStream().read())
          .as("nothing should arrive yet")
          .isInstanceOf(SocketTimeoutException.class);
    } finally {
      s.setSoTimeout(old);
    }
  }

  /** {@code n} bytes of a recognisable, non-repeating-at-small-scale pattern. */
  static byte[] pattern(int n, int seed) {
    byte[] b = new byte[n];
    int x = seed * 7919 + 1;
    for (int i = 0; i < n; i++) {
      x = x * 1103515245 + 12345;
      b[i] = (byte) (x >>> 16);
    }
    return b;
  }
}
