package dev.backlot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.Fake;
import dev.backlot.time.Clock;
import dev.backlot.wire.Json;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The objects nested in a fake's settings (GCS's objects, OpenAI's models, a Gradio app's
 * components, a stub's responses...) refuse an unknown key as the settings themselves do: naming
 * the nearest valid key and the valid ones, instead of ignoring it.
 */
class NestedUnknownNamesTest {

  private static final Pattern KNOWN = Pattern.compile("\\(known: ([^)]*)\\)$");

  /**
   * One nested object: where it sits in a fake's settings ({@code ENTRY} marks it) and an entry
   * the fake takes, to which a key is added.
   */
  private record Nested(String fake, String kind, String settings, String entry) {

    JsonNode with(String key, JsonNode value) {
      ObjectNode e = (ObjectNode) Json.parse(entry);
      e.set(key, value);
      return Json.parse(settings.replace("ENTRY", Json.write(e)));
    }
  }

  // a signer entry needs a real RSA public key (its size does not matter here)
  private static final String PUBLIC_KEY_PEM = publicKeyPem();

  private static String publicKeyPem() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(1024);
      return "-----BEGIN PUBLIC KEY-----\\n"
          + Base64.getEncoder().encodeToString(g.generateKeyPair().getPublic().getEncoded())
          + "\\n-----END PUBLIC KEY-----";
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  private static final List<Nested> NESTED = List.of(
      new Nested("gcs", "bucket setting", "{\"buckets\": [ENTRY]}", "{\"name\": \"media\"}"),
      new Nested("gcs", "object setting", "{\"buckets\": [\"media\"], \"objects\": [ENTRY]}",
          "{\"bucket\": \"media\", \"name\": \"a.txt\", \"text\": \"hi\"}"),
      new Nested("gcs", "signer setting", "{\"signers\": [ENTRY]}",
          "{\"email\": \"sa@p.iam.gserviceaccount.com\", \"publicKey\": \"" + PUBLIC_KEY_PEM + "\"}"),
      new Nested("openai", "model setting", "{\"models\": [ENTRY]}", "{\"id\": \"small\"}"),
      new Nested("openai", "key setting", "{\"keys\": [ENTRY]}", "{\"key\": \"sk-a\"}"),
      new Nested("openai", "reply setting", "{\"replies\": [ENTRY]}", "{\"model\": \"small\", \"text\": \"tiny\"}"),
      new Nested("gradio", "app setting", "{\"app\": ENTRY}", "{\"endpoints\": []}"),
      new Nested("gradio", "endpoint setting", "{\"app\": {\"endpoints\": [ENTRY]}}", "{\"name\": \"echo\"}"),
      new Nested("gradio", "component setting",
          "{\"app\": {\"endpoints\": [{\"name\": \"echo\", \"inputs\": [ENTRY]}]}}", "{\"type\": \"textbox\"}"),
      new Nested("http", "stub response key", "{\"stubs\": [{\"path\": \"/x\", \"responses\": [ENTRY]}]}",
          "{\"status\": 503}"));

  private static IllegalArgumentException refused(String fake, JsonNode config) {
    try {
      Fake f = FakeCatalog.entry(fake).build(Clock.system(), config, null, null);
      f.close();
    } catch (IllegalArgumentException e) {
      return e;
    }
    throw new AssertionError(fake + " took " + config);
  }

  private static IllegalArgumentException refused(String fake, String config) {
    return refused(fake, Json.parse(config));
  }

  @Test
  void gcsEntriesNameTheNearestKey() {
    assertThat(refused("gcs", "{\"buckets\": [\"media\"], \"objects\": [{\"bucket\": \"media\", \"nmae\": \"a.txt\"}]}"))
        .hasMessage("unknown object setting 'nmae' for gcs; did you mean 'name'?"
            + " (known: bucket, name, text, base64, resource, contentType)");
    assertThat(refused("gcs", "{\"buckets\": [{\"name\": \"archive\", \"versioned\": true}]}"))
        .hasMessage("unknown bucket setting 'versioned' for gcs; did you mean 'versioning'? (known: name, versioning)");
    assertThat(refused("gcs", "{\"signers\": [{\"email\": \"sa@p.iam.gserviceaccount.com\", \"publickey\": \"x\"}]}"))
        .hasMessage("unknown signer setting 'publickey' for gcs; did you mean 'publicKey'?"
            + " (known: email, publicKey, keyFile)");
  }

  @Test
  void openAiEntriesNameTheNearestKey() {
    assertThat(refused("openai", "{\"models\": [{\"id\": \"small\", \"ownedby\": \"me\"}]}"))
        .hasMessage("unknown model setting 'ownedby' for openai; did you mean 'ownedBy'?"
            + " (known: id, ownedBy, contextWindow, dimensions)");
    assertThat(refused("openai", "{\"keys\": [{\"key\": \"sk-a\", \"rpmLimt\": 5}]}"))
        .hasMessage("unknown key setting 'rpmLimt' for openai; did you mean 'rpmLimit'? (known: key, models, rpmLimit)");
    assertThat(refused("openai", "{\"replies\": [{\"model\": \"small\", \"txt\": \"tiny\"}]}"))
        .hasMessage("unknown reply setting 'txt' for openai; did you mean 'text'? (known: model, when, text)");
  }

  @Test
  void gradioAppEndpointAndComponentNameTheNearestKey() {
    assertThat(refused("gradio", "{\"app\": {\"titel\": \"Echo\", \"endpoints\": []}}"))
        .hasMessage("unknown app setting 'titel' for gradio; did you mean 'title'? (known: title, version, endpoints)");
    assertThat(refused("gradio", "{\"app\": {\"endpoints\": [{\"name\": \"echo\", \"input\": []}]}}"))
        .hasMessage("unknown endpoint setting 'input' for gradio; did you mean 'inputs'?"
            + " (known: name, inputs, outputs, queue, steps)");
    assertThat(refused("gradio", "{\"app\": {\"endpoints\": [{\"name\": \"r\", \"inputs\":"
        + " [{\"type\": \"slider\", \"label\": \"Steps\", \"maximun\": 50}]}]}}"))
        .hasMessage("unknown component setting 'maximun' for gradio; did you mean 'maximum'?"
            + " (known: type, label, name, value, minimum, maximum, step, choices)");
    assertThat(refused("gradio", "{\"app\": {\"endpoints\": [{\"name\": \"r\", \"outputs\": [{\"type\": \"vidoe\"}]}]}}"))
        .hasMessage("unknown component type 'vidoe' for gradio; did you mean 'video'?"
            + " (known: textbox, number, slider, dropdown, checkbox, image, video, file, gallery, state)");
  }

  @Test
  void aStubResponseNamesTheNearestKey() {
    assertThat(refused("http", "{\"stubs\": [{\"path\": \"/x\", \"responses\": [{\"status\": 503}, {\"stauts\": 202}]}]}"))
        .hasMessage("unknown stub response key 'stauts'; did you mean 'status'?"
            + " (known: status, headers, json, body, base64, contentType)");
  }

  /** Each nested object refuses a bogus key, and takes every key it lists. */
  @Test
  void everyNestedObjectTakesTheKeysItLists() {
    for (Nested n : NESTED) {
      Fake ok = FakeCatalog.entry(n.fake()).build(Clock.system(), Json.parse(n.settings().replace("ENTRY", n.entry())),
          null, null);
      ok.close();
      String message = refused(n.fake(), n.with("zzzzzzzzzzzz", Json.parse("1"))).getMessage();
      String prefix = "unknown " + n.kind() + " 'zzzzzzzzzzzz'" + (n.fake().equals("http") ? "" : " for " + n.fake());
      assertThat(message).startsWith(prefix + " (known: ");
      Matcher m = KNOWN.matcher(message);
      assertThat(m.find()).as("'(known: ...)' at the end of: " + message).isTrue();
      List<String> known = List.of(m.group(1).split(", "));
      assertThat(known).doesNotHaveDuplicates();
      for (String key : known) {
        // a value no key takes: whatever the key says about it, it must not call the key unknown
        try {
          FakeCatalog.entry(n.fake()).build(Clock.system(), n.with(key, Json.parse("{\"zzzzzzzzzzzz\": true}")),
              null, null).close();
        } catch (RuntimeException refused) {
          assertThat(String.valueOf(refused.getMessage()))
              .as(n.fake() + " lists '" + key + "' as a " + n.kind() + " but does not take it")
              .doesNotStartWith("unknown " + n.kind() + " '" + key + "'");
        }
      }
    }
  }
}
