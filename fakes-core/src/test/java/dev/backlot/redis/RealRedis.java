package dev.backlot.redis;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} from the PATH on a random loopback port, without persistence, for
 * the fidelity runs of the tests; stopped by its PID. {@link #startIfAvailable()} is null when
 * there is none, and tests then skip their real-Redis run with a visible assumption.
 */
final class RealRedis implements AutoCloseable {

  static final String MISSING =
      "redis-server is not on the PATH: the run against real Redis is skipped "
          + "(apt-get install redis-server to measure fidelity)";

  private final Process process;
  private final int port;
  private final Path log;

  private RealRedis(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  static Path executable() {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path p = Path.of(dir, "redis-server");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  static RealRedis startIfAvailable() {
    Path exe = executable();
    if (exe == null) {
      return null;
    }
    try {
      int port;
      try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = probe.getLocalPort();
      }
      Path log = Files.createTempFile("backlot-redis-server", ".log");
      Process p = new ProcessBuilder(exe.toString(), "--port", String.valueOf(port),
          "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no")
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .start();
      RealRedis r = new RealRedis(p, port, log);
      await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
          .until(() -> !p.isAlive() || r.ping());
      if (!p.isAlive()) {
        throw new IllegalStateException("redis-server exited: " + Files.readString(log));
      }
      return r;
    } catch (IOException e) {
      throw new IllegalStateException("could not start redis-server", e);
    }
  }

  private boolean ping() {
    try {
      return "PONG".equals(command("PING"));
    } catch (IOException e) {
      return false;
    }
  }

  int port() {
    return port;
  }

  URI uri() {
    return URI.create("redis://127.0.0.1:" + port);
  }

  /** One command on a fresh connection. */
  Object command(String... args) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      Resp.write(out, List.of(args));
      return Resp.read(in);
    }
  }

  void flushAll() {
    try {
      command("FLUSHALL");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    process.destroy(); // SIGTERM to our own PID
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      Files.deleteIfExists(log);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException ignored) {
      // a temp file
    }
  }
}
