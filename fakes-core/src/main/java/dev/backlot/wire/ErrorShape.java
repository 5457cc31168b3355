package dev.backlot.wire;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * How a fake renders an error, so that every error (route errors, unknown routes, oversized
 * bodies, malformed JSON, injected faults) looks like the real backend's. Each fake chooses one.
 *
 * <pre>{@code
 * ErrorShape openAi = (status, message, details) ->
 *     Response.json(status, Map.of("error", Map.of("message", message, "type", "invalid_request_error")));
 * }</pre>
 */
@FunctionalInterface
public interface ErrorShape {

  Response render(int status, String message, Map<String, Object> details);

  default Response render(HttpError error) {
    return render(error.status(), error.getMessage(), error.details());
  }

  /**
   * {@code {"error": {"status": 404, "message": "...", ...details}}}: each detail as the JSON of
   * its value, a String as a JSON string (never parsed), a Map or List as an object or array.
   */
  ErrorShape DEFAULT =
      (status, message, details) -> {
        ObjectNode error = Json.object();
        error.put("status", status);
        error.put("message", message);
        // valueToTree, not Json.tree: a String detail is text ("conflict"), not JSON to parse
        details.forEach((k, v) -> error.set(k, Json.mapper().valueToTree(v)));
        ObjectNode body = Json.object();
        body.set("error", error);
        return Response.json(status, body);
      };
}
