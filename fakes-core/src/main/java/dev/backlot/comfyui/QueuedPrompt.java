package dev.backlot.comfyui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.wire.Json;
import java.util.List;

/**
 * A prompt the fake accepted: what ComfyUI keeps as a queue item {@code [number, prompt_id,
 * prompt, extra_data, outputs_to_execute]}. It is the input of the prompt's job, so a test can
 * script jobs by prompt:
 *
 * <pre>{@code
 * comfy.jobs().script()
 *     .matching(QueuedPrompt.class, p -> "client-a".equals(p.clientId()))
 *     .fail("CUDA out of memory");
 * QueuedPrompt p = comfy.jobs().job(promptId).orElseThrow().input(QueuedPrompt.class);
 * p.prompt().get("3").get("inputs").get("cfg"); // 8.0: inputs as validated and converted
 * }</pre>
 *
 * <p>The JSON values are the fake's own copies; do not modify them.
 */
public final class QueuedPrompt {

  private final JsonNode number;
  private final String promptId;
  private final ObjectNode prompt;
  private final ObjectNode extraData;
  private final List<String> outputs;
  private final int samplerSteps;

  QueuedPrompt(JsonNode number, String promptId, ObjectNode prompt, ObjectNode extraData,
      List<String> outputs, int samplerSteps) {
    this.number = number;
    this.promptId = promptId;
    this.prompt = prompt;
    this.extraData = extraData;
    this.outputs = List.copyOf(outputs);
    this.samplerSteps = samplerSteps;
  }

  /** The queue position number: the server's counter, negated for {@code front}, or the body's. */
  public JsonNode number() {
    return number;
  }

  public String promptId() {
    return promptId;
  }

  /** The node graph, with inputs converted as validation converts them. */
  public ObjectNode prompt() {
    return prompt;
  }

  /** {@code extra_data}, with {@code client_id} copied in from the body. */
  public ObjectNode extraData() {
    return extraData;
  }

  /** The output nodes that passed validation ({@code outputs_to_execute}). */
  public List<String> outputs() {
    return outputs;
  }

  /** The {@code client_id} the prompt was queued with, if it is a string; else null. */
  public String clientId() {
    JsonNode c = extraData.get("client_id");
    return c != null && c.isTextual() ? c.textValue() : null;
  }

  /** Whether {@code client_id} was given and is not null (ComfyUI then sends execution events). */
  boolean hasClient() {
    JsonNode c = extraData.get("client_id");
    return c != null && !c.isNull();
  }

  /** Sum of the steps of the samplers the prompt runs (the default progress steps of its job). */
  int samplerSteps() {
    return samplerSteps;
  }

  /** The 5-element queue item. */
  ArrayNode toQueueItem() {
    ArrayNode a = Json.array();
    a.add(number.deepCopy());
    a.add(promptId);
    a.add(prompt.deepCopy());
    a.add(extraData.deepCopy());
    ArrayNode outs = a.addArray();
    outputs.forEach(outs::add);
    return a;
  }

  /** Queue order: by number, then prompt id (ComfyUI's heap of tuples). */
  static int compare(Object a, Object b) {
    QueuedPrompt x = (QueuedPrompt) a;
    QueuedPrompt y = (QueuedPrompt) b;
    int c = Py.compare(x.number, y.number);
    return c != 0 ? c : x.promptId.compareTo(y.promptId);
  }

  @Override
  public String toString() {
    return "QueuedPrompt[" + number + ", " + promptId + ", outputs=" + outputs + "]";
  }
}
