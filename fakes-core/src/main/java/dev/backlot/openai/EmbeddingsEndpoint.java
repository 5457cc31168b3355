package dev.backlot.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.wire.Json;
import dev.backlot.wire.Request;
import dev.backlot.wire.Response;
import java.util.ArrayList;
import java.util.List;

/** {@code POST /v1/embeddings}: deterministic vectors (see {@link Embeddings}), float or base64. */
final class EmbeddingsEndpoint {

  private static final String INVALID =
      "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.";

  private final OpenAiFake fake;

  EmbeddingsEndpoint(OpenAiFake fake) {
    this.fake = fake;
  }

  Response handle(Request req, String pathModel) {
    Access.Admitted call = fake.access().admit(req, pathModel, "/embeddings");
    ObjectNode body = call.body();
    Model m = call.served();
    if (!Validation.present(body, "input")) {
      throw Validation.missing("input");
    }
    List<String> inputs = inputs(body.get("input"));
    String format = "float";
    if (Validation.present(body, "encoding_format")) {
      JsonNode f = body.get("encoding_format");
      if (!f.isTextual()) {
        throw Validation.invalidType("encoding_format", "a string", f);
      }
      format = f.asText();
      if (!format.equals("float") && !format.equals("base64")) {
        throw Validation.invalidValue("encoding_format", format, List.of("float", "base64"));
      }
    }
    Integer dims = Validation.optInt(body, "dimensions", 1, m.dimensions());
    int d = dims != null ? dims : m.dimensions();
    int tokens = 0;
    for (String in : inputs) {
      int t = Tokens.count(in);
      Access.checkContextWindow(m, t);
      tokens += t;
    }
    ObjectNode out = Json.object();
    out.put("object", "list");
    ArrayNode data = out.putArray("data");
    for (int i = 0; i < inputs.size(); i++) {
      float[] v = Embeddings.of(inputs.get(i), d);
      ObjectNode e = data.addObject();
      e.put("object", "embedding");
      e.put("index", i);
      if (format.equals("base64")) {
        e.put("embedding", Embeddings.base64(v));
      } else {
        ArrayNode arr = e.putArray("embedding");
        for (float f : v) {
          arr.add(f);
        }
      }
    }
    out.put("model", call.model());
    out.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
    return fake.callHeaders(OpenAiFake.json(out), call.model());
  }

  private static List<String> inputs(JsonNode input) {
    if (input.isTextual()) {
      if (input.asText().isEmpty()) {
        throw LiteLlmErrors.badParam("input", INVALID);
      }
      return List.of(input.asText());
    }
    if (!input.isArray() || input.isEmpty()) {
      throw LiteLlmErrors.badParam("input", INVALID);
    }
    if (input.size() > 2048) {
      throw LiteLlmErrors.badParam(
          "input", "Invalid 'input': array too long. Expected an array with maximum length 2048, but got an array with length " + input.size() + " instead.");
    }
    String expected = "one of a string or array of strings";
    if (input.get(0).isIntegralNumber()) {
      return List.of(TextCompletions.tokensText(input, "input", expected));
    }
    List<String> out = new ArrayList<>();
    for (JsonNode x : input) {
      if (x.isTextual() && !x.asText().isEmpty()) {
        out.add(x.asText());
      } else if (x.isArray() && !x.isEmpty() && x.get(0).isIntegralNumber()) {
        out.add(TextCompletions.tokensText(x, "input", expected));
      } else {
        throw LiteLlmErrors.badParam("input", INVALID);
      }
    }
    return out;
  }
}
