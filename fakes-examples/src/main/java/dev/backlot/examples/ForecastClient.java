package dev.backlot.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;

/**
 * A small client of a weather service's JSON API, the kind of code an application owns: it asks
 * for a city's forecast and retries the answers that mean "try again later" (429, 502, 503, 504)
 * a bounded number of times.
 *
 * <pre>{@code
 * ForecastClient client = new ForecastClient(URI.create("https://weather.example"));
 * Forecast f = client.forecast("Oslo"); // GET /v1/forecast?city=Oslo
 * }</pre>
 */
public final class ForecastClient {

  /** A city's forecast. */
  public record Forecast(String city, double celsius, String summary) {}

  /** The service kept answering "try again later". */
  public static final class UnavailableException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int status;

    UnavailableException(int attempts, int status) {
      super("forecast service unavailable after " + attempts + " attempts (last status " + status + ")");
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  private static final Set<Integer> RETRYABLE = Set.of(429, 502, 503, 504);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final HttpClient http;
  private final int maxAttempts;
  private final Duration backoff;

  /** Three attempts, 200 ms apart (then 400 ms). */
  public ForecastClient(URI base) {
    this(base, HttpClient.newHttpClient(), 3, Duration.ofMillis(200));
  }

  public ForecastClient(URI base, HttpClient http, int maxAttempts, Duration backoff) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
    this.base = base;
    this.http = http;
    this.maxAttempts = maxAttempts;
    this.backoff = backoff;
  }

  /**
   * The forecast for {@code city}.
   *
   * @throws IllegalArgumentException if the service does not know the city (404)
   * @throws UnavailableException if every attempt was answered "try again later"
   * @throws IOException for any other failure
   */
  public Forecast forecast(String city) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(
                base.resolve("/v1/forecast?city=" + URLEncoder.encode(city, StandardCharsets.UTF_8)))
            .header("Accept", "application/json")
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build();
    int status = 0;
    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      if (attempt > 1) {
        Thread.sleep(backoff.multipliedBy(attempt - 1).toMillis());
      }
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      status = response.statusCode();
      if (status == 200) {
        JsonNode body = JSON.readTree(response.body());
        return new Forecast(
            body.path("city").asText(city),
            body.path("temperature").path("celsius").asDouble(),
            body.path("summary").asText(""));
      }
      if (status == 404) {
        throw new IllegalArgumentException("unknown city: " + city);
      }
      if (!RETRYABLE.contains(status)) {
        throw new IOException("forecast service answered " + status + ": " + response.body());
      }
    }
    throw new UnavailableException(maxAttempts, status);
  }
}
