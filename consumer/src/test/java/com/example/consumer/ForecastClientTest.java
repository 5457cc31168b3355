package com.example.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlot.wire.Response;
import dev.backlot.http.HttpFake;
import dev.backlot.journal.RequestPattern;
import dev.backlot.junit.BacklotTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The README's first test, as a user writes it in their own build. */
@BacklotTest
class ForecastClientTest {
  HttpFake weather;

  private final HttpClient http = HttpClient.newHttpClient();

  private String forecast(URI base) throws Exception {
    for (int attempt = 1; ; attempt++) {
      HttpResponse<String> r = http.send(
          HttpRequest.newBuilder(base.resolve("/v1/forecast?city=Oslo")).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200 || attempt == 3) {
        return r.body();
      }
    }
  }

  @Test
  void retriesA503() throws Exception {
    weather.stub("GET", "/v1/forecast")
        .respond(Response.status(503), Response.json(200, Map.of("summary", "snow")));

    assertTrue(forecast(weather.baseUri()).contains("snow"));
    weather.journal().verify(2, RequestPattern.get("/v1/forecast"));
  }

  @Test
  void eachTestStartsFromAResetFake(HttpFake weather) throws Exception {
    assertEquals(0, weather.journal().count(RequestPattern.get("/v1/forecast")));
    HttpResponse<String> r = http.send(
        HttpRequest.newBuilder(weather.baseUri().resolve("/v1/forecast")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(404, r.statusCode(), "no stub left over from the other test");
  }
}
