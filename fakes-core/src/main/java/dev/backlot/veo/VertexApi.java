package dev.backlot.veo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.wire.Request;
import dev.backlot.wire.Response;
import dev.backlot.engine.Routes;
import dev.backlot.jobs.Job;
import java.util.List;

/**
 * Vertex AI's Veo routes, under {@code /v1} and {@code /v1beta1} (the SDKs' version):
 * {@code POST .../projects/{p}/locations/{l}/publishers/google/models/{m}:predictLongRunning},
 * {@code POST ...:fetchPredictOperation} and {@code GET .../models/{m}/operations/{id}}.
 */
final class VertexApi {

  private static final String BASE = "/projects/{project}/locations/{location}/publishers/google/models/";

  private final VeoFake fake;

  VertexApi(VeoFake fake) {
    this.fake = fake;
  }

  void routes(Routes r) {
    for (String v : List.of("/v1", "/v1beta1")) {
      r.post(v + BASE + "{model}:predictLongRunning", this::create);
      r.post(v + BASE + "{model}:fetchPredictOperation", this::fetch);
      r.get(v + BASE + "{model}/operations/{op}", this::get);
    }
  }

  private static String resource(Request req) {
    return "projects/" + req.pathParam("project") + "/locations/" + req.pathParam("location")
        + "/publishers/google/models/" + req.pathParam("model");
  }

  private Response create(Request req) {
    fake.checkVertexAuth(req);
    String model = req.pathParam("model");
    String resource = resource(req);
    if (!fake.knowsModel(model)) {
      throw GoogleErrors.notFound("Publisher Model `" + resource + "` was not found or your project"
          + " does not have access to it. Please ensure you are using a valid model version. For"
          + " more information, see:"
          + " https://cloud.google.com/vertex-ai/generative-ai/docs/learn/model-versions");
    }
    JsonNode body = VeoFake.body(req);
    VeoRequest parsed = VideoParams.parse(body, VeoRequest.Api.VERTEX, model, fake.fps());
    String name = resource + "/operations/" + fake.ids().uuid();
    GcsSink sink = fake.storage();
    VeoFake.Plan plan = new VeoFake.Plan(List.of(), null, null, null);
    if (parsed.storageUri() != null && sink != null) {
      String rest = parsed.storageUri().substring("gs://".length());
      int slash = rest.indexOf('/');
      String bucket = slash < 0 ? rest : rest.substring(0, slash);
      String prefix = slash < 0 ? "" : rest.substring(slash + 1);
      if (!prefix.isEmpty() && !prefix.endsWith("/")) {
        prefix += "/";
      }
      String folder = Long.toUnsignedString(fake.ids().nextLong(Long.MAX_VALUE));
      plan = new VeoFake.Plan(List.of(), bucket, prefix + folder + "/", sink);
    }
    Job job = fake.submit(parsed.withOperationName(name), plan);
    return GoogleErrors.json(200, fake.render(job));
  }

  private Response fetch(Request req) {
    fake.checkVertexAuth(req);
    JsonNode body = VeoFake.body(req);
    JsonNode n = body.path("operationName");
    if (!n.isTextual() || n.asText().isEmpty()) {
      throw GoogleErrors.invalid("operationName is required.");
    }
    String name = n.asText();
    String prefix = resource(req) + "/operations/";
    if (!name.startsWith(prefix) || name.length() == prefix.length()) {
      throw GoogleErrors.invalid("operationName " + name + " is not an operation of " + resource(req) + ".");
    }
    return GoogleErrors.json(200, fake.render(find(name)));
  }

  private Response get(Request req) {
    fake.checkVertexAuth(req);
    return GoogleErrors.json(200, fake.render(find(resource(req) + "/operations/" + req.pathParam("op"))));
  }

  private Job find(String name) {
    return fake.job(name)
        .filter(j -> j.input(VeoRequest.class).api() == VeoRequest.Api.VERTEX)
        .orElseThrow(() -> GoogleErrors.notFound("Operation \"" + name + "\" not found."));
  }
}
