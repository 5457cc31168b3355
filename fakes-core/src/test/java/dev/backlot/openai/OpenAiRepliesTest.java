package dev.backlot.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.wire.HttpError;
import dev.backlot.wire.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Programmable replies, their order, and the shaping parameters (n, stop, max_tokens, JSON). */
class OpenAiRepliesTest {

  private static OpenAiFake fake;
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @BeforeAll
  static void start() {
    fake =
        OpenAiFake.builder()
            .models("gpt-4o-mini", "gpt-4o", "gpt-3.5-turbo-instruct")
            .model(Model.of("text-embedding-3-small").dimensions(256))
            .model(Model.of("openai/*"))
            .start();
  }

  @AfterAll
  static void stop() {
    fake.close();
  }

  @BeforeEach
  void reset() {
    fake.reset();
  }

  private static JsonNode post(String path, String body) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(fake.baseUri() + path))
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return Json.parse(r.body());
  }

  private static JsonNode chat(String model, String prompt, String extra) throws Exception {
    return post(
        "/v1/chat/completions",
        "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":" + Json.write(Json.mapper().valueToTree(prompt))
            + "}]" + extra + "}");
  }

  private static String content(JsonNode completion) {
    return completion.get("choices").get(0).get("message").get("content").asText();
  }

  @Test
  void aReplyWithFunctionRunsOnAWorkerAndMayWaitWithoutHoldingOtherCalls() throws Exception {
    // Calls are answered on the IO thread, except those that run the test's own code
    java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicReference<String> thread = new java.util.concurrent.atomic.AtomicReference<>();
    fake.replyWith(call -> {
      thread.set(Thread.currentThread().getName());
      if (call.prompt().equals("wait")) {
        entered.countDown();
        try {
          release.await(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return Reply.text("waited");
      }
      return null;
    });
    java.util.concurrent.CompletableFuture<JsonNode> waiting =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> {
          try {
            return chat("gpt-4o", "wait", "");
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    assertThat(entered.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(thread.get()).doesNotContain("I/O");
    for (int i = 0; i < 3; i++) {
      assertThat(content(chat("gpt-4o", "hello " + i, ""))).isEqualTo("Echo: hello " + i);
    }
    assertThat(waiting).isNotDone();
    release.countDown();
    assertThat(content(waiting.get(30, java.util.concurrent.TimeUnit.SECONDS))).isEqualTo("waited");
  }

  @Test
  void rulesAreTriedNewestFirstThenTheDefaultThenTheEcho() throws Exception {
    assertThat(content(chat("gpt-4o", "hello", ""))).isEqualTo("Echo: hello");
    fake.reply("default");
    assertThat(content(chat("gpt-4o", "hello", ""))).isEqualTo("default");
    fake.replyFor("gpt-4o", "for gpt-4o");
    assertThat(content(chat("gpt-4o", "hello", ""))).isEqualTo("for gpt-4o");
    assertThat(content(chat("gpt-4o-mini", "hello", ""))).isEqualTo("default");
    fake.replyWhen("(?i)weather", "sunny");
    assertThat(content(chat("gpt-4o", "What's the WEATHER?", ""))).isEqualTo("sunny");
    assertThat(content(chat("gpt-4o", "hello", ""))).isEqualTo("for gpt-4o");
    fake.replyWith(call -> call.prompt().startsWith("shout ") ? Reply.text(call.prompt().substring(6).toUpperCase()) : null);
    assertThat(content(chat("gpt-4o", "shout weather", ""))).isEqualTo("WEATHER");
    assertThat(content(chat("gpt-4o", "weather", ""))).isEqualTo("sunny");
  }

  @Test
  void aReplyFunctionSeesTheCallAndMayAnswerWithAnError() throws Exception {
    fake.replyWith(call -> {
      if (call.model().equals("gpt-4o-mini")) {
        throw new HttpError(503, "overloaded").with("type", "service_unavailable");
      }
      return Reply.text(call.endpoint() + "|" + call.conversation() + "|" + call.stream());
    });
    JsonNode ok =
        post("/v1/chat/completions",
            "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"part one\"},{\"type\":\"text\",\"text\":\"part two\"}]}]}");
    assertThat(content(ok)).isEqualTo("chat/completions|system: be brief\nuser: part one\npart two|false");
    JsonNode err = chat("gpt-4o-mini", "x", "");
    assertThat(err.get("error").get("code").asText()).isEqualTo("503");
    assertThat(err.get("error").get("type").asText()).isEqualTo("service_unavailable");
  }

  @Test
  void nStopAndMaxTokensShapeTheChoices() throws Exception {
    fake.reply("one two three. four five six seven eight");
    JsonNode three = chat("gpt-4o", "x", ",\"n\":3");
    assertThat(three.get("choices")).hasSize(3);
    assertThat(three.get("choices").get(2).get("index").asInt()).isEqualTo(2);
    assertThat(three.get("usage").get("completion_tokens").asInt()).isEqualTo(3 * OpenAiFake.countTokens("one two three. four five six seven eight"));

    JsonNode stopped = chat("gpt-4o", "x", ",\"stop\":[\".\",\"five\"]");
    assertThat(content(stopped)).isEqualTo("one two three");
    assertThat(stopped.get("choices").get(0).get("finish_reason").asText()).isEqualTo("stop");

    JsonNode cut = chat("gpt-4o", "x", ",\"max_tokens\":2");
    assertThat(content(cut)).isEqualTo("one two ");
    assertThat(cut.get("choices").get(0).get("finish_reason").asText()).isEqualTo("length");
    assertThat(cut.get("usage").get("completion_tokens").asInt()).isEqualTo(2);
  }

  @Test
  void afterAToolResultTheModelAnswersInText() throws Exception {
    String tools = ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"lookup\",\"parameters\":{\"type\":\"object\","
        + "\"properties\":{\"q\":{\"type\":\"string\"},\"limit\":{\"type\":\"integer\"},\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}}}}}]";
    JsonNode first = chat("gpt-4o", "find cats", tools);
    JsonNode call = first.get("choices").get(0).get("message").get("tool_calls").get(0);
    assertThat(first.get("choices").get(0).get("message").get("content").isNull()).isTrue();
    JsonNode args = Json.parse(call.get("function").get("arguments").asText());
    assertThat(args.get("q").asText()).isEqualTo("find cats");
    assertThat(args.get("limit").asInt()).isEqualTo(1);
    assertThat(args.get("tags").get(0).asText()).isEqualTo("find cats");

    JsonNode second =
        post("/v1/chat/completions",
            "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"find cats\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[" + call + "]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"" + call.get("id").asText() + "\",\"content\":\"3 cats found\"}]" + tools + "}");
    assertThat(content(second)).isEqualTo("Echo: 3 cats found");
    assertThat(second.get("choices").get(0).get("finish_reason").asText()).isEqualTo("stop");

    JsonNode none = chat("gpt-4o", "find cats", tools + ",\"tool_choice\":\"none\"");
    assertThat(content(none)).isEqualTo("Echo: find cats");
  }

  @Test
  void programmedToolCallsGetDeterministicIds() throws Exception {
    fake.reply(Reply.toolCall("a", "{\"x\":1}").andToolCall("b", null));
    JsonNode r = chat("gpt-4o", "x", "");
    JsonNode calls = r.get("choices").get(0).get("message").get("tool_calls");
    assertThat(calls).hasSize(2);
    assertThat(calls.get(1).get("function").get("arguments").asText()).isEqualTo("{}");
    assertThat(r.get("choices").get(0).get("finish_reason").asText()).isEqualTo("tool_calls");
    fake.reset();
    fake.reply(Reply.toolCall("a", "{\"x\":1}").andToolCall("b", null));
    assertThat(chat("gpt-4o", "x", "").get("choices").get(0).get("message").get("tool_calls")).isEqualTo(calls);
  }

  @Test
  void jsonSchemaModeFillsTheSchema() throws Exception {
    JsonNode r =
        chat("gpt-4o", "Ada", ",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"person\",\"schema\":"
            + "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},\"age\":{\"type\":\"integer\"},"
            + "\"kind\":{\"enum\":[\"human\",\"robot\"]}},\"required\":[\"name\",\"age\",\"kind\"]}}}");
    JsonNode person = Json.parse(content(r));
    assertThat(person.get("name").asText()).isEqualTo("Echo: Ada");
    assertThat(person.get("age").isInt()).isTrue();
    assertThat(person.get("kind").asText()).isEqualTo("human");
  }

  @Test
  void aWildcardModelServesMatchingNames() throws Exception {
    assertThat(content(chat("openai/gpt-5", "hi", ""))).isEqualTo("Echo: hi");
    assertThat(chat("anthropic/claude", "hi", "").get("error").get("code").asText()).isEqualTo("400");
  }

  @Test
  void completionsHandlePromptListsEchoAndN() throws Exception {
    fake.replyWhen("^b$", "-bee");
    JsonNode r = post("/v1/completions", "{\"model\":\"gpt-3.5-turbo-instruct\",\"prompt\":[\"a\",\"b\"],\"n\":2,\"echo\":true}");
    JsonNode choices = r.get("choices");
    assertThat(choices).hasSize(4);
    assertThat(choices.get(0).get("text").asText()).isEqualTo("aEcho: a");
    assertThat(choices.get(3).get("text").asText()).isEqualTo("b-bee");
    assertThat(choices.get(3).get("index").asInt()).isEqualTo(3);
    assertThat(r.get("object").asText()).isEqualTo("text_completion");
    assertThat(r.get("usage").get("prompt_tokens").asInt()).isEqualTo(2);

    JsonNode tokens = post("/v1/completions", "{\"model\":\"gpt-3.5-turbo-instruct\",\"prompt\":[15339,1917]}");
    assertThat(tokens.get("choices").get(0).get("text").asText()).isEqualTo("Echo: 15339 1917");
  }

  @Test
  void embeddingsAreDeterministicAndSimilarTextsAreCloser() throws Exception {
    JsonNode r =
        post("/v1/embeddings",
            "{\"model\":\"text-embedding-3-small\",\"input\":[\"the cat sat on the mat\",\"the cat sat on a mat\","
                + "\"quarterly revenue grew\",\"the cat sat on the mat\"]}");
    JsonNode data = r.get("data");
    assertThat(data).hasSize(4);
    float[][] v = new float[4][];
    for (int i = 0; i < 4; i++) {
      assertThat(data.get(i).get("index").asInt()).isEqualTo(i);
      JsonNode arr = data.get(i).get("embedding");
      assertThat(arr).hasSize(256);
      v[i] = new float[256];
      for (int k = 0; k < 256; k++) {
        v[i][k] = arr.get(k).floatValue();
      }
    }
    assertThat(v[3]).isEqualTo(v[0]);
    double similar = cosine(v[0], v[1]);
    double unrelated = cosine(v[0], v[2]);
    assertThat(similar).isGreaterThan(0.6);
    assertThat(Math.abs(unrelated)).isLessThan(0.3);
    assertThat(r.get("usage").get("total_tokens").asInt()).isEqualTo(r.get("usage").get("prompt_tokens").asInt());

    JsonNode small = post("/v1/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":\"x\",\"dimensions\":3,\"encoding_format\":\"base64\"}");
    byte[] raw = Base64.getDecoder().decode(small.get("data").get(0).get("embedding").asText());
    assertThat(raw).hasSize(12);
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    float[] expected = OpenAiFake.embedding("x", 3);
    for (float e : expected) {
      assertThat(b.getFloat()).isEqualTo(e);
    }
    double norm = 0;
    for (float e : expected) {
      norm += e * e;
    }
    assertThat(norm).isCloseTo(1.0, within(1e-5));
  }

  @Test
  void tokenCountingIsAboutFourCharactersPerToken() {
    assertThat(OpenAiFake.countTokens("")).isZero();
    assertThat(OpenAiFake.countTokens("a")).isEqualTo(1);
    assertThat(OpenAiFake.countTokens("abcd")).isEqualTo(1);
    assertThat(OpenAiFake.countTokens("abcde")).isEqualTo(2);
    assertThat(OpenAiFake.countTokens("\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00")).isEqualTo(1); // code points
  }

  @Test
  void streamChunksNeverSplitASurrogatePair() {
    List<String> pieces = Replies.split("a\uD83D\uDE00bc\uD83D\uDE00", 2);
    assertThat(pieces).containsExactly("a\uD83D\uDE00", "bc", "\uD83D\uDE00");
  }

  @Test
  void theLaunchersConfigSetsModelsKeysRepliesAndPace() throws Exception {
    JsonNode config =
        Json.parse(
            "{\"models\":[\"gpt-4o-mini\",{\"id\":\"small\",\"ownedBy\":\"local\",\"contextWindow\":50,\"dimensions\":4}],"
                + "\"masterKey\":\"sk-m\",\"keys\":[{\"key\":\"sk-b\",\"models\":[\"small\"],\"rpmLimit\":5}],"
                + "\"reply\":\"configured\",\"replies\":[{\"when\":\"weather\",\"text\":\"Sunny\"}],"
                + "\"streamChunkSize\":2,\"streamDelayMs\":0}");
    try (OpenAiFake f = OpenAiFake.builder().configure(config).start()) {
      assertThat(f.models()).extracting(Model::id).containsExactly("gpt-4o-mini", "small");
      assertThat(f.models().get(1).contextWindow()).isEqualTo(50);
      HttpRequest.Builder req =
          HttpRequest.newBuilder(URI.create(f.baseUri() + "/v1/chat/completions"))
              .POST(HttpRequest.BodyPublishers.ofString(
                  "{\"model\":\"small\",\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"}]}"));
      assertThat(http.send(req.build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
      HttpResponse<String> ok =
          http.send(req.header("Authorization", "Bearer sk-b").build(), HttpResponse.BodyHandlers.ofString());
      assertThat(content(Json.parse(ok.body()))).isEqualTo("Sunny");
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> OpenAiFake.builder().configure(Json.parse("{\"replies\":[{\"text\":\"x\"}]}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'model' or a 'when'");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> OpenAiFake.builder().configure(Json.parse("{\"modles\":[]}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown setting 'modles'");
  }

  private static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }
}
