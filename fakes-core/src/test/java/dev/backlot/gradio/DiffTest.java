package dev.backlot.gradio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.wire.Json;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Gradio's diff, applied the way @gradio/client's apply_diff applies it, gives the new value. */
class DiffTest {

  @Test
  void knownShapes() {
    assertThat(Diff.of(Json.parse("\"Step 1\\n\""), Json.parse("\"Step 1\\nStep 2\\n\"")).toString())
        .isEqualTo("[[\"append\",[],\"Step 2\\n\"]]");
    assertThat(Diff.of(Json.parse("[]"), Json.parse("[{\"a\":1}]")).toString())
        .isEqualTo("[[\"add\",[0],{\"a\":1}]]");
    assertThat(Diff.of(Json.parse("{\"a\":1,\"b\":2}"), Json.parse("{\"a\":1.5,\"c\":3}")).toString())
        .isEqualTo("[[\"replace\",[\"a\"],1.5],[\"delete\",[\"b\"],null],[\"add\",[\"c\"],3]]");
    assertThat(Diff.of(Json.parse("null"), Json.parse("null"))).isEmpty();
  }

  @Test
  void applyingTheDiffGivesTheNewValueForSeededRandomValues() {
    SplittableRandom r = new SplittableRandom(20261204);
    int checked = 0;
    for (int i = 0; i < 2000; i++) {
      JsonNode a = random(r, 3);
      JsonNode b = r.nextBoolean() ? mutate(r, a.deepCopy(), 3) : random(r, 3);
      JsonNode diff = Diff.of(a, b);
      if (shrinksAListByTwoOrMore(diff)) {
        // Gradio's own diff deletes indices i, i+1... while the client splices them one by one,
        // so such a diff does not rebuild the value against a real server either: not checked.
        continue;
      }
      JsonNode applied = apply(a.deepCopy(), diff);
      assertThat(applied).as("a=%s b=%s", a, b).isEqualTo(b);
      checked++;
    }
    assertThat(checked).isGreaterThan(1500);
  }

  private static boolean shrinksAListByTwoOrMore(JsonNode diff) {
    java.util.Map<String, Integer> deletes = new java.util.HashMap<>();
    for (JsonNode e : diff) {
      JsonNode path = e.get(1);
      if (e.get(0).asText().equals("delete") && path.size() > 0 && path.get(path.size() - 1).isInt()) {
        com.fasterxml.jackson.databind.node.ArrayNode parentPath = Json.array();
        for (int k = 0; k < path.size() - 1; k++) {
          parentPath.add(path.get(k));
        }
        String parent = parentPath.toString();
        if (deletes.merge(parent, 1, Integer::sum) > 1) {
          return true;
        }
      }
    }
    return false;
  }

  private static JsonNode random(SplittableRandom r, int depth) {
    int kind = r.nextInt(depth == 0 ? 4 : 6);
    return switch (kind) {
      case 0 -> Json.mapper().getNodeFactory().textNode("s" + r.nextInt(3));
      case 1 -> Json.mapper().getNodeFactory().numberNode(r.nextInt(3));
      case 2 -> Json.mapper().getNodeFactory().booleanNode(r.nextBoolean());
      case 3 -> Json.mapper().getNodeFactory().nullNode();
      case 4 -> {
        ArrayNode a = Json.array();
        for (int k = r.nextInt(3); k > 0; k--) {
          a.add(random(r, depth - 1));
        }
        yield a;
      }
      default -> {
        ObjectNode o = Json.object();
        for (int k = r.nextInt(3); k > 0; k--) {
          o.set("k" + r.nextInt(4), random(r, depth - 1));
        }
        yield o;
      }
    };
  }

  /** Small edits, the way a generator's output grows: appended text, one more item, a new key. */
  private static JsonNode mutate(SplittableRandom r, JsonNode v, int depth) {
    if (v.isTextual()) {
      return Json.mapper().getNodeFactory().textNode(v.asText() + "+" + r.nextInt(9));
    }
    if (v.isArray() && depth > 0) {
      ArrayNode a = (ArrayNode) v;
      if (a.size() > 0 && r.nextBoolean()) {
        a.set(0, mutate(r, a.get(0), depth - 1));
      } else {
        a.add(random(r, depth - 1));
      }
      return a;
    }
    if (v.isObject() && depth > 0) {
      ((ObjectNode) v).set("k" + r.nextInt(4), random(r, depth - 1));
      return v;
    }
    return random(r, depth);
  }

  /** @gradio/client's apply_diff. */
  static JsonNode apply(JsonNode target, JsonNode diff) {
    for (JsonNode edit : diff) {
      String action = edit.get(0).asText();
      JsonNode path = edit.get(1);
      JsonNode value = edit.get(2);
      if (path.isEmpty()) {
        target = action.equals("replace") ? value : Json.mapper().getNodeFactory().textNode(target.asText() + value.asText());
        continue;
      }
      JsonNode cur = target;
      for (int i = 0; i < path.size() - 1; i++) {
        cur = path.get(i).isInt() ? cur.get(path.get(i).asInt()) : cur.get(path.get(i).asText());
      }
      JsonNode last = path.get(path.size() - 1);
      if (cur instanceof ArrayNode a) {
        int idx = last.asInt();
        switch (action) {
          case "replace" -> a.set(idx, value);
          case "append" -> a.set(idx, Json.mapper().getNodeFactory().textNode(a.get(idx).asText() + value.asText()));
          case "add" -> a.insert(idx, value);
          default -> a.remove(idx);
        }
      } else {
        ObjectNode o = (ObjectNode) cur;
        String k = last.asText();
        switch (action) {
          case "replace", "add" -> o.set(k, value);
          case "append" -> o.put(k, o.get(k).asText() + value.asText());
          default -> o.remove(k);
        }
      }
    }
    return target;
  }
}
