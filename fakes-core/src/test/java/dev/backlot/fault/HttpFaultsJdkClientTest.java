package dev.backlot.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.backlot.time.Clock;
import dev.backlot.wire.Json;
import dev.backlot.time.ManualClock;
import dev.backlot.wire.Response;
import dev.backlot.journal.Entry;
import dev.backlot.journal.RequestPattern;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every HTTP fault action, observed by the JDK's own HTTP client on a real connection. */
class HttpFaultsJdkClientTest {

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private TestBackend fake = TestBackend.started();

  @AfterEach
  void close() {
    fake.close();
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(fake.baseUri() + path)).timeout(Duration.ofSeconds(20));
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return client.send(
        request(path).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<byte[]> get(String path) throws Exception {
    return client.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void statusAnswersInTheFakesOwnErrorShapeForTheNextTwoThenTheHandlerAnswers() throws Exception {
    fake.faults().on("POST", "/prompt").next(2).status(503);

    HttpResponse<String> first = post("/prompt", "{}");
    HttpResponse<String> second = post("/prompt", "{}");
    HttpResponse<String> third = post("/prompt", "{}");

    assertThat(first.statusCode()).isEqualTo(503);
    assertThat(Json.parse(first.body()).at("/detail/code").asInt()).isEqualTo(503);
    assertThat(Json.parse(first.body()).at("/detail/msg").asText()).isEqualTo("Service Unavailable");
    assertThat(first.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(second.statusCode()).isEqualTo(503);
    assertThat(third.statusCode()).isEqualTo(200);
    assertThat(Json.parse(third.body()).get("prompt_id").asInt()).isEqualTo(1);
    assertThat(fake.prompts).hasValue(1); // the handler never saw the failed two

    var entries = fake.journal().requests();
    assertThat(entries.get(0).fault())
        .contains("#1 POST /prompt, next(2) -> status 503")
        .contains("seed " + FaultPlan.DEFAULT_SEED);
    assertThat(entries.get(0).status()).isEqualTo(503);
    assertThat(entries.get(2).fault()).isNull();
  }

  @Test
  void rateLimitSends429WithRetryAfterAndRetryAfterMs() throws Exception {
    fake.faults().on("POST", "/prompt").next(1).rateLimit(Duration.ofMillis(1500)).retryAfterMs();

    HttpResponse<String> r = post("/prompt", "{}");

    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.headers().firstValue("Retry-After")).hasValue("2");
    assertThat(r.headers().firstValue("Retry-After-Ms")).hasValue("1500");
    assertThat(Json.parse(r.body()).at("/detail/code").asInt()).isEqualTo(429);
    assertThat(post("/prompt", "{}").statusCode()).isEqualTo(200);
  }

  @Test
  void respondSendsExactlyTheGivenResponseWithExtraHeaders() throws Exception {
    fake.faults().on("GET", "/data/{size}")
        .respond(Response.text(418, "short and stout"))
        .addHeader("X-Teapot", "yes");

    HttpResponse<byte[]> r = get("/data/10");

    assertThat(r.statusCode()).isEqualTo(418);
    assertThat(new String(r.body())).isEqualTo("short and stout");
    assertThat(r.headers().firstValue("X-Teapot")).hasValue("yes");
  }

  @Test
  void delayWaitsOnTheFakesClockThenAnswers503() throws Exception {
    ManualClock clock = Clock.manual();
    fake.close();
    fake = TestBackend.builder().clock(clock).start();
    fake.faults().on("POST", "/prompt").delay(Duration.ofSeconds(30)).status(503);

    CompletableFuture<HttpResponse<String>> pending =
        client.sendAsync(
            request("/prompt").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
            HttpResponse.BodyHandlers.ofString());
    await().atMost(Duration.ofSeconds(30)).until(() -> clock.pendingTasks() == 1);

    clock.advance(Duration.ofSeconds(29));
    assertThat(pending).isNotDone();
    assertThat(clock.pendingTasks()).isEqualTo(1); // still waiting on the fake's clock, no thread

    clock.advance(Duration.ofSeconds(1));
    HttpResponse<String> r = pending.get(30, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(fake.journal().requests().get(0).fault()).contains("delay 30.0s then status 503");
  }

  @Test
  void delayOnlyRulesAddUpAndLetLaterRulesDecide() throws Exception {
    ManualClock clock = Clock.manual();
    fake.close();
    fake = TestBackend.builder().clock(clock).start();
    fake.faults().onAny().delay(Duration.ofSeconds(1));
    fake.faults().on("POST", "/prompt").delay(Duration.ofSeconds(2));
    fake.faults().on("POST", "/prompt").next(1).status(500);

    CompletableFuture<HttpResponse<String>> pending =
        client.sendAsync(
            request("/prompt").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
            HttpResponse.BodyHandlers.ofString());
    await().atMost(Duration.ofSeconds(30)).until(() -> clock.pendingTasks() == 1);
    clock.advance(Duration.ofMillis(2999));
    assertThat(pending).isNotDone();
    clock.advance(Duration.ofMillis(1));

    assertThat(pending.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(500);
    assertThat(fake.journal().requests().get(0).fault()).contains("#1 ").contains("#2 ").contains("#3 ");
    assertThat(fake.faults().unfired()).isEmpty();
  }

  @Test
  void closeEndsTheConnectionWithNoResponse() {
    fake.faults().on("POST", "/prompt").close();

    // A clean end-of-stream: no reset anywhere in the cause chain.
    assertThatThrownBy(() -> post("/prompt", "{}"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("header parser received no bytes")
        .satisfies(t -> assertThat(causes(t)).noneMatch(c -> String.valueOf(c.getMessage()).contains("reset")));
    assertThat(fake.prompts).hasValue(0);
    Entry e = fake.journal().requests().get(0);
    assertThat(e.outcome()).isEqualTo("connection closed by fault, no response");
    assertThat(e.fault()).contains("-> close");
  }

  @Test
  void resetSendsATcpRst() {
    fake.faults().on("POST", "/prompt").reset();

    assertThatThrownBy(() -> post("/prompt", "{}"))
        .isInstanceOf(IOException.class)
        .hasRootCauseInstanceOf(SocketException.class)
        .hasRootCauseMessage("Connection reset");
    assertThat(fake.prompts).hasValue(0);
    assertThat(fake.journal().requests().get(0).outcome()).isEqualTo("connection reset by fault, no response");
  }

  @Test
  void afterHandlingResetLosesTheAnswerOfAProcessedRequest() {
    fake.faults().on("POST", "/prompt").next(1).afterHandling().reset();

    assertThatThrownBy(() -> post("/prompt", "{}"))
        .isInstanceOf(IOException.class)
        .hasRootCauseInstanceOf(SocketException.class)
        .hasRootCauseMessage("Connection reset");
    assertThat(fake.prompts).hasValue(1); // processed: a blind retry would submit twice
    assertThat(fake.journal().requests().get(0).outcome())
        .startsWith("connection reset by fault after the handler answered 200");
  }

  @Test
  void stallSendsNothingSoTheClientTimesOut() {
    fake.faults().on("GET", "/data/{size}").stall();

    HttpRequest r = request("/data/10").timeout(Duration.ofSeconds(1)).GET().build();
    assertThatThrownBy(() -> client.send(r, HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(HttpTimeoutException.class);
    assertThat(fake.journal().requests().get(0).outcome()).isEqualTo("stalled by fault, no response");
  }

  @Test
  void stallAfterHeadersSendsTheStatusThenNothing() throws Exception {
    fake.faults().on("GET", "/data/{size}").stallAfterHeaders();

    HttpResponse<InputStream> r =
        client.send(request("/data/1000").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValueAsLong("Content-Length")).hasValue(1000);

    CompletableFuture<Integer> firstByte =
        CompletableFuture.supplyAsync(
            () -> {
              try (InputStream in = r.body()) {
                return in.read();
              } catch (IOException e) {
                return -2;
              }
            });
    assertThatThrownBy(() -> firstByte.get(1, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);

    fake.reset(); // cuts stalled connections
    assertThat(firstByte.get(30, TimeUnit.SECONDS)).isIn(-1, -2);
  }

  @Test
  void truncateSendsExactlyNBodyBytesThenCloses() throws Exception {
    fake.faults().on("GET", "/data/{size}").truncate(100);

    // Bytes are counted as they arrive (a subscriber, not ofInputStream(), whose read() may
    // throw on the broken connection before handing over bytes it already has).
    java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
    CompletableFuture<Throwable> end = new CompletableFuture<>();
    java.util.concurrent.atomic.AtomicReference<HttpResponse.ResponseInfo> head =
        new java.util.concurrent.atomic.AtomicReference<>();
    client.sendAsync(
        request("/data/1000").GET().build(),
        info -> {
          head.set(info);
          return HttpResponse.BodySubscribers.fromSubscriber(
              new java.util.concurrent.Flow.Subscriber<java.util.List<java.nio.ByteBuffer>>() {
                @Override
                public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
                  s.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(java.util.List<java.nio.ByteBuffer> items) {
                  for (java.nio.ByteBuffer b : items) {
                    byte[] a = new byte[b.remaining()];
                    b.get(a);
                    got.writeBytes(a);
                  }
                }

                @Override
                public void onError(Throwable t) {
                  end.complete(t);
                }

                @Override
                public void onComplete() {
                  end.complete(null);
                }
              });
        });

    Throwable failure = end.get(20, TimeUnit.SECONDS);
    assertThat(head.get().headers().firstValueAsLong("Content-Length")).hasValue(1000);
    assertThat(got.size()).isEqualTo(100);
    assertThat(failure).as("a short body is an error, not a normal end").isInstanceOf(IOException.class);
    assertThat(got.toByteArray()).isEqualTo(java.util.Arrays.copyOf(TestBackend.body(1000), 100));
    assertThat(fake.journal().requests().get(0).outcome())
        .isEqualTo("closed by fault after 100 of 1000 body bytes");
  }

  @Test
  void corruptChangesExactlyTheSeededBytesAndKeepsTheLength() throws Exception {
    fake.faults().on("GET", "/data/{size}").corrupt(3);

    byte[] got = get("/data/2000").body();
    byte[] original = TestBackend.body(2000);

    assertThat(got).hasSize(2000);
    int[] diffs = diffs(original, got);
    assertThat(diffs).hasSize(3);

    // The same seed changes the same bytes in the same way.
    try (TestBackend again = TestBackend.started()) {
      again.faults().on("GET", "/data/{size}").corrupt(3);
      HttpResponse<byte[]> r =
          client.send(
              HttpRequest.newBuilder(URI.create(again.baseUri() + "/data/2000")).build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(r.body()).isEqualTo(got);
    }
    // Another seed changes others.
    try (TestBackend other = TestBackend.builder().seed(7).start()) {
      other.faults().on("GET", "/data/{size}").corrupt(3);
      HttpResponse<byte[]> r =
          client.send(
              HttpRequest.newBuilder(URI.create(other.baseUri() + "/data/2000")).build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(r.body()).hasSize(2000).isNotEqualTo(got);
    }
  }

  @Test
  void throttleLimitsTheBodyRate() throws Exception {
    fake.faults().on("GET", "/data/{size}").throttle(20_000);

    long start = System.nanoTime();
    HttpResponse<byte[]> r = get("/data/10000");
    long elapsedNanos = System.nanoTime() - start;

    assertThat(r.body()).isEqualTo(TestBackend.body(10_000));
    // 10,000 bytes at 20,000 B/s cannot arrive in less than 500 ms.
    assertThat(Duration.ofNanos(elapsedNanos)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
    assertThat(Duration.ofNanos(elapsedNanos)).isLessThan(Duration.ofSeconds(15));
    double rate = 10_000 / (elapsedNanos / 1e9);
    assertThat(rate).isLessThanOrEqualTo(20_000);
  }

  @Test
  void throttleRunsOnTheFakesClock() throws Exception {
    ManualClock clock = Clock.manual();
    fake.close();
    fake = TestBackend.builder().clock(clock).start();
    fake.faults().on("GET", "/data/{size}").throttle(1000); // 100 bytes every 100 ms

    CompletableFuture<HttpResponse<byte[]>> pending =
        client.sendAsync(request("/data/1000").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    await().atMost(Duration.ofSeconds(30)).until(() -> clock.pendingTasks() == 1);
    for (int i = 0; i < 9; i++) {
      clock.advance(Duration.ofMillis(100)); // one chunk goes out, the next is scheduled
      await().atMost(Duration.ofSeconds(30)).until(() -> clock.pendingTasks() == 1);
    }
    assertThat(pending).isNotDone();
    clock.advance(Duration.ofMillis(100));

    assertThat(pending.get(30, TimeUnit.SECONDS).body()).isEqualTo(TestBackend.body(1000));
  }

  @Test
  void matchersOnHeadersJsonBodyQueryAndRequestPatterns() throws Exception {
    fake.faults().on("POST", "/prompt").json("/client_id", "abc").status(400, "bad client");
    fake.faults().on("POST", "/prompt").header("X-Tenant", "t2").status(403);
    fake.faults().on(RequestPattern.post("/prompt").bodyContains("KSampler")).status(500);
    fake.faults().on("GET", "/data/{size}").query("fail", "yes").status(502);

    assertThat(post("/prompt", "{\"client_id\":\"abc\"}").statusCode()).isEqualTo(400);
    assertThat(post("/prompt", "{\"client_id\":\"xyz\"}").statusCode()).isEqualTo(200);
    assertThat(post("/prompt", "not json").statusCode()).isEqualTo(200);
    assertThat(
            client.send(
                    request("/prompt").header("X-Tenant", "t2")
                        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(403);
    assertThat(post("/prompt", "{\"class_type\":\"KSampler\"}").statusCode()).isEqualTo(500);
    assertThat(get("/data/5?fail=yes").statusCode()).isEqualTo(502);
    assertThat(get("/data/5?fail=no").statusCode()).isEqualTo(200);
    fake.faults().assertAllFired();
  }

  @Test
  void whenConditionsCountMatchingRequests() throws Exception {
    fake.faults().on("POST", "/prompt").every(3).status(503);
    fake.faults().on("GET", "/data/{size}").after(2).status(500);
    fake.faults().on("GET", "/data/{size}").nth(1).status(404);

    StringBuilder prompts = new StringBuilder();
    for (int i = 0; i < 7; i++) {
      prompts.append(post("/prompt", "{}").statusCode()).append(' ');
    }
    StringBuilder data = new StringBuilder();
    for (int i = 0; i < 4; i++) {
      data.append(get("/data/1").statusCode()).append(' ');
    }

    assertThat(prompts.toString().trim()).isEqualTo("200 200 503 200 200 503 200");
    // Rule 2 counts every /data request; rule 3 only sees those rule 2 let through.
    assertThat(data.toString().trim()).isEqualTo("404 200 500 500");
  }

  static java.util.List<Throwable> causes(Throwable t) {
    java.util.List<Throwable> out = new java.util.ArrayList<>();
    for (Throwable c = t; c != null && !out.contains(c); c = c.getCause()) {
      out.add(c);
    }
    return out;
  }

  private static int[] diffs(byte[] a, byte[] b) {
    return java.util.stream.IntStream.range(0, a.length).filter(i -> a[i] != b[i]).toArray();
  }
}
