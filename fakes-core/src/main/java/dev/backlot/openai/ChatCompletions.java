package dev.backlot.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.engine.Json;
import dev.backlot.engine.Request;
import dev.backlot.engine.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@code POST /v1/chat/completions}: plain and streamed, with tools, JSON mode and mock_response. */
final class ChatCompletions {

  private final OpenAiFake fake;

  ChatCompletions(OpenAiFake fake) {
    this.fake = fake;
  }

  Response handle(Request req, String pathModel) {
    Access.Admitted call = fake.access().admit(req, pathModel, "/chat/completions");
    ObjectNode body = call.body();
    String model = call.model();
    Validation.messages(body);
    Validation.sampling(body);
    Validation.toolsAndFormat(body);
    boolean stream = Validation.optBoolean(body, "stream", false);
    boolean includeUsage = Validation.streamOptions(body, stream);
    int n = Validation.optInt(body, "n", 1, 128, 1);
    Integer maxTokens = Validation.optInt(body, "max_completion_tokens", 1, Integer.MAX_VALUE);
    if (maxTokens == null) {
      maxTokens = Validation.optInt(body, "max_tokens", 1, Integer.MAX_VALUE);
    }
    List<String> stops = Validation.stops(body);

    JsonNode messages = body.get("messages");
    JsonNode last = messages.get(messages.size() - 1);
    String prompt = Replies.contentText(last.get("content"));

    MockResponse mock = MockResponse.of(body, stream);
    long created = fake.clock().instant().getEpochSecond();
    if (mock != null && mock.raw != null && !stream) {
      String id = "chatcmpl-" + fake.ids().uuid();
      return fake.callHeaders(Response.json(200, mock.completeRaw(id, created, model)), model);
    }
    int promptTokens = Tokens.chatPrompt(messages, body.get("tools"));
    if (mock == null) {
      Access.checkContextWindow(call.served(), promptTokens);
    }
    Reply reply;
    if (mock != null) {
      reply = mock.reply;
    } else {
      reply = fake.replies().programmed(new LlmRequest("chat/completions", model, prompt, messages, body, req));
      if (reply == null && Replies.wantsToolCall(body, last)) {
        reply = Replies.autoToolCall(body, prompt);
      }
      if (reply == null) {
        reply = Replies.shapeJson(Reply.text("Echo: " + prompt), body.get("response_format"));
      }
    }
    Replies.Answer answer = Replies.answer(reply, stops, maxTokens, fake.ids());
    Replies.Usage usage = mock != null ? Replies.Usage.MOCK : new Replies.Usage(promptTokens, n * answer.tokens());
    String id = "chatcmpl-" + fake.ids().uuid();

    if (stream) {
      List<String> events = chunks(id, created, model, answer, n, includeUsage ? usage : null);
      Duration initial = mock != null ? mock.delay : Duration.ZERO;
      return fake.callHeaders(fake.stream(events, mock != null ? mock.streamError : null, initial), model);
    }
    ObjectNode out = Json.object();
    out.put("id", id);
    out.put("object", "chat.completion");
    out.put("created", created);
    out.put("model", model);
    out.putNull("system_fingerprint");
    ArrayNode choices = out.putArray("choices");
    for (int i = 0; i < n; i++) {
      ObjectNode c = choices.addObject();
      c.put("index", i);
      c.put("finish_reason", answer.finishReason());
      ObjectNode msg = c.putObject("message");
      msg.put("role", "assistant");
      if (answer.text() == null) {
        msg.putNull("content");
      } else {
        msg.put("content", answer.text());
      }
      if (answer.calls().isEmpty()) {
        msg.putNull("tool_calls");
      } else {
        ArrayNode calls = msg.putArray("tool_calls");
        for (Reply.ToolCall tc : answer.calls()) {
          ObjectNode call1 = calls.addObject();
          call1.put("id", tc.id());
          call1.put("type", "function");
          call1.putObject("function").put("name", tc.name()).put("arguments", tc.arguments());
        }
      }
      msg.putNull("function_call");
      c.putNull("logprobs");
    }
    out.set("usage", usage.json());
    Response resp = fake.callHeaders(OpenAiFake.json(out), model);
    return mock != null && !mock.delay.isZero() ? fake.later(mock.delay, resp) : resp;
  }

  /** Chunks of {@code chat.completion.chunk}, then the usage chunk if asked, then [DONE]. */
  private List<String> chunks(String id, long created, String model, Replies.Answer a, int n, Replies.Usage usage) {
    List<String> out = new ArrayList<>();
    int size = fake.chunkSize();
    for (int i = 0; i < n; i++) {
      List<ObjectNode> deltas = new ArrayList<>();
      List<String> pieces = a.text() == null ? List.of() : Replies.split(a.text(), size);
      for (String piece : pieces) {
        deltas.add(Json.object().put("content", piece));
      }
      for (int j = 0; j < a.calls().size(); j++) {
        Reply.ToolCall tc = a.calls().get(j);
        ObjectNode head = Json.object();
        ObjectNode call = head.putArray("tool_calls").addObject();
        call.put("index", j).put("id", tc.id()).put("type", "function");
        call.putObject("function").put("name", tc.name()).put("arguments", "");
        deltas.add(head);
        for (String piece : Replies.split(tc.arguments(), size)) {
          ObjectNode d = Json.object();
          d.putArray("tool_calls").addObject().put("index", j).putObject("function").put("arguments", piece);
          deltas.add(d);
        }
      }
      if (deltas.isEmpty()) {
        deltas.add(Json.object().put("content", ""));
      }
      ObjectNode first = deltas.get(0);
      ObjectNode withRole = Json.object().put("role", "assistant");
      if (!first.has("content")) {
        withRole.putNull("content");
      }
      withRole.setAll(first);
      deltas.set(0, withRole);
      for (int k = 0; k < deltas.size(); k++) {
        ObjectNode chunk = OpenAiFake.chunkHead(id, "chat.completion.chunk", created, model);
        chunk.putNull("system_fingerprint");
        ObjectNode c = chunk.putArray("choices").addObject();
        c.put("index", i);
        c.set("delta", deltas.get(k));
        if (k == deltas.size() - 1) {
          c.put("finish_reason", a.finishReason());
        } else {
          c.putNull("finish_reason");
        }
        c.putNull("logprobs");
        if (usage != null) {
          chunk.putNull("usage");
        }
        out.add(Json.write(chunk));
      }
    }
    if (usage != null) {
      ObjectNode last = OpenAiFake.chunkHead(id, "chat.completion.chunk", created, model);
      last.putNull("system_fingerprint");
      last.putArray("choices");
      last.set("usage", usage.json());
      out.add(Json.write(last));
    }
    out.add("[DONE]");
    return out;
  }
}
