package dev.backlot.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backlot.http.HttpFake;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** addHeader adds and setHeader replaces, on a Response and on a fault rule's answer alike. */
class HeaderNamingTest {

  @Test
  void responseAddHeaderKeepsEarlierValuesAndSetHeaderReplacesThem() {
    Response r = Response.status(200)
        .addHeader("Set-Cookie", "a=1").addHeader("set-cookie", "b=2")
        .addHeader("X-Mode", "one").setHeader("x-mode", "two");

    assertThat(r.headers().stream().filter(h -> h.name().equalsIgnoreCase("Set-Cookie"))
        .map(Response.Header::value)).containsExactly("a=1", "b=2");
    assertThat(r.headers().stream().filter(h -> h.name().equalsIgnoreCase("X-Mode"))
        .map(Response.Header::value)).containsExactly("two");
  }

  @Test
  void aFaultRulesAnswerTakesAddHeaderAndSetHeaderTheSameWay() throws Exception {
    try (HttpFake fake = new HttpFake().start()) {
      fake.faults().on("GET", "/x").status(503)
          .addHeader("Warning", "one").addHeader("Warning", "two")
          .addHeader("Retry-After", "9").setHeader("Retry-After", "1");

      HttpResponse<String> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(fake.baseUri() + "/x")).build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.headers().allValues("Warning")).containsExactly("one", "two");
      assertThat(r.headers().allValues("Retry-After")).containsExactly("1");
    }
  }
}
