package dev.backlot.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.wire.Json;
import dev.backlot.wire.Request;
import dev.backlot.wire.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@code POST /v1/completions}: the legacy text endpoint, plain and streamed, with echo. */
final class TextCompletions {

  private final OpenAiFake fake;

  TextCompletions(OpenAiFake fake) {
    this.fake = fake;
  }

  Response handle(Request req, String pathModel) {
    Access.Admitted call = fake.access().admit(req, pathModel, "/completions");
    ObjectNode body = call.body();
    String model = call.model();
    List<String> prompts = prompts(body);
    Validation.sampling(body);
    boolean stream = Validation.optBoolean(body, "stream", false);
    boolean includeUsage = Validation.streamOptions(body, stream);
    boolean echo = Validation.optBoolean(body, "echo", false);
    int n = Validation.optInt(body, "n", 1, 128, 1);
    Integer maxTokens = Validation.optInt(body, "max_tokens", 0, Integer.MAX_VALUE);
    List<String> stops = Validation.stops(body);

    MockResponse mock = MockResponse.of(body, stream);
    if (mock != null && mock.timeout != null) {
      return fake.later(mock.delay, fake.errorShape().render(mock.timeout));
    }
    int promptTokens = 0;
    for (String p : prompts) {
      promptTokens += Tokens.count(p);
      if (mock == null) {
        Access.checkContextWindow(call.served(), Tokens.count(p));
      }
    }
    List<Replies.Answer> answers = new ArrayList<>();
    int completionTokens = 0;
    for (String p : prompts) {
      Reply reply = mock != null ? mock.reply : fake.replies().programmed(new LlmRequest("completions", model, p, null, body, req));
      if (reply == null) {
        reply = Reply.text("Echo: " + p);
      }
      Replies.Answer a = Replies.answer(
          reply.text() == null ? reply.withText("") : reply, stops, maxTokens == null || maxTokens == 0 ? null : maxTokens, fake.ids());
      if (maxTokens != null && maxTokens == 0) {
        a = new Replies.Answer("", a.calls(), "length", 0);
      }
      if (echo) {
        a = new Replies.Answer(p + a.text(), a.calls(), a.finishReason(), a.tokens());
      }
      for (int k = 0; k < n; k++) {
        answers.add(a);
        completionTokens += a.tokens();
      }
    }
    Replies.Usage usage = mock != null ? Replies.Usage.MOCK : new Replies.Usage(promptTokens, completionTokens);
    String id = "cmpl-" + fake.ids().uuid();
    long created = fake.clock().instant().getEpochSecond();
    if (stream) {
      List<String> events = new ArrayList<>();
      for (int i = 0; i < answers.size(); i++) {
        List<String> pieces = Replies.split(answers.get(i).text(), fake.chunkSize());
        if (pieces.isEmpty()) {
          pieces = List.of("");
        }
        for (int k = 0; k < pieces.size(); k++) {
          ObjectNode chunk = OpenAiFake.chunkHead(id, "text_completion", created, model);
          ObjectNode c = chunk.putArray("choices").addObject();
          c.put("text", pieces.get(k)).put("index", i).putNull("logprobs");
          if (k == pieces.size() - 1) {
            c.put("finish_reason", answers.get(i).finishReason());
          } else {
            c.putNull("finish_reason");
          }
          events.add(Json.write(chunk));
        }
      }
      if (includeUsage) {
        ObjectNode last = OpenAiFake.chunkHead(id, "text_completion", created, model);
        last.putArray("choices");
        last.set("usage", usage.json());
        events.add(Json.write(last));
      }
      events.add("[DONE]");
      Duration initial = mock != null ? mock.delay : Duration.ZERO;
      return fake.callHeaders(fake.stream(events, mock != null ? mock.streamError : null, initial), model);
    }
    ObjectNode out = OpenAiFake.chunkHead(id, "text_completion", created, model);
    out.putNull("system_fingerprint");
    ArrayNode choices = out.putArray("choices");
    for (int i = 0; i < answers.size(); i++) {
      choices.addObject()
          .put("text", answers.get(i).text())
          .put("index", i)
          .putNull("logprobs")
          .put("finish_reason", answers.get(i).finishReason());
    }
    out.set("usage", usage.json());
    Response resp = fake.callHeaders(OpenAiFake.json(out), model);
    return mock != null && !mock.delay.isZero() ? fake.later(mock.delay, resp) : resp;
  }

  /** {@code prompt}: a string, strings, a token array, or token arrays. */
  private static List<String> prompts(ObjectNode body) {
    if (!Validation.present(body, "prompt")) {
      throw Validation.missing("prompt");
    }
    JsonNode p = body.get("prompt");
    if (p.isTextual()) {
      return List.of(p.asText());
    }
    String expected = "one of a string, array of strings, array of integers, or array of arrays of integers";
    if (!p.isArray()) {
      throw Validation.invalidType("prompt", expected, p);
    }
    if (p.isEmpty()) {
      throw LiteLlmErrors.badParam(
          "prompt", "Invalid 'prompt': empty array. Expected an array with minimum length 1, but got an empty array instead.");
    }
    List<String> out = new ArrayList<>();
    if (p.get(0).isIntegralNumber()) {
      out.add(tokensText(p, "prompt", expected));
      return out;
    }
    for (JsonNode x : p) {
      if (x.isTextual()) {
        out.add(x.asText());
      } else if (x.isArray() && !x.isEmpty()) {
        out.add(tokensText(x, "prompt", expected));
      } else {
        throw Validation.invalidType("prompt", expected, p);
      }
    }
    return out;
  }

  /** Token ids as text ("15339 1917"), so they count and echo plausibly. */
  static String tokensText(JsonNode tokens, String param, String expected) {
    StringBuilder sb = new StringBuilder();
    for (JsonNode t : tokens) {
      if (!t.isIntegralNumber()) {
        throw Validation.invalidType(param, expected, tokens);
      }
      sb.append(sb.length() == 0 ? "" : " ").append(t.asLong());
    }
    return sb.toString();
  }
}
