package dev.backlot.bench;

import dev.backlot.wire.Response;
import dev.backlot.http.HttpFake;
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
 * {@code reset()} as the JUnit extension calls it before every test: test stubs dropped, journal
 * cleared, the builder's setup (here 10 stubs) applied again.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ResetBenchmark {

  HttpFake fake;

  @Setup(Level.Trial)
  public void up() {
    fake =
        HttpFake.builder()
            .setup(
                f -> {
                  for (int i = 0; i < 10; i++) {
                    f.stub("GET", "/setup/" + i).respond(Response.text(200, "s" + i));
                  }
                })
            .start();
  }

  @TearDown(Level.Trial)
  public void down() {
    fake.close();
  }

  @Benchmark
  public HttpFake reset() {
    fake.stub("GET", "/test-only").respond(Response.status(204));
    fake.reset();
    return fake;
  }
}
