package dev.backlot.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backlot.wire.HttpError;
import dev.backlot.wire.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Which answers run on the IO thread and which on a worker: only routes declared non-blocking
 * and stubs with fixed answers run inline; the test's own code always runs on a worker, so a
 * handler that waits never holds an IO thread.
 */
class InlineAnswerTest {

  static final class ThreadFake extends FakeServer<ThreadFake> {
    final AtomicReference<String> inlineThread = new AtomicReference<>();
    final AtomicReference<String> workerThread = new AtomicReference<>();
    final AtomicReference<String> maybeThread = new AtomicReference<>();
    final AtomicReference<Object> maybeBody = new AtomicReference<>();
    final CompletableFuture<Response> later = new CompletableFuture<>();

    ThreadFake(Builder b) {
      super("threads", b);
    }

    @Override
    protected void routes(Routes r) {
      r.get("/fast", req -> {
            inlineThread.set(Thread.currentThread().getName());
            return Response.text(200, "fast");
          }).nonBlocking()
          .get("/slow", req -> {
            workerThread.set(Thread.currentThread().getName());
            return Response.text(200, "slow");
          })
          .get("/bad", req -> {
            throw new HttpError(409, "conflict");
          }).nonBlocking()
          .post("/maybe", req -> {
            maybeThread.set(Thread.currentThread().getName());
            maybeBody.set(req.json());
            return Response.text(200, "maybe");
          }).nonBlockingWhen(req -> !req.json().path("slow").asBoolean(false))
          .get("/later", req -> Response.later(later)).nonBlocking();
    }

    @Override
    protected void resetState() {}

    static final class Builder extends FakeServer.Builder<Builder, ThreadFake> {
      @Override
      public ThreadFake build() {
        return new ThreadFake(this);
      }
    }
  }

  final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  ThreadFake fake;

  @AfterEach
  void close() {
    if (fake != null) {
      fake.close();
    }
  }

  HttpResponse<String> get(String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(fake.baseUri() + path))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void nonBlockingRouteRunsOnTheIoThreadOthersOnAWorker() throws Exception {
    fake = new ThreadFake.Builder().start();
    assertThat(get("/fast").body()).isEqualTo("fast");
    assertThat(get("/slow").body()).isEqualTo("slow");
    assertThat(fake.inlineThread.get()).contains("I/O");
    assertThat(fake.workerThread.get()).doesNotContain("I/O");
    HttpResponse<String> bad = get("/bad");
    assertThat(bad.statusCode()).isEqualTo(409);
    assertThat(fake.journal().requests()).hasSize(3);
    assertThat(fake.journal().last().orElseThrow().status()).isEqualTo(409);
  }

  @Test
  void stubThatRunsTestCodeGoesToAWorkerEvenOverANonBlockingRoute() throws Exception {
    fake = new ThreadFake.Builder().start();
    AtomicReference<String> seen = new AtomicReference<>();
    fake.stub("GET", "/fast").respondWith(req -> {
      seen.set(Thread.currentThread().getName());
      return Response.text(200, "stubbed");
    });
    assertThat(get("/fast").body()).isEqualTo("stubbed");
    assertThat(seen.get()).doesNotContain("I/O");
    assertThat(fake.inlineThread.get()).isNull();

    AtomicReference<String> cond = new AtomicReference<>();
    fake.stub("GET", "/when").when(req -> {
      cond.set(Thread.currentThread().getName());
      return true;
    }).respond(Response.text(200, "when"));
    assertThat(get("/when").body()).isEqualTo("when");
    assertThat(cond.get()).doesNotContain("I/O");
  }

  @Test
  void aWaitingHandlerDoesNotHoldBackFixedStubs() throws Exception {
    fake = new ThreadFake.Builder().start();
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(1);
    fake.stub("GET", "/wait").respondWith(req -> {
      entered.countDown();
      release.await(30, TimeUnit.SECONDS);
      return Response.text(200, "waited");
    });
    fake.stub("GET", "/fixed").respond(Response.text(200, "first"), Response.text(200, "then"));
    fake.stub("GET", "/fixed").header("X-Kind", "a").respond(Response.json(200, "{\"a\":1}"));
    CompletableFuture<HttpResponse<String>> waiting = client.sendAsync(
        HttpRequest.newBuilder(URI.create(fake.baseUri() + "/wait")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < 4; i++) {
      assertThat(get("/fixed").body()).isEqualTo(i == 0 ? "first" : "then");
    }
    HttpResponse<String> byHeader = client.send(
        HttpRequest.newBuilder(URI.create(fake.baseUri() + "/fixed")).header("X-Kind", "a").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(byHeader.body()).isEqualTo("{\"a\":1}");
    assertThat(waiting).isNotDone();
    release.countDown();
    assertThat(waiting.get(30, TimeUnit.SECONDS).body()).isEqualTo("waited");
  }

  @Test
  void expectJsonStubAnswers400InlineAndKeepsServing() throws Exception {
    fake = new ThreadFake.Builder().start();
    fake.stub("POST", "/orders").expectJson().respond(Response.status(201));
    HttpResponse<String> bad = client.send(
        HttpRequest.newBuilder(URI.create(fake.baseUri() + "/orders"))
            .POST(HttpRequest.BodyPublishers.ofString("{nope")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(bad.statusCode()).isEqualTo(400);
    HttpResponse<String> good = client.send(
        HttpRequest.newBuilder(URI.create(fake.baseUri() + "/orders"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(good.statusCode()).isEqualTo(201);
    assertThat(fake.journal().requests()).extracting(e -> e.status()).containsExactly(400, 201);
  }

  HttpResponse<String> post(String path, String body) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(fake.baseUri() + path))
        .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aConditionalRouteRunsInlineOnlyForTheRequestsItAccepts() throws Exception {
    fake = new ThreadFake.Builder().start();
    assertThat(post("/maybe", "{\"slow\":false}").body()).isEqualTo("maybe");
    assertThat(fake.maybeThread.get()).contains("I/O");
    assertThat(post("/maybe", "{\"slow\":true}").body()).isEqualTo("maybe");
    assertThat(fake.maybeThread.get()).doesNotContain("I/O");
    assertThat(fake.maybeBody.get().toString()).isEqualTo("{\"slow\":true}");
    // the condition's own failure (here: a body that is not JSON) is answered in the error shape
    HttpResponse<String> bad = post("/maybe", "{nope");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("Malformed JSON");
    assertThat(fake.journal().requests()).extracting(e -> e.status()).containsExactly(200, 200, 400);
  }

  @Test
  void aDeferredAnswerFromAnInlineRouteIsWrittenWhenItCompletes() throws Exception {
    fake = new ThreadFake.Builder().start();
    CompletableFuture<HttpResponse<String>> pending = client.sendAsync(
        HttpRequest.newBuilder(URI.create(fake.baseUri() + "/later")).build(),
        HttpResponse.BodyHandlers.ofString());
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
        .until(() -> fake.journal().size() == 1);
    assertThat(pending).isNotDone();
    fake.later.complete(Response.text(201, "done"));
    HttpResponse<String> r = pending.get(30, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(201);
    assertThat(r.body()).isEqualTo("done");
    assertThat(get("/fast").body()).isEqualTo("fast"); // the connection goes on serving
  }

  @Test
  void nonBlockingMustFollowAnHttpRoute() {
    Routes r = new Routes();
    org.assertj.core.api.Assertions.assertThatThrownBy(r::nonBlocking)
        .isInstanceOf(IllegalStateException.class);
  }
}
