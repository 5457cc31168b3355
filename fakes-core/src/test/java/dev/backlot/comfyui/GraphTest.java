package dev.backlot.comfyui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.wire.Json;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The execution order against ComfyUI's own {@code comfy_execution/graph.py} (HEAD a125cd84):
 * {@code execution-order-cases.json} holds random graphs (seeded) with the order ComfyUI's
 * {@code ExecutionList} produced for them, run under CPython with stub node classes Src (no
 * inputs), One (a), Mix (a, b) and the output node Out (images).
 */
class GraphTest {

  static Map<String, NodeType> catalogue() {
    Map<String, NodeType> c = new LinkedHashMap<>();
    for (NodeType t : CoreNodes.all()) {
      c.put(t.name(), t);
    }
    c.put("Src", NodeType.builder("Src").outputs("T").build());
    c.put("One", NodeType.builder("One").required("a", "T").outputs("T").build());
    c.put("Mix", NodeType.builder("Mix").required("a", "T").required("b", "T").outputs("T").build());
    c.put("Out", NodeType.builder("Out").required("images", "T").outputNode().build());
    return c;
  }

  @Test
  void theExampleWorkflowRunsInComfyUisOrder() {
    Graph g = new Graph((ObjectNode) Json.parse(Workflows.EXAMPLE), catalogue());
    assertThat(g.executionOrder(List.of("9"), Set.of())).containsExactly("4", "6", "7", "5", "3", "8", "9");
    ObjectNode two = (ObjectNode) Json.parse(Workflows.EXAMPLE);
    ObjectNode preview = two.putObject("10");
    preview.put("class_type", "PreviewImage");
    preview.putObject("inputs").putArray("images").add("8").add(0);
    assertThat(new Graph(two, catalogue()).executionOrder(List.of("9", "10"), Set.of()))
        .containsExactly("4", "6", "7", "5", "3", "8", "9", "10");
    // cached nodes are not expanded
    assertThat(g.executionOrder(List.of("9"), Set.of("4", "5", "6", "7"))).containsExactly("3", "8", "9");
  }

  @Test
  void randomGraphsRunInComfyUisOrder() throws Exception {
    JsonNode cases;
    try (InputStream in = getClass().getResourceAsStream("execution-order-cases.json")) {
      cases = Json.parse(in.readAllBytes());
    }
    assertThat(cases.size()).isGreaterThan(200);
    for (JsonNode c : cases) {
      List<String> outputs = new ArrayList<>();
      c.get("outputs").forEach(o -> outputs.add(o.asText()));
      List<String> expected = new ArrayList<>();
      c.get("order").forEach(o -> expected.add(o.asText()));
      Graph g = new Graph((ObjectNode) c.get("prompt"), catalogue());
      assertThat(g.executionOrder(outputs, new HashSet<>())).as(c.get("prompt").toString())
          .containsExactlyElementsOf(expected);
    }
  }

  @Test
  void signaturesFollowInputsNotIds() {
    ObjectNode a = (ObjectNode) Json.parse(Workflows.EXAMPLE);
    ObjectNode b = (ObjectNode) Json.parse(Workflows.EXAMPLE.replace("\"bad hands\"", "\"ugly\""));
    Map<String, String> sa = new Graph(a, catalogue()).signatures(id -> "None");
    Map<String, String> sb = new Graph(b, catalogue()).signatures(id -> "None");
    assertThat(sa.get("4")).isEqualTo(sb.get("4"));
    assertThat(sa.get("6")).isEqualTo(sb.get("6"));
    assertThat(sa.get("7")).isNotEqualTo(sb.get("7"));
    assertThat(sa.get("3")).isNotEqualTo(sb.get("3")); // downstream of the change
    assertThat(sa.get("5")).isEqualTo(sb.get("5"));
    assertThat(sa.get("6")).isNotEqualTo(sa.get("7"));
  }
}
