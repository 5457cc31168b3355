package dev.backlot.comfyui;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.wire.HttpError;
import dev.backlot.wire.Json;
import dev.backlot.wire.Request;
import dev.backlot.wire.Response;
import java.nio.charset.StandardCharsets;

/** How ComfyUI's handlers read and write JSON (shared by the route classes). */
final class Replies {

  private Replies() {}

  /** JSON as aiohttp's {@code web.json_response} writes it ({@code json.dumps}). */
  static Response json(int status, JsonNode body) {
    return Response.bytes(status, Py.dumps(body).getBytes(StandardCharsets.UTF_8),
        "application/json; charset=utf-8");
  }

  /** {@code await request.json()}: malformed JSON makes the handler fail (a 500). */
  static JsonNode body(Request req) {
    try {
      return Json.parse(req.body());
    } catch (HttpError e) {
      throw new Validator.ServerError("Expecting value: line 1 column 1 (char 0)");
    }
  }

}
