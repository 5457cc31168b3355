package dev.backlot.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backlot.time.Clock;
import dev.backlot.time.ManualClock;
import dev.backlot.wire.Response;
import dev.backlot.net.Direction;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HttpFakeBehindLinkTest {

  private final HttpClient client = HttpClient.newHttpClient();

  private HttpResponse<String> get(URI uri, Duration timeout) throws Exception {
    return client.send(
        HttpRequest.newBuilder(uri).timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void baseUriPointsAtTheLinkAndLatencyIsReleasedByTheManualClock() throws Exception {
    ManualClock clock = Clock.manual();
    try (HttpFake fake = HttpFake.builder().clock(clock).behindLink().start()) {
      fake.stub("GET", "/slow").respond(Response.text(200, "eventually"));
      assertThat(fake.port()).isEqualTo(fake.link().port());
      assertThat(fake.link().clock()).isSameAs(clock);

      fake.link().toxics().latency(Direction.DOWNSTREAM, Duration.ofSeconds(5));
      CompletableFuture<HttpResponse<String>> pending =
          client.sendAsync(
              HttpRequest.newBuilder(fake.baseUri().resolve("/slow")).build(),
              HttpResponse.BodyHandlers.ofString());
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> fake.journal().size() == 1 && clock.pendingTasks() > 0);
      assertThat(pending).isNotDone();

      clock.advance(Duration.ofSeconds(5));

      assertThat(pending.get(20, TimeUnit.SECONDS).body()).isEqualTo("eventually");
    }
  }

  @Test
  void aPartitionTimesOutAndHealResumes() throws Exception {
    try (HttpFake fake = HttpFake.builder().behindLink().start()) {
      fake.stub("GET", "/x").respond(Response.text(200, "x"));
      fake.link().partition();
      assertThatThrownBy(() -> get(fake.baseUri().resolve("/x"), Duration.ofMillis(500)))
          .isInstanceOf(HttpTimeoutException.class);
      fake.link().heal();
      assertThat(get(fake.baseUri().resolve("/x"), Duration.ofSeconds(20)).body()).isEqualTo("x");
    }
  }

  @Test
  void stopRefusesThroughTheLinkRestartServesAndResetClearsToxics() throws Exception {
    try (HttpFake fake = HttpFake.builder().behindLink().start()) {
      fake.stub("GET", "/x").respond(Response.text(200, "x"));
      int port = fake.port();
      fake.stop();
      assertThatThrownBy(() -> get(URI.create("http://127.0.0.1:" + port + "/x"), Duration.ofSeconds(20)))
          .isInstanceOf(ConnectException.class);
      fake.restart();
      assertThat(fake.port()).isEqualTo(port);
      assertThat(get(fake.baseUri().resolve("/x"), Duration.ofSeconds(20)).body()).isEqualTo("x");

      fake.link().toxics().latency(Direction.DOWNSTREAM, Duration.ofSeconds(1));
      fake.reset();
      assertThat(fake.link().toxics().list()).isEmpty();
    }
  }

  @Test
  void closeFreesTheLinkPortAndAFakeWithoutALinkSaysHowToGetOne() throws Exception {
    HttpFake fake = HttpFake.builder().behindLink().start();
    int port = fake.port();
    fake.close();
    try (ServerSocket again = new ServerSocket()) {
      again.setReuseAddress(true);
      again.bind(new InetSocketAddress("127.0.0.1", port));
    }
    try (HttpFake plain = new HttpFake().start()) {
      assertThatThrownBy(plain::link).hasMessageContaining(".behindLink()");
    }
  }
}
