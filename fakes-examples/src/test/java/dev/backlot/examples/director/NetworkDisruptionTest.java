package dev.backlot.examples.director;

import static dev.backlot.journal.RequestPattern.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.backlot.comfyui.ComfyUiFake;
import dev.backlot.junit.BacklotTest;
import dev.backlot.junit.FakeConfig;
import dev.backlot.net.Direction;
import dev.backlot.time.ManualClock;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Seed 000, "network disruption": latency and packet loss on the link to ComfyUI. The link runs
 * on a manual clock, so latency is proven by an answer that waits for the clock, not by timing.
 */
@BacklotTest
class NetworkDisruptionTest {

  @FakeConfig(link = true, manualClock = true) ComfyUiFake comfy;

  ScheduledExecutorService scheduler;
  ExecutorService worker;
  ComfyUiClient client;

  @BeforeEach
  void open() throws Exception {
    scheduler = Executors.newSingleThreadScheduledExecutor();
    worker = Executors.newCachedThreadPool();
    HttpClient http = HttpClient.newBuilder().executor(worker).version(HttpClient.Version.HTTP_1_1).build();
    var settings = new ComfyUiClient.Settings(Duration.ofMillis(400), 3, Duration.ofMillis(50), Duration.ofSeconds(1), 10);
    client = new ComfyUiClient(http, comfy.baseUri(), settings, scheduler, worker);
    // The 400 ms budget is for the lossy requests below; it also bounds the WebSocket handshake,
    // which a stalled machine can overrun with nothing wrong, so a failed handshake is retried.
    for (int attempt = 1; ; attempt++) {
      try {
        client.connect();
        break;
      } catch (BackendException e) {
        if (attempt == 10) {
          throw e;
        }
      }
    }
  }

  @AfterEach
  void close() {
    client.close();
    scheduler.shutdownNow();
    worker.shutdownNow();
  }

  @Test
  void latencyDelaysTheAnswerButTheWorkflowIsStillQueued() throws Exception {
    ManualClock clock = (ManualClock) comfy.clock();
    // the request timeout is real time; give this client room so only the link's clock matters
    ComfyUiClient patient = new ComfyUiClient(HttpClient.newBuilder().executor(worker).build(), comfy.baseUri(),
        ComfyUiClient.Settings.defaults(), scheduler, worker);
    patient.connect();
    comfy.link().toxics().latency(Direction.DOWNSTREAM, Duration.ofMillis(500));

    CompletableFuture<ComfyUiClient.Queued> queued = patient.submit(ComfyUiClient.textToImage("test", 1));
    await().atMost(Duration.ofSeconds(20)).until(() -> comfy.journal().count(post("/prompt")) == 1
        && comfy.link().stats().bytesBuffered() > 0);
    assertThat(queued).isNotDone(); // ComfyUI answered; the link holds the answer for 500 ms

    clock.advance(Duration.ofMillis(500));

    assertThat(queued.get(20, TimeUnit.SECONDS).status()).isEqualTo("queued");
    patient.close();
  }

  @Test
  void heavyPacketLossMakesTheClientRetryThenReportTheBackendUnreachable() throws Exception {
    comfy.link().toxics().packetLoss(Direction.DOWNSTREAM, 1.0); // every answer stalls in retransmits

    assertThatThrownBy(() -> client.sendWorkflow(ComfyUiClient.textToImage("test", 1)))
        .isInstanceOfSatisfying(BackendException.class, e -> assertThat(e.reason()).isEqualTo("timeout"));
    // Three attempts reached ComfyUI; no answer came back. (When a stall makes sendWorkflow's
    // own limit run out first, the last attempt is still on its way: wait for it.)
    await().atMost(Duration.ofSeconds(20)).until(() -> comfy.journal().count(post("/prompt")) >= 3);
    comfy.journal().verify(3, post("/prompt"));

    comfy.link().toxics().clear();
    // The same client works again. Each try still has only 400 ms per attempt, which a stalled
    // machine can overrun with nothing wrong: a try that times out is repeated.
    await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(BackendException.class)
        .until(() -> client.sendWorkflow(ComfyUiClient.textToImage("test", 2)).status().equals("queued"));
  }
}
