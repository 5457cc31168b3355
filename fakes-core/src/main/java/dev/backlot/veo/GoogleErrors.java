package dev.backlot.veo;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.wire.HttpError;
import dev.backlot.wire.Json;
import dev.backlot.wire.Response;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Google's error body, {@code {"error": {"code": 400, "message": "...", "status":
 * "INVALID_ARGUMENT", "details": [...]}}}, and the canonical codes of google.rpc.Code that
 * operations carry in their {@code error}.
 */
final class GoogleErrors {

  /** google.rpc.Code names, indexed by their number. */
  static final List<String> CODES = List.of(
      "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
      "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
      "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED");

  private GoogleErrors() {}

  /** The ErrorShape: a detail "status" overrides the name derived from the HTTP status. */
  static Response render(int status, String message, Map<String, Object> details) {
    ObjectNode error = Json.object();
    error.put("code", status);
    error.put("message", message);
    Object s = details.get("status");
    error.put("status", s != null ? s.toString() : statusName(status));
    Object d = details.get("details");
    if (d != null) {
      error.set("details", Json.tree(d));
    }
    ObjectNode body = Json.object();
    body.set("error", error);
    return json(status, body);
  }

  /** A JSON body with the content type Google's front ends send. */
  static Response json(int status, Object body) {
    return Response.bytes(status, Json.write(body).getBytes(StandardCharsets.UTF_8),
        "application/json; charset=UTF-8");
  }

  /** The canonical status name Google pairs with an HTTP status. */
  static String statusName(int http) {
    return switch (http) {
      case 400, 413 -> "INVALID_ARGUMENT";
      case 401 -> "UNAUTHENTICATED";
      case 403 -> "PERMISSION_DENIED";
      case 404, 405 -> "NOT_FOUND";
      case 409 -> "ABORTED";
      case 412 -> "FAILED_PRECONDITION";
      case 429 -> "RESOURCE_EXHAUSTED";
      case 499 -> "CANCELLED";
      case 500 -> "INTERNAL";
      case 501 -> "UNIMPLEMENTED";
      case 503 -> "UNAVAILABLE";
      case 504 -> "DEADLINE_EXCEEDED";
      default -> http >= 500 ? "UNKNOWN" : "FAILED_PRECONDITION";
    };
  }

  /** The number of a google.rpc.Code name (case-insensitive), or -1. */
  static int codeOf(String name) {
    return CODES.indexOf(name.toUpperCase(Locale.ROOT));
  }

  static HttpError invalid(String message) {
    return new HttpError(400, message).with("status", "INVALID_ARGUMENT");
  }

  static HttpError notFound(String message) {
    return new HttpError(404, message).with("status", "NOT_FOUND");
  }

  /** 400 "Invalid JSON payload received. Unknown name ..." with a BadRequest field violation. */
  static HttpError unknownField(String name, String at) {
    String where = at == null ? "" : " at '" + at + "'";
    String message = "Invalid JSON payload received. Unknown name \"" + name + "\"" + where
        + ": Cannot find field.";
    ObjectNode violation = Json.object();
    violation.put("field", at == null ? "" : at);
    violation.put("description", message);
    ObjectNode badRequest = Json.object();
    badRequest.put("@type", "type.googleapis.com/google.rpc.BadRequest");
    badRequest.set("fieldViolations", Json.array().add(violation));
    ArrayNode details = Json.array().add(badRequest);
    return invalid(message).with("details", details);
  }

  /** An ErrorInfo detail, as Google attaches to auth errors. */
  static ArrayNode errorInfo(String reason, String service) {
    ObjectNode info = Json.object();
    info.put("@type", "type.googleapis.com/google.rpc.ErrorInfo");
    info.put("reason", reason);
    info.put("domain", "googleapis.com");
    info.set("metadata", Json.object().put("service", service));
    return Json.array().add(info);
  }
}
