package dev.backlot.examples.ttv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backlot.gcs.GcsFake;
import dev.backlot.junit.BacklotTest;
import dev.backlot.junit.FakeFactory;
import dev.backlot.redis.RedisFake;
import dev.backlot.time.Clock;
import dev.backlot.time.ManualClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The job API's protocols (the user's "test_http3_protocol_integration"): HTTP/2 over h2c with the
 * JDK's client, HTTP/1.1 as the fallback, and the {@code Alt-Svc} advertisement of HTTP/3 on
 * every answer. HTTP/3 itself is not tested: neither Undertow nor the JDK speaks QUIC, so the
 * advertisement is what a test can check, as the seed's own tests do.
 */
@BacklotTest(reports = true)
class ApiProtocolTest {

  static final ManualClock CLOCK = Clock.manual(TtvStack.START);

  RedisFake redis;
  GcsFake gcs;

  @FakeFactory
  static GcsFake.Builder gcs() {
    return TtvStack.gcs(CLOCK);
  }

  TtvStack app;

  @BeforeEach
  void startTheApp() {
    app = new TtvStack(CLOCK, redis, gcs, null, null, null, null, 0); // no workers: jobs stay queued
  }

  @AfterEach
  void stopTheApp() throws Exception {
    app.close();
  }

  private static HttpClient client(HttpClient.Version version) {
    return HttpClient.newBuilder().version(version).connectTimeout(Duration.ofSeconds(10)).build();
  }

  @Test
  void theApiAnswersHttp2OverH2cToTheJdkClient() {
    Api h2 = new Api(app.api.baseUri(), client(HttpClient.Version.HTTP_2));

    Api.Reply health = h2.send("GET", "/healthz", null);
    Api.Reply submitted = h2.send("POST", "/v1/jobs", Map.of("prompt", "a kite", "generator", "veo"));

    assertThat(health.raw().version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(health.json().path("protocol").asText()).as("what the server saw").isEqualTo("HTTP/2.0");
    assertThat(submitted.status()).isEqualTo(202);
    assertThat(submitted.raw().version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(h2.status(submitted.json().path("id").asText()).path("status").asText()).isEqualTo("queued");
  }

  @Test
  void everyAnswerAdvertisesHttp3InAltSvcSuccessesAndErrorsAlike() {
    Api h2 = new Api(app.api.baseUri(), client(HttpClient.Version.HTTP_2));

    List<Api.Reply> replies = List.of(
        h2.send("GET", "/healthz", null),
        h2.send("POST", "/v1/jobs", Map.of("prompt", "a kite", "generator", "runway")),
        h2.send("GET", "/v1/jobs/no-such-job", null),
        h2.send("POST", "/v1/jobs", Map.of("generator", "runway")),
        h2.send("GET", "/v2/unknown", null));

    assertThat(replies).extracting(Api.Reply::status).containsExactly(200, 202, 404, 400, 404);
    assertThat(replies).allSatisfy(r -> {
      String altSvc = r.raw().headers().firstValue("Alt-Svc").orElse("");
      assertThat(altSvc).isEqualTo("h3=\":8443\"; ma=86400").contains("h3=").contains(":8443");
    });
  }

  @Test
  void anHttp11ClientFallsBackAndStillSeesTheAdvertisement() {
    Api h1 = new Api(app.api.baseUri(), client(HttpClient.Version.HTTP_1_1));

    Api.Reply health = h1.send("GET", "/healthz", null);

    assertThat(health.raw().version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    assertThat(health.json().path("protocol").asText()).isEqualTo("HTTP/1.1");
    assertThat(health.raw().headers().firstValue("Alt-Svc")).hasValue(TtvStack.ALT_SVC);
  }

  @Test
  void twentyConcurrentRequestsOverOneHttp2ClientAllAnswer() throws Exception {
    HttpClient http = client(HttpClient.Version.HTTP_2);
    URI base = app.api.baseUri();
    String id = new Api(base, http).submit("a kite", "wan");
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();

    for (int i = 0; i < 20; i++) {
      calls.add(http.sendAsync(HttpRequest.newBuilder(base.resolve("/v1/jobs/" + id))
          .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()));
    }

    for (CompletableFuture<HttpResponse<String>> c : calls) {
      HttpResponse<String> r = c.get();
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(r.body()).contains("\"status\":\"queued\"");
    }
  }

  @Test
  void badSubmissionsGetA400InTheApisErrorShapeAndQueueNothing() {
    Api api = app.client;

    Api.Reply noPrompt = api.send("POST", "/v1/jobs", Map.of("generator", "runway"));
    Api.Reply unknown = api.send("POST", "/v1/jobs", Map.of("prompt", "x", "generator", "sora"));
    Api.Reply garbage = api.send("POST", "/v1/jobs", "{not json");

    assertThat(noPrompt.status()).isEqualTo(400);
    assertThat(noPrompt.json().at("/error/message").asText()).isEqualTo("prompt is required");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.json().at("/error/message").asText())
        .isEqualTo("generator must be one of [minimax, runway, veo, wan]");
    assertThat(garbage.status()).isEqualTo(400);
    assertThat(garbage.json().at("/error/code").asInt()).isEqualTo(400);
    assertThat(redis.journal().count(e -> e.path().equals("RPUSH") && e.bodyText().startsWith("rq:queue:")))
        .isZero();
  }
}
