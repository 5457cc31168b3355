package dev.backlot.bench;

import dev.backlot.net.NetworkLink;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Request/response round trips over a loopback socket to an echo server: {@code direct}, and
 * {@code viaLink} through a {@link NetworkLink} with no toxics. Both run in the same invocation,
 * so their ratio is the link's cost (on a shared 2-core box, compare ratios, not absolutes).
 *
 * <pre>
 * java -jar fakes-bench/target/benchmarks.jar NetworkLink -f 1 -wi 2 -i 3
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class NetworkLinkBenchmark {

  /** Bytes per request (and per response). */
  @Param({"128", "16384"})
  public int payload;

  private ServerSocket echo;
  private Thread echoAcceptor;
  private NetworkLink link;
  private Socket direct;
  private Socket viaLink;
  private byte[] request;
  private byte[] response;

  @Setup(Level.Trial)
  public void start() throws IOException {
    echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    echoAcceptor = new Thread(this::acceptLoop, "bench-echo-acceptor");
    echoAcceptor.setDaemon(true);
    echoAcceptor.start();
    InetSocketAddress target =
        new InetSocketAddress(InetAddress.getLoopbackAddress(), echo.getLocalPort());
    link = NetworkLink.to(target);
    direct = open(target);
    viaLink = open(link.address());
    request = new byte[payload];
    for (int i = 0; i < payload; i++) {
      request[i] = (byte) i;
    }
    response = new byte[payload];
  }

  @TearDown(Level.Trial)
  public void stop() throws IOException {
    direct.close();
    viaLink.close();
    link.close();
    echo.close();
  }

  @Benchmark
  public byte direct() throws IOException {
    return roundTrip(direct);
  }

  @Benchmark
  public byte viaLink() throws IOException {
    return roundTrip(viaLink);
  }

  private byte roundTrip(Socket s) throws IOException {
    s.getOutputStream().write(request);
    new DataInputStream(s.getInputStream()).readFully(response);
    return response[payload - 1];
  }

  private static Socket open(InetSocketAddress address) throws IOException {
    Socket s = new Socket();
    s.setTcpNoDelay(true);
    s.connect(address, 10_000);
    s.setSoTimeout(30_000);
    return s;
  }

  private void acceptLoop() {
    while (!echo.isClosed()) {
      try {
        Socket s = echo.accept();
        s.setTcpNoDelay(true);
        Thread t = new Thread(() -> echo(s), "bench-echo");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private static void echo(Socket s) {
    try (s;
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream()) {
      byte[] buf = new byte[64 * 1024];
      int n;
      while ((n = in.read(buf)) > 0) {
        out.write(buf, 0, n);
      }
    } catch (IOException ignored) {
      // closed at tear-down
    }
  }
}
