package dev.backlot.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.backlot.wire.Json;
import dev.backlot.wire.Request;
import dev.backlot.wire.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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
    Response resp = fake.callHeaders(Response.bytes(200, body(id, created, model, answer, n, usage), "application/json"), model);
    return mock != null && !mock.delay.isZero() ? fake.later(mock.delay, resp) : resp;
  }

  /**
   * The {@code chat.completion} body, written field by field (no JSON tree: this is the hot path
   * of the fake, and a tree costs several times the bytes it serialises to).
   */
  private static byte[] body(String id, long created, String model, Replies.Answer answer, int n, Replies.Usage usage) {
    Scratch bytes = SCRATCH.get();
    bytes.reset();
    try (JsonGenerator g = Json.mapper().getFactory().createGenerator(bytes)) {
      g.writeStartObject();
      g.writeStringField("id", id);
      g.writeStringField("object", "chat.completion");
      g.writeNumberField("created", created);
      g.writeStringField("model", model);
      g.writeNullField("system_fingerprint");
      g.writeArrayFieldStart("choices");
      for (int i = 0; i < n; i++) {
        g.writeStartObject();
        g.writeNumberField("index", i);
        g.writeStringField("finish_reason", answer.finishReason());
        g.writeObjectFieldStart("message");
        g.writeStringField("role", "assistant");
        g.writeStringField("content", answer.text()); // null writes null
        if (answer.calls().isEmpty()) {
          g.writeNullField("tool_calls");
        } else {
          g.writeArrayFieldStart("tool_calls");
          for (Reply.ToolCall tc : answer.calls()) {
            g.writeStartObject();
            g.writeStringField("id", tc.id());
            g.writeStringField("type", "function");
            g.writeObjectFieldStart("function");
            g.writeStringField("name", tc.name());
            g.writeStringField("arguments", tc.arguments());
            g.writeEndObject();
            g.writeEndObject();
          }
          g.writeEndArray();
        }
        g.writeNullField("function_call");
        g.writeEndObject();
        g.writeNullField("logprobs");
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeObjectFieldStart("usage");
      g.writeNumberField("prompt_tokens", usage.prompt());
      g.writeNumberField("completion_tokens", usage.completion());
      g.writeNumberField("total_tokens", usage.prompt() + usage.completion());
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.take();
  }

  // One reusable output buffer per worker thread: a reply then costs only its final byte[].
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private static final class Scratch extends ByteArrayOutputStream {
    Scratch() {
      super(1024);
    }

    byte[] take() {
      byte[] out = toByteArray();
      reset();
      if (buf.length > 64 * 1024) {
        buf = new byte[1024]; // a huge reply does not pin its buffer to the thread
      }
      return out;
    }
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
