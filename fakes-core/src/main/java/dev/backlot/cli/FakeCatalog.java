package dev.backlot.cli;

import dev.backlot.comfyui.ComfyUiFake;
import dev.backlot.engine.FakeServer;
import dev.backlot.gcs.GcsFake;
import dev.backlot.http.HttpFake;
import dev.backlot.openai.OpenAiFake;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** The fakes the launcher can start, by the names the endpoints JSON uses. */
final class FakeCatalog {

  private static final Map<String, Supplier<FakeServer.Builder<?, ?>>> BUILDERS =
      new LinkedHashMap<>();

  static {
    BUILDERS.put("http", HttpFake::builder);
    BUILDERS.put("openai", OpenAiFake::builder);
    BUILDERS.put("comfyui", ComfyUiFake::builder);
    BUILDERS.put("gcs", GcsFake::builder);
  }

  private FakeCatalog() {}

  static Set<String> names() {
    return BUILDERS.keySet();
  }

  static FakeServer.Builder<?, ?> builder(String name) {
    Supplier<FakeServer.Builder<?, ?>> b = BUILDERS.get(name);
    if (b == null) {
      throw new UsageError("unknown fake '" + name + "' (available: " + String.join(",", names()) + ")");
    }
    return b.get();
  }
}
