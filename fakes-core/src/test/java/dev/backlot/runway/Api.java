package dev.backlot.runway;

import dev.backlot.testing.JsonApi;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/** The shared JSON client with the Runway SDK's headers, and Runway request bodies. */
final class Api extends JsonApi {

  Api(URI base) {
    super(base, Map.of("Authorization", "Bearer key_test", "X-Runway-Version", RunwayFake.API_VERSION));
  }

  @Override
  public Api header(String name, String value) {
    super.header(name, value);
    return this;
  }

  /** An image-to-video body. */
  static Map<String, Object> i2v(String model, String ratio, Object duration) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", model);
    m.put("promptImage", PNG_DATA_URI);
    m.put("promptText", "a lighthouse at dusk");
    m.put("ratio", ratio);
    if (duration != null) {
      m.put("duration", duration);
    }
    return m;
  }
}
