package dev.backlot.gradio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.wire.ErrorShape;
import dev.backlot.wire.HttpError;
import dev.backlot.wire.Json;
import dev.backlot.wire.Response;
import java.util.Map;

/**
 * Gradio's error answers: FastAPI's {@code {"detail": ...}} for HTTPExceptions and request
 * validation (422, a list of pydantic errors), Starlette's plain {@code Internal Server Error} for
 * unhandled exceptions.
 */
final class GradioErrors {

  private GradioErrors() {}

  /** FastAPI's rendering of every error the engine raises (unknown routes, body too big...). */
  static final ErrorShape SHAPE = GradioErrors::render;

  private static Response render(int status, String message, Map<String, Object> details) {
    if (status == 500) {
      return Response.text(500, "Internal Server Error");
    }
    Object detail = details.containsKey("detail") ? details.get("detail") : switch (status) {
      case 404 -> message.startsWith("No route for") ? "Not Found" : message;
      case 405 -> "Method Not Allowed";
      case 413 -> "Request Entity Too Large";
      default -> message;
    };
    ObjectNode body = Json.object();
    body.set("detail", Json.mapper().valueToTree(detail));
    return Response.json(status, body);
  }

  /** An HTTPException: {@code {"detail": message}}. */
  static HttpError detail(int status, String message) {
    return new HttpError(status, message);
  }

  /** A 422 with one pydantic error. */
  static HttpError validation(String type, JsonNode loc, String msg, JsonNode input) {
    ArrayNode list = Json.array();
    ObjectNode e = list.addObject();
    e.put("type", type);
    e.set("loc", loc);
    e.put("msg", msg);
    e.set("input", input);
    if ("json_invalid".equals(type)) {
      e.putObject("ctx").put("error", "Expecting value");
    }
    return new HttpError(422, msg).with("detail", list);
  }

  /** An unhandled exception in a route (Gradio answers 500 with a plain-text body). */
  static HttpError internal(String why) {
    return new HttpError(500, why);
  }
}
