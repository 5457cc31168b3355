package dev.backlot.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.wire.Json;
import dev.backlot.wire.Request;
import dev.backlot.wire.Response;
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
    if (mock != null && mock.timeout != null) {
      return fake.later(mock.delay, fake.errorShape().render(mock.timeout));
    }
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
      reply = !fake.replies().any() ? null
          : fake.replies().programmed(new LlmRequest("chat/completions", model, prompt, messages, body, req));
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
    Response resp = fake.callHeaders(Response.bytes(200, body(id, created, model, answer, n, usage), "application/json"), model);
    return mock != null && !mock.delay.isZero() ? fake.later(mock.delay, resp) : resp;
  }

  private static final byte[] ID = JsonBytes.ascii("{\"id\":");
  private static final byte[] OBJECT_CREATED = JsonBytes.ascii(",\"object\":\"chat.completion\",\"created\":");
  private static final byte[] MODEL = JsonBytes.ascii(",\"model\":");
  private static final byte[] CHOICES = JsonBytes.ascii(",\"system_fingerprint\":null,\"choices\":[");
  private static final byte[] INDEX = JsonBytes.ascii("{\"index\":");
  private static final byte[] FINISH = JsonBytes.ascii(",\"finish_reason\":");
  private static final byte[] CONTENT = JsonBytes.ascii(",\"message\":{\"role\":\"assistant\",\"content\":");
  private static final byte[] NO_TOOL_CALLS = JsonBytes.ascii(",\"tool_calls\":null");
  private static final byte[] TOOL_CALLS = JsonBytes.ascii(",\"tool_calls\":[");
  private static final byte[] CALL_ID = JsonBytes.ascii("{\"id\":");
  private static final byte[] CALL_NAME = JsonBytes.ascii(",\"type\":\"function\",\"function\":{\"name\":");
  private static final byte[] CALL_ARGS = JsonBytes.ascii(",\"arguments\":");
  private static final byte[] CALL_END = JsonBytes.ascii("}}");
  private static final byte[] COMMA = JsonBytes.ascii(",");
  private static final byte[] ARRAY_END = JsonBytes.ascii("]");
  private static final byte[] CHOICE_END = JsonBytes.ascii(",\"function_call\":null},\"logprobs\":null}");
  private static final byte[] USAGE = JsonBytes.ascii("],\"usage\":{\"prompt_tokens\":");
  private static final byte[] COMPLETION_TOKENS = JsonBytes.ascii(",\"completion_tokens\":");
  private static final byte[] TOTAL_TOKENS = JsonBytes.ascii(",\"total_tokens\":");
  private static final byte[] END = JsonBytes.ascii("}}");

  /**
   * The {@code chat.completion} body, written byte by byte in the field order and escaping of
   * the shared Jackson mapper (no tree, no generator: this is the hot path of the fake).
   */
  static byte[] body(String id, long created, String model, Replies.Answer answer, int n, Replies.Usage usage) {
    JsonBytes w = JsonBytes.get();
    w.raw(ID).string(id).raw(OBJECT_CREATED).number(created).raw(MODEL).string(model).raw(CHOICES);
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        w.raw(COMMA);
      }
      w.raw(INDEX).number(i).raw(FINISH).string(answer.finishReason())
          .raw(CONTENT).string(answer.text()); // null writes null
      List<Reply.ToolCall> calls = answer.calls();
      if (calls.isEmpty()) {
        w.raw(NO_TOOL_CALLS);
      } else {
        w.raw(TOOL_CALLS);
        for (int k = 0; k < calls.size(); k++) {
          Reply.ToolCall tc = calls.get(k);
          if (k > 0) {
            w.raw(COMMA);
          }
          w.raw(CALL_ID).string(tc.id()).raw(CALL_NAME).string(tc.name())
              .raw(CALL_ARGS).string(tc.arguments()).raw(CALL_END);
        }
        w.raw(ARRAY_END);
      }
      w.raw(CHOICE_END);
    }
    return w.raw(USAGE).number(usage.prompt()).raw(COMPLETION_TOKENS).number(usage.completion())
        .raw(TOTAL_TOKENS).number(usage.prompt() + usage.completion()).raw(END).toBytes();
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
