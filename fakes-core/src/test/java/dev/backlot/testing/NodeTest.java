package dev.backlot.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeTest {

  @Test
  void installsTheLockedClientsAndRunsAScript() throws Exception {
    Node.Result r = Node.run("smoke/versions.mjs", Map.of());

    assertThat(r.exitCode()).as(r.output()).isZero();
    JsonNode versions = new ObjectMapper().readTree(r.lastLine());
    JsonNode lock = new ObjectMapper().readTree(Files.readString(Path.of("src/test/js/package-lock.json")));
    assertThat(versions.path("@gradio/client").asText()).isEqualTo("2.7.0");
    assertThat(versions.path("gradio-client-1").asText()).startsWith("1.14.");
    versions.fieldNames().forEachRemaining(name ->
        assertThat(versions.get(name).asText())
            .as(name)
            .isEqualTo(lock.path("packages").path("node_modules/" + name).path("version").asText()));
  }

  @Test
  void aFailingScriptReportsItsExitCodeAndOutput() {
    Node.Result r = Node.run("smoke/fails.mjs", Map.of("BACKLOT_REASON", "on purpose"));

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.stderr()).contains("on purpose");
  }
}
