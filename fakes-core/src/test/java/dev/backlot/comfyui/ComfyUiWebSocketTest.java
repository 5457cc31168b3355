package dev.backlot.comfyui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.comfyui.WsClient.Frame;
import dev.backlot.time.Clock;
import dev.backlot.wire.Json;
import dev.backlot.time.ManualClock;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The {@code /ws} endpoint: handshake, sids, feature flags, previews, reconnecting. */
class ComfyUiWebSocketTest {

  ManualClock clock = Clock.manual();
  ComfyUiFake comfy;
  Http http;
  final List<WsClient> clients = new ArrayList<>();

  private void start(ComfyUiFake.Builder b) {
    comfy = b.clock(clock).jobDuration(Duration.ofMillis(40)).start();
    http = new Http(comfy.baseUri());
  }

  private WsClient connect(String id) throws InterruptedException {
    WsClient c = WsClient.connect(comfy.wsUri(), id);
    clients.add(c);
    return c;
  }

  @AfterEach
  void close() throws InterruptedException {
    for (WsClient c : clients) {
      c.closeBlocking();
    }
    comfy.jobs().assertHealthy();
    comfy.close();
  }

  @Test
  void withoutClientIdTheServerChoosesAHexSid() throws Exception {
    start(ComfyUiFake.builder());
    WsClient c = connect(null);
    Frame hello = c.next();
    assertThat(hello.type()).isEqualTo("status");
    assertThat(hello.data().get("sid").asText()).matches("[0-9a-f]{32}");
    assertThat(hello.json().toString()).isEqualTo(
        "{\"type\":\"status\",\"data\":{\"status\":{\"exec_info\":{\"queue_remaining\":0}},\"sid\":\""
            + hello.data().get("sid").asText() + "\"}}");
  }

  @Test
  void featureFlagsAreAnsweredWhenFirst() throws Exception {
    start(ComfyUiFake.builder());
    WsClient c = connect("c");
    c.next();
    c.send("{\"type\": \"feature_flags\", \"data\": {\"supports_preview_metadata\": true}}");
    Frame f = c.next();
    assertThat(f.type()).isEqualTo("feature_flags");
    assertThat(f.data()).isEqualTo(Json.parse(
        "{\"supports_preview_metadata\": true, \"max_upload_size\": 104857600}"));
    c.send("{\"type\": \"feature_flags\", \"data\": {}}"); // not first any more: ignored
    http.queueOk(Workflows.small(1, 1), "c", "p");
    clock.advance(Duration.ofMillis(100));
    assertThat(WsClient.types(c.untilDone("p"))).doesNotContain("feature_flags");
  }

  @Test
  void latentPreviewsAreBinaryPngFrames() throws Exception {
    start(ComfyUiFake.builder().previews(true));
    WsClient c = connect("c");
    c.next();
    http.queueOk(Workflows.small(1, 3), "c", "p");
    clock.advance(Duration.ofMillis(100));
    List<Frame> frames = c.untilDone("p");
    List<String> kinds = new ArrayList<>();
    for (Frame f : frames) {
      if (f.json() == null) {
        kinds.add("binary");
        ByteBuffer b = ByteBuffer.wrap(f.binary());
        assertThat(b.getInt()).isEqualTo(1); // PREVIEW_IMAGE
        assertThat(b.getInt()).isEqualTo(2); // PNG
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(
            Arrays.copyOfRange(f.binary(), 8, f.binary().length)));
        assertThat(img.getWidth()).isEqualTo(8); // a latent-sized preview of a 64 px image
      } else if ("progress".equals(f.type())) {
        kinds.add("progress");
      }
    }
    assertThat(kinds).containsExactly("progress", "binary", "progress", "binary", "progress", "binary");
  }

  @Test
  void clientsThatSupportPreviewMetadataGetType4Frames() throws Exception {
    start(ComfyUiFake.builder().previews(true));
    WsClient c = connect("c");
    c.next();
    c.send("{\"type\": \"feature_flags\", \"data\": {\"supports_preview_metadata\": true}}");
    c.nextOfType("feature_flags");
    http.queueOk(Workflows.small(1, 1), "c", "p");
    clock.advance(Duration.ofMillis(100));
    Frame bin = c.untilDone("p").stream().filter(f -> f.json() == null).findFirst().orElseThrow();
    ByteBuffer b = ByteBuffer.wrap(bin.binary());
    assertThat(b.getInt()).isEqualTo(4); // PREVIEW_IMAGE_WITH_METADATA
    int len = b.getInt();
    JsonNode meta = Json.parse(new String(bin.binary(), 8, len, StandardCharsets.UTF_8));
    assertThat(meta).isEqualTo(Json.parse("{\"node_id\": \"3\", \"prompt_id\": \"p\", "
        + "\"display_node_id\": \"3\", \"parent_node_id\": null, \"real_node_id\": \"3\", "
        + "\"image_type\": \"image/png\"}"));
    assertThat(ImageIO.read(new ByteArrayInputStream(
        Arrays.copyOfRange(bin.binary(), 8 + len, bin.binary().length)))).isNotNull();
  }

  @Test
  void reconnectingClientIsToldTheNodeExecutingAndGetsTheRest() throws Exception {
    start(ComfyUiFake.builder());
    WsClient first = connect("client-1");
    first.next();
    comfy.jobs().script().next(1).stallAfter(1);
    http.queueOk(Workflows.small(1, 4), "client-1", "p");
    clock.advance(Duration.ofMillis(100));
    first.until(f -> "progress".equals(f.type()));
    first.closeBlocking();

    WsClient again = connect("client-1");
    Frame hello = again.next();
    assertThat(hello.data().get("sid").asText()).isEqualTo("client-1");
    assertThat(hello.data().at("/status/exec_info/queue_remaining").asInt()).isEqualTo(1);
    Frame executing = again.next();
    assertThat(executing.json()).isEqualTo(Json.parse("{\"type\": \"executing\", \"data\": {\"node\": \"3\"}}"));

    comfy.jobs().release("p");
    clock.advance(Duration.ofMillis(100));
    List<Frame> rest = again.untilDone("p");
    assertThat(ComfyUiConformanceTest.summary(rest)).containsSubsequence("progress:2/4",
        "progress:4/4", "executing:8", "executing:9", "executed:9", "execution_success");
  }

  @Test
  void aNewSocketWithTheSameClientIdTakesItOver() throws Exception {
    start(ComfyUiFake.builder());
    WsClient old = connect("same");
    old.next();
    WsClient fresh = connect("same");
    fresh.next();
    http.queueOk(Workflows.small(1, 1), "same", "p");
    clock.advance(Duration.ofMillis(100));
    fresh.untilDone("p");
    // The replaced socket is out of ComfyUI's table: not even status broadcasts reach it. Frames
    // sent to it would arrive before the answer to its close, so closing it settles the check.
    old.closeBlocking();
    assertThat(old.all).hasSize(1);
    assertThat(comfy.webSocket("same")).isPresent();
  }

  /**
   * The fault engine closes the client's socket with 1011 after the second {@code progress} of a
   * prompt; the client reconnects with its clientId, is told the node executing, and gets the rest
   * of the prompt's messages; history is complete.
   */
  @Test
  void webSocketCloseFaultMidPromptAndTheClientReconnects() throws Exception {
    start(ComfyUiFake.builder());
    comfy.faults().onWebSocket("/ws").next(1).outgoing("progress").closeAfter(2, 1011, "internal error");
    WsClient ws = connect("c");
    ws.next();
    http.queueOk(Workflows.small(1, 4), "c", "p");
    clock.advance(Duration.ofMillis(20)); // two of four steps
    assertThat(ws.closed.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(ws.closeCode).isEqualTo(1011);
    assertThat(ComfyUiConformanceTest.summary(new ArrayList<>(ws.all)))
        .containsSubsequence("executing:3", "progress:1/4", "progress:2/4")
        .doesNotContain("progress:3/4");

    WsClient back = connect("c"); // a second connection: the rule was for the first only
    assertThat(back.next().data().get("sid").asText()).isEqualTo("c");
    assertThat(back.next().json()).isEqualTo(Json.parse("{\"type\": \"executing\", \"data\": {\"node\": \"3\"}}"));
    clock.advance(Duration.ofMillis(20));
    List<Frame> rest = back.untilDone("p");
    assertThat(ComfyUiConformanceTest.summary(rest)).containsSubsequence("progress:3/4",
        "progress:4/4", "executing:8", "executing:9", "executed:9", "execution_success",
        "executing:null");
    assertThat(comfy.history("p").orElseThrow().at("/status/status_str").asText()).isEqualTo("success");
    comfy.faults().assertAllFired();
    assertThat(comfy.journal().entries().stream().filter(e -> e.fault() != null).count()).isPositive();
  }

  /** The same without the fault engine: a test can cut a client's socket itself. */
  @Test
  void theTestCanCloseAClientsSocketItself() throws Exception {
    start(ComfyUiFake.builder());
    WsClient ws = connect("c");
    ws.next();
    comfy.webSocket("c").orElseThrow().close(1001, "going away");
    assertThat(ws.closed.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(ws.closeCode).isEqualTo(1001);
    assertThat(comfy.webSocket("c")).isEmpty();
  }

  @Test
  void droppedProgressMessagesDoNotStopThePrompt() throws Exception {
    start(ComfyUiFake.builder());
    comfy.faults().onWebSocket("/ws").outgoing("progress").drop();
    WsClient ws = connect("c");
    ws.next();
    http.queueOk(Workflows.small(1, 4), "c", "p");
    clock.advance(Duration.ofMillis(100));
    List<Frame> frames = ws.untilDone("p");
    assertThat(WsClient.types(frames)).doesNotContain("progress").contains("progress_state", "executed");
  }

  @Test
  void a503OnPostPromptIsRetriedAndTheRetryIsQueuedOnce() throws Exception {
    start(ComfyUiFake.builder());
    comfy.faults().on("POST", "/prompt").next(1).status(503);
    WsClient ws = connect("c");
    ws.next();
    assertThat(http.queue(Workflows.small(1, 2), "c", "p").statusCode()).isEqualTo(503);
    assertThat(comfy.jobs().submittedCount()).isZero(); // the fault answered, not ComfyUI
    JsonNode retry = http.queueOk(Workflows.small(1, 2), "c", "p");
    assertThat(retry.get("number").asLong()).isZero();
    clock.advance(Duration.ofMillis(100));
    ws.untilDone("p");
    assertThat(http.getJson("/history").size()).isEqualTo(1);
  }
}
