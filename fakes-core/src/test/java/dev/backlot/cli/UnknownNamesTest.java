package dev.backlot.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.Fake;
import dev.backlot.engine.StubConfig;
import dev.backlot.gcs.GcsFake;
import dev.backlot.http.HttpFake;
import dev.backlot.openai.OpenAiFake;
import dev.backlot.time.Clock;
import dev.backlot.wire.Hints;
import dev.backlot.wire.Json;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every "unknown" name in a fake's settings, a stub or a fault names the nearest valid one and
 * the valid ones, for every fake of the launcher.
 */
class UnknownNamesTest {

  private static final Pattern KNOWN = Pattern.compile("\\(known: ([^)]*)\\)$");

  private static IllegalArgumentException refused(String fake, String settings) {
    JsonNode config = Json.parse(settings);
    try {
      Fake f = FakeCatalog.entry(fake).build(Clock.system(), config, null, null);
      f.close();
    } catch (IllegalArgumentException e) {
      return e;
    }
    throw new AssertionError(fake + " took " + settings);
  }

  private static List<String> knownOf(String message) {
    Matcher m = KNOWN.matcher(message);
    assertThat(m.find()).as("'(known: ...)' at the end of: " + message).isTrue();
    return List.of(m.group(1).split(", "));
  }

  @Test
  void aMisspeltSettingGetsTheNearestAndTheKnownOnes() {
    assertThatThrownBy(() -> OpenAiFake.builder().configure(Json.parse("{\"replly\": \"hi\"}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown setting 'replly' for openai; did you mean 'reply'? (known: port, seed, behindLink,"
            + " journal, faults, maxBodyBytes, idleTimeoutMs, tls, http2, h2c, altSvc, stubs, models, masterKey,"
            + " keys, reply, replies, streamChunkSize, streamDelayMs)");
    assertThatThrownBy(() -> GcsFake.builder().configure(Json.parse("{\"bucket\": [\"media\"]}")))
        .hasMessage("unknown setting 'bucket' for gcs; did you mean 'buckets'? (known: port, seed, behindLink,"
            + " journal, faults, maxBodyBytes, idleTimeoutMs, tls, http2, h2c, altSvc, stubs, buckets, objects,"
            + " signers, strictSignatures)");
    assertThatThrownBy(() -> HttpFake.builder().configure(Json.parse("{\"journal\": {\"capacty\": 5}}")))
        .hasMessage("unknown journal setting 'capacty'; did you mean 'capacity'? (known: capacity, bodyLimit, maxBytes)");
    assertThat(refused("comfyui", "{\"worker\": 2}"))
        .hasMessage("unknown setting 'worker' for comfyui; did you mean 'workers'? (known: port, seed, behindLink,"
            + " journal, faults, maxBodyBytes, idleTimeoutMs, tls, http2, h2c, altSvc, stubs, workers,"
            + " jobDurationMs, previews, cache, maxUploadBytes, models, embeddings, nodes)");
  }

  /** Each fake lists exactly the keys it takes: every listed key is taken, a bogus one is not. */
  @Test
  void everyFakeListsTheSettingsItTakes() {
    for (String fake : FakeCatalog.names()) {
      IllegalArgumentException e = refused(fake, "{\"zzzzzzzzzzzz\": 1}");
      assertThat(e.getMessage()).startsWith("unknown setting 'zzzzzzzzzzzz' for " + fake + " (known: ");
      List<String> known = knownOf(e.getMessage());
      assertThat(known).startsWith("port", "seed", "behindLink", "journal", "faults").doesNotHaveDuplicates();
      for (String key : known) {
        // a value no key takes: whatever the key says about it, it must not call it unknown
        ObjectNode settings = Json.object();
        settings.putObject(key).put("zzzzzzzzzzzz", true);
        try {
          FakeCatalog.entry(fake).build(Clock.system(), settings, null, null).close();
        } catch (RuntimeException refused) {
          assertThat(String.valueOf(refused.getMessage()))
              .as(fake + " lists '" + key + "' but does not take it")
              .doesNotStartWith("unknown setting");
        }
      }
    }
  }

  /**
   * The lists name the keys a fake takes from shared code too: the server's {@code idleTimeoutMs}
   * and the video fakes' job settings (a misspelt one got no "did you mean" when they were left out).
   */
  @Test
  void theListsNameTheSharedKeys() {
    for (String fake : FakeCatalog.names()) {
      List<String> known = knownOf(refused(fake, "{\"zzzzzzzzzzzz\": 1}").getMessage());
      if (!fake.equals("redis")) {
        assertThat(known).as(fake).contains("idleTimeoutMs");
      }
      if (List.of("gradio", "veo", "runway", "minimax").contains(fake)) {
        assertThat(known).as(fake).contains("concurrency", "jobDurationMs", "jobScript");
      }
    }
    assertThat(refused("gradio", "{\"jobScrpt\": []}"))
        .hasMessageStartingWith("unknown setting 'jobScrpt' for gradio; did you mean 'jobScript'?");
    assertThat(refused("veo", "{\"idleTimeout\": 1000}"))
        .hasMessageStartingWith("unknown setting 'idleTimeout' for veo; did you mean 'idleTimeoutMs'?");
  }

  @Test
  void aMisspeltStubKeyGetsTheNearest() {
    assertThatThrownBy(() -> StubConfig.validate(Json.parse("{\"path\": \"/x\", \"stauts\": 201}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown stub key 'stauts'; did you mean 'status'? (known: method, path, status, headers, json,"
            + " body, base64, contentType, responses, query, header)");
    assertThat(refused("http", "{\"stubs\": [{\"path\": \"/x\", \"jsn\": {}}]}"))
        .hasMessage("unknown stub key 'jsn'; did you mean 'json'? (known: method, path, status, headers, json,"
            + " body, base64, contentType, responses, query, header)");
  }

  @Test
  void aMisspeltFaultKeyInAFakesSettingsGetsTheNearest() {
    assertThat(refused("openai", "{\"faults\": [{\"path\": \"/v1/models\", \"acton\": \"close\"}]}"))
        .hasMessage("unknown fault key 'acton'; did you mean 'action'? (known: on, method, path, header, query,"
            + " when, delayMillis, action, status, message, retryAfterMillis, bytes, bytesPerSecond, n, code,"
            + " type, direction)");
  }

  @Test
  void nearestOnlySuggestsCloseNames() {
    List<String> known = List.of("models", "reply", "replies", "keys");
    assertThat(Hints.nearest("replly", known)).contains("reply");
    assertThat(Hints.nearest("REPLY", known)).contains("reply");
    assertThat(Hints.nearest("key", known)).contains("keys");
    assertThat(Hints.nearest("colour", known)).isEmpty();
    assertThat(Hints.unknown("setting", "colour", known))
        .isEqualTo("unknown setting 'colour' (known: models, reply, replies, keys)");
  }
}
