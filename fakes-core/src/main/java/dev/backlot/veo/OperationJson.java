package dev.backlot.veo;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.wire.Json;
import dev.backlot.jobs.Job;
import dev.backlot.jobs.JobFailure;
import dev.backlot.jobs.JobState;
import dev.backlot.media.Media;
import java.util.Base64;
import java.util.Map;

/**
 * A job rendered as a google.longrunning.Operation, in the Gemini API's form ({@code
 * generateVideoResponse.generatedSamples[].video.uri}) or Vertex AI's ({@code videos[]} with
 * {@code gcsUri} or {@code bytesBase64Encoded}). Not done: only the name (proto JSON omits a
 * false {@code done}).
 */
final class OperationJson {

  static final String GEMINI_RESPONSE_TYPE =
      "type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse";
  static final String VERTEX_RESPONSE_TYPE =
      "type.googleapis.com/cloud.ai.large_models.vision.GenerateVideoResponse";

  private OperationJson() {}

  static ObjectNode render(Job job, VeoFake fake) {
    VeoRequest r = job.input(VeoRequest.class);
    ObjectNode op = Json.object();
    op.put("name", job.id());
    if (!job.isTerminal()) {
      return op;
    }
    op.put("done", true);
    if (job.state() == JobState.SUCCEEDED && job.output().orElse(null) instanceof Outcome o) {
      op.set("response", r.api() == VeoRequest.Api.GEMINI ? gemini(o, fake) : vertex(o));
    } else if (job.state() == JobState.SUCCEEDED) {
      op.set("error", status(13, "The operation ended with an output the Veo fake cannot render: "
          + job.output().orElse(null), null));
    } else if (job.state() == JobState.CANCELLED) {
      op.set("error", status(1, "The operation was cancelled.", null));
    } else {
      op.set("error", failure(job.failure().orElse(JobFailure.of("Video generation failed."))));
    }
    return op;
  }

  private static ObjectNode gemini(Outcome o, VeoFake fake) {
    ArrayNode samples = Json.array();
    for (Clip c : o.clips()) {
      ObjectNode video = Json.object().put("uri", fake.fileUri(c.fileId));
      samples.add(Json.object().set("video", video));
    }
    ObjectNode gen = Json.object();
    gen.set("generatedSamples", samples);
    filtered(gen, o);
    ObjectNode response = Json.object().put("@type", GEMINI_RESPONSE_TYPE);
    response.set("generateVideoResponse", gen);
    return response;
  }

  private static ObjectNode vertex(Outcome o) {
    ArrayNode videos = Json.array();
    for (Clip c : o.clips()) {
      ObjectNode v = Json.object();
      if (c.gcsUri != null) {
        v.put("gcsUri", c.gcsUri);
      } else {
        v.put("bytesBase64Encoded", Base64.getEncoder().encodeToString(c.bytes()));
      }
      v.put("mimeType", Media.MP4);
      videos.add(v);
    }
    ObjectNode response = Json.object().put("@type", VERTEX_RESPONSE_TYPE);
    response.set("videos", videos);
    filtered(response, o);
    return response;
  }

  private static void filtered(ObjectNode into, Outcome o) {
    if (o.filteredCount() > 0) {
      into.put("raiMediaFilteredCount", o.filteredCount());
      ArrayNode reasons = Json.array();
      o.filteredReasons().forEach(reasons::add);
      into.set("raiMediaFilteredReasons", reasons);
    }
  }

  /**
   * A failure as a google.rpc.Status: details may be a code (a number, or a name such as {@code
   * "INVALID_ARGUMENT"}) or a map with {@code code} and {@code details}; default 13 INTERNAL.
   */
  static ObjectNode failure(JobFailure f) {
    Object d = f.details();
    int code = 13;
    Object details = null;
    if (d instanceof Number n) {
      code = n.intValue();
    } else if (d instanceof String s && GoogleErrors.codeOf(s) >= 0) {
      code = GoogleErrors.codeOf(s);
    } else if (d instanceof Map<?, ?> m) {
      Object c = m.get("code");
      if (c instanceof Number n) {
        code = n.intValue();
      } else if (c instanceof String s && GoogleErrors.codeOf(s) >= 0) {
        code = GoogleErrors.codeOf(s);
      }
      details = m.get("details");
    }
    return status(code, f.message(), details);
  }

  private static ObjectNode status(int code, String message, Object details) {
    ObjectNode s = Json.object();
    s.put("code", code);
    s.put("message", message);
    if (details != null) {
      s.set("details", Json.tree(details));
    }
    return s;
  }
}
