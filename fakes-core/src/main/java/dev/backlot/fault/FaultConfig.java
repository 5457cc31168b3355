package dev.backlot.fault;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.wire.Hints;
import java.time.Duration;
import java.util.List;

/**
 * Fault rules written as data, for the standalone launcher's config file and admin API, with the
 * same meaning as the fluent rules:
 *
 * <pre>{@code
 * {"method": "POST", "path": "/prompt", "when": {"next": 2}, "action": "status", "status": 503}
 * {"path": "/v1/chat/completions", "when": {"probability": 0.2}, "action": "rateLimit", "retryAfterMillis": 500}
 * {"path": "/upload", "delayMillis": 300, "action": "reset"}
 * {"on": "sse", "path": "/v1/chat/completions", "action": "cutAfter", "n": 3}
 * {"on": "websocket", "path": "/ws", "action": "closeAfter", "n": 5, "code": 1011}
 * {"on": "websocket", "path": "/ws", "type": "progress", "action": "drop"}
 * }</pre>
 *
 * HTTP actions: status (+ "message"), rateLimit, close, reset, stall, stallAfterHeaders, truncate
 * ("bytes"), corrupt, throttle ("bytesPerSecond"), delay (with "delayMillis" alone). SSE: cutAfter
 * ("n"), drop, duplicate. WebSocket: closeAfter ("n", "code"), abortAfter ("n"), refuse
 * ("status"), drop, duplicate; "type" and "direction" (outgoing, the default, or incoming) select
 * messages. "when" takes next, nth, every, after, probability.
 */
public final class FaultConfig {

  private static final List<String> KEYS =
      List.of("on", "method", "path", "header", "query", "when", "delayMillis", "action", "status",
          "message", "retryAfterMillis", "bytes", "bytesPerSecond", "n", "code", "type", "direction");
  private static final List<String> ON = List.of("http", "sse", "websocket");
  private static final List<String> WHEN = List.of("next", "nth", "every", "after", "probability");
  private static final List<String> HTTP_ACTIONS = List.of("status", "rateLimit", "close", "reset", "stall",
      "stallAfterHeaders", "truncate", "corrupt", "throttle", "delay");
  private static final List<String> SSE_ACTIONS = List.of("cutAfter", "drop", "duplicate");
  private static final List<String> WEBSOCKET_ACTIONS =
      List.of("closeAfter", "abortAfter", "refuse", "drop", "duplicate");

  private FaultConfig() {}

  /** Adds the rule described by {@code rule} to {@code plan}; a bad description is an IllegalArgumentException. */
  public static Rule<?> apply(FaultPlan plan, JsonNode rule) {
    if (rule == null || !rule.isObject()) {
      throw new IllegalArgumentException("a fault rule must be an object, not " + rule);
    }
    rule.fieldNames().forEachRemaining(k -> {
      if (!KEYS.contains(k)) {
        if (WHEN.contains(k)) { // a condition written at the top level
          throw new IllegalArgumentException("unknown fault key '" + k + "'; did you mean \"when\": {\"" + k
              + "\": ...}? (known: " + String.join(", ", KEYS) + ")");
        }
        throw new IllegalArgumentException(Hints.unknown("fault key", k, KEYS));
      }
    });
    String on = rule.path("on").asText("http");
    String method = rule.path("method").asText("*");
    String path = rule.path("path").asText("/{any*}");
    String action = rule.path("action").asText(rule.has("delayMillis") ? "delay" : "");
    Rule<?> declared = switch (on) {
      case "http" -> plan.on(method, path);
      case "sse" -> plan.onSse(method, path);
      case "websocket" -> plan.onWebSocket(path);
      default -> throw new IllegalArgumentException(Hints.unknown("'on' value", on, ON));
    };
    try {
      return switch (on) {
        case "http" -> http((HttpRule) declared, rule, action);
        case "sse" -> sse((SseRule) declared, rule, action);
        default -> webSocket((WebSocketRule) declared, rule, action);
      };
    } catch (RuntimeException e) {
      plan.abandon(declared); // a rule the config could not finish is no unfinished rule
      throw e;
    }
  }

  private static HttpRule http(HttpRule r, JsonNode c, String action) {
    c.path("header").properties().forEach(e -> r.header(e.getKey(), e.getValue().asText()));
    c.path("query").properties().forEach(e -> r.query(e.getKey(), e.getValue().asText()));
    when(r, c);
    if (c.has("delayMillis")) {
      r.delay(Duration.ofMillis(positive(c, "delayMillis")));
    }
    return switch (action) {
      case "delay" -> r;
      case "status" -> c.has("message")
          ? r.status(status(c), c.get("message").asText())
          : r.status(status(c));
      case "rateLimit" -> {
        r.rateLimit(Duration.ofMillis(c.path("retryAfterMillis").asLong(1000)));
        yield c.has("retryAfterMillis") ? r.retryAfterMs() : r;
      }
      case "close" -> r.close();
      case "reset" -> r.reset();
      case "stall" -> r.stall();
      case "stallAfterHeaders" -> r.stallAfterHeaders();
      case "truncate" -> r.truncate(positive(c, "bytes"));
      case "corrupt" -> r.corrupt();
      case "throttle" -> r.throttle(positive(c, "bytesPerSecond"));
      default -> throw unknownAction(action, HTTP_ACTIONS);
    };
  }

  private static SseRule sse(SseRule r, JsonNode c, String action) {
    if (c.has("type")) {
      r.event(c.get("type").asText());
    }
    when(r, c);
    return switch (action) {
      case "cutAfter" -> r.cutAfter((int) positive(c, "n"));
      case "drop" -> r.drop();
      case "duplicate" -> r.duplicate();
      default -> throw unknownAction(action, SSE_ACTIONS);
    };
  }

  private static WebSocketRule webSocket(WebSocketRule r, JsonNode c, String action) {
    String type = c.has("type") ? c.get("type").asText() : null;
    switch (c.path("direction").asText("outgoing")) {
      case "outgoing" -> r.outgoing(type);
      case "incoming" -> r.incoming(type);
      default -> throw new IllegalArgumentException("'direction' must be outgoing or incoming");
    }
    when(r, c);
    return switch (action) {
      case "closeAfter" -> r.closeAfter((int) positive(c, "n"), c.path("code").asInt(1011));
      case "abortAfter" -> r.abortAfter((int) positive(c, "n"));
      case "refuse" -> r.refuse(status(c));
      case "drop" -> r.drop();
      case "duplicate" -> r.duplicate();
      default -> throw unknownAction(action, WEBSOCKET_ACTIONS);
    };
  }

  private static void when(Rule<?> r, JsonNode c) {
    JsonNode w = c.path("when");
    if (w.isMissingNode()) {
      return;
    }
    w.fieldNames().forEachRemaining(k -> {
      switch (k) {
        case "next" -> r.next((int) positive(w, k));
        case "nth" -> r.nth((int) positive(w, k));
        case "every" -> r.every((int) positive(w, k));
        case "after" -> r.after((int) positive(w, k));
        case "probability" -> r.probability(w.get(k).asDouble());
        default -> throw new IllegalArgumentException(Hints.unknown("'when' key", k, WHEN));
      }
    });
  }

  private static int status(JsonNode c) {
    int s = c.path("status").asInt(0);
    if (s < 100 || s > 599) {
      throw new IllegalArgumentException("'status' must be 100-599, not " + c.path("status"));
    }
    return s;
  }

  private static long positive(JsonNode c, String key) {
    JsonNode v = c.get(key);
    if (v == null || !v.canConvertToLong() || v.asLong() < 0) {
      throw new IllegalArgumentException("'" + key + "' must be a whole number >= 0, not " + v);
    }
    return v.asLong();
  }

  private static IllegalArgumentException unknownAction(String action, List<String> known) {
    return new IllegalArgumentException(action.isEmpty()
        ? "a fault rule needs an 'action' (" + String.join(", ", known) + ")"
        : Hints.unknown("action", action, known));
  }
}
