package dev.backlot.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backlot.journal.Entry;
import dev.backlot.wire.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A route handler, a stub's {@code respondWith} or a deferred answer that gives null instead of
 * a response: the client gets a 500 in the fake's error shape naming the request (it used to
 * wait forever), the journal says why, the handler ran once, and the fake keeps serving. On a
 * worker and on the IO thread alike. Each request has a short timeout, so a regression fails
 * rather than hangs.
 */
class StubOrRouteWithNoResponseTest {

  static final class NullFake extends FakeServer<NullFake> {
    final AtomicInteger calls = new AtomicInteger();
    final CompletableFuture<Response> later = new CompletableFuture<>();

    NullFake(Builder b) {
      super("nulls", b);
    }

    @Override
    protected void routes(Routes r) {
      r.get("/worker", req -> {
            calls.incrementAndGet();
            return null;
          })
          .get("/inline", req -> {
            calls.incrementAndGet();
            return null;
          }).nonBlocking()
          .get("/inline-when", req -> {
            calls.incrementAndGet();
            return null;
          }).nonBlockingWhen(req -> true)
          .get("/later", req -> Response.later(later)).nonBlocking()
          .get("/ok", req -> Response.text(200, "ok")).nonBlocking()
          .get("/ok-worker", req -> Response.text(200, "ok"));
    }

    @Override
    protected void resetState() {}

    static final class Builder extends FakeServer.Builder<Builder, NullFake> {
      @Override
      public NullFake build() {
        return new NullFake(this);
      }
    }
  }

  final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  NullFake fake = new NullFake.Builder().start();

  @AfterEach
  void close() {
    fake.close();
  }

  HttpResponse<String> get(String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(fake.baseUri() + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  void assertNoResponseAnswer(String path, String what) throws Exception {
    HttpResponse<String> r = get(path);
    String why = what + " for GET " + path;
    assertThat(r.statusCode()).as(path).isEqualTo(500);
    assertThat(r.body()).as(path).contains(why).contains("no response");
    Entry e = fake.journal().last().orElseThrow();
    assertThat(e.path()).isEqualTo(path);
    assertThat(e.status()).isEqualTo(500);
    assertThat(e.outcome()).contains(why).contains("no response");
    // and the fake keeps serving, on the IO thread and on a worker
    assertThat(get("/ok").body()).isEqualTo("ok");
    assertThat(get("/ok-worker").body()).isEqualTo("ok");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/worker", "/inline", "/inline-when"})
  void aRouteReturningNullIsAnswered500Once(String path) throws Exception {
    assertNoResponseAnswer(path, "handler");
    assertThat(fake.calls.get()).as("the handler ran once").isEqualTo(1);
  }

  @Test
  void aStubFunctionReturningNullIsAnswered500() throws Exception {
    AtomicInteger stubCalls = new AtomicInteger();
    fake.stub("GET", "/stubbed/{id}").respondWith(req -> {
      stubCalls.incrementAndGet();
      return null;
    });
    assertNoResponseAnswer("/stubbed/7", "handler");
    assertThat(stubCalls.get()).isEqualTo(1);
  }

  @Test
  void aFixedStubOfNullIsAnswered500AndTheSequenceGoesOn() throws Exception {
    // answered on the IO thread: the null must not send it to a worker, where the stub's
    // sequence would be asked again and skip ahead
    fake.stub("GET", "/seq").respond(null, Response.text(200, "second"));
    assertNoResponseAnswer("/seq", "handler");
    assertThat(get("/seq").body()).isEqualTo("second");
  }

  @Test
  void aDeferredResponseCompletedWithNullIsAnswered500() throws Exception {
    var pending = client.sendAsync(HttpRequest.newBuilder(URI.create(fake.baseUri() + "/later"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
        .until(() -> fake.journal().requests().size() == 1);
    fake.later.complete(null);
    HttpResponse<String> r = pending.get();
    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(r.body()).contains("deferred response for GET /later completed with no response");
    assertThat(fake.journal().last().orElseThrow().outcome())
        .contains("deferred response for GET /later completed with no response");
    assertThat(get("/ok").body()).isEqualTo("ok");
  }
}
