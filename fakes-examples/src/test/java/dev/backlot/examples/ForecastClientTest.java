package dev.backlot.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backlot.wire.Response;
import dev.backlot.examples.ForecastClient.Forecast;
import dev.backlot.examples.ForecastClient.UnavailableException;
import dev.backlot.http.HttpFake;
import dev.backlot.journal.RequestPattern;
import dev.backlot.junit.BacklotTest;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The forecast client against a fake weather service: the extension starts {@code weather} on a
 * random port, resets it before each test and closes it after the class.
 */
@BacklotTest
class ForecastClientTest {

  HttpFake weather;

  private ForecastClient client;

  @BeforeEach
  void client() {
    client = new ForecastClient(weather.baseUri(), HttpClient.newHttpClient(), 3, Duration.ZERO);
  }

  private static Response oslo() {
    return Response.json(200, Map.of("city", "Oslo", "temperature", Map.of("celsius", -3.5), "summary", "snow"));
  }

  @Test
  void retriesA503ThenReadsTheForecast() throws Exception {
    weather.stub("GET", "/v1/forecast").query("city", "Oslo").respond(Response.status(503), oslo());

    Forecast f = client.forecast("Oslo");

    assertThat(f).isEqualTo(new Forecast("Oslo", -3.5, "snow"));
    weather.journal().verify(2, RequestPattern.get("/v1/forecast").query("city", "Oslo").header("Accept", "application/json"));
  }

  @Test
  void givesUpAfterThreeAttempts() {
    weather.stub("GET", "/v1/forecast").respond(Response.text(503, "maintenance"));

    assertThatThrownBy(() -> client.forecast("Oslo"))
        .isInstanceOf(UnavailableException.class)
        .hasMessageContaining("after 3 attempts (last status 503)");
    weather.journal().verify(3, RequestPattern.get("/v1/forecast"));
  }

  @Test
  void doesNotRetryAnUnknownCity() {
    weather.stub("GET", "/v1/forecast").respond(Response.json(404, Map.of("error", "no such city")));

    assertThatThrownBy(() -> client.forecast("Atlantis")).isInstanceOf(IllegalArgumentException.class);
    weather.journal().verify(1, RequestPattern.get("/v1/forecast").query("city", "Atlantis"));
  }
}
