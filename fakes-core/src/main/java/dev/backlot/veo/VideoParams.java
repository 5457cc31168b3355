package dev.backlot.veo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.media.Media;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Validates a {@code predictLongRunning} body (instances + parameters) the way Veo does and turns
 * it into a {@link VeoRequest}. Every check runs before anything is minted or stored.
 */
final class VideoParams {

  /** What a model family allows. */
  enum Family {
    VEO2(List.of(5, 6, 7, 8), List.of("720p")),
    VEO3(List.of(4, 6, 8), List.of("720p", "1080p")),
    VEO31(List.of(4, 6, 8), List.of("720p", "1080p", "4k"));

    final List<Integer> durations;
    final List<String> resolutions;

    Family(List<Integer> durations, List<String> resolutions) {
      this.durations = durations;
      this.resolutions = resolutions;
    }

    static Family of(String model) {
      if (model.startsWith("veo-2")) {
        return VEO2;
      }
      return model.startsWith("veo-3.1") ? VEO31 : VEO3;
    }
  }

  private static final Set<String> GEMINI_TOP = Set.of("instances", "parameters", "webhookConfig");
  private static final Set<String> VERTEX_TOP = Set.of("instances", "parameters", "labels");
  private static final Set<String> VERTEX_ONLY = Set.of(
      "storageUri", "fps", "seed", "generateAudio", "pubsubTopic", "compressionQuality",
      "resizeMode");
  private static final int MAX_SAMPLES = 4;

  private VideoParams() {}

  static VeoRequest parse(JsonNode body, VeoRequest.Api api, String model, int fps) {
    boolean vertex = api == VeoRequest.Api.VERTEX;
    if (!body.isObject()) {
      throw GoogleErrors.invalid("Invalid JSON payload received. Expected an object, got "
          + body.getNodeType().toString().toLowerCase(Locale.ROOT) + ".");
    }
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!(vertex ? VERTEX_TOP : GEMINI_TOP).contains(f)) {
        throw GoogleErrors.unknownField(f, null);
      }
    }
    JsonNode instances = body.path("instances");
    if (!instances.isArray() || instances.size() != 1 || !instances.get(0).isObject()) {
      throw GoogleErrors.invalid(
          "instances must be a list holding exactly one instance (an object with a prompt).");
    }
    JsonNode inst = instances.get(0);
    String prompt = text(inst, "prompt", "instances[0].prompt");
    JsonNode image = inst.path("image");
    byte[] imageBytes = null;
    String imageUri = null;
    if (!image.isMissingNode() && !image.isNull()) {
      if (!image.isObject()) {
        throw GoogleErrors.invalid("instances[0].image must be an object.");
      }
      String b64 = text(image, "bytesBase64Encoded", "instances[0].image.bytesBase64Encoded");
      imageUri = text(image, "gcsUri", "instances[0].image.gcsUri");
      if (imageUri != null && !vertex) {
        throw GoogleErrors.invalid("instances[0].image.gcsUri isn't supported by the Gemini API: "
            + "send the image as bytesBase64Encoded.");
      }
      if ((b64 == null) == (imageUri == null)) {
        throw GoogleErrors.invalid(
            "instances[0].image needs exactly one of bytesBase64Encoded and gcsUri.");
      }
      if (b64 != null) {
        try {
          imageBytes = decode(b64);
        } catch (IllegalArgumentException e) {
          throw GoogleErrors.invalid(
              "Invalid value at 'instances[0].image.bytesBase64Encoded': not base64 (" + e.getMessage() + ").");
        }
        if (imageBytes.length == 0) {
          throw GoogleErrors.invalid("instances[0].image.bytesBase64Encoded is empty.");
        }
      }
      String mime = text(image, "mimeType", "instances[0].image.mimeType");
      if (mime != null && !mime.startsWith("image/")) {
        throw GoogleErrors.invalid("Unsupported image mimeType: " + mime + ".");
      }
    }
    boolean hasImage = imageBytes != null || imageUri != null;
    if ((prompt == null || prompt.isBlank()) && !hasImage) {
      throw GoogleErrors.invalid("A text prompt is required (instances[0].prompt), unless an image is given.");
    }
    boolean references = inst.path("referenceImages").isArray() && inst.path("referenceImages").size() > 0;

    JsonNode p = body.path("parameters");
    if (!p.isMissingNode() && !p.isNull() && !p.isObject()) {
      throw GoogleErrors.invalid("parameters must be an object.");
    }
    if (!vertex) {
      for (String f : VERTEX_ONLY) {
        if (p.has(f)) {
          throw GoogleErrors.invalid("parameters." + f
              + " isn't supported by the Gemini API (it is a Vertex AI parameter).");
        }
      }
    }
    Family family = Family.of(model);
    String aspect = text(p, "aspectRatio", "parameters.aspectRatio");
    aspect = aspect == null ? "16:9" : aspect;
    if (!aspect.equals("16:9") && !aspect.equals("9:16")) {
      throw GoogleErrors.invalid(
          "Unsupported aspect ratio: " + aspect + ". Supported values are 16:9 and 9:16.");
    }
    String resolution = text(p, "resolution", "parameters.resolution");
    resolution = resolution == null ? "720p" : resolution.toLowerCase(Locale.ROOT);
    if (!family.resolutions.contains(resolution)) {
      throw GoogleErrors.invalid("Unsupported resolution: " + resolution + " for model " + model
          + ". Supported values: " + String.join(", ", family.resolutions) + ".");
    }
    Integer d = integer(p, "durationSeconds", "parameters.durationSeconds");
    int duration = d == null ? 8 : d;
    if (!family.durations.contains(duration)) {
      throw GoogleErrors.invalid("Unsupported durationSeconds " + duration + " for model " + model
          + ". Supported values: " + family.durations + ".");
    }
    if (duration != 8 && !resolution.equals("720p")) {
      throw GoogleErrors.invalid("Resolution " + resolution + " requires durationSeconds 8; got "
          + duration + ".");
    }
    if (duration != 8 && references) {
      throw GoogleErrors.invalid("referenceImages require durationSeconds 8; got " + duration + ".");
    }
    Integer n = integer(p, "sampleCount", "parameters.sampleCount");
    int samples = n == null ? 1 : n;
    if (samples < 1 || samples > MAX_SAMPLES) {
      throw GoogleErrors.invalid(
          "sampleCount must be between 1 and " + MAX_SAMPLES + "; got " + samples + ".");
    }
    Integer reqFps = integer(p, "fps", "parameters.fps");
    if (reqFps != null && reqFps != 24) {
      throw GoogleErrors.invalid("Unsupported fps " + reqFps + ". Supported value: 24.");
    }
    Integer userSeed = integer(p, "seed", "parameters.seed");
    if (userSeed != null && userSeed < 0) {
      throw GoogleErrors.invalid("seed must be between 0 and 4294967295; got " + userSeed + ".");
    }
    String storageUri = text(p, "storageUri", "parameters.storageUri");
    if (storageUri != null) {
      String rest = storageUri.startsWith("gs://") ? storageUri.substring(5) : "";
      int slash = rest.indexOf('/');
      String bucket = slash < 0 ? rest : rest.substring(0, slash);
      if (bucket.isEmpty()) {
        throw GoogleErrors.invalid("parameters.storageUri must be a Cloud Storage URI "
            + "(gs://bucket/prefix/); got \"" + storageUri + "\".");
      }
    }
    for (String f : List.of("negativePrompt", "personGeneration", "compressionQuality",
        "resizeMode", "pubsubTopic")) {
      text(p, f, "parameters." + f);
    }
    for (String f : List.of("enhancePrompt", "generateAudio")) {
      JsonNode v = p.path(f);
      if (!v.isMissingNode() && !v.isNull() && !v.isBoolean()) {
        throw GoogleErrors.invalid("Invalid value at 'parameters." + f + "' (TYPE_BOOL), " + v);
      }
    }
    int width;
    int height;
    int shortSide = switch (resolution) {
      case "1080p" -> 1080;
      case "4k" -> 2160;
      default -> 720;
    };
    int longSide = shortSide * 16 / 9;
    if (aspect.equals("16:9")) {
      width = longSide;
      height = shortSide;
    } else {
      width = shortSide;
      height = longSide;
    }
    String promptText = prompt == null ? "" : prompt;
    long seed = Media.seedOf("veo", model, promptText, imageBytes, imageUri, userSeed);
    return new VeoRequest(api, model, null, promptText, hasImage, aspect, resolution, duration,
        samples, width, height, fps, storageUri, seed);
  }

  /** Protobuf's JSON bytes: standard or URL-safe base64, padding optional. */
  private static byte[] decode(String b64) {
    String clean = b64.replaceAll("\\s", "");
    return clean.indexOf('-') >= 0 || clean.indexOf('_') >= 0
        ? Base64.getUrlDecoder().decode(clean)
        : Base64.getDecoder().decode(clean);
  }

  private static String text(JsonNode parent, String field, String path) {
    JsonNode v = parent.path(field);
    if (v.isMissingNode() || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw GoogleErrors.invalid("Invalid value at '" + path + "' (TYPE_STRING), " + v);
    }
    return v.asText();
  }

  private static Integer integer(JsonNode parent, String field, String path) {
    JsonNode v = parent.path(field);
    if (v.isMissingNode() || v.isNull()) {
      return null;
    }
    if (v.isIntegralNumber() && v.canConvertToLong() && v.longValue() >= 0 && v.longValue() <= 0xFFFFFFFFL) {
      return (int) Math.min(Integer.MAX_VALUE, v.longValue());
    }
    if (v.isNumber() && v.asDouble() == Math.rint(v.asDouble()) && Math.abs(v.asDouble()) < 1e9) {
      return (int) v.asDouble(); // 8.0 is 8, as protobuf's JSON parser reads it
    }
    throw GoogleErrors.invalid("Invalid value at '" + path + "' (TYPE_INT32), " + v);
  }
}
