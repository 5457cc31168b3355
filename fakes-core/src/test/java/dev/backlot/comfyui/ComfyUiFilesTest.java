package dev.backlot.comfyui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.time.Clock;
import dev.backlot.wire.Json;
import dev.backlot.time.ManualClock;
import dev.backlot.media.Media;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Uploads, {@code /view} and the read-only catalogue routes. */
class ComfyUiFilesTest {

  static ManualClock clock = Clock.manual();
  static ComfyUiFake comfy;
  static Http http;
  static final byte[] RED = Media.png(8, 6, 1);
  static final byte[] BLUE = Media.png(8, 6, 2);
  static final byte[] GREEN = Media.png(8, 6, 3);

  @BeforeAll
  static void start() {
    comfy = ComfyUiFake.builder().clock(clock)
        .models("loras", "detail.safetensors")
        .embeddings("easynegative.safetensors", "bad.pt")
        .inputFile("example.png", GREEN)
        .start();
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

  /** A multipart/form-data upload like a browser's or requests' (file part, then fields). */
  static HttpResponse<byte[]> upload(String path, String filename, byte[] bytes, String... fields) {
    String boundary = "----backlotBoundary7MA4YWxkTrZu0gW";
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    if (filename != null) {
      b.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\""
          + filename + "\"\r\nContent-Type: image/png\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      b.writeBytes(bytes);
      b.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
    }
    for (int i = 0; i < fields.length; i += 2) {
      b.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + fields[i]
          + "\"\r\n\r\n" + fields[i + 1] + "\r\n").getBytes(StandardCharsets.UTF_8));
    }
    b.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return http.post(path, "multipart/form-data; boundary=" + boundary, b.toByteArray());
  }

  static JsonNode uploaded(String filename, byte[] bytes, String... fields) {
    HttpResponse<byte[]> r = upload("/upload/image", filename, bytes, fields);
    assertThat(r.statusCode()).as(Http.text(r)).isEqualTo(200);
    return Http.json(r);
  }

  private static HttpResponse<byte[]> view(String... params) {
    return http.get("/view?" + Http.query(Http.params(params)));
  }

  @Test
  void uploadsResolveNameClashesAsComfyUiDoes() {
    assertThat(uploaded("x.png", RED)).isEqualTo(Json.parse(
        "{\"name\": \"x.png\", \"subfolder\": \"\", \"type\": \"input\"}"));
    assertThat(uploaded("x.png", BLUE).get("name").asText()).isEqualTo("x (1).png");
    assertThat(uploaded("x.png", GREEN).get("name").asText()).isEqualTo("x (2).png");
    // the same bytes as an existing file: ComfyUI answers with that file's name, stores nothing
    assertThat(uploaded("x.png", BLUE).get("name").asText()).isEqualTo("x (1).png");
    assertThat(comfy.files("input")).containsExactly("example.png", "x (1).png", "x (2).png", "x.png");

    assertThat(uploaded("x.png", GREEN, "overwrite", "true").get("name").asText()).isEqualTo("x.png");
    assertThat(comfy.file("input", "x.png")).hasValueSatisfying(b -> assertThat(b).isEqualTo(GREEN));
    assertThat(uploaded("x.png", RED, "overwrite", "1").get("name").asText()).isEqualTo("x.png");
    assertThat(comfy.file("input", "x.png")).hasValueSatisfying(b -> assertThat(b).isEqualTo(RED));
  }

  @Test
  void uploadsIntoSubfoldersAndOtherTypes() {
    assertThat(uploaded("y.png", RED, "subfolder", "masks/a", "type", "temp")).isEqualTo(Json.parse(
        "{\"name\": \"y.png\", \"subfolder\": \"masks/a\", \"type\": \"temp\"}"));
    assertThat(comfy.files("temp")).containsExactly("masks/a/y.png");
    HttpResponse<byte[]> r = view("filename", "y.png", "subfolder", "masks/a", "type", "temp");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(RED);
    assertThat(r.headers().firstValue("Content-Disposition")).hasValue("filename=\"y.png\"");
    // the api prefix serves the same routes
    assertThat(upload("/api/upload/image", "z.png", BLUE).statusCode()).isEqualTo(200);
  }

  @Test
  void badUploadsAreRefused() {
    assertThat(upload("/upload/image", null, null, "subfolder", "x").statusCode()).isEqualTo(400);
    HttpResponse<byte[]> escape = upload("/upload/image", "x.png", RED, "subfolder", "../../etc");
    assertThat(escape.statusCode()).isEqualTo(400);
    assertThat(escape.body()).isEmpty();
    assertThat(upload("/upload/image", "../x.png", RED).statusCode()).isEqualTo(400);
    assertThat(upload("/upload/image", "/tmp/x.png", RED).statusCode()).isEqualTo(400);
    assertThat(upload("/upload/image", "", RED).statusCode()).isEqualTo(400);
    assertThat(upload("/upload/image", "x.png", RED, "type", "models").statusCode()).isEqualTo(500);
    assertThat(http.post("/upload/image", "application/json", "{}".getBytes()).statusCode()).isEqualTo(400);
    assertThat(comfy.files("input")).containsExactly("example.png");
  }

  @Test
  void viewRefusesTraversalAndUnknownFiles() {
    assertThat(http.get("/view").statusCode()).isEqualTo(404);
    assertThat(view("filename", "").statusCode()).isEqualTo(400);
    assertThat(view("filename", "/etc/passwd").statusCode()).isEqualTo(400);
    assertThat(view("filename", "../input/example.png").statusCode()).isEqualTo(400);
    assertThat(view("filename", "example.png", "type", "models").statusCode()).isEqualTo(400);
    assertThat(view("filename", "example.png", "type", "input", "subfolder", "../output").statusCode())
        .isEqualTo(403);
    assertThat(view("filename", "example.png", "type", "input", "subfolder", "/etc").statusCode())
        .isEqualTo(403);
    assertThat(view("filename", "example.png").statusCode()).isEqualTo(404); // type output
    assertThat(view("filename", "missing.png", "type", "input").statusCode()).isEqualTo(404);
    HttpResponse<byte[]> ok = view("filename", "example.png", "type", "input");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo(GREEN);
    assertThat(ok.headers().firstValue("Content-Type")).hasValue("image/png");
    // "name [input]" picks the folder whatever type says; a subfolder path is reduced to its name
    assertThat(view("filename", "example.png [input]").body()).isEqualTo(GREEN);
    assertThat(view("filename", "sub/example.png", "type", "input").body()).isEqualTo(GREEN);
    assertThat(view("filename", "example.png", "type", "input", "subfolder", "a/..").body())
        .isEqualTo(GREEN);
  }

  @Test
  void viewConvertsChannelsAndPreviews() throws Exception {
    HttpResponse<byte[]> rgb = view("filename", "example.png", "type", "input", "channel", "rgb");
    assertThat(rgb.headers().firstValue("Content-Type")).hasValue("image/png");
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(rgb.body()));
    assertThat(img.getWidth()).isEqualTo(8);
    assertThat(img.getRGB(3, 3)).isEqualTo(ImageIO.read(new ByteArrayInputStream(GREEN)).getRGB(3, 3));

    HttpResponse<byte[]> alpha = view("filename", "example.png", "type", "input", "channel", "a");
    BufferedImage a = ImageIO.read(new ByteArrayInputStream(alpha.body()));
    assertThat(a.getColorModel().hasAlpha()).isTrue();
    assertThat(a.getRGB(0, 0) >>> 24).isEqualTo(255); // no alpha in the source: fully opaque

    HttpResponse<byte[]> jpeg = view("filename", "example.png", "type", "input", "preview", "jpeg;50");
    assertThat(jpeg.headers().firstValue("Content-Type")).hasValue("image/jpeg");
    assertThat(Arrays.copyOf(jpeg.body(), 2)).isEqualTo(new byte[] {(byte) 0xFF, (byte) 0xD8});
  }

  @Test
  void previewQualitiesOfAnySizeAreClampedAsLibjpegDoesNot500() {
    // ComfyUI: int() of any digit string, then Pillow/libjpeg clamp the quality to 1..100
    HttpResponse<byte[]> huge = view("filename", "example.png", "type", "input",
        "preview", "jpeg;99999999999");
    assertThat(huge.statusCode()).isEqualTo(200);
    assertThat(huge.headers().firstValue("Content-Type")).hasValue("image/jpeg");
    assertThat(huge.body()).isEqualTo(view("filename", "example.png", "type", "input",
        "preview", "jpeg;100").body());
    HttpResponse<byte[]> enormous = view("filename", "example.png", "type", "input",
        "preview", "webp;" + "9".repeat(40));
    assertThat(enormous.statusCode()).isEqualTo(200);
    HttpResponse<byte[]> zero = view("filename", "example.png", "type", "input", "preview", "jpeg;0");
    assertThat(zero.statusCode()).isEqualTo(200);
    assertThat(zero.body()).isEqualTo(view("filename", "example.png", "type", "input",
        "preview", "jpeg;1").body());
  }

  @Test
  void loadImageUsesUploadsAndOutputsTheirSize() throws Exception {
    WsClient ws = WsClient.connect(comfy.wsUri(), "c");
    try {
      ws.next();
      String name = uploaded("photo.png", Media.png(24, 16, 9)).get("name").asText();
      JsonNode choices = http.getJson("/object_info/LoadImage").at("/LoadImage/input/required/image/0");
      assertThat(choices).isEqualTo(Json.parse("[\"example.png\", \"photo.png\"]"));
      ObjectNode p = Json.object();
      ObjectNode load = p.putObject("1");
      load.put("class_type", "LoadImage");
      load.putObject("inputs").put("image", name);
      ObjectNode scale = p.putObject("2");
      scale.put("class_type", "ImageScale");
      scale.putObject("inputs").put("upscale_method", "nearest-exact").put("width", 48)
          .put("height", 0).put("crop", "disabled").putArray("image").add("1").add(0);
      ObjectNode save = p.putObject("3");
      save.put("class_type", "SaveImage");
      save.putObject("inputs").put("filename_prefix", "scaled/img").putArray("images").add("2").add(0);
      http.queueOk(p, "c", "p");
      clock.advance(Duration.ofSeconds(1));
      ws.untilDone("p");
      JsonNode image = comfy.history("p").orElseThrow().at("/outputs/3/images/0");
      assertThat(image).isEqualTo(Json.parse(
          "{\"filename\": \"img_00001_.png\", \"subfolder\": \"scaled\", \"type\": \"output\"}"));
      BufferedImage out = ImageIO.read(new ByteArrayInputStream(
          view("filename", "img_00001_.png", "subfolder", "scaled").body()));
      assertThat(out.getWidth()).isEqualTo(48);
      assertThat(out.getHeight()).isEqualTo(32); // height 0 keeps the aspect ratio
    } finally {
      ws.closeBlocking();
    }
  }

  @Test
  void modelsEmbeddingsAndObjectInfo() {
    assertThat(http.getJson("/embeddings")).isEqualTo(Json.parse("[\"easynegative\", \"bad\"]"));
    JsonNode folders = http.getJson("/models");
    assertThat(folders.get(0).asText()).isEqualTo("checkpoints");
    assertThat(folders.toString()).contains("\"loras\"", "\"vae\"", "\"upscale_models\"");
    assertThat(http.getJson("/models/loras")).isEqualTo(Json.parse("[\"detail.safetensors\"]"));
    assertThat(http.getJson("/api/models/checkpoints"))
        .isEqualTo(Json.parse("[\"v1-5-pruned-emaonly.safetensors\"]"));
    HttpResponse<byte[]> unknown = http.get("/models/nope");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).isEmpty();

    JsonNode all = http.getJson("/object_info");
    assertThat(all.size()).isEqualTo(comfy.nodeTypes().size());
    JsonNode ks = all.get("KSampler");
    assertThat(ks.at("/input/required/seed/1/max").bigIntegerValue().toString())
        .isEqualTo("18446744073709551615");
    assertThat(ks.at("/input_order/required/0").asText()).isEqualTo("model");
    assertThat(ks.get("output")).isEqualTo(Json.parse("[\"LATENT\"]"));
    assertThat(ks.get("output_node").asBoolean()).isFalse();
    assertThat(ks.get("category").asText()).isEqualTo("sampling");
    assertThat(ks.get("python_module").asText()).isEqualTo("nodes");
    JsonNode save = all.get("SaveImage");
    assertThat(save.get("output_node").asBoolean()).isTrue();
    assertThat(save.at("/input/hidden/prompt").asText()).isEqualTo("PROMPT");
    assertThat(save.at("/input_order/hidden")).isEqualTo(Json.parse("[\"prompt\", \"extra_pnginfo\"]"));
    assertThat(all.at("/LoraLoader/input/required/lora_name/0"))
        .isEqualTo(Json.parse("[\"detail.safetensors\"]"));
    assertThat(all.at("/VAELoader/input/required/vae_name/0")).isEqualTo(Json.parse("[\"pixel_space\"]"));
    assertThat(http.getJson("/object_info/KSampler").get("KSampler")).isEqualTo(ks);
    assertThat(http.getJson("/object_info/Nope")).isEqualTo(Json.object());
  }

  @Test
  void statsAndFeatures() {
    JsonNode stats = http.getJson("/system_stats");
    assertThat(stats.at("/system/comfyui_version").asText()).isEqualTo("0.3.64");
    assertThat(stats.at("/system/os").asText()).isEqualTo("posix");
    assertThat(stats.at("/devices/0/type").asText()).isEqualTo("cuda");
    assertThat(stats.at("/devices/0/vram_total").asLong()).isPositive();
    assertThat(http.getJson("/api/features")).isEqualTo(Json.parse(
        "{\"supports_preview_metadata\": true, \"max_upload_size\": 104857600}"));
    assertThat(http.getJson("/prompt")).isEqualTo(Json.parse("{\"exec_info\": {\"queue_remaining\": 0}}"));
    assertThat(http.get("/").statusCode()).isEqualTo(200);
    HttpResponse<byte[]> none = http.get("/nope");
    assertThat(none.statusCode()).isEqualTo(404);
    assertThat(Http.text(none)).isEqualTo("404: Not Found");
  }

  @Test
  void loopbackHostWithForeignOriginIsForbidden() throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    HttpResponse<String> evil = client.send(HttpRequest.newBuilder(comfy.baseUri().resolve("/prompt"))
        .header("Origin", "http://evil.example").GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(evil.statusCode()).isEqualTo(403);
    assertThat(evil.body()).isEmpty();
    HttpResponse<String> same = client.send(HttpRequest.newBuilder(comfy.baseUri().resolve("/prompt"))
        .header("Origin", comfy.baseUri().toString()).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(same.statusCode()).isEqualTo(200);
    HttpResponse<String> options = client.send(HttpRequest.newBuilder(comfy.baseUri().resolve("/prompt"))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(options.statusCode()).isEqualTo(200);
  }

  @Test
  void uploadsOverTheLimitAre413() {
    try (ComfyUiFake small = ComfyUiFake.builder().maxUploadBytes(1000).start()) {
      Http h = new Http(small.baseUri());
      HttpResponse<byte[]> r = h.post("/upload/image", "multipart/form-data; boundary=x", new byte[2000]);
      assertThat(r.statusCode()).isEqualTo(413);
      assertThat(h.getJson("/features").get("max_upload_size").asLong()).isEqualTo(1000);
    }
  }
}
