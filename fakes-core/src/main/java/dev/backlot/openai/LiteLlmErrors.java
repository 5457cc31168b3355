package dev.backlot.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.wire.ErrorShape;
import dev.backlot.wire.HttpError;
import dev.backlot.wire.Json;
import dev.backlot.wire.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * LiteLLM's error bodies: {@code {"error": {"message", "type", "param", "code"}}} with {@code code}
 * the HTTP status as a string ({@code ProxyException.to_dict()} in {@code litellm/proxy/_types.py}).
 * {@code type} and {@code param} are whatever the raising exception carried: the literal string
 * "None" for the proxy's own HTTPExceptions, JSON null for litellm exceptions raised without an
 * upstream body (the mock errors), the upstream's values otherwise.
 */
final class LiteLlmErrors {

  static final String TYPE = "type";
  static final String PARAM = "param";
  static final String HEADERS = "headers";

  private LiteLlmErrors() {}

  /** Renders every error of the fake, the engine's own (404, 405, 413, malformed JSON) included. */
  static final ErrorShape SHAPE =
      (status, message, details) -> {
        String msg = message;
        Object near = details.get("nearMisses");
        if (near instanceof List<?> l && !l.isEmpty()) {
          msg = message + ". Closest routes: " + l;
        }
        ObjectNode error = Json.object();
        error.put("message", msg);
        putNullable(error, "type", details.containsKey(TYPE) ? (String) details.get(TYPE) : defaultType(status));
        putNullable(error, "param", details.containsKey(PARAM) ? (String) details.get(PARAM) : "None");
        error.put("code", String.valueOf(status));
        ObjectNode body = Json.object();
        body.set("error", error);
        Response r = Response.json(status, body);
        if (details.get(HEADERS) instanceof Map<?, ?> headers) {
          for (Map.Entry<?, ?> h : headers.entrySet()) {
            r = r.addHeader(String.valueOf(h.getKey()), String.valueOf(h.getValue()));
          }
        }
        return r;
      };

  private static String defaultType(int status) {
    return switch (status) {
      case 400, 405, 413, 415 -> "invalid_request_error";
      case 401 -> "auth_error";
      case 404 -> "not_found_error";
      case 429 -> "throttling_error";
      default -> "None";
    };
  }

  private static void putNullable(ObjectNode n, String field, String value) {
    if (value == null) {
      n.putNull(field);
    } else {
      n.put(field, value);
    }
  }

  static HttpError error(int status, String message, String type, String param) {
    return new HttpError(status, message).with(TYPE, type).with(PARAM, param);
  }

  /** The {@code {"error": {...}}} object, for an SSE error event. */
  static ObjectNode body(int status, String message, String type, String param) {
    ObjectNode error = Json.object();
    error.put("message", message);
    putNullable(error, "type", type);
    putNullable(error, "param", param);
    error.put("code", String.valueOf(status));
    ObjectNode body = Json.object();
    body.set("error", error);
    return body;
  }

  // ------------------------------------------------------------------ the catalogue

  static HttpError noKey() {
    return error(401, "Authentication Error, No api key passed in.", "auth_error", "None");
  }

  static HttpError invalidKey(String key) {
    return error(
        401,
        "Authentication Error, Invalid proxy server token passed. Received API Key = "
            + abbreviate(key)
            + ", Key Hash (Token) ="
            + sha256(key)
            + ". Unable to find token in cache or `LiteLLM_VerificationTokenTable`",
        "token_not_found_in_db",
        "key");
  }

  static HttpError modelAccessDenied(List<String> allowed, String model) {
    StringBuilder list = new StringBuilder("[");
    for (int i = 0; i < allowed.size(); i++) {
      list.append(i == 0 ? "" : ", ").append('\'').append(allowed.get(i)).append('\'');
    }
    list.append(']');
    return error(
        401,
        "Authentication Error, API Key not allowed to access model. This API Key can only access models="
            + list
            + ". Tried to access "
            + model,
        "key_model_access_denied",
        "model");
  }

  /** The proxy's HTTPException for a model no deployment serves ({@code route_llm_request.py}). */
  static HttpError invalidModel(String route, String model) {
    return error(
        400,
        "{'error': '" + route + ": Invalid model name passed in model=" + model
            + ". Call `/v1/models` to view available models for your key.'}",
        "None",
        "None");
  }

  static HttpError modelNotFound(String model) {
    return error(404, "Model " + model + " not found", "not_found_error", "model");
  }

  /** A 400 as an OpenAI upstream reports a bad parameter, wrapped by LiteLLM's exception mapping. */
  static HttpError badParam(String param, String message) {
    return error(400, "litellm.BadRequestError: OpenAIException - " + message, "invalid_request_error", param);
  }

  /** LiteLLM's key rate limiter (parallel_request_limiter_v3) refusing a request. */
  static HttpError rpmExceeded(String key, int limit, String resetsAt) {
    return error(
            429,
            "Rate limit exceeded for api_key: " + sha256(key) + ". Limit type: requests. Current limit: "
                + limit + ", Remaining: 0. Limit resets at: " + resetsAt,
            "None",
            "None")
        .with(HEADERS, Map.of("retry-after", "60", "rate_limit_type", "requests", "reset_at", resetsAt));
  }

  static String abbreviate(String key) {
    return key.length() <= 4 ? "sk-..." : "sk-..." + key.substring(key.length() - 4);
  }

  static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
