package dev.backlot.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.wire.Json;
import java.io.File;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standalone jar as a separate process, as a test in another language would use it. */
class LauncherIT {

  @TempDir Path dir;
  private final List<Process> processes = new ArrayList<>();
  private final HttpClient client = HttpClient.newHttpClient();

  @AfterEach
  void killLeftovers() {
    processes.forEach(Process::destroyForcibly);
  }

  private Process launch(String... args) throws Exception {
    String jar = System.getProperty("backlot.standalone.jar", "target/backlot-standalone.jar");
    assertThat(new File(jar)).as("the standalone jar is built before integration tests").exists();
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd)
        .redirectOutput(dir.resolve("out-" + processes.size() + ".txt").toFile())
        .redirectError(dir.resolve("err-" + processes.size() + ".txt").toFile())
        .start();
    processes.add(p);
    return p;
  }

  private JsonNode awaitEndpoints(Path file) throws Exception {
    await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(file));
    return Json.parse(Files.readString(file));
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
  void servesEveryFakeTakesControlThroughAdminAndStopsCleanlyOnSigterm() throws Exception {
    Path endpoints = dir.resolve("endpoints.json");
    Process p = launch("--seed", "7", "--endpoints-file", endpoints.toString());
    JsonNode urls = awaitEndpoints(endpoints);
    String admin = urls.get("admin").asText();
    String http = urls.get("http").asText();

    assertThat(call("POST", admin + "/fakes/http/stubs", "{\"path\":\"/hello\",\"json\":{\"hi\":1}}").statusCode()).isEqualTo(201);
    assertThat(call("GET", http + "/hello", null).body()).isEqualTo("{\"hi\":1}");
    assertThat(Json.parse(call("GET", admin + "/fakes/http/journal", null).body())).hasSize(1);
    assertThat(urls.fieldNames()).toIterable()
        .containsExactly("http", "openai", "comfyui", "gcs", "redis", "runway", "veo", "minimax", "cablecast", "gradio", "admin");
    assertThat(urls.get("redis").asText()).startsWith("redis://127.0.0.1:");
    assertThat(call("GET", urls.get("comfyui").asText() + "/system_stats", null).statusCode()).isEqualTo(200);
    assertThat(call("GET", urls.get("openai").asText() + "/v1/models", null).statusCode()).isEqualTo(200);
    assertThat(call("GET", urls.get("runway").asText() + "/v1/tasks/x", null).statusCode()).isEqualTo(401);
    assertThat(call("GET", urls.get("minimax").asText() + "/v1/query/video_generation?task_id=1", null).body())
        .contains("\"status_code\":1004");
    assertThat(call("GET", urls.get("gradio").asText() + "/config", null).body()).contains("\"protocol\":\"sse_v3\"");
    assertThat(call("GET", urls.get("gcs").asText() + "/storage/v1/b?project=p", null).statusCode()).isEqualTo(200);
    assertThat(call("GET", urls.get("veo").asText() + "/v1beta/models/veo-3.0-generate-001/operations/x?key=k", null)
        .body()).contains("\"status\":\"NOT_FOUND\"");
    assertThat(call("POST", admin + "/fakes/http/faults",
        "{\"path\":\"/hello\",\"when\":{\"next\":1},\"action\":\"status\",\"status\":503}").statusCode())
        .isEqualTo(201);
    assertThat(call("GET", http + "/hello", null).statusCode()).isEqualTo(503);
    assertThat(Json.parse(call("GET", admin + "/fakes/http/faults", null).body()).get("seed").asLong()).isEqualTo(7);
    assertThat(call("POST", admin + "/fakes/http/reset", "").statusCode()).isEqualTo(204);
    assertThat(Json.parse(call("GET", admin + "/fakes/http/journal", null).body())).isEmpty();

    String stdout = Files.readString(dir.resolve("out-0.txt"), StandardCharsets.UTF_8);
    assertThat(stdout).startsWith("Backlot ready\n");
    assertThat(Json.parse(stdout.lines().skip(1).findFirst().orElseThrow())).isEqualTo(urls);

    p.destroy(); // SIGTERM
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    int port = URI.create(http).getPort();
    try (ServerSocket again = new ServerSocket()) {
      again.setReuseAddress(true);
      again.bind(new InetSocketAddress("127.0.0.1", port));
    }
  }

  @Test
  void aSecondLauncherOnTheSameFixedPortFailsWithAClearMessage() throws Exception {
    Path endpoints = dir.resolve("first.json");
    launch("--fakes", "http", "--endpoints-file", endpoints.toString());
    int port = URI.create(awaitEndpoints(endpoints).get("http").asText()).getPort();

    Process second = launch("--fakes", "http", "--port", "http=" + port);
    assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(second.exitValue()).isEqualTo(1);
    assertThat(Files.readString(dir.resolve("err-1.txt")))
        .contains("could not bind 127.0.0.1:" + port + " (port in use?)");
  }

  @Test
  void aBadFlagExitsWithCode2AndOneLine() throws Exception {
    Process p = launch("--fakes", "http", "--nonsense");
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(Files.readString(dir.resolve("err-0.txt")).lines().findFirst().orElseThrow())
        .isEqualTo("backlot: unknown option '--nonsense' (known: --fakes, --port, --seed, --config,"
            + " --endpoints-file, --ca-pem, --admin-port, --admin-token, --help)");
  }

  @Test
  void startsWithoutLoggingNoise() throws Exception {
    Path endpoints = dir.resolve("quiet.json");
    launch("--endpoints-file", endpoints.toString());
    awaitEndpoints(endpoints);
    assertThat(Files.readString(dir.resolve("err-0.txt"))).doesNotContain("SLF4J");
  }

  @Test
  void helpExitsZeroAndNamesEveryFake() throws Exception {
    Process p = launch("--help");
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(0);
    String help = Files.readString(dir.resolve("out-0.txt"));
    for (String fake : FakeCatalog.names()) {
      assertThat(help).contains(fake);
    }
    assertThat(help).contains("--admin-token").contains("Config example");
  }
}
