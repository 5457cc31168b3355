package dev.backlot.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.time.Clock;
import dev.backlot.wire.HttpError;
import dev.backlot.wire.Request;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What LiteLLM checks before a call reaches a model: the key (any of its key headers), the key's
 * model list, its requests-per-minute window on the fake's clock, a JSON object body, and a model
 * some deployment serves. The order is LiteLLM's: a bad key is refused before anything else.
 */
final class Access {

  private static final List<String> KEY_HEADERS =
      List.of("x-litellm-api-key", "Authorization", "API-Key", "x-api-key", "x-goog-api-key", "Ocp-Apim-Subscription-Key");
  private static final DateTimeFormatter RESET_AT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  /** A call that passed the checks: its key (null when auth is off), body, model name and model. */
  record Admitted(ApiKey key, ObjectNode body, String model, Model served) {}

  private record RpmWindow(Instant start, int count) {}

  private final List<Model> models;
  private final Map<String, ApiKey> keys;
  private final Clock clock;
  private final Map<String, RpmWindow> rpm = new ConcurrentHashMap<>();

  Access(List<Model> models, Map<String, ApiKey> keys, Clock clock) {
    this.models = models;
    this.keys = keys;
    this.clock = clock;
  }

  List<Model> models() {
    return models;
  }

  void clear() {
    rpm.clear();
  }

  /** Every check of an LLM call ({@code route} names it in LiteLLM's invalid-model message). */
  Admitted admit(Request req, String pathModel, String route) {
    ApiKey key = authenticate(req);
    ObjectNode body = bodyObject(req);
    String model = pathModel != null ? pathModel : modelName(body);
    authorizeModel(key, model);
    countRequest(key);
    return new Admitted(key, body, model, requireModel(model, route));
  }

  /** The key presented, or null when the fake has no keys; throws LiteLLM's 401 otherwise. */
  ApiKey authenticate(Request req) {
    if (keys.isEmpty()) {
      return null;
    }
    String presented = presentedKey(req);
    if (presented == null) {
      throw LiteLlmErrors.noKey();
    }
    ApiKey k = keys.get(presented);
    if (k == null) {
      throw LiteLlmErrors.invalidKey(presented);
    }
    return k;
  }

  /** Whether {@code req} would pass authentication (for fault rules: faults strike after auth). */
  boolean authenticates(Request req) {
    if (keys.isEmpty()) {
      return true;
    }
    String presented = presentedKey(req);
    return presented != null && keys.containsKey(presented);
  }

  private static String presentedKey(Request req) {
    for (String h : KEY_HEADERS) {
      String v = req.header(h);
      if (v != null) {
        v = v.trim();
        if (v.regionMatches(true, 0, "Bearer ", 0, 7)) {
          v = v.substring(7).trim();
        } else if (v.equalsIgnoreCase("Bearer")) {
          v = "";
        }
        if (!v.isEmpty()) {
          return v;
        }
      }
    }
    return null;
  }

  /** Whether {@code key} may see {@code model} (listing, retrieving). */
  static boolean allows(ApiKey key, String model) {
    return key == null || key.models().isEmpty() || key.models().contains(model);
  }

  private static void authorizeModel(ApiKey key, String model) {
    if (!allows(key, model)) {
      throw LiteLlmErrors.modelAccessDenied(key.models(), model);
    }
  }

  private void countRequest(ApiKey key) {
    if (key == null || key.rpmLimit() == null) {
      return;
    }
    Instant now = clock.instant();
    int limit = key.rpmLimit();
    Instant[] refusedUntil = new Instant[1];
    rpm.compute(
        key.key(),
        (k, w) -> {
          RpmWindow cur = w == null || !now.isBefore(w.start().plusSeconds(60)) ? new RpmWindow(now, 0) : w;
          if (cur.count() >= limit) {
            refusedUntil[0] = cur.start().plusSeconds(60);
            return cur;
          }
          return new RpmWindow(cur.start(), cur.count() + 1);
        });
    if (refusedUntil[0] != null) {
      throw LiteLlmErrors.rpmExceeded(key.key(), limit, RESET_AT.format(refusedUntil[0]));
    }
  }

  private static ObjectNode bodyObject(Request req) {
    JsonNode body = req.json();
    if (!body.isObject()) {
      throw LiteLlmErrors.badParam(null, "Invalid request body: expected a JSON object, but got " + Validation.describe(body) + " instead.");
    }
    return (ObjectNode) body;
  }

  private static String modelName(ObjectNode body) {
    JsonNode m = body.get("model");
    if (m == null || m.isNull()) {
      return "";
    }
    return m.isTextual() ? m.asText() : m.toString();
  }

  private Model requireModel(String name, String route) {
    if (!name.isEmpty()) {
      for (Model m : models) {
        if (m.serves(name)) {
          return m;
        }
      }
    }
    throw LiteLlmErrors.invalidModel(route, name);
  }

  /** LiteLLM's ContextWindowExceededError when the prompt is over the model's window. */
  static void checkContextWindow(Model m, int promptTokens) {
    Integer window = m.contextWindow();
    if (window != null && promptTokens > window) {
      throw contextWindowExceeded(window, promptTokens);
    }
  }

  private static HttpError contextWindowExceeded(int window, int promptTokens) {
    return LiteLlmErrors.error(
        400,
        "litellm.ContextWindowExceededError: litellm.BadRequestError: ContextWindowExceededError: OpenAIException - "
            + "This model's maximum context length is " + window + " tokens. However, your messages resulted in "
            + promptTokens + " tokens. Please reduce the length of the messages.",
        "invalid_request_error",
        "messages");
  }
}
