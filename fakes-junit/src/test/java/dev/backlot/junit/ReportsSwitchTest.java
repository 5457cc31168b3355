package dev.backlot.junit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.http.HttpFake;
import dev.backlot.wire.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code backlot.reports=true} turns reports on for classes that do not ask for them. */
class ReportsSwitchTest {

  @KitOnly
  @BacklotTest
  static class Unasked {
    HttpFake api;

    @Test
    void calls() {
      Kit.get(api, "/ping");
    }
  }

  @Test
  void theConfigurationParameterWritesReportsForEveryClass(@TempDir Path dir) throws Exception {
    Kit.run(Map.of(Settings.REPORTS, "true", BacklotExtension.REPORTS_DIR, dir.toString()), Unasked.class)
        .testEvents()
        .assertStatistics(s -> s.succeeded(1));

    assertThat(files(dir.resolve(Unasked.class.getName()))).containsExactly("calls.json");
    JsonNode report = Json.parse(Files.readString(dir.resolve(Unasked.class.getName()).resolve("calls.json")));
    assertThat(report.get("fakes").get(0).get("entries").get(0).get("path").asText()).isEqualTo("/ping");
    assertThat(dir.resolve("index.html")).exists();
  }

  @Test
  void withoutItAClassThatDoesNotAskWritesNothing(@TempDir Path dir) throws Exception {
    Kit.run(Map.of(BacklotExtension.REPORTS_DIR, dir.toString()), Unasked.class)
        .testEvents()
        .assertStatistics(s -> s.succeeded(1));

    assertThat(files(dir)).isEmpty();
  }

  private static List<String> files(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
