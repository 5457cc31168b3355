package dev.backlot.runway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.wire.HttpError;
import dev.backlot.wire.Json;
import dev.backlot.media.Media;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A validated task creation: what was asked (route, model, prompt) and what the fake will render
 * (width, height, seconds). {@link #parse} checks the body as Runway's validator does and throws a
 * 400 with Runway's body ({@code {"error": "Validation of body failed", "issues": [...],
 * "docUrl": ...}}, issues in the shape of zod 4, as real responses show) when it is wrong.
 *
 * <p>This is also the job's input: test scripts can match on it ({@code
 * jobs().script().matching(TaskRequest.class, t -> t.model().equals("gen4.5"))}).
 *
 * @param route the task route, e.g. {@code image_to_video}
 * @param model the model name
 * @param promptText the text prompt, or null
 * @param ratio the ratio as sent, or null
 * @param width output width in pixels
 * @param height output height in pixels
 * @param seconds output length in seconds
 * @param seed the request's seed, or null
 * @param credits the task's estimated cost
 * @param body the request body as sent
 */
public record TaskRequest(
    String route, String model, String promptText, String ratio, int width, int height, int seconds,
    Long seed, int credits, JsonNode body) {

  static final String DOC_URL = "https://docs.dev.runwayml.com/api";

  /** Largest data URI accepted for an image (Runway documents 5 MB for data URIs). */
  static final int MAX_DATA_URI_CHARS = 5 * 1024 * 1024;

  private static final Set<String> IMAGE_TYPES = Set.of("image/jpeg", "image/jpg", "image/png", "image/webp");
  private static final Set<String> VIDEO_TYPES = Set.of("video/mp4", "video/webm", "video/quicktime", "video/mov");
  private static final Pattern IPV4 = Pattern.compile("^\\d{1,3}(\\.\\d{1,3}){3}$");

  /** Parses and checks a creation body for {@code route}; throws a Runway 400 when invalid. */
  static TaskRequest parse(String route, JsonNode body) {
    List<ObjectNode> issues = new ArrayList<>();
    if (body == null || !body.isObject()) {
      issues.add(issue("invalid_type", "", "Invalid input: expected object, received " + typeOf(body))
          .put("expected", "object"));
      throw invalid(issues);
    }
    JsonNode modelNode = body.get("model");
    if (modelNode == null || !modelNode.isTextual()) {
      issues.add(issue("invalid_type", "model",
          "Invalid input: expected string, received " + typeOf(modelNode)).put("expected", "string"));
    }
    RunwayModels.Model m = modelNode != null && modelNode.isTextual()
        ? RunwayModels.of(route).get(modelNode.textValue()) : null;
    if (m == null) {
      ObjectNode u = issue("invalid_union", "model", "Invalid input");
      u.set("errors", Json.array());
      u.put("note", "No matching discriminator");
      u.put("discriminator", "model");
      issues.add(u);
      throw invalid(issues);
    }
    for (String f : m.required()) {
      if (!body.hasNonNull(f)) {
        issues.add(issue("invalid_type", f, "Invalid input: expected " + expectedType(f) + ", received undefined")
            .put("expected", expectedType(f)));
      }
    }
    String promptText = null;
    JsonNode pt = body.get("promptText");
    if (pt != null && !pt.isNull()) {
      if (!pt.isTextual()) {
        issues.add(issue("invalid_type", "promptText", "Invalid input: expected string, received " + typeOf(pt))
            .put("expected", "string"));
      } else if (pt.textValue().isEmpty() || pt.textValue().length() > 1000) {
        issues.add(issue(pt.textValue().isEmpty() ? "too_small" : "too_big", "promptText",
            pt.textValue().isEmpty() ? "Too small: expected string to have >=1 characters"
                : "Too big: expected string to have <=1000 characters").put("origin", "string"));
      } else {
        promptText = pt.textValue();
      }
    }
    String ratio = checkRatio(m, body.get("ratio"), issues);
    String resolution = checkResolution(m, body.get("resolution"), issues);
    int seconds = checkDuration(m, body.get("duration"), issues);
    Long seed = checkSeed(body.get("seed"), issues);
    checkMedia(body, issues);
    if (!issues.isEmpty()) {
      throw invalid(issues);
    }
    int[] wh = geometry(ratio, resolution);
    return new TaskRequest(route, m.name(), promptText, ratio, wh[0], wh[1], seconds, seed,
        seconds * m.creditsPerSecond(), body);
  }

  // ---------------------------------------------------------------- fields

  private static String checkRatio(RunwayModels.Model m, JsonNode r, List<ObjectNode> issues) {
    if (r == null || r.isNull()) {
      return null;
    }
    if (!m.hasRatio()) {
      return null; // an unknown key: Runway's schemas strip those
    }
    if (!r.isTextual()) {
      issues.add(issue("invalid_type", "ratio", "Invalid input: expected string, received " + typeOf(r))
          .put("expected", "string"));
      return null;
    }
    if (!m.ratios().isEmpty() && !m.ratios().contains(r.textValue())) {
      issues.add(invalidValue("ratio", m.ratios()));
      return null;
    }
    if (m.ratios().isEmpty() && !r.textValue().matches("\\d+:\\d+")) {
      issues.add(issue("invalid_format", "ratio", "Invalid string: must match pattern /^\\d+:\\d+$/"));
      return null;
    }
    return r.textValue();
  }

  private static String checkResolution(RunwayModels.Model m, JsonNode r, List<ObjectNode> issues) {
    if (r == null || r.isNull() || m.resolutions().isEmpty()) {
      return null;
    }
    if (!r.isTextual() || !m.resolutions().contains(r.textValue())) {
      issues.add(invalidValue("resolution", m.resolutions()));
      return null;
    }
    return r.textValue();
  }

  private static int checkDuration(RunwayModels.Model m, JsonNode d, List<ObjectNode> issues) {
    if (d == null || d.isNull() || m.duration() == RunwayModels.DurationKind.NONE) {
      return m.defaultSeconds();
    }
    if (d.isTextual() && m.auto() && "auto".equals(d.textValue())) {
      return m.defaultSeconds();
    }
    if (!d.isNumber()) {
      issues.add(issue("invalid_type", "duration", "Invalid input: expected number, received " + typeOf(d))
          .put("expected", "number"));
      return 0;
    }
    if (m.duration() == RunwayModels.DurationKind.ONE_OF) {
      if (!d.isIntegralNumber() || !m.durations().contains(d.intValue())) {
        ArrayNode values = Json.array();
        m.durations().forEach(values::add);
        ObjectNode i = issue("invalid_union", "duration", "Invalid input");
        i.set("errors", Json.array());
        i.set("values", values);
        issues.add(i);
        return 0;
      }
      return d.intValue();
    }
    if (!d.isIntegralNumber()) {
      issues.add(issue("invalid_type", "duration", "Invalid input: expected int, received number")
          .put("expected", "int").put("format", "safeint"));
      return 0;
    }
    int lo = m.duration() == RunwayModels.DurationKind.RANGE ? m.durations().get(0) : 1;
    int hi = m.maxSeconds();
    long v = d.longValue();
    if (v < lo) {
      issues.add(issue("too_small", "duration", "Too small: expected number to be >=" + lo)
          .put("origin", "number").put("minimum", lo).put("inclusive", true));
      return 0;
    }
    if (v > hi) {
      issues.add(issue("too_big", "duration", "Too big: expected number to be <=" + hi)
          .put("origin", "number").put("maximum", hi).put("inclusive", true));
      return 0;
    }
    return (int) v;
  }

  private static Long checkSeed(JsonNode s, List<ObjectNode> issues) {
    if (s == null || s.isNull()) {
      return null;
    }
    if (!s.isIntegralNumber() || s.longValue() < 0 || s.longValue() > 4294967295L) {
      issues.add(issue("too_big", "seed", "Invalid input: expected an integer from 0 to 4294967295")
          .put("origin", "number").put("maximum", 4294967295L).put("inclusive", true));
      return null;
    }
    return s.longValue();
  }

  /** Checks every media field this fake knows: image and video URIs, alone or in lists. */
  private static void checkMedia(JsonNode body, List<ObjectNode> issues) {
    JsonNode pi = body.get("promptImage");
    if (pi != null && !pi.isNull()) {
      if (pi.isTextual()) {
        checkUri("promptImage", pi.textValue(), IMAGE_TYPES, issues);
      } else if (pi.isArray() && !pi.isEmpty()) {
        for (int i = 0; i < pi.size(); i++) {
          JsonNode item = pi.get(i);
          String path = "promptImage." + i;
          if (!item.isObject() || !item.path("uri").isTextual()) {
            issues.add(issue("invalid_type", path + ".uri", "Invalid input: expected string, received undefined")
                .put("expected", "string"));
            continue;
          }
          checkUri(path + ".uri", item.get("uri").textValue(), IMAGE_TYPES, issues);
          String pos = item.path("position").asText("first");
          if (!pos.equals("first") && !pos.equals("last")) {
            issues.add(invalidValue(path + ".position", List.of("first", "last")));
          }
        }
      } else {
        issues.add(issue("invalid_union", "promptImage", "Invalid input: expected a URI or a list of images"));
      }
    }
    for (String f : List.of("videoUri", "promptVideo")) {
      JsonNode v = body.get(f);
      if (v != null && !v.isNull()) {
        if (v.isTextual()) {
          checkUri(f, v.textValue(), VIDEO_TYPES, issues);
        } else {
          issues.add(issue("invalid_type", f, "Invalid input: expected string, received " + typeOf(v))
              .put("expected", "string"));
        }
      }
    }
    for (String f : List.of("character", "reference")) {
      JsonNode v = body.get(f);
      if (v != null && !v.isNull()) {
        if (!v.isObject() || !v.path("uri").isTextual()) {
          issues.add(issue("invalid_type", f + ".uri", "Invalid input: expected string, received undefined")
              .put("expected", "string"));
        } else {
          boolean image = "image".equals(v.path("type").asText());
          checkUri(f + ".uri", v.get("uri").textValue(), image ? IMAGE_TYPES : VIDEO_TYPES, issues);
        }
      }
    }
  }

  /**
   * An asset is an https URL on a domain (not an IP address) or a base64 data URI of a supported
   * type; the reasons are the ones Runway's troubleshooting page lists. The fake fetches nothing.
   */
  private static void checkUri(String path, String uri, Set<String> types, List<ObjectNode> issues) {
    if (uri.startsWith("data:")) {
      if (uri.length() > MAX_DATA_URI_CHARS) {
        issues.add(issue("too_big", path, "Data URI is too large. The maximum size is 5MB."));
        return;
      }
      int comma = uri.indexOf(',');
      String meta = comma < 0 ? "" : uri.substring(5, comma);
      if (comma < 0 || !meta.endsWith(";base64")) {
        issues.add(issue("custom", path, "Invalid data URI."));
        return;
      }
      String type = meta.substring(0, meta.length() - ";base64".length()).toLowerCase(Locale.ROOT);
      if (type.isEmpty()) {
        issues.add(issue("custom", path, "Unsupported asset type. Data URIs must include the content type of the value they encode."));
        return;
      }
      if (!types.contains(type)) {
        issues.add(issue("custom", path, "Unsupported asset type: " + type + "."));
        return;
      }
      try {
        byte[] bytes = Base64.getDecoder().decode(uri.substring(comma + 1));
        if (bytes.length == 0) {
          issues.add(issue("custom", path, "Invalid data URI."));
        }
      } catch (IllegalArgumentException e) {
        issues.add(issue("custom", path, "Invalid data URI."));
      }
      return;
    }
    URI u;
    try {
      u = new URI(uri);
    } catch (URISyntaxException e) {
      issues.add(issue("custom", path, "Invalid URL."));
      return;
    }
    if (u.getScheme() == null || u.getHost() == null) {
      issues.add(issue("custom", path, "Invalid URL."));
    } else if (!"https".equalsIgnoreCase(u.getScheme())) {
      issues.add(issue("custom", path, "Only HTTPS URLs are allowed."));
    } else if (IPV4.matcher(u.getHost()).matches() || u.getHost().startsWith("[")) {
      issues.add(issue("custom", path, "URLs must be hosted on a domain."));
    }
  }

  // ---------------------------------------------------------------- geometry

  /**
   * The output size: a pixel ratio such as {@code 1280:720} is the size itself; an aspect such
   * as {@code 16:9} (or {@code adaptive}, {@code auto}, none: 16:9) is scaled so its short side is
   * the resolution's ({@code 480p}, {@code 720p} (default), {@code 768p}, {@code 1080p}, {@code
   * 1k}, {@code 2k}, {@code 4k}, or the {@code auto_480p}-style suffix). Sides are even and at
   * most {@link Media#MAX_VIDEO_SIDE}.
   */
  static int[] geometry(String ratio, String resolution) {
    int shortSide = shortSide(resolution);
    if (ratio != null && ratio.startsWith("auto_")) {
      shortSide = shortSide(ratio.substring(5));
      ratio = null;
    }
    double w = 16;
    double h = 9;
    if (ratio != null && ratio.matches("\\d+:\\d+")) {
      String[] p = ratio.split(":");
      w = Integer.parseInt(p[0]);
      h = Integer.parseInt(p[1]);
      if (w >= 100 && h >= 100) {
        return fit(w, h);
      }
    }
    return w >= h ? fit(shortSide * w / h, shortSide) : fit(shortSide, shortSide * h / w);
  }

  private static int shortSide(String resolution) {
    if (resolution == null) {
      return 720;
    }
    return switch (resolution.toLowerCase(Locale.ROOT)) {
      case "480p" -> 480;
      case "768p" -> 768;
      case "1080p", "1k" -> 1080;
      case "2k" -> 1440;
      case "4k" -> 2160;
      default -> 720;
    };
  }

  private static int[] fit(double w, double h) {
    double scale = Math.min(1.0, Media.MAX_VIDEO_SIDE / Math.max(w, h));
    return new int[] {even(w * scale), even(h * scale)};
  }

  private static int even(double v) {
    int i = (int) Math.round(v / 2) * 2;
    return Math.max(2, i);
  }

  // ---------------------------------------------------------------- issues

  private static HttpError invalid(List<ObjectNode> issues) {
    ArrayNode a = Json.array();
    issues.forEach(a::add);
    return HttpError.badRequest("Validation of body failed").with("issues", a).with("docUrl", DOC_URL);
  }

  private static ObjectNode issue(String code, String path, String message) {
    ObjectNode i = Json.object();
    i.put("code", code);
    ArrayNode p = i.putArray("path");
    if (!path.isEmpty()) {
      for (String part : path.split("\\.")) {
        if (part.matches("\\d+")) {
          p.add(Integer.parseInt(part));
        } else {
          p.add(part);
        }
      }
    }
    i.put("message", message);
    return i;
  }

  private static ObjectNode invalidValue(String path, List<String> values) {
    ObjectNode i = issue("invalid_value", path, "Invalid option: expected one of "
        + String.join("|", values.stream().map(v -> "\"" + v + "\"").toList()));
    ArrayNode v = Json.array();
    values.forEach(v::add);
    i.set("values", v);
    return i;
  }

  private static String expectedType(String field) {
    return switch (field) {
      case "duration", "targetFramerate" -> "number";
      case "character", "reference" -> "object";
      default -> "string";
    };
  }

  private static String typeOf(JsonNode n) {
    if (n == null || n.isMissingNode()) {
      return "undefined";
    }
    if (n.isNull()) {
      return "null";
    }
    if (n.isTextual()) {
      return "string";
    }
    if (n.isNumber()) {
      return "number";
    }
    if (n.isBoolean()) {
      return "boolean";
    }
    return n.isArray() ? "array" : "object";
  }
}
