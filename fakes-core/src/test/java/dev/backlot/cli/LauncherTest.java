package dev.backlot.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.wire.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher in-process: flags, config files, endpoints, the admin API. */
class LauncherTest {

  @TempDir Path dir;
  private final HttpClient client = HttpClient.newHttpClient();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  private Launcher.Running start(String... args) {
    return Launcher.start(args, new PrintStream(out, true, StandardCharsets.UTF_8));
  }

  private HttpResponse<String> call(String method, String url, String body) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(url))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json")
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void printsReadyThenTheEndpointsAndWritesTheSameToTheFile() throws Exception {
    Path file = dir.resolve("sub/endpoints.json");
    try (Launcher.Running r = start("--endpoints-file", file.toString())) {
      String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
      assertThat(lines[0]).isEqualTo("Backlot ready");
      JsonNode printed = Json.parse(lines[1]);
      assertThat(Json.parse(Files.readString(file))).isEqualTo(printed);
      assertThat(printed.fieldNames()).toIterable().contains("http", "admin");
      assertThat(printed.get("http").asText()).startsWith("http://127.0.0.1:");
      assertThat(r.endpoints()).containsKeys("http", "admin");
    }
  }

  @Test
  void yamlConfigGivesInitialStubsAndResetReturnsToThem() throws Exception {
    Path config = dir.resolve("backlot.yaml");
    Files.writeString(config, """
        fakes:
          http:
            stubs:
              - {method: GET, path: /health, status: 200, json: {ok: true}}
              - method: POST
                path: /jobs
                responses: [{status: 503}, {status: 202, body: accepted}]
        """);
    try (Launcher.Running r = start("--fakes", "http", "--config", config.toString())) {
      String http = r.endpoints().get("http");
      String admin = r.endpoints().get("admin");
      assertThat(call("GET", http + "/health", null).body()).isEqualTo("{\"ok\":true}");
      assertThat(call("POST", http + "/jobs", "").statusCode()).isEqualTo(503);
      assertThat(call("POST", http + "/jobs", "").body()).isEqualTo("accepted");

      assertThat(call("POST", admin + "/fakes/http/stubs", "{\"path\":\"/extra\",\"body\":\"x\"}").statusCode()).isEqualTo(201);
      assertThat(call("GET", http + "/extra", null).body()).isEqualTo("x");
      JsonNode journal = Json.parse(call("GET", admin + "/fakes/http/journal", null).body());
      assertThat(journal).hasSize(4);
      assertThat(journal.get(3).get("path").asText()).isEqualTo("/extra");
      assertThat(Json.parse(call("GET", admin + "/fakes/http/journal?limit=1", null).body())).hasSize(1);

      assertThat(call("POST", admin + "/fakes/http/reset", "").statusCode()).isEqualTo(204);
      assertThat(Json.parse(call("GET", admin + "/fakes/http/journal", null).body())).isEmpty();
      assertThat(call("GET", http + "/extra", null).statusCode()).isEqualTo(404);
      assertThat(call("POST", http + "/jobs", "").statusCode()).as("sequence restarts").isEqualTo(503);

      assertThat(call("DELETE", admin + "/fakes/http/stubs", null).statusCode()).isEqualTo(204);
      assertThat(call("GET", http + "/health", null).statusCode()).isEqualTo(404);
    }
  }

  @Test
  void faultsComeFromConfigAndAdminWithTheSeedFromTheCommandLine() throws Exception {
    Path config = dir.resolve("faults.json");
    Files.writeString(config, """
        {"fakes": {"http": {
           "stubs": [{"path": "/x", "body": "ok"}],
           "faults": [{"path": "/x", "when": {"next": 1}, "action": "status", "status": 503}]}}}
        """);
    try (Launcher.Running r = start("--config", config.toString(), "--seed", "7")) {
      String http = r.endpoints().get("http");
      String admin = r.endpoints().get("admin");
      assertThat(call("GET", http + "/x", null).statusCode()).isEqualTo(503);
      assertThat(call("GET", http + "/x", null).body()).isEqualTo("ok");

      JsonNode faults = Json.parse(call("GET", admin + "/fakes/http/faults", null).body());
      assertThat(faults.get("seed").asLong()).isEqualTo(7);
      assertThat(faults.at("/rules/0/fired").asInt()).isEqualTo(1);

      HttpResponse<String> added = call("POST", admin + "/fakes/http/faults",
          "{\"path\":\"/x\",\"action\":\"rateLimit\",\"retryAfterMillis\":1500}");
      assertThat(added.statusCode()).isEqualTo(201);
      HttpResponse<String> limited = call("GET", http + "/x", null);
      assertThat(limited.statusCode()).isEqualTo(429);
      assertThat(limited.headers().firstValue("Retry-After-Ms")).hasValue("1500");

      assertThat(call("POST", admin + "/fakes/http/faults", "{\"path\":\"/x\",\"action\":\"explode\"}").body())
          .contains("unknown action 'explode'");
      assertThat(call("DELETE", admin + "/fakes/http/faults", null).statusCode()).isEqualTo(204);
      assertThat(call("GET", http + "/x", null).body()).isEqualTo("ok");

      // reset returns to the config's initial rules
      call("POST", admin + "/fakes/http/reset", "");
      assertThat(call("GET", http + "/x", null).statusCode()).isEqualTo(503);
    }
  }

  @Test
  void redisIsServedAsARedisUrlWithItsJournalOnAdmin() throws Exception {
    try (Launcher.Running r = start("--fakes", "redis,http", "--seed", "3")) {
      URI redis = URI.create(r.endpoints().get("redis"));
      assertThat(redis.getScheme()).isEqualTo("redis");
      try (java.net.Socket s = new java.net.Socket(redis.getHost(), redis.getPort())) {
        s.setSoTimeout(30_000);
        s.getOutputStream().write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
        byte[] reply = new byte[7];
        int n = s.getInputStream().readNBytes(reply, 0, 7);
        assertThat(new String(reply, 0, n, StandardCharsets.US_ASCII)).isEqualTo("+PONG\r\n");
      }
      String admin = r.endpoints().get("admin");
      JsonNode journal = Json.parse(call("GET", admin + "/fakes/redis/journal", null).body());
      assertThat(journal).anySatisfy(e -> assertThat(e.get("path").asText()).isEqualToIgnoringCase("PING"));
      assertThat(Json.parse(call("GET", admin + "/fakes/redis/faults", null).body()).get("seed").asLong()).isEqualTo(3);
      HttpResponse<String> stub = call("POST", admin + "/fakes/redis/stubs", "{\"path\":\"/x\"}");
      assertThat(stub.statusCode()).isEqualTo(400);
      assertThat(stub.body()).contains("not an HTTP fake");
    }
  }

  @Test
  void adminRejectsBadInputClearly() throws Exception {
    try (Launcher.Running r = start()) {
      String admin = r.endpoints().get("admin");
      HttpResponse<String> unknown = call("POST", admin + "/fakes/nope/reset", "");
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(unknown.body()).contains("no fake named 'nope'");
      HttpResponse<String> badStub = call("POST", admin + "/fakes/http/stubs", "{\"path\":\"no-slash\"}");
      assertThat(badStub.statusCode()).isEqualTo(400);
      assertThat(badStub.body()).contains("starting with '/'");
      assertThat(call("POST", admin + "/fakes/http/stubs", "{oops").statusCode()).isEqualTo(400);
      HttpResponse<String> clock = call("POST", admin + "/clock/advance", "{\"millis\":5}");
      assertThat(clock.statusCode()).isEqualTo(409);
      assertThat(clock.body()).contains("system clock");
    }
  }

  @Test
  void aManualClockIsAdvancedThroughAdmin() throws Exception {
    Path config = dir.resolve("c.json");
    Files.writeString(config, "{\"clock\":\"manual\"}");
    try (Launcher.Running r = start("--config", config.toString())) {
      String admin = r.endpoints().get("admin");
      var before = r.fakes().fakes().get(0).clock().instant();
      HttpResponse<String> res = call("POST", admin + "/clock/advance", "{\"millis\":60000}");
      assertThat(res.statusCode()).isEqualTo(200);
      assertThat(r.fakes().fakes().get(0).clock().instant()).isEqualTo(before.plusSeconds(60));
      assertThat(call("POST", admin + "/clock/advance", "{\"millis\":-1}").statusCode()).isEqualTo(400);
    }
  }

  @Test
  void fixedPortsAreHonoured() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    try (Launcher.Running r = start("--port", "http=" + port)) {
      assertThat(r.endpoints().get("http")).isEqualTo("http://127.0.0.1:" + port);
    }
  }

  @Test
  void badFlagsAndConfigsAreOneLineUsageErrors() throws Exception {
    assertUsage("unknown option '--bogus'", "--bogus");
    assertUsage("unknown option '--seeds'; did you mean '--seed'? (known: --fakes, --port, --seed, --config,"
        + " --endpoints-file, --ca-pem, --admin-port, --admin-token, --help)", "--seeds", "1");
    assertUsage("unknown fake 'comfy'; did you mean 'comfyui'? (known: http, openai, comfyui, gcs, redis, runway, veo, minimax, cablecast, gradio)", "--fakes", "comfy");
    assertUsage("--admin-token needs a non-empty token", "--admin-token", " ");
    assertUsage("unknown fake 'nope' (known: http, openai, comfyui, gcs, redis, runway, veo, minimax, cablecast, gradio)", "--fakes", "nope");
    assertUsage("--port takes name=PORT", "--port", "8080");
    assertUsage("'x' is not a port", "--port", "http=x");
    assertUsage("--seed takes a whole number", "--seed", "many");
    assertUsage("--config needs a value", "--config");
    assertUsage("config file not found", "--config", dir.resolve("missing.yaml").toString());
    assertUsage("--port names 'gcs', which is not started", "--fakes", "http", "--port", "gcs=1");

    Path broken = dir.resolve("broken.json");
    Files.writeString(broken, "{\"fakes\": {");
    assertUsage("is not valid at line 1, column 12: Unexpected end-of-input", "--config", broken.toString());
    assertThatThrownBy(() -> start("--config", broken.toString()).close())
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("Source:").doesNotContain("REDACTED"));
    Path misspelt = dir.resolve("m.json");
    Files.writeString(misspelt, "{\"seeds\": 1}");
    assertUsage("config: unknown key 'seeds'; did you mean 'seed'? (known: clock, seed, fakes)", "--config", misspelt.toString());
    Path unknownKey = dir.resolve("k.json");
    Files.writeString(unknownKey, "{\"fakes\": {\"http\": {\"colour\": 1}}}");
    assertUsage("config: unknown setting 'colour' for http (known: port, seed, behindLink, journal, faults,"
        + " maxBodyBytes, idleTimeoutMs, tls, http2, h2c, altSvc, stubs)", "--config", unknownKey.toString());
    Path badClock = dir.resolve("c.json");
    Files.writeString(badClock, "{\"clock\": \"sundial\"}");
    assertUsage("'clock' must be", "--config", badClock.toString());
    Path badStub = dir.resolve("s.json");
    Files.writeString(badStub, "{\"fakes\": {\"http\": {\"stubs\": [{\"path\": \"/x\", \"status\": 999}]}}}");
    assertUsage("status must be 100-599", "--config", badStub.toString());
    Path badFault = dir.resolve("f.json");
    Files.writeString(badFault, "{\"fakes\": {\"http\": {\"faults\": [{\"path\": \"/x\", \"action\": \"status\"}]}}}");
    assertUsage("config for http: 'status' must be 100-599", "--config", badFault.toString());
    Path badRedis = dir.resolve("r.json");
    Files.writeString(badRedis, "{\"fakes\": {\"redis\": {\"colour\": 1}}}");
    assertUsage("config: unknown setting 'colour' for redis (known: port, seed, behindLink, journal, faults)",
        "--config", badRedis.toString());
  }

  @Test
  void journalBoundsComeFromTheConfigAndAnUnknownJournalKeyIsRefused() throws Exception {
    Path config = dir.resolve("journal.json");
    Files.writeString(config, "{\"fakes\": {\"http\": {\"journal\": "
        + "{\"capacity\": 40, \"bodyLimit\": 512, \"maxBytes\": 65536}}}}");
    try (Launcher.Running r = start("--fakes", "http,openai", "--config", config.toString())) {
      dev.backlot.journal.Journal http = r.fakes().fakes().get(0).journal();
      assertThat(http.capacity()).isEqualTo(40);
      assertThat(http.bodyLimit()).isEqualTo(512);
      assertThat(http.maxBytes()).isEqualTo(65536);
      dev.backlot.journal.Journal openai = r.fakes().fakes().get(1).journal();
      assertThat(openai.maxBytes()).isEqualTo(dev.backlot.journal.Journal.DEFAULT_MAX_BYTES);
    }
    Path typo = dir.resolve("journal-typo.json");
    Files.writeString(typo, "{\"fakes\": {\"http\": {\"journal\": {\"maxSize\": 1}}}}");
    assertUsage("config for http: unknown journal setting 'maxSize' (known: capacity, bodyLimit, maxBytes)",
        "--config", typo.toString());
  }

  @Test
  void helpNamesEveryOptionAndFakeAndShowsAConfig() {
    String help = Launcher.help();
    for (String option : Launcher.OPTIONS) {
      assertThat(help).contains(option);
    }
    for (String fake : FakeCatalog.names()) {
      assertThat(help).contains(fake);
    }
    assertThat(help).contains("fakes:").contains("stubs:").contains("faults:").contains("SIGTERM");
  }

  @Test
  void adminJournalRefusesANegativeLimit() throws Exception {
    try (Launcher.Running r = start("--fakes", "http")) {
      HttpResponse<String> res = call("GET", r.endpoints().get("admin") + "/fakes/http/journal?limit=-5", null);
      assertThat(res.statusCode()).isEqualTo(400);
      assertThat(res.body()).contains("'limit' must be 0 or more");
    }
  }

  private void assertUsage(String message, String... args) {
    assertThatThrownBy(() -> start(args).close())
        .isInstanceOf(UsageError.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }
}
