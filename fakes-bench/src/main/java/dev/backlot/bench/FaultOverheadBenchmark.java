package dev.backlot.bench;

import dev.backlot.engine.Request;
import dev.backlot.engine.Response;
import dev.backlot.fault.FaultPlan;
import dev.backlot.http.HttpFake;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
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
 * What installed fault rules that do not match cost a request, measured in the same run as no
 * rules at all.
 *
 * <ul>
 *   <li>{@code roundTrip}: HttpFake throughput, one client thread, a real HTTP round trip through
 *       the JDK client;
 *   <li>{@code decide}: the plan's decision alone (no network), to see the cost in nanoseconds.
 * </ul>
 *
 * <p>Half of the rules differ by path, half match method and path and fail on a header, so the
 * matchers do real work. Run: {@code java -jar fakes-bench/target/benchmarks.jar FaultOverhead}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class FaultOverheadBenchmark {

  @Param({"0", "10"})
  public int rules;

  private HttpFake fake;
  private HttpClient client;
  private HttpRequest ping;
  private FaultPlan plan;
  private Request request;

  @Setup(Level.Trial)
  public void setUp() {
    fake = new HttpFake().start();
    fake.stub("GET", "/ping").respond(Response.text(200, "pong"));
    install(fake.faults(), rules);
    client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    ping = HttpRequest.newBuilder(URI.create(fake.baseUri() + "/ping")).build();

    plan = new FaultPlan(1, fake.clock(), fake.journal(), () -> dev.backlot.engine.ErrorShape.DEFAULT);
    install(plan, rules);
    request = Request.of("GET", "/ping", Map.of("Accept", "*/*"), null);
  }

  static void install(FaultPlan faults, int n) {
    for (int i = 0; i < n; i++) {
      if (i % 2 == 0) {
        faults.on("GET", "/other/" + i + "/{id}").status(503);
      } else {
        faults.on("GET", "/ping").header("X-Fail", "yes-" + i).status(503);
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (!fake.faults().unfired().equals(fake.faults().rules())) {
      throw new IllegalStateException("a 'non-matching' rule fired: " + fake.faults());
    }
    fake.close();
  }

  @TearDown(Level.Iteration)
  public void clearJournal() {
    fake.journal().clear(); // keep the journal from filling up and evicting during measurement
  }

  @Benchmark
  public int roundTrip() throws IOException, InterruptedException {
    return client.send(ping, HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  @Benchmark
  public Object decide() {
    return plan.decide(request, null);
  }
}
