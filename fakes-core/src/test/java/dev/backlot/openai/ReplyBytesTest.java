package dev.backlot.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.backlot.wire.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The chat reply is written byte by byte ({@link JsonBytes}) instead of through Jackson: the
 * bytes must be exactly those the shared Jackson mapper writes, escaping included.
 */
class ReplyBytesTest {

  private static final String EDGES =
      "a\u0000\u0001\u001f\u007f\"\\/\b\t\n\f\r é € \u2028 \uffff 😀 \ud83d x \ude00 y";

  @Test
  void stringsAreEscapedAsJacksonEscapesThem() throws IOException {
    assertThat(written(EDGES)).isEqualTo(jackson(EDGES));
    assertThat(written("")).isEqualTo(jackson(""));
    assertThat(written(null)).isEqualTo(jackson(null));
    SplittableRandom rnd = new SplittableRandom(21);
    for (int round = 0; round < 2_000; round++) {
      StringBuilder sb = new StringBuilder();
      int n = rnd.nextInt(40);
      for (int i = 0; i < n; i++) {
        // mostly the interesting ranges: controls, ASCII, 2-byte, 3-byte, surrogates
        int kind = rnd.nextInt(5);
        sb.append((char) switch (kind) {
          case 0 -> rnd.nextInt(0x20);
          case 1 -> rnd.nextInt(0x20, 0x80);
          case 2 -> rnd.nextInt(0x80, 0x800);
          case 3 -> rnd.nextInt(0x800, 0x10000);
          default -> rnd.nextInt(0xD800, 0xE000);
        });
      }
      String s = sb.toString();
      assertThat(written(s)).as("round %d", round).isEqualTo(jackson(s));
    }
  }

  @Test
  void numbersAreWrittenAsLongToStringWritesThem() {
    for (long v : new long[] {0, 7, 10, -1, -10, 99, 1_767_000_000L, Long.MAX_VALUE, Long.MIN_VALUE,
        Integer.MIN_VALUE}) {
      assertThat(new String(JsonBytes.get().number(v).toBytes(), StandardCharsets.US_ASCII))
          .isEqualTo(Long.toString(v));
    }
    SplittableRandom rnd = new SplittableRandom(5);
    for (int i = 0; i < 1_000; i++) {
      long v = rnd.nextLong() >> rnd.nextInt(64);
      assertThat(new String(JsonBytes.get().number(v).toBytes(), StandardCharsets.US_ASCII))
          .isEqualTo(Long.toString(v));
    }
  }

  @Test
  void aLongStringGrowsTheBuffer() throws IOException {
    String s = EDGES.repeat(2_000);
    assertThat(written(s)).isEqualTo(jackson(s));
    assertThat(written("after")).isEqualTo(jackson("after"));
  }

  @Test
  void chatCompletionBodyHasJacksonsBytes() throws IOException {
    Replies.Answer text = new Replies.Answer("Echo: h\u00e9llo \"you\"\n😀", List.of(), "stop", 3);
    Replies.Answer tools = new Replies.Answer(null,
        List.of(new Reply.ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}"),
            new Reply.ToolCall("call_2", "get_time", "{}")),
        "tool_calls", 9);
    Replies.Answer cut = new Replies.Answer("", List.of(), "length", 0);
    for (Replies.Answer a : List.of(text, tools, cut)) {
      for (int n : new int[] {1, 3}) {
        Replies.Usage usage = new Replies.Usage(12, n * a.tokens());
        byte[] ours = ChatCompletions.body("chatcmpl-1f2e", 1_767_000_000L, "gpt-4o-mini", a, n, usage);
        byte[] theirs = jacksonBody("chatcmpl-1f2e", 1_767_000_000L, "gpt-4o-mini", a, n, usage);
        assertThat(new String(ours, StandardCharsets.UTF_8))
            .isEqualTo(new String(theirs, StandardCharsets.UTF_8));
        assertThat(ours).isEqualTo(theirs);
        assertThat(Json.parse(ours).path("choices").size()).isEqualTo(n);
      }
    }
  }

  private static String written(String s) {
    return new String(JsonBytes.get().string(s).toBytes(), StandardCharsets.UTF_8);
  }

  private static String jackson(String s) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = Json.mapper().getFactory().createGenerator(out)) {
      g.writeString(s);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  // The body as the fake wrote it with a Jackson generator before JsonBytes.
  private static byte[] jacksonBody(
      String id, long created, String model, Replies.Answer answer, int n, Replies.Usage usage)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
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
        g.writeStringField("content", answer.text());
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
    }
    return bytes.toByteArray();
  }
}
