package dev.backlot.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backlot.wire.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP fault actions again, seen by OkHttp 4 (the client under openai-java and others). */
class HttpFaultsOkHttpTest {

  private final TestBackend fake = TestBackend.started();
  // No silent retry, so each fault is seen exactly as the server sent it.
  private final OkHttpClient client =
      new OkHttpClient.Builder()
          .retryOnConnectionFailure(false)
          .readTimeout(Duration.ofSeconds(20))
          .build();

  @AfterEach
  void close() {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
    fake.close();
  }

  private Request.Builder request(String path) {
    return new Request.Builder().url(fake.baseUri() + path);
  }

  private Response post(OkHttpClient c, String path) throws IOException {
    return c.newCall(
            request(path).post(RequestBody.create("{}", MediaType.get("application/json"))).build())
        .execute();
  }

  @Test
  void statusAndRateLimitLookLikeTheBackend() throws Exception {
    fake.faults().on("POST", "/prompt").next(1).status(503);
    fake.faults().on("POST", "/prompt").next(1).rateLimit(Duration.ofSeconds(3));

    try (Response r = post(client, "/prompt")) {
      assertThat(r.code()).isEqualTo(503);
      assertThat(Json.parse(r.body().string()).at("/detail/msg").asText())
          .isEqualTo("Service Unavailable");
    }
    try (Response r = post(client, "/prompt")) {
      assertThat(r.code()).isEqualTo(429);
      assertThat(r.header("Retry-After")).isEqualTo("3");
      assertThat(r.header("Retry-After-Ms")).isNull();
    }
    try (Response r = post(client, "/prompt")) {
      assertThat(r.code()).isEqualTo(200);
    }
  }

  @Test
  void closeIsAnUnexpectedEndOfStream() {
    fake.faults().on("POST", "/prompt").close();

    assertThatThrownBy(() -> post(client, "/prompt").close())
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("unexpected end of stream")
        .satisfies(t -> assertThat(HttpFaultsJdkClientTest.causes(t))
            .noneMatch(c -> c instanceof SocketException));
  }

  @Test
  void resetIsAConnectionReset() {
    fake.faults().on("POST", "/prompt").reset();

    assertThatThrownBy(() -> post(client, "/prompt").close())
        .isInstanceOf(SocketException.class)
        .hasMessage("Connection reset");
  }

  @Test
  void stallIsAReadTimeout() {
    fake.faults().on("GET", "/data/{size}").stall();
    OkHttpClient impatient = client.newBuilder().readTimeout(Duration.ofSeconds(1)).build();

    assertThatThrownBy(() -> impatient.newCall(request("/data/10").build()).execute().close())
        .isInstanceOf(SocketTimeoutException.class);
  }

  @Test
  void stallAfterHeadersTimesOutReadingTheBody() throws Exception {
    fake.faults().on("GET", "/data/{size}").stallAfterHeaders();
    OkHttpClient impatient = client.newBuilder().readTimeout(Duration.ofSeconds(1)).build();

    try (Response r = impatient.newCall(request("/data/100").build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.header("Content-Length")).isEqualTo("100");
      assertThatThrownBy(() -> r.body().bytes()).isInstanceOf(SocketTimeoutException.class);
    }
  }

  @Test
  void truncateDeliversExactlyNBytesThenFails() throws Exception {
    fake.faults().on("GET", "/data/{size}").truncate(1234);

    try (Response r = client.newCall(request("/data/5000").build()).execute()) {
      assertThat(r.header("Content-Length")).isEqualTo("5000");
      int total = 0;
      IOException failure = null;
      byte[] buf = new byte[700];
      try (InputStream in = r.body().byteStream()) {
        for (int n; (n = in.read(buf)) > 0; ) {
          total += n;
        }
      } catch (IOException e) {
        failure = e;
      }
      assertThat(total).isEqualTo(1234);
      assertThat(failure).hasMessageContaining("unexpected end of stream");
    }
  }

  @Test
  void afterBytesResetCutsTheBodyWithARst() throws Exception {
    fake.faults().on("GET", "/data/{size}").afterBytes(100).reset();

    try (Response r = client.newCall(request("/data/100000").build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      assertThatThrownBy(() -> r.body().bytes()).isInstanceOf(IOException.class);
    }
    assertThat(fake.journal().requests().get(0).outcome())
        .isEqualTo("reset by fault after 100 of 100000 body bytes");
  }

  @Test
  void corruptKeepsTheLengthAndChangesTheContent() throws Exception {
    fake.faults().on("GET", "/data/{size}").corrupt();

    try (Response r = client.newCall(request("/data/1000").build()).execute()) {
      byte[] got = r.body().bytes();
      byte[] original = TestBackend.body(1000);
      assertThat(got).hasSize(1000);
      long changed = java.util.stream.IntStream.range(0, 1000).filter(i -> got[i] != original[i]).count();
      assertThat(changed).isEqualTo(10); // 1%
    }
  }

  @Test
  void throttleLimitsTheRateOkHttpReads() throws Exception {
    fake.faults().on("GET", "/data/{size}").throttle(40_000);

    long start = System.nanoTime();
    try (Response r = client.newCall(request("/data/20000").build()).execute()) {
      assertThat(r.body().bytes()).isEqualTo(TestBackend.body(20_000));
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(500)).isLessThan(Duration.ofSeconds(15));
  }

  @Test
  void probabilityDrivenFaultsShowUpAsTheirRealKinds() throws Exception {
    fake.faults().on("POST", "/prompt").probability(0.3).reset();
    int ok = 0;
    int resets = 0;
    for (int i = 0; i < 40; i++) {
      try (Response r = post(client, "/prompt")) {
        assertThat(r.code()).isEqualTo(200);
        ok++;
      } catch (SocketException e) {
        assertThat(e).hasMessage("Connection reset");
        resets++;
      }
    }
    assertThat(resets).isEqualTo((int) fake.faults().rules().get(0).fired());
    assertThat(ok + resets).isEqualTo(40);
    assertThat(resets).isBetween(1, 39);
  }
}
