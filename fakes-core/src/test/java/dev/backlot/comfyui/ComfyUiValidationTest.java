package dev.backlot.comfyui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.time.Clock;
import dev.backlot.wire.Json;
import dev.backlot.time.ManualClock;
import java.net.http.HttpResponse;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /prompt} validation: each error type ComfyUI's {@code validate_prompt} produces,
 * with its exact 400 body, and the bookkeeping around it (numbers, conversions, partial success).
 */
class ComfyUiValidationTest {

  static ManualClock clock = Clock.manual();
  static ComfyUiFake comfy;
  static Http http;

  @BeforeAll
  static void start() {
    comfy = ComfyUiFake.builder().clock(clock).start();
    http = new Http(comfy.baseUri());
  }

  @AfterAll
  static void stop() {
    comfy.close();
  }

  @BeforeEach
  void reset() {
    comfy.reset();
  }

  private static ObjectNode example(Consumer<ObjectNode> change) {
    ObjectNode p = Workflows.example();
    change.accept(p);
    return p;
  }

  private static ObjectNode inputs(ObjectNode prompt, String node) {
    return (ObjectNode) prompt.get(node).get("inputs");
  }

  private static JsonNode rejected(JsonNode prompt) {
    HttpResponse<byte[]> r = http.queue(prompt, "c", null);
    assertThat(r.statusCode()).as(Http.text(r)).isEqualTo(400);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
    return Http.json(r);
  }

  /** The single error of node {@code node} in a prompt_outputs_failed_validation answer. */
  private static JsonNode nodeError(JsonNode body, String node) {
    assertThat(body.at("/error/type").asText()).isEqualTo("prompt_outputs_failed_validation");
    assertThat(body.at("/error/message").asText()).isEqualTo("Prompt outputs failed validation");
    JsonNode ne = body.get("node_errors").get(node);
    assertThat(ne).as(body.toString()).isNotNull();
    assertThat(ne.get("errors").size()).isEqualTo(1);
    return ne.get("errors").get(0);
  }

  @Test
  void noPromptIsExactlyComfyUisAnswer() {
    HttpResponse<byte[]> r = http.post("/prompt", "{\"client_id\": \"c\"}");
    assertThat(r.statusCode()).isEqualTo(400);
    // aiohttp json_response: json.dumps with ", " and ": " separators
    assertThat(Http.text(r)).isEqualTo("{\"error\": {\"type\": \"no_prompt\", \"message\": "
        + "\"No prompt provided\", \"details\": \"No prompt provided\", \"extra_info\": {}}, "
        + "\"node_errors\": {}}");
  }

  @Test
  void nodeWithoutClassType() {
    JsonNode body = rejected(Json.parse("{\"1\": {\"inputs\": {}}}"));
    assertThat(body).isEqualTo(Json.parse("""
        {"error": {"type": "invalid_prompt",
                   "message": "Cannot execute because a node is missing the class_type property.",
                   "details": "Node ID '#1'", "extra_info": {}},
         "node_errors": {}}"""));
  }

  @Test
  void unknownNodeClass() {
    JsonNode body = rejected(example(p -> ((ObjectNode) p.get("7")).put("class_type", "CLIPTextEncodeX")));
    assertThat(body).isEqualTo(Json.parse("""
        {"error": {"type": "invalid_prompt",
                   "message": "Cannot execute because node CLIPTextEncodeX does not exist.",
                   "details": "Node ID '#7'", "extra_info": {}},
         "node_errors": {}}"""));
  }

  @Test
  void promptWithoutOutputNode() {
    JsonNode body = rejected(example(p -> p.remove("9")));
    assertThat(body).isEqualTo(Json.parse("""
        {"error": {"type": "prompt_no_outputs", "message": "Prompt has no outputs",
                   "details": "", "extra_info": {}},
         "node_errors": {}}"""));
  }

  @Test
  void requiredInputMissing() {
    JsonNode body = rejected(example(p -> inputs(p, "9").remove("images")));
    assertThat(body).isEqualTo(Json.parse("""
        {"error": {"type": "prompt_outputs_failed_validation",
                   "message": "Prompt outputs failed validation",
                   "details": "Required input is missing: images", "extra_info": {}},
         "node_errors": {"9": {"errors": [{"type": "required_input_missing",
                                           "message": "Required input is missing",
                                           "details": "images",
                                           "extra_info": {"input_name": "images"}}],
                               "dependent_outputs": ["9"], "class_type": "SaveImage"}}}"""));
  }

  @Test
  void badLinkedInput() {
    JsonNode err = nodeError(rejected(example(p -> inputs(p, "8").putArray("samples").add("3"))), "8");
    assertThat(err).isEqualTo(Json.parse("""
        {"type": "bad_linked_input",
         "message": "Bad linked input, must be a length-2 list of [node_id, slot_index]",
         "details": "samples",
         "extra_info": {"input_name": "samples",
                        "input_config": ["LATENT", {"tooltip": "The latent to be decoded."}],
                        "received_value": ["3"]}}"""));
  }

  @Test
  void returnTypeMismatch() {
    JsonNode err = nodeError(rejected(example(p -> inputs(p, "8").putArray("samples").add("4").add(0))), "8");
    assertThat(err.get("type").asText()).isEqualTo("return_type_mismatch");
    assertThat(err.get("message").asText()).isEqualTo("Return type mismatch between linked nodes");
    assertThat(err.get("details").asText()).isEqualTo("samples, received_type(MODEL) mismatch input_type(LATENT)");
    assertThat(err.at("/extra_info/received_type").asText()).isEqualTo("MODEL");
    assertThat(err.at("/extra_info/linked_node")).isEqualTo(Json.parse("[\"4\", 0]"));
  }

  @Test
  void invalidInputType() {
    JsonNode err = nodeError(rejected(example(p -> inputs(p, "3").put("steps", "many"))), "3");
    assertThat(err.get("type").asText()).isEqualTo("invalid_input_type");
    assertThat(err.get("message").asText()).isEqualTo("Failed to convert an input value to a INT value");
    assertThat(err.get("details").asText())
        .isEqualTo("steps, many, invalid literal for int() with base 10: 'many'");
    assertThat(err.at("/extra_info/exception_message").asText())
        .isEqualTo("invalid literal for int() with base 10: 'many'");
  }

  @Test
  void valueSmallerThanMinAndBiggerThanMax() {
    JsonNode small = nodeError(rejected(example(p -> inputs(p, "3").put("steps", 0))), "3");
    assertThat(small.get("type").asText()).isEqualTo("value_smaller_than_min");
    assertThat(small.get("message").asText()).isEqualTo("Value 0 smaller than min of 1");
    assertThat(small.get("details").asText()).isEqualTo("steps");
    assertThat(small.at("/extra_info/received_value").asInt()).isZero();

    JsonNode cfg = nodeError(rejected(example(p -> inputs(p, "3").put("cfg", -1))), "3");
    assertThat(cfg.get("message").asText()).isEqualTo("Value -1.0 smaller than min of 0.0");

    JsonNode big = nodeError(rejected(example(p -> inputs(p, "3").put("denoise", 2))), "3");
    assertThat(big.get("type").asText()).isEqualTo("value_bigger_than_max");
    assertThat(big.get("message").asText()).isEqualTo("Value 2.0 bigger than max of 1.0");
    assertThat(big.at("/extra_info/input_config/0").asText()).isEqualTo("FLOAT");
  }

  @Test
  void valueNotInList() {
    JsonNode ckpt = nodeError(rejected(example(p -> inputs(p, "4").put("ckpt_name", "sdxl.safetensors"))), "4");
    assertThat(ckpt).isEqualTo(Json.parse("""
        {"type": "value_not_in_list", "message": "Value not in list",
         "details": "ckpt_name: 'sdxl.safetensors' not in ['v1-5-pruned-emaonly.safetensors']",
         "extra_info": {"input_name": "ckpt_name",
                        "input_config": [["v1-5-pruned-emaonly.safetensors"],
                                         {"tooltip": "The name of the checkpoint (model) to load."}],
                        "received_value": "sdxl.safetensors"}}"""));

    // more than 20 choices: ComfyUI does not echo the list
    JsonNode sampler = nodeError(rejected(example(p -> inputs(p, "3").put("sampler_name", "warp"))), "3");
    assertThat(sampler.get("details").asText())
        .isEqualTo("sampler_name: 'warp' not in (list of length " + CoreNodes.SAMPLERS.size() + ")");
    assertThat(sampler.at("/extra_info/input_config").isNull()).isTrue();
  }

  @Test
  void customValidationOfLoadImage() {
    ObjectNode p = Workflows.example();
    ObjectNode load = p.putObject("10");
    load.put("class_type", "LoadImage");
    load.putObject("inputs").put("image", "nope.png");
    inputs(p, "9").putArray("images").add("10").add(0);
    JsonNode err = nodeError(rejected(p), "10");
    assertThat(err).isEqualTo(Json.parse("""
        {"type": "custom_validation_failed", "message": "Custom validation failed for node",
         "details": "image - Invalid image file: nope.png", "extra_info": {"input_name": "image"}}"""));

    comfy.inputFile("nope.png", dev.backlot.media.Media.png(8, 8, 1));
    assertThat(http.queue(p, "c", null).statusCode()).isEqualTo(200);
  }

  @Test
  void loadImageWithoutOrWithLinkedImageFailsInsideItsValidateInputs() {
    // Found by the cross-check against ComfyUI's validate_prompt: VALIDATE_INPUTS still runs, and
    // its exception replaces the node's own errors.
    ObjectNode p = Workflows.example();
    ObjectNode load = p.putObject("10");
    load.put("class_type", "LoadImage");
    load.putObject("inputs");
    inputs(p, "9").putArray("images").add("10").add(0);
    JsonNode missing = nodeError(rejected(p), "10");
    assertThat(missing.get("type").asText()).isEqualTo("exception_during_inner_validation");
    assertThat(missing.get("details").asText())
        .isEqualTo("LoadImage.VALIDATE_INPUTS() missing 1 required positional argument: 'image'");
    assertThat(missing.at("/extra_info/input_name").asText()).isEqualTo("images");

    inputs(p, "10").putArray("image").add("4").add(0);
    JsonNode linked = nodeError(rejected(p), "10");
    assertThat(linked.get("details").asText()).isEqualTo("'NoneType' object has no attribute 'endswith'");
    assertThat(linked.at("/extra_info/exception_type").asText()).isEqualTo("AttributeError");
  }

  @Test
  void exceptionDuringValidationOfAnOutput() {
    JsonNode err = nodeError(rejected(example(p -> inputs(p, "9").putArray("images").add("99").add(0))), "9");
    assertThat(err.get("type").asText()).isEqualTo("exception_during_validation");
    assertThat(err.get("message").asText()).isEqualTo("Exception when validating node");
    assertThat(err.get("details").asText()).isEqualTo("'99'"); // str(KeyError('99'))
    assertThat(err.at("/extra_info/exception_type").asText()).isEqualTo("KeyError");
    assertThat(err.at("/extra_info/traceback").isArray()).isTrue();
  }

  @Test
  void exceptionDuringInnerValidation() {
    JsonNode body = rejected(example(p -> inputs(p, "3").putArray("model").add("99").add(0)));
    JsonNode err = nodeError(body, "3");
    assertThat(err.get("type").asText()).isEqualTo("exception_during_inner_validation");
    assertThat(err.get("message").asText()).isEqualTo("Exception when validating inner node");
    assertThat(err.get("details").asText()).isEqualTo("'99'");
    // ComfyUI records it on the inner node, naming the outer node's input and link
    assertThat(err.at("/extra_info/input_name").asText()).isEqualTo("samples");
    assertThat(err.at("/extra_info/linked_node")).isEqualTo(Json.parse("[\"3\", 0]"));
    assertThat(err.at("/extra_info/exception_type").asText()).isEqualTo("KeyError");
    assertThat(body.at("/node_errors/3/class_type").asText()).isEqualTo("KSampler");

    JsonNode slot = nodeError(rejected(example(p -> inputs(p, "8").putArray("vae").add("4").add(7))), "8");
    assertThat(slot.get("details").asText()).isEqualTo("tuple index out of range");
    assertThat(slot.at("/extra_info/exception_type").asText()).isEqualTo("IndexError");
  }

  @Test
  void severalErrorsAndDependentOutputs() {
    ObjectNode p = example(x -> {
      inputs(x, "3").put("steps", 0);
      inputs(x, "4").put("ckpt_name", "x.ckpt");
    });
    ObjectNode second = p.putObject("10");
    second.put("class_type", "PreviewImage");
    second.putObject("inputs").putArray("images").add("8").add(0);
    JsonNode body = rejected(p);
    // details lists only the outputs' own errors; these are upstream
    assertThat(body.at("/error/details").asText()).isEmpty();
    assertThat(body.at("/node_errors/3/errors/0/type").asText()).isEqualTo("value_smaller_than_min");
    assertThat(body.at("/node_errors/4/errors/0/type").asText()).isEqualTo("value_not_in_list");
    assertThat(body.at("/node_errors/3/dependent_outputs")).isEqualTo(Json.parse("[\"9\", \"10\"]"));
    assertThat(body.at("/node_errors/4/dependent_outputs")).isEqualTo(Json.parse("[\"9\", \"10\"]"));
  }

  @Test
  void oneGoodOutputIsEnoughAndTheOthersAreReported() {
    ObjectNode p = Workflows.example();
    ObjectNode bad = p.putObject("10");
    bad.put("class_type", "PreviewImage");
    bad.putObject("inputs");
    HttpResponse<byte[]> r = http.queue(p, "c", "partial");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = Http.json(r);
    assertThat(body.at("/node_errors/10/errors/0/type").asText()).isEqualTo("required_input_missing");
    JsonNode item = http.getJson("/queue").at("/queue_pending/0");
    assertThat(item.get(4)).isEqualTo(Json.parse("[\"9\"]"));
  }

  @Test
  void validInputsAreConvertedAsComfyUiStoresThem() {
    ObjectNode p = example(x -> {
      inputs(x, "3").put("steps", "20");
      inputs(x, "3").put("seed", 12.9);
      inputs(x, "6").put("text", 42);
    });
    http.queueOk(p, "c", "conv");
    JsonNode stored = http.getJson("/queue").at("/queue_pending/0/2");
    assertThat(stored.at("/3/inputs/cfg").isDouble()).isTrue();
    assertThat(stored.at("/3/inputs/cfg").asDouble()).isEqualTo(8.0);
    assertThat(stored.at("/3/inputs/denoise").isDouble()).isTrue();
    assertThat(stored.at("/3/inputs/steps").isInt()).isTrue();
    assertThat(stored.at("/3/inputs/seed").asLong()).isEqualTo(12); // int(12.9)
    assertThat(stored.at("/6/inputs/text").asText()).isEqualTo("42");
  }

  @Test
  void numbersCountEveryPostAndFrontNegates() {
    assertThat(http.queueOk(Workflows.example(), "c", "a").get("number").asLong()).isZero();
    rejected(example(p -> p.remove("9"))); // the counter moves even for a rejected prompt
    ObjectNode front = Json.object();
    front.set("prompt", Workflows.example());
    front.put("front", true);
    front.put("prompt_id", "b");
    JsonNode b = Http.json(http.post("/prompt", front));
    assertThat(b.get("number").asLong()).isEqualTo(-2);
    ObjectNode numbered = Json.object();
    numbered.set("prompt", Workflows.example());
    numbered.put("number", 7);
    numbered.put("prompt_id", "c");
    String raw = Http.text(http.post("/prompt", numbered));
    assertThat(raw).contains("\"number\": 7.0"); // float(number)
    ArrayNode pending = (ArrayNode) http.getJson("/queue").get("queue_pending");
    assertThat(pending.get(0).get(1).asText()).isEqualTo("b"); // -2 runs first
    assertThat(pending.get(1).get(1).asText()).isEqualTo("a");
    assertThat(pending.get(2).get(1).asText()).isEqualTo("c");
  }

  @Test
  void promptIdIsTheCallersAndItsTypeIsKeptAsPythonStr() {
    assertThat(http.queueOk(Workflows.example(), "c", "mine").get("prompt_id").asText()).isEqualTo("mine");
    ObjectNode body = Json.object();
    body.set("prompt", Workflows.example());
    body.put("prompt_id", 12);
    assertThat(Http.json(http.post("/prompt", body)).get("prompt_id").asText()).isEqualTo("12");
  }

  @Test
  void malformedJsonIsA500AndTheFakeKeepsServing() {
    HttpResponse<byte[]> r = http.post("/prompt", "{not json");
    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(Http.text(r)).isEqualTo("500 Internal Server Error\n\nServer got itself in trouble");
    assertThat(http.queue(Workflows.example(), "c", null).statusCode()).isEqualTo(200);
  }

  @Test
  void emptyOrNonJsonBodiesAreTheFaithful500sOfUnguardedRequestJson() {
    // ComfyUI awaits request.json() unguarded on these routes: aiohttp answers 500
    for (String path : new String[] {"/prompt", "/history", "/free", "/queue", "/api/prompt"}) {
      for (String body : new String[] {"", "not json"}) {
        HttpResponse<byte[]> r = http.post(path, body);
        assertThat(r.statusCode()).as(path + " <- '" + body + "'").isEqualTo(500);
        assertThat(Http.text(r)).isEqualTo("500 Internal Server Error\n\nServer got itself in trouble");
      }
    }
    // /interrupt guards the parse (a global interrupt) but not .get on a non-object
    assertThat(http.post("/interrupt", "").statusCode()).isEqualTo(200);
    assertThat(http.post("/interrupt", "not json").statusCode()).isEqualTo(200);
    assertThat(http.post("/interrupt", "[1]").statusCode()).isEqualTo(500);
    assertThat(http.queue(Workflows.example(), "c", null).statusCode()).isEqualTo(200);
  }

  @Test
  void aCycleIsRejectedWithoutHanging() {
    ObjectNode p = Workflows.example();
    ObjectNode a = p.putObject("20");
    a.put("class_type", "LatentUpscale");
    ObjectNode ai = a.putObject("inputs");
    ai.putArray("samples").add("21").add(0);
    ai.put("upscale_method", "nearest-exact").put("width", 512).put("height", 512).put("crop", "disabled");
    ObjectNode b = p.putObject("21");
    b.put("class_type", "LatentUpscale");
    ObjectNode bi = b.putObject("inputs");
    bi.putArray("samples").add("20").add(0);
    bi.put("upscale_method", "nearest-exact").put("width", 512).put("height", 512).put("crop", "disabled");
    inputs(p, "3").putArray("latent_image").add("20").add(0);
    JsonNode body = rejected(p);
    // After Python's RecursionError unwinds, every node of the cycle is invalid with no errors.
    assertThat(body.at("/error/type").asText()).isEqualTo("prompt_outputs_failed_validation");
    assertThat(body.at("/error/details").asText()).isEmpty();
    assertThat(body.get("node_errors").size()).isZero();
  }

  @Test
  void rejectedPromptsLeaveNoTrace() {
    rejected(example(p -> inputs(p, "3").put("steps", 0)));
    assertThat(comfy.jobs().submittedCount()).isZero();
    assertThat(http.getJson("/queue")).isEqualTo(Json.parse("{\"queue_running\": [], \"queue_pending\": []}"));
    assertThat(http.getJson("/prompt")).isEqualTo(Json.parse("{\"exec_info\": {\"queue_remaining\": 0}}"));
  }
}
