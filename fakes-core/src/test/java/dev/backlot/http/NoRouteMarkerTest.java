package dev.backlot.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backlot.wire.Response;
import dev.backlot.journal.Entry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The journal tells a request no stub or route handled apart from a stub that answers 404. */
class NoRouteMarkerTest {

  private final HttpFake fake = HttpFake.builder().start();
  private final HttpClient client = HttpClient.newHttpClient();

  @AfterEach
  void close() {
    fake.close();
  }

  private int get(String method, String path) throws Exception {
    return client
        .send(
            HttpRequest.newBuilder(URI.create(fake.baseUri() + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  @Test
  void onlyUnhandledRequestsAreMarkedNoRoute() throws Exception {
    fake.stub("GET", "/gone").respond(Response.status(404));
    fake.stub("GET", "/ok").respond(Response.status(200));

    assertThat(get("GET", "/gone")).isEqualTo(404);
    assertThat(get("GET", "/ok")).isEqualTo(200);
    assertThat(get("GET", "/nowhere")).isEqualTo(404);
    assertThat(get("DELETE", "/ok")).isEqualTo(404); // a stub of another method does not handle it

    List<Entry> entries = fake.journal().requests();
    assertThat(entries).extracting(Entry::unmatched).containsExactly(false, false, true, true);
    assertThat(entries.get(2).outcome()).isEqualTo(Entry.NO_ROUTE);
    assertThat(entries.get(2).toString()).contains("[no route]");
    assertThat(entries.get(0).outcome()).isNull();
  }
}
