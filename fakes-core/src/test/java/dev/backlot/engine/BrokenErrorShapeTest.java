package dev.backlot.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backlot.time.Clock;
import dev.backlot.time.ManualClock;
import dev.backlot.wire.ErrorShape;
import dev.backlot.wire.HttpError;
import dev.backlot.wire.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A fake whose error shape throws while rendering still answers: a 500 with a plain-text body
 * naming what failed, on every path an error is rendered on (a route's HttpError, a route that
 * crashes, a non-blocking route, no route, an injected fault status, a handler after a fault's
 * delay), instead of a dropped or hanging connection. The fake keeps serving.
 */
class BrokenErrorShapeTest {

  /** A fake with a broken error shape: it throws, or answers null. */
  static final class BrokenFake extends FakeServer<BrokenFake> {
    final boolean answersNull;

    BrokenFake(Builder b) {
      super("broken", b);
      this.answersNull = b.answersNull;
    }

    @Override
    protected ErrorShape errorShape() {
      return (status, message, details) -> {
        if (answersNull) {
          return null;
        }
        throw new IllegalStateException("the shape broke on " + status);
      };
    }

    @Override
    protected void routes(Routes r) {
      r.get("/conflict", req -> {
            throw HttpError.conflict("taken");
          })
          .get("/crash", req -> {
            throw new IllegalArgumentException("handler bug");
          })
          .get("/inline", req -> {
            throw HttpError.badRequest("inline");
          }).nonBlocking()
          .get("/faulted", req -> Response.text(200, "never"))
          .get("/delayed", req -> {
            throw HttpError.notFound("after the delay");
          })
          .get("/ok", req -> Response.text(200, "fine"));
    }

    static final class Builder extends FakeServer.Builder<Builder, BrokenFake> {
      boolean answersNull;

      @Override
      public BrokenFake build() {
        return new BrokenFake(this);
      }
    }
  }

  private final ManualClock clock = Clock.manual();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private BrokenFake fake;

  @AfterEach
  void close() {
    if (fake != null) {
      fake.close();
    }
  }

  private BrokenFake start(boolean answersNull) {
    BrokenFake.Builder b = new BrokenFake.Builder();
    b.answersNull = answersNull;
    fake = b.clock(clock).start();
    fake.faults().on("GET", "/faulted").status(503);
    fake.faults().on("GET", "/delayed").delay(Duration.ofSeconds(1));
    return fake;
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(fake.baseUri() + path))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @ParameterizedTest(name = "shape answers null: {0}")
  @ValueSource(booleans = {false, true})
  void everyErrorPathAnswersAPlain500(boolean answersNull) throws Exception {
    start(answersNull);
    for (String path : new String[] {"/conflict", "/crash", "/inline", "/nothing", "/faulted"}) {
      assertPlain500(get(path), path);
    }
    var delayed = http.sendAsync(HttpRequest.newBuilder(URI.create(fake.baseUri() + "/delayed"))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
        fake.journal().requests().stream().anyMatch(e -> e.path().equals("/delayed")));
    clock.advance(Duration.ofSeconds(1));
    assertPlain500(delayed.get(), "/delayed");

    HttpResponse<String> ok = get("/ok");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo("fine");
  }

  @Test
  void theDefaultShapeAnswersInItsOwnShapeWithStringDetails() throws Exception {
    try (dev.backlot.http.HttpFake http = dev.backlot.http.HttpFake.builder().start()) {
      http.stub("GET", "/conflict").respondWith(req -> {
        throw HttpError.conflict("taken").with("reason", "conflict").with("retry", Map.of("after", 2));
      });
      HttpResponse<String> r = this.http.send(HttpRequest.newBuilder(URI.create(http.baseUri() + "/conflict"))
          .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(409);
      assertThat(r.body()).isEqualTo(
          "{\"error\":{\"status\":409,\"message\":\"taken\",\"reason\":\"conflict\",\"retry\":{\"after\":2}}}");
    }
  }

  private static void assertPlain500(HttpResponse<String> r, String path) {
    assertThat(r.statusCode()).as(path).isEqualTo(500);
    assertThat(r.headers().firstValue("Content-Type")).as(path).hasValueSatisfying(
        t -> assertThat(t).startsWith("text/plain"));
    assertThat(r.body()).as(path).contains("broken fake").contains("error shape");
  }
}
