package dev.backlot.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.backlot.wire.Request;
import dev.backlot.journal.Entry;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Delays cost no threads; concurrent decisions are taken one at a time, in journal order. */
class FaultConcurrencyTest {

  private static final int N = 200;

  private final TestBackend fake = TestBackend.started();
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

  @Test
  void twoHundredDelayedRequestsWaitTogetherOnAHandfulOfThreads() throws Exception {
    // Raw HTTP/1.1 on 200 sockets opened beforehand, so every request arrives within a few
    // milliseconds and all 200 are waiting out their delay at the same time.
    assertThat(send("GET", "/data/16").get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    fake.journal().clear();
    fake.faults().onAny().delay(Duration.ofMillis(500));
    byte[] request =
        "GET /data/16 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    List<Socket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < N; i++) {
        Socket s = new Socket("127.0.0.1", fake.port());
        s.setSoTimeout(30_000);
        sockets.add(s);
      }
      long start = System.nanoTime();
      for (Socket s : sockets) {
        s.getOutputStream().write(request);
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> fake.journal().requests().size() == N);
      long answeredBeforeCount = fake.journal().count(Entry::completed);
      List<String> threads = backlotThreads();
      int live = Thread.activeCount();

      for (Socket s : sockets) {
        String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(response).startsWith("HTTP/1.1 200 ");
      }
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

      System.out.printf(
          "200 x 500 ms delay over raw sockets: all answered after %d ms; %d Backlot threads while"
              + " all 200 waited %s; %d live threads in the JVM%n",
          elapsed.toMillis(), threads.size(), threads, live);
      assertThat(answeredBeforeCount).as("counted while every request was still waiting").isZero();
      // The accept thread, 2 IO threads, the worker's core task threads (4), the clock's
      // scheduler thread: nothing per waiting request.
      assertThat(threads).hasSizeLessThanOrEqualTo(10);
      assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(500)).isLessThan(Duration.ofSeconds(15));
    } finally {
      for (Socket s : sockets) {
        s.close();
      }
    }
  }

  @Test
  void twoHundredDelayedRequestsFromTheJdkClientTakeAboutOneDelayNotTwoHundred() throws Exception {
    fake.faults().onAny().delay(Duration.ofMillis(500));

    long start = System.nanoTime();
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      calls.add(send("GET", "/data/16"));
    }
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

    for (CompletableFuture<HttpResponse<String>> c : calls) {
      assertThat(c.get().statusCode()).isEqualTo(200);
    }
    assertThat(fake.journal().requests())
        .allSatisfy(e -> assertThat(e.latency()).isGreaterThanOrEqualTo(Duration.ofMillis(500)));
    System.out.printf("200 x 500 ms delay from java.net.http: %d ms (serially: 100,000 ms)%n",
        elapsed.toMillis());
    assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(500)).isLessThan(Duration.ofSeconds(15));
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

  static List<String> backlotThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith("backlot"))
        .sorted()
        .toList();
  }
}
