package dev.backlot.bench;

import dev.backlot.wire.ErrorShape;
import dev.backlot.wire.Request;
import dev.backlot.wire.Response;
import dev.backlot.fault.FaultDecider;
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
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
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
 * What installed fault rules that do not match cost, against no rules at all, in the same run.
 *
 * <ul>
 *   <li>{@code roundTrip}: HttpFake throughput through the JDK client, one thread, 0 then 10
 *       rules (JMH runs the two one after the other);
 *   <li>{@code sideBySide}: the same two fakes measured at the same time, one client thread each,
 *       so both see the same machine noise: the fairest comparison on a busy box;
 *   <li>{@code decide}: the plan's decision alone, no network, to see the cost in nanoseconds.
 * </ul>
 *
 * <p>Half of the rules differ by path, half match method and path and fail on a header, so the
 * matchers do real work. Run: {@code java -jar fakes-bench/target/benchmarks.jar FaultOverhead}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class FaultOverheadBenchmark {

  static final int RULES = 10;

  /** Ten rules, none matching GET /ping. */
  static void install(FaultPlan faults, int n) {
    for (int i = 0; i < n; i++) {
      if (i % 2 == 0) {
        faults.on("GET", "/other/" + i + "/{id}").status(503);
      } else {
        faults.on("GET", "/ping").header("X-Fail", "yes-" + i).status(503);
      }
    }
  }

  static HttpFake fake(int rules) {
    HttpFake fake = new HttpFake().start();
    fake.stub("GET", "/ping").respond(Response.text(200, "pong"));
    install(fake.faults(), rules);
    return fake;
  }

  static void close(HttpFake fake) {
    if (!fake.faults().unfired().equals(fake.faults().rules())) {
      throw new IllegalStateException("a 'non-matching' rule fired: " + fake.faults());
    }
    fake.close();
  }

  static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  static int ping(HttpRequest r) throws IOException, InterruptedException {
    return CLIENT.send(r, HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  /** One fake with {@code rules} rules. */
  @State(Scope.Benchmark)
  public static class Served {
    @Param({"0", "10"})
    public int rules;

    HttpFake fake;
    HttpRequest ping;

    @Setup(Level.Trial)
    public void setUp() {
      fake = fake(rules);
      ping = HttpRequest.newBuilder(URI.create(fake.baseUri() + "/ping")).build();
    }

    @TearDown(Level.Iteration)
    public void clearJournal() {
      fake.journal().clear(); // the journal must not fill up and start evicting mid-run
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      close(fake);
    }
  }

  /** Two fakes side by side: one without rules, one with ten. */
  @State(Scope.Group)
  public static class Pair {
    HttpFake plain;
    HttpFake ruled;
    HttpRequest pingPlain;
    HttpRequest pingRuled;

    @Setup(Level.Trial)
    public void setUp() {
      plain = fake(0);
      ruled = fake(RULES);
      pingPlain = HttpRequest.newBuilder(URI.create(plain.baseUri() + "/ping")).build();
      pingRuled = HttpRequest.newBuilder(URI.create(ruled.baseUri() + "/ping")).build();
    }

    @TearDown(Level.Iteration)
    public void clearJournals() {
      plain.journal().clear();
      ruled.journal().clear();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      close(plain);
      close(ruled);
    }
  }

  /** A plan on its own, for the decision's cost. */
  @State(Scope.Benchmark)
  public static class Decisions {
    @Param({"0", "10"})
    public int rules;

    FaultDecider plan;
    Request request;

    @Setup(Level.Trial)
    public void setUp() {
      plan = FaultDecider.create(1, dev.backlot.time.Clock.system(), new dev.backlot.journal.Journal(),
          () -> ErrorShape.DEFAULT);
      install(plan.plan(), rules);
      request = Request.of("GET", "/ping", Map.of("Accept", "*/*"), null);
    }
  }

  @Benchmark
  public int roundTrip(Served s) throws IOException, InterruptedException {
    return ping(s.ping);
  }

  @Benchmark
  @Group("sideBySide")
  @GroupThreads(1)
  public int noRules(Pair p) throws IOException, InterruptedException {
    return ping(p.pingPlain);
  }

  @Benchmark
  @Group("sideBySide")
  @GroupThreads(1)
  public int tenRules(Pair p) throws IOException, InterruptedException {
    return ping(p.pingRuled);
  }

  @Benchmark
  public Object decide(Decisions d) {
    return d.plan.decide(d.request, null);
  }
}
