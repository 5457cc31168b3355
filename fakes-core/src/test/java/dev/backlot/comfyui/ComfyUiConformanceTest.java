package dev.backlot.comfyui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.comfyui.WsClient.Frame;
import dev.backlot.wire.Json;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Drives the fake exactly as ComfyUI's own {@code script_examples/websockets_api_example.py} and
 * {@code websockets_api_example_ws_images.py} do, with an independent WebSocket client
 * (Java-WebSocket) and {@code java.net.http}, on the system clock.
 */
class ComfyUiConformanceTest {

  static ComfyUiFake comfy;
  static Http http;

  @BeforeAll
  static void start() {
    comfy = ComfyUiFake.builder().start();
    http = new Http(comfy.baseUri());
  }

  @AfterAll
  static void stop() {
    comfy.close();
  }

  @BeforeEach
  void reset() {
    comfy.reset();
  }

  @Test
  void websocketsApiExample() throws Exception {
    String clientId = UUID.randomUUID().toString();
    WsClient ws = WsClient.connect(comfy.wsUri(), clientId);
    try {
      Frame hello = ws.next();
      assertThat(hello.type()).isEqualTo("status");
      assertThat(hello.data().get("sid").asText()).isEqualTo(clientId);
      assertThat(hello.data().at("/status/exec_info/queue_remaining").asInt()).isZero();

      // queue_prompt(prompt, prompt_id): urllib POST, form Content-Type, JSON body
      String promptId = UUID.randomUUID().toString();
      HttpResponse<byte[]> queued = http.queue(Workflows.example(), clientId, promptId);
      assertThat(queued.statusCode()).isEqualTo(200);
      JsonNode answer = Http.json(queued);
      assertThat(answer.get("prompt_id").asText()).isEqualTo(promptId);
      assertThat(answer.get("number").asLong()).isZero();
      assertThat(answer.get("node_errors").size()).isZero();

      // while True: ws.recv() ... break on executing with node None for our prompt_id
      List<Frame> frames = ws.untilDone(promptId);

      // get_history(prompt_id)[prompt_id] right away: it must already be there
      JsonNode history = http.getJson("/history/" + promptId).get(promptId);
      assertThat(history).isNotNull();
      assertThat(history.at("/status/status_str").asText()).isEqualTo("success");
      assertThat(history.at("/status/completed").asBoolean()).isTrue();

      Map<String, List<byte[]>> images = new LinkedHashMap<>();
      history.get("outputs").properties().forEach(e -> {
        List<byte[]> list = new ArrayList<>();
        for (JsonNode image : e.getValue().path("images")) {
          String q = Http.query(Http.params("filename", image.get("filename").asText(),
              "subfolder", image.get("subfolder").asText(), "type", image.get("type").asText()));
          HttpResponse<byte[]> r = http.get("/view?" + q);
          assertThat(r.statusCode()).isEqualTo(200);
          assertThat(r.headers().firstValue("Content-Type")).hasValue("image/png");
          list.add(r.body());
        }
        images.put(e.getKey(), list);
      });
      assertThat(images).containsOnlyKeys("9");
      assertThat(images.get("9")).hasSize(1);
      BufferedImage png = ImageIO.read(new ByteArrayInputStream(images.get("9").get(0)));
      assertThat(png).isNotNull();
      assertThat(png.getWidth()).isEqualTo(512);
      assertThat(png.getHeight()).isEqualTo(512);
      JsonNode promptChunk = Json.parse(pngText(images.get("9").get(0), "prompt"));
      assertThat(promptChunk.at("/3/inputs/cfg").isDouble()).isTrue(); // 8 validated to 8.0
      assertThat(promptChunk.at("/6/inputs/text").asText()).isEqualTo("masterpiece best quality man");

      // The real server's order (progress_state messages aside).
      List<String> expected = new ArrayList<>(List.of("status:1", "status:1", "execution_start",
          "execution_cached", "executing:4", "executing:6", "executing:7", "executing:5",
          "executing:3"));
      for (int i = 1; i <= 20; i++) {
        expected.add("progress:" + i + "/20");
      }
      expected.addAll(List.of("executing:8", "executing:9", "executed:9", "execution_success",
          "status:0", "executing:null"));
      assertThat(summary(frames)).containsExactlyElementsOf(expected);
      assertThat(WsClient.types(frames)).contains("progress_state");
      for (Frame f : frames) {
        if (!"status".equals(f.type())) {
          assertThat(f.data().get("prompt_id").asText()).as(f.toString()).isEqualTo(promptId);
        }
      }
      JsonNode messages = history.at("/status/messages");
      assertThat(messages.size()).isEqualTo(3);
      assertThat(messages.get(0).get(0).asText()).isEqualTo("execution_start");
      assertThat(messages.get(1).get(0).asText()).isEqualTo("execution_cached");
      assertThat(messages.get(2).get(0).asText()).isEqualTo("execution_success");
      assertThat(messages.get(2).get(1).get("timestamp").isIntegralNumber()).isTrue();
      JsonNode item = history.get("prompt");
      assertThat(item.size()).isEqualTo(5);
      assertThat(item.get(1).asText()).isEqualTo(promptId);
      assertThat(item.get(3).get("client_id").asText()).isEqualTo(clientId);
      assertThat(item.get(4)).containsExactly(Json.parse("\"9\""));
      assertThat(history.at("/meta/9/node_id").asText()).isEqualTo("9");
    } finally {
      ws.closeBlocking();
    }
    comfy.jobs().assertHealthy();
  }

  @Test
  void websocketsApiExampleWithApiPrefix() throws Exception {
    String clientId = UUID.randomUUID().toString();
    WsClient ws = WsClient.connect(comfy.wsUri(), "/api/ws", clientId);
    try {
      assertThat(ws.next().data().get("sid").asText()).isEqualTo(clientId);
      String promptId = UUID.randomUUID().toString();
      ObjectNode body = Json.object();
      body.set("prompt", Workflows.small(3, 4));
      body.put("client_id", clientId);
      body.put("prompt_id", promptId);
      assertThat(http.post("/api/prompt", body).statusCode()).isEqualTo(200);
      ws.untilDone(promptId);
      JsonNode image = http.getJson("/api/history/" + promptId).at("/" + promptId + "/outputs/9/images/0");
      HttpResponse<byte[]> r = http.get("/api/view?" + Http.query(Http.params(
          "filename", image.get("filename").asText(), "subfolder", "", "type", "output")));
      assertThat(r.statusCode()).isEqualTo(200);
      BufferedImage png = ImageIO.read(new ByteArrayInputStream(r.body()));
      assertThat(png.getWidth()).isEqualTo(64);
    } finally {
      ws.closeBlocking();
    }
  }

  @Test
  void websocketsApiExampleWsImages() throws Exception {
    String clientId = UUID.randomUUID().toString();
    WsClient ws = WsClient.connect(comfy.wsUri(), clientId);
    try {
      ws.next();
      // This script reads prompt_id from the POST answer instead of choosing it.
      String promptId = http.queueOk(Workflows.websocketImages(), clientId, null)
          .get("prompt_id").asText();
      assertThat(promptId).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
      List<byte[]> outputImages = new ArrayList<>();
      String currentNode = "";
      while (true) {
        Frame f = ws.next();
        if (f.json() != null) {
          if ("executing".equals(f.type()) && promptId.equals(f.data().path("prompt_id").asText())) {
            if (f.data().get("node").isNull()) {
              break;
            }
            currentNode = f.data().get("node").asText();
          }
        } else if ("save_image_websocket_node".equals(currentNode)) {
          outputImages.add(Arrays.copyOfRange(f.binary(), 8, f.binary().length));
          ByteBuffer header = ByteBuffer.wrap(f.binary(), 0, 8);
          assertThat(header.getInt()).isEqualTo(1); // PREVIEW_IMAGE
          assertThat(header.getInt()).isEqualTo(2); // PNG
        }
      }
      assertThat(outputImages).hasSize(1);
      BufferedImage png = ImageIO.read(new ByteArrayInputStream(outputImages.get(0)));
      assertThat(png.getWidth()).isEqualTo(512);
      assertThat(http.getJson("/history/" + promptId).at("/" + promptId + "/outputs").size()).isZero();
    } finally {
      ws.closeBlocking();
    }
  }

  @Test
  void basicApiExampleWithoutClientRunsAndSendsNoExecutionEventsToOthers() throws Exception {
    WsClient watcher = WsClient.connect(comfy.wsUri(), "watcher");
    try {
      watcher.next();
      // basic_api_example.py: only {"prompt": ...}, answer ignored
      String promptId = http.queueOk(Workflows.small(1, 2), null, null).get("prompt_id").asText();
      List<Frame> frames = watcher.until(f -> "status".equals(f.type())
          && f.data().at("/status/exec_info/queue_remaining").asInt() == 0);
      assertThat(WsClient.types(frames)).doesNotContain("execution_start", "executing", "executed",
          "execution_success");
      // progress is sent with sid=None, which ComfyUI broadcasts
      assertThat(WsClient.types(frames)).contains("progress");
      assertThat(http.getJson("/history/" + promptId).at("/" + promptId + "/status/status_str")
          .asText()).isEqualTo("success");
    } finally {
      watcher.closeBlocking();
    }
  }

  /** "type:detail" for every text message except progress_state. */
  static List<String> summary(List<Frame> frames) {
    List<String> out = new ArrayList<>();
    for (Frame f : frames) {
      if (f.json() == null) {
        out.add("binary");
        continue;
      }
      JsonNode d = f.data();
      switch (f.type()) {
        case "progress_state" -> { }
        case "status" -> out.add("status:" + d.at("/status/exec_info/queue_remaining").asInt());
        case "executing", "executed" -> out.add(f.type() + ":" + (d.get("node").isNull() ? "null"
            : d.get("node").asText()));
        case "progress" -> out.add("progress:" + d.get("value").asInt() + "/" + d.get("max").asInt());
        default -> out.add(f.type());
      }
    }
    return out;
  }

  /** The text of a PNG tEXt chunk. */
  static String pngText(byte[] png, String keyword) {
    ByteBuffer b = ByteBuffer.wrap(png);
    b.position(8);
    while (b.remaining() >= 12) {
      int len = b.getInt();
      byte[] type = new byte[4];
      b.get(type);
      byte[] data = new byte[len];
      b.get(data);
      b.getInt();
      if ("tEXt".equals(new String(type, StandardCharsets.ISO_8859_1))) {
        String s = new String(data, StandardCharsets.ISO_8859_1);
        int nul = s.indexOf('\0');
        if (s.substring(0, nul).equals(keyword)) {
          return s.substring(nul + 1);
        }
      }
    }
    throw new AssertionError("no tEXt chunk " + keyword);
  }
}
