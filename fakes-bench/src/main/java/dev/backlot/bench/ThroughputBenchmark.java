package dev.backlot.bench;

import dev.backlot.wire.Response;
import dev.backlot.http.HttpFake;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/** Plain-fake request throughput over loopback with a keep-alive client (java.net.http). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ThroughputBenchmark {

  HttpFake fake;
  HttpClient client;
  HttpRequest ping;

  @Setup(Level.Trial)
  public void up() {
    // The default journal keeps 10,000 entries: the steady state of a long test.
    fake = new HttpFake().start();
    fake.stub("GET", "/ping").respond(Response.json(200, "{\"ok\":true}"));
    client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    ping = HttpRequest.newBuilder(URI.create(fake.baseUri() + "/ping")).build();
  }

  @TearDown(Level.Trial)
  public void down() {
    fake.close();
  }

  @Benchmark
  @Threads(1)
  public int oneClientThread() throws Exception {
    return client.send(ping, HttpResponse.BodyHandlers.ofByteArray()).statusCode();
  }

  @Benchmark
  @Threads(4)
  public int fourClientThreads() throws Exception {
    return client.send(ping, HttpResponse.BodyHandlers.ofByteArray()).statusCode();
  }
}
