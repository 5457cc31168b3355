package dev.backlot.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.wire.Json;
import dev.backlot.wire.Request;
import dev.backlot.wire.Response;

/** {@code GET /v1/models}, {@code /v1/models/{id}} and LiteLLM's health routes. */
final class ModelsAndHealth {

  private final OpenAiFake fake;

  ModelsAndHealth(OpenAiFake fake) {
    this.fake = fake;
  }

  Response list(Request req) {
    ApiKey key = fake.access().authenticate(req);
    ObjectNode out = Json.object();
    ArrayNode data = out.putArray("data");
    for (Model m : fake.models()) {
      if (Access.allows(key, m.id())) {
        data.add(json(m));
      }
    }
    out.put("object", "list");
    return Response.json(200, out);
  }

  Response get(Request req) {
    ApiKey key = fake.access().authenticate(req);
    String id = req.pathParam("model");
    for (Model m : fake.models()) {
      if (m.id().equals(id) && Access.allows(key, id)) {
        return Response.json(200, json(m));
      }
    }
    throw LiteLlmErrors.modelNotFound(id);
  }

  private static ObjectNode json(Model m) {
    return Json.object().put("id", m.id()).put("object", "model").put("created", Model.DEFAULT_CREATED).put("owned_by", m.ownedBy());
  }

  Response readiness() {
    ObjectNode out = Json.object();
    out.put("status", "healthy");
    out.put("db", "Not connected");
    out.putNull("cache");
    out.put("litellm_version", OpenAiFake.LITELLM_VERSION);
    out.putArray("success_callbacks");
    out.put("use_aiohttp_transport", true);
    out.put("log_level", "WARNING");
    out.put("is_detailed_debug", false);
    return Response.json(200, out);
  }

  Response health(Request req) {
    fake.access().authenticate(req);
    String only = req.query("model");
    ObjectNode out = Json.object();
    ArrayNode healthy = out.putArray("healthy_endpoints");
    for (Model m : fake.models()) {
      if (only == null || m.id().equals(only)) {
        healthy.addObject().put("model", m.id());
      }
    }
    out.putArray("unhealthy_endpoints");
    out.put("healthy_count", healthy.size());
    out.put("unhealthy_count", 0);
    return Response.json(200, out);
  }
}
