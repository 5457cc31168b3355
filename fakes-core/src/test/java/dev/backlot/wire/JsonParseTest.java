package dev.backlot.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Json#parse} builds its tree without a deserialization context, and a small ASCII body
 * without a Jackson parser at all ({@link FastJson}): the tree must be the one {@code
 * ObjectMapper.readTree} builds (same node classes, same values, same key order), and a
 * malformed body the same 400 message.
 */
class JsonParseTest {

  @Test
  void edgeCasesGiveJacksonsTree() throws IOException {
    List<String> docs = List.of(
        "{}", "[]", "1", "-0", "-0.0", "0.1", "1E5", "1e400", "-1e400", "1e-400", "2147483647",
        "2147483648", "-2147483649", "9223372036854775807", "9223372036854775808",
        "123456789012345678901234567890", "1." + "5".repeat(400), "\"x\"", "\"\"", "true", "false",
        "null", "{\"a\":1,\"a\":2,\"b\":{\"a\":[1,{\"c\":null}]},\"a\":3}",
        "{\"a\":1} trailing garbage", "[1,[2,[3,[4,[5]]]],{}]  ", "\"caf\\u00e9 \\ud83d\\ude00\"",
        "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}",
        "[".repeat(400) + "]".repeat(400));
    for (String d : docs) {
      assertSame(d);
    }
  }

  @Test
  void seededDocumentsGiveJacksonsTree() throws IOException {
    SplittableRandom rnd = new SplittableRandom(7);
    for (int i = 0; i < 1_000; i++) {
      StringBuilder sb = new StringBuilder();
      value(rnd, sb, 0);
      assertSame(sb.toString());
    }
  }

  @Test
  void malformedBodiesGetJacksonsMessage() {
    List<String> bad = List.of(
        "{", "[1,", "{\"a\" 1}", "{\"a\":}", "[1 2]", "{\"a\":1,}", "tru", "NaN", "{'a':1}",
        "\"unterminated", "[}", "{]", "01", "1.", "-", "{\"a\":1}}", "[" .repeat(1_200));
    for (String d : bad) {
      String expected;
      try {
        JsonNode tree = Json.mapper().readTree(d.getBytes(StandardCharsets.UTF_8));
        assertThat(Json.parse(d)).as(d).isEqualTo(tree); // trailing garbage after a value is ignored
        continue;
      } catch (IOException e) {
        String m = e.getMessage();
        expected = "Malformed JSON in request body: " + (m.contains("\n") ? m.substring(0, m.indexOf('\n')) : m);
      }
      assertThatThrownBy(() -> Json.parse(d)).as(d)
          .isInstanceOf(HttpError.class).hasMessage(expected);
    }
    assertThatThrownBy(() -> Json.parse("  ")).isInstanceOf(HttpError.class)
        .hasMessage("Request body is empty; expected JSON");
  }

  @Test
  void theFastPathTakesTheUsualBodiesAndLeavesTheRestToJackson() {
    assertThat(FastJson.parse(bytes(
        "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Say \\\"hi\\\"\\n\"}],"
            + "\"temperature\":0.2,\"n\":1,\"stream\":false,\"stop\":null}"),
        Json.mapper().getNodeFactory())).isNotNull();
    for (String other : List.of("\"caf\u00e9\"", "{\"a\":\"caf\u00e9\"}", "{\"a\":\"\u0001\"}", "1",
        "{\"a\":12345678901234567890}", "{\"a\":1,}", "", "  ", "[" .repeat(300) + "]".repeat(300),
        "{\"a\":\"" + "x".repeat(FastJson.MAX_BYTES) + "\"}")) {
      assertThat(FastJson.parse(bytes(other), Json.mapper().getNodeFactory())).as(other).isNull();
    }
  }

  @Test
  void mutatedBodiesGetJacksonsTreeOrJacksonsMessage() throws IOException {
    SplittableRandom rnd = new SplittableRandom(11);
    String[] noise = {"\"", "\\", "{", "}", "[", "]", ",", ":", "0", "-", ".", "e", "t", "n", " ", "\u0001",
        "\u00e9", "x", "1", "\\u12", "\\u00e9"};
    for (int i = 0; i < 3_000; i++) {
      StringBuilder sb = new StringBuilder();
      if (rnd.nextBoolean()) {
        sb.append('{').append("\"k\":");
        value(rnd, sb, 1);
        sb.append('}');
      } else {
        sb.append('[');
        value(rnd, sb, 1);
        sb.append(']');
      }
      int edits = rnd.nextInt(3);
      for (int e = 0; e < edits && sb.length() > 0; e++) {
        int at = rnd.nextInt(sb.length());
        switch (rnd.nextInt(3)) {
          case 0 -> sb.deleteCharAt(at);
          case 1 -> sb.insert(at, noise[rnd.nextInt(noise.length)]);
          default -> sb.replace(at, at + 1, noise[rnd.nextInt(noise.length)]);
        }
      }
      String d = sb.toString();
      JsonNode expected;
      try {
        expected = Json.mapper().readTree(bytes(d));
      } catch (IOException e) {
        String m = e.getMessage();
        String message = "Malformed JSON in request body: " + (m.contains("\n") ? m.substring(0, m.indexOf('\n')) : m);
        assertThatThrownBy(() -> Json.parse(d)).as(d).isInstanceOf(HttpError.class).hasMessage(message);
        continue;
      }
      if (expected == null || expected.isMissingNode()) {
        assertThatThrownBy(() -> Json.parse(d)).as(d).isInstanceOf(HttpError.class);
        continue;
      }
      JsonNode actual = Json.parse(d);
      assertThat(actual).as(d).isEqualTo(expected);
      sameShape(actual, expected, d);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void assertSame(String doc) throws IOException {
    byte[] bytes = doc.getBytes(StandardCharsets.UTF_8);
    JsonNode expected = Json.mapper().readTree(bytes);
    JsonNode actual = Json.parse(bytes);
    assertThat(actual).as(doc).isEqualTo(expected);
    sameShape(actual, expected, doc);
  }

  // Same node classes and key order all the way down (equals alone lets a key order differ).
  private static void sameShape(JsonNode a, JsonNode e, String doc) {
    assertThat(a.getClass()).as(doc).isEqualTo(e.getClass());
    if (e.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> x = a.properties().iterator();
      Iterator<Map.Entry<String, JsonNode>> y = e.properties().iterator();
      while (y.hasNext()) {
        Map.Entry<String, JsonNode> ey = y.next();
        Map.Entry<String, JsonNode> ex = x.next();
        assertThat(ex.getKey()).as(doc).isEqualTo(ey.getKey());
        sameShape(ex.getValue(), ey.getValue(), doc);
      }
      assertThat(x.hasNext()).isFalse();
    } else if (e.isArray()) {
      for (int i = 0; i < e.size(); i++) {
        sameShape(a.get(i), e.get(i), doc);
      }
    }
  }

  private static void value(SplittableRandom rnd, StringBuilder sb, int depth) {
    int kind = rnd.nextInt(depth > 4 ? 6 : 8);
    switch (kind) {
      case 0 -> sb.append(rnd.nextInt());
      case 1 -> sb.append(rnd.nextLong());
      case 2 -> sb.append(rnd.nextDouble() * Math.pow(10, rnd.nextInt(-20, 20)));
      case 3 -> sb.append(rnd.nextBoolean() ? "true" : rnd.nextBoolean() ? "false" : "null");
      case 4, 5 -> string(rnd, sb);
      case 6 -> {
        sb.append('{');
        int n = rnd.nextInt(5);
        for (int i = 0; i < n; i++) {
          if (i > 0) {
            sb.append(',');
          }
          sb.append("\"k").append(rnd.nextInt(4)).append("\":"); // duplicates on purpose
          value(rnd, sb, depth + 1);
        }
        sb.append('}');
      }
      default -> {
        sb.append('[');
        int n = rnd.nextInt(5);
        for (int i = 0; i < n; i++) {
          if (i > 0) {
            sb.append(", ");
          }
          value(rnd, sb, depth + 1);
        }
        sb.append(']');
      }
    }
  }

  private static void string(SplittableRandom rnd, StringBuilder sb) {
    sb.append('"');
    int n = rnd.nextInt(12);
    for (int i = 0; i < n; i++) {
      int c = rnd.nextInt(6);
      switch (c) {
        case 0 -> sb.append("\\n");
        case 1 -> sb.append("\\u00e9");
        case 2 -> sb.append('€');
        case 3 -> sb.append("\\\"");
        default -> sb.append((char) rnd.nextInt('a', 'z' + 1));
      }
    }
    sb.append('"');
  }
}
