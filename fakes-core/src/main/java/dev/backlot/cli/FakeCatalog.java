package dev.backlot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.Fake;
import dev.backlot.comfyui.ComfyUiFake;
import dev.backlot.engine.Clock;
import dev.backlot.journal.Journal;
import dev.backlot.redis.FakeRedis;
import dev.backlot.engine.FakeServer;
import dev.backlot.gcs.GcsFake;
import dev.backlot.gradio.GradioFake;
import dev.backlot.http.HttpFake;
import dev.backlot.openai.OpenAiFake;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** The fakes the launcher can start, by the names the endpoints JSON uses. */
final class FakeCatalog {

  /** Builds one fake from the launcher's settings for it. */
  interface Entry {
    Fake build(Clock clock, JsonNode config, Integer port, Long seed);
  }

  private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();

  static {
    ENTRIES.put("http", server(HttpFake::builder));
    ENTRIES.put("openai", server(OpenAiFake::builder));
    ENTRIES.put("comfyui", server(ComfyUiFake::builder));
    ENTRIES.put("gcs", server(GcsFake::builder));
    ENTRIES.put("gradio", server(GradioFake::builder));
    ENTRIES.put("redis", FakeCatalog::redis);
  }

  private FakeCatalog() {}

  static Set<String> names() {
    return ENTRIES.keySet();
  }

  static Entry entry(String name) {
    Entry e = ENTRIES.get(name);
    if (e == null) {
      throw new UsageError("unknown fake '" + name + "' (available: " + String.join(",", names()) + ")");
    }
    return e;
  }

  /** HTTP fakes: their builders read the config themselves ({@code configure(JsonNode)}). */
  private static Entry server(Supplier<FakeServer.Builder<?, ?>> builder) {
    return (clock, config, port, seed) -> {
      FakeServer.Builder<?, ?> b = builder.get().clock(clock);
      b.configure(config);
      if (port != null) {
        b.port(port);
      }
      if (seed != null) {
        b.seed(seed);
      }
      return b.build();
    };
  }

  /** Redis speaks RESP, not HTTP: the settings its builder has (port, seed, behindLink, journal). */
  private static Fake redis(Clock clock, JsonNode config, Integer port, Long seed) {
    FakeRedis.Builder b = FakeRedis.builder().clock(clock);
    if (config != null && !config.isNull()) {
      if (!config.isObject()) {
        throw new IllegalArgumentException("settings must be an object, not " + config);
      }
      config.fields().forEachRemaining(e -> {
        JsonNode v = e.getValue();
        switch (e.getKey()) {
          case "port" -> b.port(whole(e.getKey(), v));
          case "seed" -> b.seed(whole(e.getKey(), v));
          case "behindLink" -> {
            if (v.asBoolean()) {
              b.behindLink();
            }
          }
          case "journal" -> b.journal(
              v.path("capacity").asInt(Journal.DEFAULT_CAPACITY),
              v.path("bodyLimit").asInt(Journal.DEFAULT_BODY_LIMIT));
          default -> throw new IllegalArgumentException(
              "unknown setting '" + e.getKey() + "' (redis takes port, seed, behindLink, journal)");
        }
      });
    }
    if (port != null) {
      b.port(port);
    }
    if (seed != null) {
      b.seed(seed);
    }
    return b.build();
  }

  private static int whole(String key, JsonNode v) {
    if (!v.canConvertToInt()) {
      throw new IllegalArgumentException("'" + key + "' must be a whole number, not " + v);
    }
    return v.intValue();
  }
}
