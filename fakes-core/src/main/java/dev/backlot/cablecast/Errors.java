package dev.backlot.cablecast;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.wire.ErrorShape;
import dev.backlot.wire.HttpError;
import dev.backlot.wire.Json;
import dev.backlot.wire.Response;
import java.util.List;
import java.util.Map;

/**
 * Cablecast's errors. Cablecast is an ASP.NET Web API application and no source documents its
 * error bodies, so the fake answers as ASP.NET Web API 2 does with camel-cased JSON: {@code
 * {"message": "..."}}, plus {@code "modelState": {"field": ["..."]}} when input was rejected.
 */
final class Errors {

  static final String INVALID = "The request is invalid.";
  static final String DENIED = "Authorization has been denied for this request.";
  static final String REALM = "Cablecast";

  private Errors() {}

  /** The error shape of every answer the fake (and its faults) give. */
  static final ErrorShape SHAPE = (status, message, details) -> {
    ObjectNode body = Json.object();
    body.put("message", message);
    Object modelState = details.get("modelState");
    if (modelState != null) {
      body.set("modelState", Json.tree(modelState));
    }
    Response r = Response.json(status, body);
    if (status == 401) {
      r = r.setHeader("WWW-Authenticate", "Basic realm=\"" + REALM + "\"");
    }
    return r;
  };

  /** 400 with a model state naming each rejected field. */
  static HttpError invalid(Map<String, List<String>> modelState) {
    return new HttpError(400, INVALID).with("modelState", modelState);
  }

  /** 400 for one field. */
  static HttpError invalid(String field, String message) {
    return invalid(Map.of(field, List.of(message)));
  }

  static HttpError notFound(String type, long id) {
    return new HttpError(404, "No " + type + " with id " + id + " was found.");
  }

  static HttpError noResource(String uri) {
    return new HttpError(404, "No HTTP resource was found that matches the request URI '" + uri + "'.");
  }

  static HttpError methodNotAllowed(String method) {
    return new HttpError(405, "The requested resource does not support http method '" + method + "'.");
  }

  static HttpError unsupportedMediaType(String type) {
    return new HttpError(415,
        "The request entity's media type '" + type + "' is not supported for this resource.");
  }

  static HttpError denied() {
    return new HttpError(401, DENIED);
  }
}
