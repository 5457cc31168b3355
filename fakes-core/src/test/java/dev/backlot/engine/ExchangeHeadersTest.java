package dev.backlot.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backlot.http.HttpFake;
import dev.backlot.journal.Entry;
import dev.backlot.wire.Request;
import dev.backlot.wire.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Request headers are read in place from the exchange (no per-request copy), with the map
 * semantics a copy had: case-insensitive names, every value, read-only, sorted iteration.
 */
class ExchangeHeadersTest {

  @Test
  void headersReadInPlaceBehaveAsTheCopyDid() throws Exception {
    try (HttpFake fake = new HttpFake().start()) {
      AtomicReference<Request> seen = new AtomicReference<>();
      fake.stub("GET", "/h").respondWith(req -> {
        seen.set(req);
        return Response.status(204);
      });
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
      HttpResponse<Void> r = client.send(HttpRequest.newBuilder(URI.create(fake.baseUri() + "/h"))
          .header("X-Multi", "one").header("x-multi", "two").header("Authorization", "Bearer k")
          .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.discarding());
      assertThat(r.statusCode()).isEqualTo(204);

      Request req = seen.get();
      assertThat(req.header("x-MULTI")).isEqualTo("one");
      assertThat(req.headers().get("X-Multi")).containsExactly("one", "two");
      assertThat(req.headers()).containsKey("authorization").doesNotContainKey("X-Absent");
      assertThat(req.header("X-Absent")).isNull();
      assertThatThrownBy(() -> req.headers().get("X-Multi").add("three"))
          .isInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(() -> req.headers().put("X-New", List.of("v")))
          .isInstanceOf(UnsupportedOperationException.class);
      List<String> names = List.copyOf(req.headers().keySet());
      assertThat(names).isSortedAccordingTo(String.CASE_INSENSITIVE_ORDER)
          .contains("Authorization", "Host");
      assertThat(req.headers().size()).isEqualTo(names.size());

      Entry e = fake.journal().last().orElseThrow();
      assertThat(e.header("authorization")).isEqualTo("Bearer k");
      assertThat(e.headers()).isEqualTo(req.headers());
    }
  }
}
