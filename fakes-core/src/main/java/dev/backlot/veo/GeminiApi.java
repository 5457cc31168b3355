package dev.backlot.veo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.wire.Json;
import dev.backlot.wire.Request;
import dev.backlot.wire.Response;
import dev.backlot.engine.Routes;
import dev.backlot.jobs.Job;
import dev.backlot.media.Media;
import java.util.ArrayList;
import java.util.List;

/**
 * The Gemini Developer API's video routes: {@code POST /v1beta/models/{model}:predictLongRunning},
 * {@code GET /v1beta/models/{model}/operations/{id}}, and the generated files ({@code GET
 * /v1beta/files/{id}:download?alt=media}, {@code GET /v1beta/files/{id}}).
 */
final class GeminiApi {

  private final VeoFake fake;

  GeminiApi(VeoFake fake) {
    this.fake = fake;
  }

  void routes(Routes r) {
    r.post("/v1beta/models/{model}:predictLongRunning", this::create);
    r.get("/v1beta/models/{model}/operations/{op}", this::operation);
    r.get("/v1beta/files/{file}:download", this::download);
    r.get("/v1beta/files/{file}", this::fileResource);
  }

  private Response create(Request req) {
    fake.checkApiKey(req);
    String model = req.pathParam("model");
    if (!fake.knowsModel(model)) {
      throw GoogleErrors.notFound("models/" + model + " is not found for API version v1beta, or is"
          + " not supported for predictLongRunning. Call ListModels to see the list of available"
          + " models and their supported methods.");
    }
    JsonNode body = VeoFake.body(req);
    VeoRequest parsed = VideoParams.parse(body, VeoRequest.Api.GEMINI, model, fake.fps());
    String name = "models/" + model + "/operations/" + fake.ids().token(12);
    List<String> fileIds = new ArrayList<>();
    for (int i = 0; i < parsed.sampleCount(); i++) {
      fileIds.add(fake.ids().token(12));
    }
    Job job = fake.submit(parsed.withOperationName(name), new VeoFake.Plan(List.copyOf(fileIds), null, null, null));
    return GoogleErrors.json(200, fake.render(job));
  }

  private Response operation(Request req) {
    fake.checkApiKey(req);
    String name = "models/" + req.pathParam("model") + "/operations/" + req.pathParam("op");
    Job job = fake.job(name)
        .filter(j -> j.input(VeoRequest.class).api() == VeoRequest.Api.GEMINI)
        .orElseThrow(() -> GoogleErrors.notFound("Operation " + name + " not found."));
    return GoogleErrors.json(200, fake.render(job));
  }

  private Response download(Request req) {
    fake.checkApiKey(req);
    String id = req.pathParam("file");
    if (!"media".equals(req.query("alt"))) {
      throw GoogleErrors.invalid("files/" + id + ":download serves media only: add alt=media.");
    }
    Clip clip = fake.clipOf(id).orElseThrow(() -> missing(id));
    return Response.bytes(200, clip.bytes(), Media.MP4)
        .addHeader("Content-Disposition", "attachment");
  }

  private Response fileResource(Request req) {
    fake.checkApiKey(req);
    String id = req.pathParam("file");
    Clip clip = fake.clipOf(id).orElseThrow(() -> missing(id));
    ObjectNode f = Json.object();
    f.put("name", "files/" + id);
    f.put("mimeType", Media.MP4);
    f.put("sizeBytes", String.valueOf(clip.bytes().length));
    f.put("createTime", clip.created.toString());
    f.put("updateTime", clip.created.toString());
    f.put("expirationTime", clip.created.plus(VeoFake.FILE_LIFETIME).toString());
    f.put("uri", fake.fileUri(id).replace(":download?alt=media", ""));
    f.put("downloadUri", fake.fileUri(id));
    f.put("state", "ACTIVE");
    f.put("source", "GENERATED");
    return GoogleErrors.json(200, f);
  }

  private static RuntimeException missing(String id) {
    return new dev.backlot.wire.HttpError(403, "You do not have permission to access the File "
        + id + " or it may not exist.").with("status", "PERMISSION_DENIED");
  }
}
