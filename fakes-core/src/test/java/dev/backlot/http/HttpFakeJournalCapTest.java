package dev.backlot.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backlot.journal.Journal;
import dev.backlot.wire.Json;
import dev.backlot.wire.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A fake's journal is bounded by total body bytes too, set on the builder or in config. */
class HttpFakeJournalCapTest {

  @Test
  void aJournalStaysUnderItsByteCapAfterManyLargeRequests() throws Exception {
    try (HttpFake fake = HttpFake.builder().journal(10_000, 8 * 1024, 64 * 1024).start()) {
      fake.stub("POST", "/upload").respond(Response.json(201, "{\"stored\":true}"));
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
      String body = "x".repeat(20_000);
      for (int i = 0; i < 120; i++) {
        HttpResponse<String> r = client.send(
            HttpRequest.newBuilder(URI.create(fake.baseUri() + "/upload?n=" + i))
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(fake.journal().bytes()).isLessThanOrEqualTo(64 * 1024);
      }
      Journal j = fake.journal();
      assertThat(j.total()).isEqualTo(120);
      // each entry: 8 KiB of the request body and the 15-byte reply
      assertThat(j.size()).isEqualTo(64 * 1024 / (8 * 1024 + 15));
      assertThat(j.last().orElseThrow().query()).isEqualTo("n=119");
      assertThat(j.last().orElseThrow().bodySize()).isEqualTo(20_000);
      assertThat(j.last().orElseThrow().responseBody()).isEqualTo("{\"stored\":true}");
      fake.reset();
      assertThat(j.bytes()).isZero();
    }
  }

  @Test
  void theBoundsComeFromConfigAndAnUnknownKeyNamesTheValidOnes() {
    HttpFake fake = HttpFake.builder()
        .configure(Json.parse("{\"journal\": {\"capacity\": 50, \"bodyLimit\": 100, \"maxBytes\": 4096}}"))
        .build();
    try {
      assertThat(fake.journal().capacity()).isEqualTo(50);
      assertThat(fake.journal().bodyLimit()).isEqualTo(100);
      assertThat(fake.journal().maxBytes()).isEqualTo(4096);
    } finally {
      fake.close();
    }
    HttpFake defaults = HttpFake.builder().configure(Json.parse("{\"journal\": {\"capacity\": 7}}")).build();
    try {
      assertThat(defaults.journal().maxBytes()).isEqualTo(Journal.DEFAULT_MAX_BYTES);
      assertThat(defaults.journal().bodyLimit()).isEqualTo(Journal.DEFAULT_BODY_LIMIT);
    } finally {
      defaults.close();
    }
    assertThatThrownBy(() -> HttpFake.builder().configure(Json.parse("{\"journal\": {\"maxbytes\": 10}}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown journal setting 'maxbytes'; did you mean 'maxBytes'? (known: capacity, bodyLimit, maxBytes)");
    assertThatThrownBy(() -> HttpFake.builder().configure(Json.parse("{\"journal\": {\"maxBytes\": -1}}")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBytes >= 0");
    assertThatThrownBy(() -> HttpFake.builder().configure(Json.parse("{\"journal\": 5}")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'journal' must be an object");
  }
}
