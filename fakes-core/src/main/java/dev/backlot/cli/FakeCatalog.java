package dev.backlot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.Fake;
import dev.backlot.FakeBuilder;
import dev.backlot.cablecast.CablecastFake;
import dev.backlot.comfyui.ComfyUiFake;
import dev.backlot.time.Clock;
import dev.backlot.redis.RedisFake;
import dev.backlot.gcs.GcsFake;
import dev.backlot.gradio.GradioFake;
import dev.backlot.http.HttpFake;
import dev.backlot.minimax.MiniMaxFake;
import dev.backlot.openai.OpenAiFake;
import dev.backlot.runway.RunwayFake;
import dev.backlot.veo.VeoFake;
import dev.backlot.wire.Hints;
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
    ENTRIES.put("http", of(HttpFake::builder));
    ENTRIES.put("openai", of(OpenAiFake::builder));
    ENTRIES.put("comfyui", of(ComfyUiFake::builder));
    ENTRIES.put("gcs", of(GcsFake::builder));
    ENTRIES.put("redis", of(RedisFake::builder));
    ENTRIES.put("runway", of(RunwayFake::builder));
    ENTRIES.put("veo", of(VeoFake::builder));
    ENTRIES.put("minimax", of(MiniMaxFake::builder));
    ENTRIES.put("cablecast", of(CablecastFake::builder));
    ENTRIES.put("gradio", of(GradioFake::builder));
  }

  private FakeCatalog() {}

  static Set<String> names() {
    return ENTRIES.keySet();
  }

  static Entry entry(String name) {
    Entry e = ENTRIES.get(name);
    if (e == null) {
      throw new UsageError(Hints.unknown("fake", name, names()));
    }
    return e;
  }

  /** Any fake: its builder reads the config itself ({@link FakeBuilder#configure}). */
  private static Entry of(Supplier<? extends FakeBuilder<?, ?>> builder) {
    return (clock, config, port, seed) -> {
      FakeBuilder<?, ?> b = builder.get().clock(clock);
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
}
