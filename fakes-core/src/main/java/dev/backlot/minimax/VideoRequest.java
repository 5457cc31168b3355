package dev.backlot.minimax;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.wire.HttpError;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A validated {@code POST /v1/video_generation}: what was asked and the video the fake will
 * render. This is also the job's input, so test scripts can match on it ({@code
 * jobs().script().matching(VideoRequest.class, v -> v.model().startsWith("I2V"))}).
 *
 * @param model the model name
 * @param prompt the prompt, or null
 * @param resolution the resolution, e.g. {@code 768P}
 * @param seconds the video's length
 * @param width output width in pixels
 * @param height output height in pixels
 * @param body the request body as sent
 */
public record VideoRequest(
    String model, String prompt, String resolution, int seconds, int width, int height, JsonNode body) {

  /** MiniMax's code for invalid parameters. */
  static final int INVALID_PARAMS = 2013;

  static final int MAX_PROMPT = 2000;
  static final int MAX_DATA_URI_CHARS = 20 * 1024 * 1024;

  /** What a model accepts: its resolutions (first = default), durations, and what it needs. */
  private record Spec(List<String> resolutions, List<Integer> durations, boolean needsPrompt,
      boolean needsImage, boolean needsSubject) {}

  private static final Spec T2V_01 = new Spec(List.of("720P"), List.of(6), true, false, false);
  private static final Spec I2V_01 = new Spec(List.of("720P"), List.of(6), false, true, false);
  private static final Map<String, Spec> MODELS = Map.ofEntries(
      Map.entry("T2V-01", T2V_01),
      Map.entry("T2V-01-Director", T2V_01),
      Map.entry("I2V-01", I2V_01),
      Map.entry("I2V-01-Director", I2V_01),
      Map.entry("I2V-01-live", I2V_01),
      Map.entry("S2V-01", new Spec(List.of("720P"), List.of(6), true, false, true)),
      Map.entry("MiniMax-Hailuo-02", new Spec(List.of("768P", "512P", "1080P"), List.of(6, 10), false, false, false)),
      Map.entry("MiniMax-Hailuo-2.3", new Spec(List.of("768P", "1080P"), List.of(6, 10), false, false, false)),
      Map.entry("MiniMax-Hailuo-2.3-Fast", new Spec(List.of("768P", "1080P"), List.of(6, 10), false, true, false)));

  /** The models this fake accepts (the documented ones). */
  static List<String> models() {
    return MODELS.keySet().stream().sorted().toList();
  }

  /**
   * Parses and checks a creation body; throws an HTTP 200 error carrying {@code status_code}
   * 2013 and MiniMax's {@code "invalid params, ..."} message when it is wrong.
   */
  static VideoRequest parse(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw invalid("request body must be a JSON object");
    }
    JsonNode m = body.get("model");
    if (m == null || !m.isTextual() || m.textValue().isEmpty()) {
      throw invalid("model is required");
    }
    Spec spec = MODELS.get(m.textValue());
    if (spec == null) {
      throw invalid("model " + m.textValue() + " is not supported");
    }
    String model = m.textValue();
    String prompt = text(body, "prompt");
    if (prompt != null && prompt.length() > MAX_PROMPT) {
      throw invalid("prompt exceeds " + MAX_PROMPT + " characters");
    }
    String first = text(body, "first_frame_image");
    String last = text(body, "last_frame_image");
    boolean subject = body.path("subject_reference").isArray() && !body.get("subject_reference").isEmpty();
    if (spec.needsImage() && first == null) {
      throw invalid("first_frame_image is required for model " + model);
    }
    if (spec.needsSubject() && !subject) {
      throw invalid("subject_reference is required for model " + model);
    }
    if ((spec.needsPrompt() || (!spec.needsImage() && first == null && last == null))
        && (prompt == null || prompt.isBlank())) {
      throw invalid("prompt is required");
    }
    int[] imageSize = null;
    if (first != null) {
      imageSize = checkImage("first_frame_image", first);
    }
    if (last != null) {
      checkImage("last_frame_image", last);
    }
    String resolution = spec.resolutions().get(0);
    JsonNode r = body.get("resolution");
    if (r != null && !r.isNull()) {
      String want = r.asText().toUpperCase(Locale.ROOT);
      if (!r.isTextual() || !spec.resolutions().contains(want)) {
        throw invalid("resolution " + r.asText() + " is not supported by " + model
            + ", supported: " + spec.resolutions());
      }
      resolution = want;
    }
    int seconds = spec.durations().get(0);
    JsonNode d = body.get("duration");
    if (d != null && !d.isNull()) {
      if (!d.isIntegralNumber() || !spec.durations().contains(d.intValue())) {
        throw invalid("duration " + d.asText() + " is not supported by " + model
            + ", supported: " + spec.durations());
      }
      seconds = d.intValue();
    }
    if (seconds > 6 && "1080P".equals(resolution)) {
      throw invalid("duration " + seconds + " is not supported at 1080P, supported: [6]");
    }
    JsonNode cb = body.get("callback_url");
    if (cb != null && !cb.isNull() && !(cb.isTextual() && cb.textValue().matches("https?://.+"))) {
      throw invalid("callback_url is invalid");
    }
    int[] wh = geometry(resolution, imageSize);
    return new VideoRequest(model, prompt, resolution, seconds, wh[0], wh[1], body);
  }

  /**
   * The output size: 16:9 at the resolution's height (512P 912x512, 720P 1280x720, 768P
   * 1366x768, 1080P 1920x1080), or, for a first frame whose size the fake can read (a PNG data
   * URI), that image's aspect with the resolution's short side.
   */
  static int[] geometry(String resolution, int[] image) {
    int shortSide = Integer.parseInt(resolution.substring(0, resolution.length() - 1));
    if (image == null || image[0] <= 0 || image[1] <= 0) {
      return new int[] {even(shortSide * 16 / 9.0), shortSide};
    }
    double w = image[0];
    double h = image[1];
    return w >= h ? new int[] {even(shortSide * w / h), shortSide} : new int[] {shortSide, even(shortSide * h / w)};
  }

  private static int even(double v) {
    return Math.min(4096, Math.max(2, (int) Math.round(v / 2) * 2));
  }

  /** An image is a public http(s) URL or a base64 data URI; for a PNG the size is returned. */
  private static int[] checkImage(String field, String value) {
    if (value.startsWith("http://") || value.startsWith("https://")) {
      return null;
    }
    if (!value.startsWith("data:image/") || value.length() > MAX_DATA_URI_CHARS) {
      throw invalid(field + " must be a public URL or a base64 data URI of an image (at most 20MB)");
    }
    int comma = value.indexOf(',');
    if (comma < 0 || !value.substring(0, comma).endsWith(";base64")) {
      throw invalid(field + " is not a valid base64 data URI");
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(value.substring(comma + 1));
    } catch (IllegalArgumentException e) {
      throw invalid(field + " is not a valid base64 data URI");
    }
    if (bytes.length == 0) {
      throw invalid(field + " is empty");
    }
    if (bytes.length >= 24 && (bytes[0] & 0xFF) == 0x89 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G') {
      return new int[] {int32(bytes, 16), int32(bytes, 20)};
    }
    return null;
  }

  private static int int32(byte[] b, int at) {
    return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
  }

  private static String text(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw invalid(field + " must be a string");
    }
    return v.textValue();
  }

  /** An HTTP 200 answer with {@code base_resp} 2013, as MiniMax rejects bad parameters. */
  static HttpError invalid(String what) {
    return MiniMaxFake.error(INVALID_PARAMS, "invalid params, " + what);
  }
}
