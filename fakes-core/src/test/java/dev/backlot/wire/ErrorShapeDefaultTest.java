package dev.backlot.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link ErrorShape#DEFAULT}: details of any kind go into the error object as what they are. */
class ErrorShapeDefaultTest {

  private static JsonNode render(Map<String, Object> details) {
    Response r = ErrorShape.DEFAULT.render(409, "Conflict", details);
    assertThat(r.status()).isEqualTo(409);
    return Json.parse(r.body());
  }

  @Test
  void aStringDetailIsAJsonStringEvenWhenItLooksLikeJsonOrIsNot() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("reason", "conflict");        // not JSON at all: it used to be parsed (and fail)
    details.put("count", "123");              // JSON-looking: it used to become a number
    details.put("object", "{\"a\":1}");       // likewise an object
    details.put("empty", "");
    JsonNode error = render(details).get("error");
    assertThat(error.get("status").asInt()).isEqualTo(409);
    assertThat(error.get("message").asText()).isEqualTo("Conflict");
    assertThat(error.get("reason").isTextual()).isTrue();
    assertThat(error.get("reason").asText()).isEqualTo("conflict");
    assertThat(error.get("count").isTextual()).isTrue();
    assertThat(error.get("count").asText()).isEqualTo("123");
    assertThat(error.get("object").asText()).isEqualTo("{\"a\":1}");
    assertThat(error.get("empty").asText()).isEmpty();
  }

  @Test
  void mapsListsNumbersAndNullsKeepTheirShape() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("map", Map.of("a", 1));
    details.put("list", List.of("x", 2));
    details.put("number", 7);
    details.put("flag", true);
    details.put("none", null);
    details.put("node", Json.parse("{\"b\":[true]}"));
    JsonNode error = render(details).get("error");
    assertThat(error.get("map").get("a").asInt()).isEqualTo(1);
    assertThat(error.get("list").toString()).isEqualTo("[\"x\",2]");
    assertThat(error.get("number").isInt()).isTrue();
    assertThat(error.get("flag").asBoolean()).isTrue();
    assertThat(error.get("none").isNull()).isTrue();
    assertThat(error.get("node").toString()).isEqualTo("{\"b\":[true]}");
  }

  @Test
  void anHttpErrorWithAStringDetailRendersThroughTheDefaultShape() {
    Response r = ErrorShape.DEFAULT.render(HttpError.conflict("taken").with("reason", "conflict"));
    assertThat(new String(r.body(), StandardCharsets.UTF_8))
        .isEqualTo("{\"error\":{\"status\":409,\"message\":\"taken\",\"reason\":\"conflict\"}}");
  }
}
