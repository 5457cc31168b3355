package dev.backlot.bench;

import dev.backlot.wire.Response;
import dev.backlot.http.HttpFake;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Start a fake, stub a route, get the first response, close: what a test pays per fake.
 *
 * <ul>
 *   <li>{@code cold}: the first fake in a fresh JVM (one shot per fork; class loading included).
 *   <li>{@code warm}: another fake in a JVM that already has one running (the shared IO worker is
 *       up), as in a test class whose fakes are per method next to a per-class one.
 *   <li>{@code warmAlone}: the same with no other fake alive: the shared worker survives the
 *       close for a short grace period, so back-to-back per-test fakes still reuse it.
 * </ul>
 */
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class StartupBenchmark {

  static int firstResponse(HttpFake fake) throws Exception {
    HttpURLConnection c =
        (HttpURLConnection) URI.create(fake.baseUri() + "/ping").toURL().openConnection();
    try (InputStream in = c.getInputStream()) {
      return c.getResponseCode() + in.readAllBytes().length;
    }
  }

  static int startStubServeClose() throws Exception {
    try (HttpFake fake = new HttpFake().start()) {
      fake.stub("GET", "/ping").respond(Response.text(200, "pong"));
      return firstResponse(fake);
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @Fork(10)
  @Warmup(iterations = 0)
  @Measurement(iterations = 1)
  public int cold() throws Exception {
    return startStubServeClose();
  }

  /** Keeps one fake alive, as a per-class fake would. */
  @State(Scope.Benchmark)
  public static class Anchor {
    HttpFake anchor;

    @Setup(Level.Trial)
    public void up() {
      anchor = new HttpFake().start();
    }

    @TearDown(Level.Trial)
    public void down() {
      anchor.close();
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @Fork(1)
  @Warmup(iterations = 3, time = 2)
  @Measurement(iterations = 5, time = 2)
  public int warm(Anchor anchor) throws Exception {
    return startStubServeClose();
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @Fork(1)
  @Warmup(iterations = 3, time = 2)
  @Measurement(iterations = 5, time = 2)
  public int warmAlone() throws Exception {
    return startStubServeClose();
  }
}
