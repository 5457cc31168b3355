package dev.backlot.examples.director;

import static dev.backlot.examples.director.ComfyUiClient.ConnectionState.CONNECTED;
import static dev.backlot.examples.director.ComfyUiClient.ConnectionState.RECONNECTING;
import static dev.backlot.journal.RequestPattern.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.backlot.comfyui.ComfyUiFake;
import dev.backlot.journal.Entry;
import dev.backlot.junit.BacklotTest;
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

/** Seed 001, "WebSocket client": connection, reconnection after a drop, queueing while disconnected. */
@BacklotTest
class ComfyUiClientTest {

  ComfyUiFake comfy;

  ScheduledExecutorService scheduler;
  ExecutorService worker;
  HttpClient http;
  ComfyUiClient client;

  @BeforeEach
  void open() {
    scheduler = Executors.newSingleThreadScheduledExecutor();
    worker = Executors.newCachedThreadPool();
    http = HttpClient.newBuilder().executor(worker).version(HttpClient.Version.HTTP_1_1).build();
    client = new ComfyUiClient(http, comfy.baseUri(), ComfyUiClient.Settings.defaults(), scheduler, worker);
  }

  @AfterEach
  void close() {
    if (!comfy.isRunning()) {
      comfy.restart(); // a failed outage test must not leave the next tests without ComfyUI
    }
    client.close();
    scheduler.shutdownNow();
    worker.shutdownNow();
  }

  private int socketsOpened() {
    return comfy.journal().count(e -> e.kind() == Entry.Kind.WS_OPEN && e.query().contains(client.clientId()));
  }

  @Test
  void connectsAndQueuesAWorkflowThatRendersAnImage() throws Exception {
    client.connect();

    ComfyUiClient.Queued queued = client.sendWorkflow(ComfyUiClient.textToImage("a red fox", 42));
    ComfyUiClient.Image image = client.awaitImage(queued.promptId(), Duration.ofSeconds(30));

    assertThat(client.state()).isEqualTo(CONNECTED);
    assertThat(queued.status()).isEqualTo("queued");
    assertThat(image.png()).startsWith(0x89, 'P', 'N', 'G');
    comfy.journal().verify(1, post("/prompt").bodyContains(client.clientId()));
  }

  @Test
  void reconnectsByItselfWhenComfyUiDropsTheSocket() throws Exception {
    client.connect();

    comfy.webSocket(client.clientId()).orElseThrow().close(1011, "server restart");

    await().atMost(Duration.ofSeconds(20)).until(() -> client.reconnects() == 1 && client.state() == CONNECTED);
    assertThat(client.stateHistory()).containsSubsequence(CONNECTED, RECONNECTING, CONNECTED);
    assertThat(socketsOpened()).isEqualTo(2);
  }

  @Test
  void workflowsSentWhileDisconnectedWaitAndGoOutOnConnect() throws Exception {
    CompletableFuture<ComfyUiClient.Queued> first = client.submit(ComfyUiClient.textToImage("shot 1", 1));
    CompletableFuture<ComfyUiClient.Queued> second = client.submit(ComfyUiClient.textToImage("shot 2", 2));

    assertThat(client.queuedMessages()).isEqualTo(2);
    comfy.journal().verifyNone(post("/prompt"));

    client.connect();

    assertThat(first.get(20, TimeUnit.SECONDS).status()).isEqualTo("queued");
    assertThat(second.get(20, TimeUnit.SECONDS).status()).isEqualTo("queued");
    assertThat(client.queuedMessages()).isZero();
    assertThat(comfy.journal().find(post("/prompt")))
        .extracting(Entry::bodyText).satisfiesExactly(
            b -> assertThat(b).contains("shot 1"), b -> assertThat(b).contains("shot 2"));
  }

  @Test
  void aWorkflowSubmittedDuringAnOutageIsSentAfterTheReconnect() throws Exception {
    client.connect();
    comfy.stop();
    await().atMost(Duration.ofSeconds(20)).until(() -> client.state() == RECONNECTING);

    CompletableFuture<ComfyUiClient.Queued> during = client.submit(ComfyUiClient.textToImage("during the outage", 3));
    assertThat(client.queuedMessages()).isEqualTo(1);
    comfy.restart();

    ComfyUiClient.Queued queued = during.get(20, TimeUnit.SECONDS);
    assertThat(client.awaitImage(queued.promptId(), Duration.ofSeconds(30)).png()).isNotEmpty();
    assertThat(client.reconnects()).isEqualTo(1);
  }
}
