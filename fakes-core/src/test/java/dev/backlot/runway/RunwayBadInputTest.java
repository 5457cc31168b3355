package dev.backlot.runway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.time.Clock;
import dev.backlot.time.ManualClock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Bad creation bodies get Runway's 400 ({@code {"error": "Validation of body failed", "issues":
 * [...], "docUrl"}}) naming the field, nothing is stored, and the fake keeps serving.
 */
class RunwayBadInputTest {

  private static final ManualClock CLOCK = Clock.manual();
  private static RunwayFake runway;
  private static Api api;

  @BeforeAll
  static void start() {
    runway = RunwayFake.builder().clock(CLOCK).fps(2).start();
    api = new Api(runway.baseUri());
  }

  @AfterAll
  static void stop() {
    runway.close();
  }

  private static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
    Map<String, Object> m = new LinkedHashMap<>(base);
    if (value == null) {
      m.remove(key);
    } else {
      m.put(key, value);
    }
    return m;
  }

  static List<Arguments> badBodies() {
    Map<String, Object> i2v = Api.i2v("gen4_turbo", "1280:720", 5);
    Map<String, Object> t2v = Map.of("model", "gen4.5", "promptText", "x", "ratio", "1280:720", "duration", 5);
    return List.of(
        Arguments.of("image_to_video", with(i2v, "model", null), "model", "invalid_type"),
        Arguments.of("image_to_video", with(i2v, "model", "gen5_ultra"), "model", "invalid_union"),
        Arguments.of("image_to_video", with(i2v, "model", 4), "model", "invalid_type"),
        Arguments.of("text_to_video", with(t2v, "model", "gen4_turbo"), "model", "invalid_union"),
        Arguments.of("image_to_video", with(i2v, "promptImage", null), "promptImage", "invalid_type"),
        Arguments.of("image_to_video", with(i2v, "ratio", "1920:1080"), "ratio", "invalid_value"),
        Arguments.of("image_to_video", with(i2v, "ratio", null), "ratio", "invalid_type"),
        Arguments.of("text_to_video", with(t2v, "duration", 11), "duration", "too_big"),
        Arguments.of("text_to_video", with(t2v, "duration", 1), "duration", "too_small"),
        Arguments.of("text_to_video", with(t2v, "duration", null), "duration", "invalid_type"),
        Arguments.of("text_to_video", with(t2v, "duration", "5"), "duration", "invalid_type"),
        Arguments.of("image_to_video", with(i2v, "duration", 2.5), "duration", "invalid_type"),
        Arguments.of("text_to_video", Map.of("model", "veo3.1", "promptText", "x", "ratio", "1280:720", "duration", 5),
            "duration", "invalid_union"),
        Arguments.of("text_to_video", with(t2v, "promptText", ""), "promptText", "too_small"),
        Arguments.of("text_to_video", with(t2v, "promptText", "x".repeat(1001)), "promptText", "too_big"),
        Arguments.of("text_to_video", with(t2v, "promptText", 7), "promptText", "invalid_type"),
        Arguments.of("image_to_video", with(i2v, "seed", -1), "seed", "too_big"),
        Arguments.of("image_to_video", with(i2v, "promptImage", "http://example.com/a.png"), "promptImage", "custom"),
        Arguments.of("image_to_video", with(i2v, "promptImage", "https://10.0.0.1/a.png"), "promptImage", "custom"),
        Arguments.of("image_to_video", with(i2v, "promptImage", "not a url"), "promptImage", "custom"),
        Arguments.of("image_to_video", with(i2v, "promptImage", "data:image/png,abc"), "promptImage", "custom"),
        Arguments.of("image_to_video", with(i2v, "promptImage", "data:image/png;base64,@@@"), "promptImage", "custom"),
        Arguments.of("image_to_video", with(i2v, "promptImage", "data:text/plain;base64,aGk="), "promptImage", "custom"),
        Arguments.of("image_to_video", with(i2v, "promptImage", "data:;base64,aGk="), "promptImage", "custom"),
        Arguments.of("image_to_video", with(i2v, "promptImage",
            List.of(Map.of("uri", Api.PNG_DATA_URI, "position", "middle"))), "promptImage", "invalid_value"),
        Arguments.of("image_to_video", with(i2v, "promptImage", List.of(Map.of("position", "first"))),
            "promptImage", "invalid_type"),
        Arguments.of("image_to_video", with(i2v, "promptImage", 12), "promptImage", "invalid_union"),
        Arguments.of("video_to_video", Map.of("model", "aleph2", "videoUri", "ftp://x/y.mp4"), "videoUri", "custom"),
        Arguments.of("video_upscale", Map.of("model", "magnific_video_upscaler_creative",
            "videoUri", "https://example.com/v.mp4", "resolution", "8k"), "resolution", "invalid_value"),
        Arguments.of("character_performance", Map.of("model", "act_two",
            "character", Map.of("type", "image", "uri", "https://example.com/c.png")), "reference", "invalid_type"));
  }

  @ParameterizedTest(name = "{0} {2} {3}")
  @MethodSource("badBodies")
  void aBadBodyIsA400NamingTheField(String route, Map<String, Object> body, String field, String code) {
    long before = runway.jobs().submittedCount();
    Api.Reply r = api.post("/v1/" + route, body);
    assertThat(r.status()).as(String.valueOf(r.json())).isEqualTo(400);
    JsonNode j = r.json();
    assertThat(j.path("error").asText()).isEqualTo("Validation of body failed");
    assertThat(j.path("docUrl").asText()).isEqualTo("https://docs.dev.runwayml.com/api");
    List<String> fields = new ArrayList<>();
    List<String> codes = new ArrayList<>();
    for (JsonNode i : j.path("issues")) {
      fields.add(i.path("path").path(0).asText());
      codes.add(i.path("code").asText());
      assertThat(i.path("message").asText()).isNotBlank();
    }
    assertThat(fields).as(j.toString()).contains(field);
    assertThat(codes).as(j.toString()).contains(code);
    assertThat(runway.jobs().submittedCount()).isEqualTo(before);
    assertThat(runway.taskIds()).isEmpty();
  }

  @Test
  void malformedAndNonObjectBodiesAre400s() {
    Api.Reply broken = api.post("/v1/image_to_video", "{\"model\": ");
    assertThat(broken.status()).isEqualTo(400);
    assertThat(broken.json().path("error").asText()).isNotBlank();
    Api.Reply array = api.post("/v1/image_to_video", "[1,2]");
    assertThat(array.status()).isEqualTo(400);
    assertThat(array.json().path("issues").path(0).path("code").asText()).isEqualTo("invalid_type");
    assertThat(runway.taskIds()).isEmpty();
  }

  @Test
  void randomGarbageNeverBreaksTheFakeAndNeverStoresATask() {
    SplittableRandom random = new SplittableRandom(16);
    List<Object> values = List.of("", "1280:720", "gen4_turbo", -3, 0, 3.7, true, List.of(), Map.of(),
        "data:image/png;base64,", Api.PNG_DATA_URI, "https://example.com/x.png", "x".repeat(2000));
    List<String> keys = List.of("model", "promptImage", "promptText", "ratio", "duration", "seed", "videoUri");
    int accepted = 0;
    for (int i = 0; i < 200; i++) {
      Map<String, Object> body = new LinkedHashMap<>();
      for (String k : keys) {
        if (random.nextBoolean()) {
          body.put(k, values.get(random.nextInt(values.size())));
        }
      }
      Api.Reply r = api.post("/v1/image_to_video", body);
      assertThat(r.status()).as(body.toString()).isIn(200, 400);
      if (r.status() == 200) {
        accepted++;
        assertThat(runway.task(r.json().path("id").asText())).isPresent();
      }
    }
    assertThat(runway.taskIds()).hasSize(accepted);
    runway.reset();
    assertThat(api.post("/v1/image_to_video", Api.i2v("gen4_turbo", "1280:720", 5)).status()).isEqualTo(200);
    runway.reset();
  }
}
