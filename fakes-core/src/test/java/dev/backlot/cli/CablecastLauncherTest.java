package dev.backlot.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.wire.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's {@code cablecast} entry: default library, credentials from config, admin control. */
class CablecastLauncherTest {

  @TempDir Path dir;
  private final HttpClient client = HttpClient.newHttpClient();

  private HttpResponse<String> call(String method, String url, String body, String auth) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (auth != null) {
      b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(auth.getBytes(StandardCharsets.UTF_8)));
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aBareLauncherServesTheDefaultLibraryAndAdminAdvancesItsManualClock() throws Exception {
    Path config = dir.resolve("backlot.yaml");
    Files.writeString(config, """
        clock: manual
        fakes:
          cablecast:
            username: station
            password: letmein
            zone: America/Chicago
            processingMillis: 5000
        """);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (Launcher.Running r = Launcher.start(new String[] {"--fakes", "cablecast", "--config", config.toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8))) {
      String cc = r.endpoints().get("cablecast") + "/cablecastapi/v1";
      String admin = r.endpoints().get("admin");
      JsonNode channels = Json.parse(call("GET", cc + "/channels", null, null).body());
      assertThat(channels.get("channels").size()).isGreaterThanOrEqualTo(2);
      assertThat(Json.parse(call("GET", cc + "/shows", null, null).body()).at("/meta/count").asInt()).isEqualTo(12);
      assertThat(Json.parse(call("GET", cc + "/scheduleitems/1", null, null).body())
          .at("/scheduleItem/runDateTime").asText()).matches("\\d{4}-\\d\\d-\\d\\dT06:00:00-0[56]:00");

      String vod = "{\"vod\":{\"show\":12}}";
      assertThat(call("POST", cc + "/vods", vod, "admin:admin").statusCode()).isEqualTo(401);
      HttpResponse<String> created = call("POST", cc + "/vods", vod, "station:letmein");
      assertThat(created.statusCode()).isEqualTo(200);
      long id = Json.parse(created.body()).at("/vod/id").asLong();
      call("POST", admin + "/clock/advance", "{\"millis\": 0}", null);
      call("POST", admin + "/clock/advance", "{\"millis\": 5000}", null);
      JsonNode ready = Json.parse(call("GET", cc + "/vods/" + id, null, null).body()).get("vod");
      assertThat(ready.get("vodState").asText()).isEqualTo("Ready");
      assertThat(ready.get("url").asText()).startsWith(r.endpoints().get("cablecast") + "/vod/");

      JsonNode journal = Json.parse(call("GET", admin + "/fakes/cablecast/journal", null, null).body());
      assertThat(journal.size()).isGreaterThanOrEqualTo(6);
      assertThat(call("POST", admin + "/fakes/cablecast/reset", "", null).statusCode()).isEqualTo(204);
      assertThat(call("GET", cc + "/vods/" + id, null, null).statusCode()).isEqualTo(404);
      assertThat(Json.parse(call("GET", cc + "/vods", null, null).body()).at("/meta/count").asInt()).isEqualTo(7);
    }
  }

  @Test
  void badCablecastSettingsAreUsageErrors() throws Exception {
    for (String[] bad : new String[][] {
        {"{\"library\": \"huge\"}", "config for cablecast: 'library' must be"},
        {"{\"zone\": \"Mars/Olympus\"}", "config for cablecast: 'zone' is not a time zone"},
        {"{\"username\": 7}", "config for cablecast: 'username' must be a string"},
        {"{\"processingMillis\": \"soon\"}", "config for cablecast: 'processingMillis' must be a whole number"},
        {"{\"colour\": 1}", "config: unknown setting 'colour' for cablecast (known: port, seed, behindLink,"
            + " journal, faults, maxBodyBytes, idleTimeoutMs, tls, http2, h2c, altSvc, stubs, username, password,"
            + " library, zone, processingMillis, maxUploadBytes)"},
        {"{\"zones\": \"UTC\"}", "config: unknown setting 'zones' for cablecast; did you mean 'zone'?"}}) {
      Path config = dir.resolve("c.json");
      Files.writeString(config, "{\"fakes\": {\"cablecast\": " + bad[0] + "}}");
      assertThatThrownBy(() -> Launcher.start(new String[] {"--fakes", "cablecast", "--config", config.toString()},
              new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).close())
          .isInstanceOf(UsageError.class)
          .hasMessageContaining(bad[1]);
    }
  }
}
