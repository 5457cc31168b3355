package dev.backlot.comfyui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.comfyui.WsClient.Frame;
import dev.backlot.time.Clock;
import dev.backlot.wire.Json;
import dev.backlot.time.ManualClock;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Restart, reset and close; the node cache; history queries; image outputs. */
class ComfyUiLifecycleTest {

  ManualClock clock = Clock.manual();
  ComfyUiFake comfy;
  Http http;
  WsClient ws;

  private void start(ComfyUiFake.Builder b) throws InterruptedException {
    comfy = b.clock(clock).jobDuration(Duration.ofMillis(40)).start();
    http = new Http(comfy.baseUri());
    ws = WsClient.connect(comfy.wsUri(), "c");
    ws.next();
  }

  @AfterEach
  void close() throws InterruptedException {
    if (ws != null) {
      ws.closeBlocking();
    }
    comfy.jobs().assertHealthy();
    comfy.close();
  }

  private List<Frame> run(JsonNode prompt, String id) throws InterruptedException {
    http.queueOk(prompt, "c", id);
    clock.advance(Duration.ofMillis(100));
    return ws.untilDone(id);
  }

  @Test
  void restartKeepsHistoryAndFiles() throws Exception {
    start(ComfyUiFake.builder());
    run(Workflows.small(1, 2), "before");
    JsonNode before = http.getJson("/history/before");
    String file = before.at("/before/outputs/9/images/0/filename").asText();
    int port = comfy.port();

    comfy.stop();
    assertThatThrownBy(() -> http.get("/history")).isInstanceOf(UncheckedIOException.class);
    assertThat(ws.closed.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    comfy.start();

    assertThat(comfy.port()).isEqualTo(port);
    assertThat(http.getJson("/history/before")).isEqualTo(before);
    assertThat(http.get("/view?filename=" + file).statusCode()).isEqualTo(200);
    ws = WsClient.connect(comfy.wsUri(), "c");
    ws.next();
    JsonNode after = http.queueOk(Workflows.small(2, 2), "c", "after");
    assertThat(after.get("number").asLong()).isEqualTo(1); // the counter survives too
    clock.advance(Duration.ofMillis(100));
    ws.untilDone("after");
    assertThat(http.getJson("/history").size()).isEqualTo(2);
    assertThat(comfy.history("after").orElseThrow().at("/outputs/9/images/0/filename").asText())
        .isEqualTo("ComfyUI_00002_.png");
  }

  @Test
  void resetForgetsEverything() throws Exception {
    start(ComfyUiFake.builder().inputFile("keep.png", dev.backlot.media.Media.png(4, 4, 1)));
    run(Workflows.small(1, 2), "a");
    http.queueOk(Workflows.small(2, 2), "c", "b");
    comfy.reset();
    assertThat(http.getJson("/history")).isEqualTo(Json.object());
    assertThat(http.getJson("/queue")).isEqualTo(Json.parse("{\"queue_running\": [], \"queue_pending\": []}"));
    assertThat(comfy.files("output")).isEmpty();
    assertThat(comfy.files("input")).containsExactly("keep.png");
    assertThat(comfy.jobs().submittedCount()).isZero();
    assertThat(http.queueOk(Workflows.small(3, 2), "c", "c").get("number").asLong()).isZero();
    clock.advance(Duration.ofMillis(100));
    ws.untilDone("c");
    assertThat(comfy.history("c").orElseThrow().at("/outputs/9/images/0/filename").asText())
        .isEqualTo("ComfyUI_00001_.png");
  }

  @Test
  void closeFreesThePort() throws Exception {
    start(ComfyUiFake.builder());
    int port = comfy.port();
    comfy.close();
    try (java.net.ServerSocket s = new java.net.ServerSocket(port, 1,
        java.net.InetAddress.getLoopbackAddress())) {
      assertThat(s.getLocalPort()).isEqualTo(port);
    }
  }

  @Test
  void anIdenticalPromptIsServedFromTheCache() throws Exception {
    start(ComfyUiFake.builder());
    run(Workflows.small(1, 2), "first");
    List<Frame> again = run(Workflows.small(1, 2), "second");
    List<String> summary = ComfyUiConformanceTest.summary(again);
    assertThat(summary).containsSubsequence("execution_start", "execution_cached", "executed:9",
        "execution_success", "executing:null");
    assertThat(summary).doesNotContain("executing:3", "progress:1/2");
    Frame cached = again.stream().filter(f -> "execution_cached".equals(f.type())).findFirst().orElseThrow();
    assertThat(cached.data().get("nodes")).isEqualTo(Json.parse("[\"3\", \"4\", \"5\", \"6\", \"7\", \"8\", \"9\"]"));
    // the cached SaveImage re-reports the first run's files
    assertThat(comfy.history("second").orElseThrow().get("outputs"))
        .isEqualTo(comfy.history("first").orElseThrow().get("outputs"));

    List<String> newSeed = ComfyUiConformanceTest.summary(run(Workflows.small(2, 2), "third"));
    assertThat(newSeed).containsSubsequence("executing:3", "progress:1/2", "progress:2/2",
        "executing:8", "executing:9", "executed:9");
    assertThat(newSeed).doesNotContain("executing:4", "executing:5", "executing:6", "executing:7");
    assertThat(comfy.history("third").orElseThrow().at("/outputs/9/images/0/filename").asText())
        .isEqualTo("ComfyUI_00002_.png");
    assertThat(comfy.history("third").orElseThrow().at("/status/messages/1/1/nodes"))
        .isEqualTo(Json.parse("[\"4\", \"5\", \"6\", \"7\"]"));
  }

  @Test
  void freeMemoryAndCacheOffRunEveryNode() throws Exception {
    start(ComfyUiFake.builder());
    run(Workflows.small(1, 2), "first");
    assertThat(http.post("/free", "{\"unload_models\": true, \"free_memory\": true}").statusCode())
        .isEqualTo(200);
    assertThat(ComfyUiConformanceTest.summary(run(Workflows.small(1, 2), "second")))
        .contains("executing:4", "executing:3");
    ws.closeBlocking();
    comfy.jobs().assertHealthy();
    comfy.close();

    start(ComfyUiFake.builder().cache(false));
    run(Workflows.small(1, 2), "a");
    assertThat(ComfyUiConformanceTest.summary(run(Workflows.small(1, 2), "b")))
        .contains("executing:4", "executing:3", "executing:9");
  }

  @Test
  void historyQueriesDeleteAndClear() throws Exception {
    start(ComfyUiFake.builder());
    for (String id : List.of("a", "b", "c")) {
      run(Workflows.small(id.hashCode(), 1), id);
    }
    assertThat(fieldNames(http.getJson("/history"))).containsExactly("a", "b", "c");
    assertThat(fieldNames(http.getJson("/history?max_items=2"))).containsExactly("b", "c");
    assertThat(fieldNames(http.getJson("/history?max_items=1&offset=0"))).containsExactly("a");
    assertThat(fieldNames(http.getJson("/history?offset=1"))).containsExactly("b", "c");
    assertThat(http.get("/history?max_items=x").statusCode()).isEqualTo(500);
    assertThat(http.getJson("/history/zzz")).isEqualTo(Json.object());
    assertThat(http.post("/history", "{\"delete\": [\"b\"]}").statusCode()).isEqualTo(200);
    assertThat(fieldNames(http.getJson("/api/history"))).containsExactly("a", "c");
    http.post("/api/history", "{\"clear\": true}");
    assertThat(http.getJson("/history")).isEqualTo(Json.object());
  }

  @Test
  void batchesPreviewImagesAndPrefixes() throws Exception {
    start(ComfyUiFake.builder());
    ObjectNode p = Workflows.small(1, 1);
    ((ObjectNode) p.get("5").get("inputs")).put("batch_size", 2);
    ((ObjectNode) p.get("9").get("inputs")).put("filename_prefix", "shots/%width%x%height%");
    ObjectNode preview = p.putObject("10");
    preview.put("class_type", "PreviewImage");
    preview.putObject("inputs").putArray("images").add("8").add(0);
    ObjectNode extra = Json.object();
    extra.putObject("extra_pnginfo").putObject("workflow").put("version", 0.4);
    ObjectNode body = Json.object();
    body.set("prompt", p);
    body.put("client_id", "c");
    body.put("prompt_id", "batch");
    body.set("extra_data", extra);
    assertThat(http.post("/prompt", body).statusCode()).isEqualTo(200);
    clock.advance(Duration.ofMillis(100));
    List<Frame> frames = ws.untilDone("batch");
    JsonNode outputs = comfy.history("batch").orElseThrow().get("outputs");
    assertThat(outputs.at("/9/images")).isEqualTo(Json.parse("""
        [{"filename": "64x64_00001_.png", "subfolder": "shots", "type": "output"},
         {"filename": "64x64_00002_.png", "subfolder": "shots", "type": "output"}]"""));
    JsonNode temp = outputs.at("/10/images/0");
    assertThat(temp.get("type").asText()).isEqualTo("temp");
    assertThat(temp.get("filename").asText()).matches("ComfyUI_temp_[a-z]{5}_00001_\\.png");
    HttpResponse<byte[]> r = http.get("/view?" + Http.query(Http.params(
        "filename", temp.get("filename").asText(), "type", "temp", "subfolder", "")));
    assertThat(r.statusCode()).isEqualTo(200);
    byte[] first = comfy.file("output", "shots/64x64_00001_.png").orElseThrow();
    byte[] second = comfy.file("output", "shots/64x64_00002_.png").orElseThrow();
    assertThat(first).isNotEqualTo(second); // each image of a batch is its own picture
    assertThat(ComfyUiConformanceTest.pngText(first, "workflow")).isEqualTo("{\"version\": 0.4}");
    // an output node gets "executed" once per run; both output nodes are in history meta
    assertThat(frames.stream().filter(f -> "executed".equals(f.type())).count()).isEqualTo(2);
    assertThat(fieldNames(comfy.history("batch").orElseThrow().get("meta"))).containsExactly("9", "10");
  }

  @Test
  void samePromptAndSeedGiveTheSamePixels() throws Exception {
    start(ComfyUiFake.builder().cache(false));
    run(Workflows.small(7, 1), "a");
    run(Workflows.small(7, 1), "b");
    run(Workflows.small(8, 1), "c");
    byte[] a = comfy.file("output", "ComfyUI_00001_.png").orElseThrow();
    byte[] b = comfy.file("output", "ComfyUI_00002_.png").orElseThrow();
    byte[] c = comfy.file("output", "ComfyUI_00003_.png").orElseThrow();
    assertThat(a).isEqualTo(b);
    assertThat(a).isNotEqualTo(c);
  }

  @Test
  void aPrefixOutsideTheOutputFolderFailsTheRun() throws Exception {
    start(ComfyUiFake.builder());
    ObjectNode p = Workflows.small(1, 2);
    ((ObjectNode) p.get("9").get("inputs")).put("filename_prefix", "../../etc/x");
    List<Frame> frames = run(p, "escape");
    JsonNode err = frames.stream().filter(f -> "execution_error".equals(f.type())).findFirst()
        .orElseThrow().data();
    assertThat(err.get("node_id").asText()).isEqualTo("9");
    assertThat(err.get("exception_message").asText())
        .startsWith("**** ERROR: Saving image outside the output folder is not allowed.");
    assertThat(comfy.files("output")).isEmpty();
    assertThat(comfy.history("escape").orElseThrow().at("/status/status_str").asText()).isEqualTo("error");
  }

  @Test
  void customNodesJoinTheCatalogue() throws Exception {
    NodeType upscale = NodeType.fromObjectInfo("ImageUpscaleWithModel", """
        {"input": {"required": {"upscale_model": ["UPSCALE_MODEL"], "image": ["IMAGE"]}},
         "input_order": {"required": ["upscale_model", "image"]},
         "output": ["IMAGE"], "output_is_list": [false], "output_name": ["IMAGE"],
         "name": "ImageUpscaleWithModel", "display_name": "Upscale Image (using Model)",
         "description": "", "python_module": "comfy_extras.nodes_upscale_model",
         "category": "image/upscaling", "output_node": false}""");
    NodeType loader = NodeType.builder("UpscaleModelLoader").requiredModel("model_name", "upscale_models")
        .outputs("UPSCALE_MODEL").category("loaders").build();
    start(ComfyUiFake.builder().node(upscale).node(loader).models("upscale_models", "4x.pth"));
    JsonNode info = http.getJson("/object_info/ImageUpscaleWithModel").get("ImageUpscaleWithModel");
    assertThat(info.get("display_name").asText()).isEqualTo("Upscale Image (using Model)");
    assertThat(info.at("/input/required/image")).isEqualTo(Json.parse("[\"IMAGE\"]"));

    ObjectNode p = Workflows.small(1, 1);
    ObjectNode l = p.putObject("20");
    l.put("class_type", "UpscaleModelLoader");
    l.putObject("inputs").put("model_name", "4x.pth");
    ObjectNode u = p.putObject("21");
    u.put("class_type", "ImageUpscaleWithModel");
    ObjectNode ui = u.putObject("inputs");
    ui.putArray("upscale_model").add("20").add(0);
    ui.putArray("image").add("8").add(0);
    ((ObjectNode) p.get("9").get("inputs")).putArray("images").add("21").add(0);
    List<String> summary = ComfyUiConformanceTest.summary(run(p, "custom"));
    assertThat(summary).containsSubsequence("executing:3", "executing:8", "executing:21", "executing:9");
    ((ObjectNode) p.get("20").get("inputs")).put("model_name", "2x.pth");
    HttpResponse<byte[]> bad = http.queue(p, "c", "bad");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(Http.json(bad).at("/node_errors/20/errors/0/type").asText()).isEqualTo("value_not_in_list");
  }

  @Test
  void launcherConfigSetsTheInitialState() throws Exception {
    start(ComfyUiFake.builder().configure(Json.parse("""
        {"workers": 2, "jobDurationMs": 10, "cache": false, "maxUploadBytes": 4096,
         "models": {"checkpoints": ["sdxl.safetensors"], "my_models": ["a.bin"]},
         "embeddings": ["neg.pt"],
         "nodes": {"Echo": {"input": {"required": {"images": ["IMAGE"]}}, "output": [],
                            "output_node": true, "category": "test"}}}""")));
    assertThat(comfy.jobs().maxRunning()).isEqualTo(2);
    assertThat(http.getJson("/models/checkpoints"))
        .isEqualTo(Json.parse("[\"v1-5-pruned-emaonly.safetensors\", \"sdxl.safetensors\"]"));
    assertThat(http.getJson("/models/my_models")).isEqualTo(Json.parse("[\"a.bin\"]"));
    assertThat(http.getJson("/embeddings")).isEqualTo(Json.parse("[\"neg\"]"));
    assertThat(http.getJson("/features").get("max_upload_size").asLong()).isEqualTo(4096);
    assertThat(http.getJson("/object_info/Echo").at("/Echo/output_node").asBoolean()).isTrue();
    assertThatThrownBy(() -> ComfyUiFake.builder().configure(Json.parse("{\"workers\": \"two\"}")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("workers");
    assertThatThrownBy(() -> ComfyUiFake.builder().configure(Json.parse("{\"gpus\": 2}")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gpus");
  }

  private static List<String> fieldNames(JsonNode n) {
    List<String> out = new ArrayList<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
