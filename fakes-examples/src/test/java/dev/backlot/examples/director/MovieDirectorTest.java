package dev.backlot.examples.director;

import static dev.backlot.examples.director.HealthCheckService.HealthStatus.DEGRADED;
import static dev.backlot.examples.director.HealthCheckService.HealthStatus.HEALTHY;
import static dev.backlot.examples.director.HealthCheckService.HealthStatus.UNHEALTHY;
import static dev.backlot.examples.director.MovieDirector.Status.CONNECTED;
import static dev.backlot.examples.director.MovieDirector.Status.ERROR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.backlot.comfyui.ComfyUiFake;
import dev.backlot.examples.director.MovieDirector.Generated;
import dev.backlot.gradio.GradioFake;
import dev.backlot.journal.Entry;
import dev.backlot.junit.BacklotTest;
import dev.backlot.junit.FakeConfig;
import dev.backlot.openai.OpenAiFake;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Seed 000: end-to-end flows of the add-on's connectivity against the three backends at once. */
@BacklotTest
class MovieDirectorTest {

  @FakeConfig(link = true) ComfyUiFake comfy;
  OpenAiFake llm;
  GradioFake wan;
  MovieDirector director;

  @AfterEach
  void close() {
    if (!comfy.isRunning()) {
      comfy.restart(); // a failed crash test must not leave the next tests without ComfyUI
    }
    if (director != null) {
      director.close();
    }
  }

  private MovieDirector director(DirectorConfig config) {
    director = new MovieDirector("director-test", config);
    return director;
  }

  private DirectorConfig config() {
    return DirectorConfig.local(comfy.port(), llm.port(), wan.port());
  }

  @Test
  void theFullConnectionFlowEndsWithEveryBackendHealthy() throws Exception {
    var statuses = director(config()).connect();

    assertThat(statuses).containsOnlyKeys("comfyui", "litellm", "wan2gp").allSatisfy((s, st) -> assertThat(st).isEqualTo(CONNECTED));
    assertThat(director.systemHealth()).isEqualTo(HEALTHY);
    ComfyUiClient comfyUi = director.comfyUiPool().acquire();
    assertThat(comfyUi.sendWorkflow(ComfyUiClient.textToImage("test workflow", 1)).status()).isEqualTo("queued");
    director.comfyUiPool().release(comfyUi);
    LlmClient text = director.llmPool().acquire();
    assertThat(text.complete("Hello").text()).isNotBlank();
    director.llmPool().release(text);
  }

  @Test
  void generatesAnImageATextAndAVideoInParallel() {
    director(config()).connect();

    List<Generated> results = List.of(
        director.generateImage("A beautiful landscape", 20).join(),
        director.generateText("A logline for the landscape").join(),
        director.generateVideo("A slow pan over the landscape", 7).join());

    assertThat(results).extracting(Generated::type).containsExactly("image", "text", "video");
    assertThat(results.get(0).bytes()).startsWith(0x89, 'P', 'N', 'G');
    assertThat(new String(results.get(2).bytes(), 4, 4)).isEqualTo("ftyp");
    comfy.jobs().assertHealthy();
    wan.jobs().assertHealthy();
  }

  @Test
  void survivesAComfyUiCrashAndResumesAfterTheRestart() throws Exception {
    director(config()).connect();
    ComfyUiClient pooled = director.comfyUiPool().connections().get(0);

    comfy.stop();
    List<HealthCheckService.HealthStatus> seen = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      seen.add(director.health().checkNow().get("comfyui").status());
    }
    assertThat(seen).containsExactly(DEGRADED, DEGRADED, UNHEALTHY);
    await().atMost(Duration.ofSeconds(20)).until(() -> pooled.state() == ComfyUiClient.ConnectionState.RECONNECTING);

    comfy.restart();
    assertThat(director.health().checkNow().get("comfyui").status()).isEqualTo(HEALTHY);
    await().atMost(Duration.ofSeconds(20)).until(() -> pooled.state() == ComfyUiClient.ConnectionState.CONNECTED);
    assertThat(director.generateImage("after the restart", 5).join().type()).isEqualTo("image");
  }

  @Test
  void aWrongPortInThePanelShowsAnErrorAndTheRightOneReconnects() {
    director(config()).connect();
    int right = comfy.port();

    director.reconfigure("comfyui", Ports.refused());
    assertThat(director.reconnect("comfyui")).isEqualTo(ERROR);
    assertThat(director.error("comfyui")).isEqualTo("refused");

    director.reconfigure("comfyui", right);
    assertThat(director.reconnect("comfyui")).isEqualTo(CONNECTED);
    assertThat(director.generateImage("back on the right port", 9).join().type()).isEqualTo("image");
  }

  @Test
  void fiftyConcurrentUsersSucceedAndShareAFewConnections() throws Exception {
    director(config().withPoolSize("litellm", 8)).connect();
    ExecutorService users = Executors.newFixedThreadPool(50);
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<Boolean>> runs = new ArrayList<>();
    try {
      for (int u = 0; u < 50; u++) {
        int user = u;
        runs.add(CompletableFuture.supplyAsync(() -> {
          try {
            go.await();
            boolean found = director.discover().values().stream().allMatch(ServiceDiscovery.Discovery::discovered);
            return found && !director.generateText("User " + user + " request").join().text().isBlank();
          } catch (Exception e) {
            return false;
          }
        }, users));
      }
      go.countDown();
      CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    } finally {
      users.shutdownNow();
    }

    double successRate = runs.stream().filter(CompletableFuture::join).count() / 50.0;
    ConnectionPool.Stats stats = director.poolStatistics().get("litellm");
    assertThat(successRate).isGreaterThan(0.95);
    assertThat(stats.acquisitions()).isEqualTo(50);
    assertThat(stats.created()).isLessThanOrEqualTo(8);
    assertThat(stats.reuseRate()).isGreaterThan(0.8);
    assertThat(stats.timeouts()).isZero();
  }

  @Test
  void repeatedConnectAndDisconnectLeavesNoThreadsOrSocketsBehind() throws Exception {
    // its own thread-name prefix, so threads of earlier tests' directors (still ending) are not counted
    director = new MovieDirector("leak-check", config());
    director.connect();
    director.generateText("warm up").join();
    director.disconnect();
    await().atMost(Duration.ofSeconds(20)).until(() -> socketsClosed() == 1);
    int keepAliveAfterFirst = comfy.link().stats().connectionsOpen(); // the HTTP client's idle connections

    // The pools fill up over the first cycles (4 HTTP threads, a cached worker pool that may add a
    // thread when a task arrives just before an idle one is back), so growth is measured after a
    // warm-up: a leak of one thread per cycle would add 20 between cycle 10 and cycle 30.
    long threadsAfterWarmUp = 0;
    for (int cycle = 0; cycle < 30; cycle++) {
      if (cycle == 10) {
        threadsAfterWarmUp = directorThreads();
      }
      director.connect();
      director.generateText("cycle " + cycle).join();
      director.disconnect();
    }
    assertThat(directorThreads() - threadsAfterWarmUp).isLessThan(10);

    int opened = comfy.journal().count(e -> e.kind() == Entry.Kind.WS_OPEN);
    assertThat(opened).isEqualTo(31);
    await().atMost(Duration.ofSeconds(20)).until(() -> socketsClosed() == opened);
    // every WebSocket is gone; only the HTTP client's idle keep-alive connections remain
    await().atMost(Duration.ofSeconds(20)).until(() -> comfy.link().stats().connectionsOpen() <= keepAliveAfterFirst);

    director.close();
    assertThat(director.awaitTermination(Duration.ofSeconds(20))).isTrue();
    await().atMost(Duration.ofSeconds(20)).until(() -> threadsOf("leak-check-") == 0);
  }

  /**
   * Closes of the WebSockets this test opened. An earlier test's socket may close late, after the
   * reset, so closes are matched to this test's opens by their {@code clientId} query.
   */
  private int socketsClosed() {
    Set<String> ours = comfy.journal().find(e -> e.kind() == Entry.Kind.WS_OPEN).stream()
        .map(Entry::query).collect(Collectors.toSet());
    return comfy.journal().count(e -> e.kind() == Entry.Kind.WS_CLOSE && ours.contains(e.query()));
  }

  /** The leak check's director threads, and the health checkers (one per connect, ended by disconnect). */
  private static long directorThreads() {
    return threadsOf("leak-check-") + threadsOf("director-health");
  }

  private static long threadsOf(String prefix) {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).count();
  }
}
