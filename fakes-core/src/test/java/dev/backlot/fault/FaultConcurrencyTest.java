package dev.backlot.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.backlot.wire.Request;
import dev.backlot.journal.Entry;
import dev.backlot.time.Clock;
import dev.backlot.time.ManualClock;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Delays cost no threads; concurrent decisions are taken one at a time, in journal order. */
class FaultConcurrencyTest {

  private static final int N = 200;

  private TestBackend fake = TestBackend.started();
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @AfterEach
  void close() {
    fake.close();
  }

  private CompletableFuture<HttpResponse<String>> send(String method, String path) {
    return client.sendAsync(
        HttpRequest.newBuilder(URI.create(fake.baseUri() + path))
            .timeout(Duration.ofSeconds(60))
            .method(method, method.equals("GET")
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString("{}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Puts the fake on a manual clock, so a delay ends only when the test moves time. */
  private ManualClock useManualClock() {
    ManualClock clock = Clock.manual();
    fake.close();
    fake = TestBackend.builder().clock(clock).start();
    return clock;
  }

  @Test
  void twoHundredDelayedRequestsWaitTogetherOnAHandfulOfThreads() throws Exception {
    // Raw HTTP/1.1 on 200 sockets opened beforehand. The delay runs on a manual clock, so all
    // 200 are provably waiting at the same moment however slowly this machine delivers them
    // (on the wall clock a 0.5 s stall let the first answer go out before the last arrived).
    ManualClock clock = useManualClock();
    assertThat(send("GET", "/data/16").get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    fake.journal().clear();
    fake.faults().onAny().delay(Duration.ofMillis(500));
    byte[] request =
        "GET /data/16 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    // Threads alive after the warm-up request: whatever earlier tests left in this JVM (a task
    // thread in its keep-alive, another fake's threads on their way out) is not counted.
    Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
    List<Socket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < N; i++) {
        Socket s = new Socket("127.0.0.1", fake.port());
        s.setSoTimeout(30_000);
        sockets.add(s);
      }
      for (Socket s : sockets) {
        s.getOutputStream().write(request);
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> clock.pendingTasks() == N);
      long answeredBeforeCount = fake.journal().count(Entry::completed);
      List<String> threads = backlotThreads();
      List<String> started = backlotThreadsStartedSince(before);

      clock.advance(Duration.ofMillis(499));
      assertThat(fake.journal().count(Entry::completed)).as("answered before the delay was over").isZero();
      clock.advance(Duration.ofMillis(1)); // one step of the clock releases all 200
      for (Socket s : sockets) {
        String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(response).startsWith("HTTP/1.1 200 ");
      }

      System.out.printf(
          "200 x 500 ms delay over raw sockets: %d Backlot threads while all 200 waited %s,"
              + " %d of them started meanwhile %s%n",
          threads.size(), threads, started.size(), started);
      assertThat(fake.journal().requests()).hasSize(N);
      assertThat(answeredBeforeCount).as("counted while every request was still waiting").isZero();
      // No thread per waiting request: the IO threads read all 200 and put each on the clock.
      // (Growth, not a total: a total counts threads earlier tests left in their keep-alive.)
      assertThat(started).as("Backlot threads started while 200 requests waited").hasSizeLessThanOrEqualTo(10);
    } finally {
      for (Socket s : sockets) {
        s.close();
      }
    }
  }

  @Test
  void twoHundredDelayedRequestsFromTheJdkClientTakeAboutOneDelayNotTwoHundred() throws Exception {
    // One delay, not two hundred: all 200 wait at the same moment and one 500 ms step of the
    // clock answers them all. On a manual clock, so no wall-clock bound can be missed by a
    // stalled machine.
    ManualClock clock = useManualClock();
    fake.faults().onAny().delay(Duration.ofMillis(500));

    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      calls.add(send("GET", "/data/16"));
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> clock.pendingTasks() == N);
    clock.advance(Duration.ofMillis(499));
    assertThat(calls).noneMatch(CompletableFuture::isDone);
    assertThat(fake.journal().count(Entry::completed)).isZero();

    clock.advance(Duration.ofMillis(1));
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

    for (CompletableFuture<HttpResponse<String>> c : calls) {
      assertThat(c.get().statusCode()).isEqualTo(200);
    }
    assertThat(fake.journal().requests()).hasSize(N).allMatch(Entry::completed);
    assertThat(clock.pendingTasks()).isZero();
  }

  @Test
  void concurrentDecisionsFollowJournalOrderExactlyAsASequentialReplayWould() throws Exception {
    long seed = 99;
    fake.faults().seed(seed);
    fake.faults().on("POST", "/prompt").probability(0.3).status(503);

    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      calls.add(send("POST", "/prompt"));
    }
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

    // The same plan, fed the same 200 requests one by one, without any network.
    FaultPlan replay =
        new FaultPlan(seed, dev.backlot.time.Clock.system(), new dev.backlot.journal.Journal(),
            () -> TestBackend.SHAPE);
    replay.on("POST", "/prompt").probability(0.3).status(503);
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < N; i++) {
      HttpFault f = replay.decide(Request.of("POST", "/prompt", Map.of(), "{}".getBytes()), null);
      expected.append(f == null ? '.' : 'X');
    }
    StringBuilder actual = new StringBuilder();
    for (Entry e : fake.journal().requests()) {
      actual.append(e.fault() == null ? '.' : 'X');
      assertThat(e.status()).isEqualTo(e.fault() == null ? 200 : 503);
    }
    assertThat(actual.toString()).isEqualTo(expected.toString());
    long failed = calls.stream().filter(c -> c.join().statusCode() == 503).count();
    assertThat(failed).isEqualTo(expected.chars().filter(ch -> ch == 'X').count());
  }

  /** Names of live Backlot threads that were not alive in {@code before}. */
  static List<String> backlotThreadsStartedSince(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && !before.contains(t))
        .map(Thread::getName)
        .filter(n -> n.startsWith("backlot"))
        .sorted()
        .toList();
  }

  static List<String> backlotThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith("backlot"))
        .sorted()
        .toList();
  }
}
