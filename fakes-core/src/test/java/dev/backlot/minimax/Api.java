package dev.backlot.minimax;

import dev.backlot.testing.JsonApi;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/** The shared JSON client with a MiniMax bearer key, and MiniMax request bodies. */
final class Api extends JsonApi {

  Api(URI base) {
    super(base, Map.of("Authorization", "Bearer test-key"));
  }

  @Override
  public Api header(String name, String value) {
    super.header(name, value);
    return this;
  }

  /** A {@code POST /v1/video_generation} body. */
  static Map<String, Object> video(String model, String prompt) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", model);
    if (prompt != null) {
      m.put("prompt", prompt);
    }
    return m;
  }

  /** The {@code base_resp.status_code} of a reply. */
  static int code(Reply r) {
    return r.json().path("base_resp").path("status_code").asInt(-1);
  }
}
