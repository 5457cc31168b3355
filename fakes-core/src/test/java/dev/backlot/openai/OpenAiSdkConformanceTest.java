package dev.backlot.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.RateLimitException;
import com.openai.errors.SseException;
import com.openai.errors.UnauthorizedException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.ResponseFormatJsonObject;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.backlot.time.Clock;
import dev.backlot.wire.Json;
import dev.backlot.time.ManualClock;
import dev.backlot.journal.Entry;
import dev.backlot.journal.RequestPattern;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The official openai-java SDK (4.101.0, response validation on) against the fake. */
class OpenAiSdkConformanceTest {

  private static final String REPLY = "The quick brown fox jumps over the lazy dog, twice.";

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private OpenAiFake start(OpenAiFake.Builder b) {
    OpenAiFake f = b.start();
    open.add(f);
    return f;
  }

  private OpenAIClient client(OpenAiFake fake, String suffix, String key, int maxRetries) {
    OpenAIClient c =
        OpenAIOkHttpClient.builder()
            .baseUrl(fake.baseUri() + suffix)
            .apiKey(key)
            .maxRetries(maxRetries)
            .timeout(Duration.ofSeconds(30))
            .responseValidation(true)
            .build();
    open.add(c::close);
    return c;
  }

  private OpenAIClient client(OpenAiFake fake) {
    return client(fake, "/v1", "sk-test", 2);
  }

  private static ChatCompletionCreateParams chat(String model, String prompt) {
    return ChatCompletionCreateParams.builder().model(model).addUserMessage(prompt).build();
  }

  private static String reassemble(StreamResponse<ChatCompletionChunk> stream) {
    return stream.stream()
        .flatMap(c -> c.choices().stream())
        .map(ch -> ch.delta().content().orElse(""))
        .collect(Collectors.joining());
  }

  @Test
  void chatCompletionReturnsTheConfiguredReplyWithPlausibleUsage() {
    OpenAiFake fake = start(OpenAiFake.builder().setup(x -> x.reply(REPLY)));

    ChatCompletion c = client(fake).chat().completions().create(chat("gpt-4o-mini", "Say something"));

    assertThat(c.choices()).hasSize(1);
    assertThat(c.choices().get(0).message().content()).contains(REPLY);
    assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    assertThat(c.model()).isEqualTo("gpt-4o-mini");
    assertThat(c.id()).startsWith("chatcmpl-");
    assertThat(c.usage()).isPresent();
    assertThat(c.usage().get().completionTokens()).isEqualTo(OpenAiFake.countTokens(REPLY));
    // 3 priming + one message: 3 + role "user" (1) + "Say something" (4)
    assertThat(c.usage().get().promptTokens()).isEqualTo(3 + 3 + 1 + 4);
    assertThat(c.usage().get().totalTokens())
        .isEqualTo(c.usage().get().promptTokens() + c.usage().get().completionTokens());
    fake.journal().verify(1, RequestPattern.post("/v1/chat/completions").bodyContains("Say something"));
  }

  @Test
  void withoutAnyReplyTheFakeEchoesTheLastMessage() {
    OpenAiFake fake = start(OpenAiFake.builder());
    ChatCompletion c = client(fake).chat().completions().create(chat("gpt-4o", "ping 42"));
    assertThat(c.choices().get(0).message().content()).contains("Echo: ping 42");
  }

  @Test
  void streamedChunksReassembleToTheConfiguredReplyAndEndWithDone() {
    OpenAiFake fake = start(OpenAiFake.builder().setup(x -> x.reply(REPLY).streamChunkSize(5)));
    List<ChatCompletionChunk> chunks;
    try (StreamResponse<ChatCompletionChunk> s =
        client(fake).chat().completions().createStreaming(chat("gpt-4o-mini", "stream please"))) {
      chunks = s.stream().toList();
    }

    String text = chunks.stream().map(c -> c.choices().get(0).delta().content().orElse("")).collect(Collectors.joining());
    assertThat(text).isEqualTo(REPLY);
    assertThat(chunks).hasSize((REPLY.length() + 4) / 5);
    assertThat(chunks.get(0).choices().get(0).delta().role()).isPresent();
    assertThat(chunks.get(chunks.size() - 1).choices().get(0).finishReason())
        .contains(ChatCompletionChunk.Choice.FinishReason.STOP);
    assertThat(chunks).allSatisfy(c -> assertThat(c.id()).isEqualTo(chunks.get(0).id()));
    // every chunk and the [DONE] line were journaled as SSE events
    List<Entry> events = fake.journal().find(e -> e.kind() == Entry.Kind.SSE);
    assertThat(events).hasSize(chunks.size() + 1);
    assertThat(events.get(events.size() - 1).bodyText()).isEqualTo("[DONE]");
  }

  @Test
  void includeUsageAddsAFinalChunkWithUsageAndNoChoices() {
    OpenAiFake fake = start(OpenAiFake.builder().setup(x -> x.reply(REPLY)));
    ChatCompletionCreateParams params =
        chat("gpt-4o-mini", "count me")
            .toBuilder()
            .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
            .build();
    List<ChatCompletionChunk> chunks;
    try (StreamResponse<ChatCompletionChunk> s = client(fake).chat().completions().createStreaming(params)) {
      chunks = s.stream().toList();
    }
    ChatCompletionChunk last = chunks.get(chunks.size() - 1);
    assertThat(last.choices()).isEmpty();
    assertThat(last.usage()).isPresent();
    assertThat(last.usage().get().completionTokens()).isEqualTo(OpenAiFake.countTokens(REPLY));

    ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
    chunks.forEach(acc::accumulate);
    assertThat(acc.chatCompletion().choices().get(0).message().content()).contains(REPLY);
  }

  @Test
  void streamingIsPacedOnTheFakesClock() throws Exception {
    ManualClock clock = Clock.manual();
    OpenAiFake fake =
        start(OpenAiFake.builder().clock(clock)
            .setup(x -> x.reply("abcdefghij").streamChunkSize(2).streamDelay(Duration.ofMillis(100))));
    OpenAIClient client = client(fake);
    List<String> received = java.util.Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<Void> done =
        CompletableFuture.runAsync(
            () -> {
              try (StreamResponse<ChatCompletionChunk> s =
                  client.chat().completions().createStreaming(chat("gpt-4o-mini", "slowly"))) {
                s.stream().forEach(c -> received.add(c.choices().get(0).delta().content().orElse("")));
              }
            });

    // The first chunk goes out at once; the rest wait for the clock.
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> received.size() == 1);
    assertThat(received).containsExactly("ab");
    assertThat(clock.pendingTasks()).isEqualTo(1);
    clock.advance(Duration.ofMillis(100));
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> received.size() == 2);
    for (int i = 0; i < 4; i++) {
      clock.advance(Duration.ofMillis(100));
    }
    done.get(20, TimeUnit.SECONDS);
    assertThat(String.join("", received)).isEqualTo("abcdefghij");
  }

  @Test
  void routesWorkWithoutTheV1Prefix() {
    OpenAiFake fake = start(OpenAiFake.builder().setup(x -> x.reply("no prefix")));
    ChatCompletion c = client(fake, "", "sk-x", 0).chat().completions().create(chat("gpt-4o", "hi"));
    assertThat(c.choices().get(0).message().content()).contains("no prefix");
    fake.journal().verify(RequestPattern.post("/chat/completions"));
  }

  @Test
  void textCompletionsPlainAndStreamed() {
    OpenAiFake fake = start(OpenAiFake.builder().setup(x -> x.replyWhen("^Once", " upon a time")));
    OpenAIClient client = client(fake);
    CompletionCreateParams params =
        CompletionCreateParams.builder().model("gpt-3.5-turbo-instruct").prompt("Once").build();

    Completion c = client.completions().create(params);
    assertThat(c.choices()).hasSize(1);
    assertThat(c.choices().get(0).text()).isEqualTo(" upon a time");
    assertThat(c.choices().get(0).finishReason()).isEqualTo(com.openai.models.completions.CompletionChoice.FinishReason.STOP);
    assertThat(c.usage().get().promptTokens()).isEqualTo(1);

    // Streamed legacy completions carry "finish_reason": null until the last chunk, as OpenAI's do;
    // the SDK's strict response validation rejects that, so this part reads without it.
    OpenAIClient lenient =
        OpenAIOkHttpClient.builder().baseUrl(fake.baseUri() + "/v1").apiKey("sk-x").build();
    open.add(lenient::close);
    try (StreamResponse<Completion> s = lenient.completions().createStreaming(params)) {
      List<Completion> chunks = s.stream().toList();
      String text = chunks.stream().map(x -> x.choices().get(0).text()).collect(Collectors.joining());
      assertThat(text).isEqualTo(" upon a time");
      assertThat(chunks.get(chunks.size() - 1).choices().get(0).finishReason())
          .isEqualTo(com.openai.models.completions.CompletionChoice.FinishReason.STOP);
    }
  }

  @Test
  void embeddingsAsFloatsAndAsBase64AreTheSameDeterministicVectors() {
    OpenAiFake fake = start(OpenAiFake.builder().model(Model.of("text-embedding-3-small").dimensions(64)));
    OpenAIClient client = client(fake);

    CreateEmbeddingResponse floats =
        client.embeddings().create(
            EmbeddingCreateParams.builder()
                .model("text-embedding-3-small")
                .input("hello world")
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT)
                .build());
    // the SDK's default is base64, decoded by the SDK as little-endian float32
    CreateEmbeddingResponse base64 =
        client.embeddings().create(EmbeddingCreateParams.builder().model("text-embedding-3-small").input("hello world").build());

    List<Float> a = floats.data().get(0).embedding();
    List<Float> b = base64.data().get(0).embedding();
    assertThat(a).hasSize(64).isEqualTo(b);
    float[] expected = OpenAiFake.embedding("hello world", 64);
    for (int i = 0; i < 64; i++) {
      assertThat(a.get(i)).isEqualTo(expected[i]);
    }
    double norm = a.stream().mapToDouble(f -> f * f).sum();
    assertThat(norm).isCloseTo(1.0, within(1e-4));
    assertThat(floats.usage().promptTokens()).isEqualTo(OpenAiFake.countTokens("hello world"));
    assertThat(fake.journal().requests().get(0).bodyText()).contains("\"encoding_format\":\"float\"");
    assertThat(fake.journal().requests().get(1).bodyText()).contains("\"encoding_format\":\"base64\"");
  }

  @Test
  void modelsAreListedAndRetrieved() {
    OpenAiFake fake = start(OpenAiFake.builder().model("gpt-4o-mini").model(Model.of("claude-x").ownedBy("anthropic")));
    OpenAIClient client = client(fake);

    List<com.openai.models.models.Model> models = client.models().list().data();
    assertThat(models).extracting(com.openai.models.models.Model::id).containsExactly("gpt-4o-mini", "claude-x");
    assertThat(models.get(1).ownedBy()).isEqualTo("anthropic");
    assertThat(models.get(0).created()).isEqualTo(1677610602L);

    assertThat(client.models().retrieve("claude-x").ownedBy()).isEqualTo("anthropic");
    assertThatThrownBy(() -> client.models().retrieve("nope"))
        .isInstanceOf(com.openai.errors.NotFoundException.class);
  }

  @Test
  void a429WithRetryAfterIsRetriedByTheSdkWhichThenSucceeds() {
    OpenAiFake fake = start(OpenAiFake.builder().setup(x -> x.reply("finally")));
    fake.rateLimitNext(2, Duration.ofMillis(20));

    ChatCompletion c = client(fake).chat().completions().create(chat("gpt-4o-mini", "retry me"));

    assertThat(c.choices().get(0).message().content()).contains("finally");
    List<Entry> requests = fake.journal().requests();
    assertThat(requests).extracting(Entry::status).containsExactly(429, 429, 200);
    assertThat(requests).extracting(e -> e.header("X-Stainless-Retry-Count")).containsExactly("0", "1", "2");
    // a rule of the shared fault plan, journalled like any fault
    assertThat(requests.get(0).fault()).contains("LLM call").contains("next(2)").contains("respond 429");
    assertThat(fake.faults().rules()).hasSize(1);
    assertThat(requests.get(0).responseBody()).contains("\"code\":\"429\"");
    assertThat(fake.pendingFaults()).isZero();
  }

  @Test
  void aRateLimitBeyondTheSdksRetriesSurfacesAsRateLimitExceptionWithRetryAfter() {
    OpenAiFake fake = start(OpenAiFake.builder());
    fake.rateLimitNext(5, Duration.ofMillis(1500));

    assertThatThrownBy(() -> client(fake, "/v1", "sk-x", 0).chat().completions().create(chat("gpt-4o-mini", "x")))
        .isInstanceOfSatisfying(
            RateLimitException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(429);
              assertThat(e.headers().values("retry-after")).containsExactly("2");
              assertThat(e.headers().values("retry-after-ms")).containsExactly("1500");
              assertThat(e.code()).contains("429");
              assertThat(e.type()).contains("throttling_error");
            });
    assertThat(fake.pendingFaults()).isEqualTo(4);
  }

  @Test
  void aWrongKeySurfacesAsTheSdksUnauthorizedException() {
    OpenAiFake fake = start(OpenAiFake.builder().masterKey("sk-master"));

    assertThatThrownBy(() -> client(fake, "/v1", "sk-wrong-key", 2).chat().completions().create(chat("gpt-4o-mini", "x")))
        .isInstanceOfSatisfying(
            UnauthorizedException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(401);
              assertThat(e.code()).contains("401");
              assertThat(e.type()).contains("token_not_found_in_db");
              assertThat(e.getMessage()).contains("Invalid proxy server token passed");
            });
    // a 401 is not retried
    assertThat(fake.journal().requests()).hasSize(1);
    // the right key works
    assertThat(client(fake, "/v1", "sk-master", 0).chat().completions().create(chat("gpt-4o-mini", "x")).choices()).hasSize(1);
  }

  @Test
  void aMidStreamErrorSurfacesAsTheSdksSseException() {
    OpenAiFake fake = start(OpenAiFake.builder().setup(x -> x.reply(REPLY).streamChunkSize(4)));
    fake.failStreamAfter(3);
    List<String> got = new ArrayList<>();

    assertThatThrownBy(
            () -> {
              try (StreamResponse<ChatCompletionChunk> s =
                  client(fake).chat().completions().createStreaming(chat("gpt-4o-mini", "x"))) {
                s.stream().forEach(c -> got.add(c.choices().get(0).delta().content().orElse("")));
              }
            })
        .isInstanceOfSatisfying(
            SseException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(200);
              assertThat(e.code()).contains("500");
              assertThat(e.getMessage()).contains("InternalServerError");
            });
    assertThat(got).containsExactly("The ", "quic", "k br");
    // the next stream is intact again
    try (StreamResponse<ChatCompletionChunk> s =
        client(fake).chat().completions().createStreaming(chat("gpt-4o-mini", "x"))) {
      assertThat(reassemble(s)).isEqualTo(REPLY);
    }
  }

  @Test
  void serverErrorsAreRetriedThenSurfaceAsInternalServerException() {
    OpenAiFake fake = start(OpenAiFake.builder());
    fake.failNext(2, 503, "upstream is down");
    assertThatThrownBy(() -> client(fake, "/v1", "sk-x", 1).chat().completions().create(chat("gpt-4o-mini", "x")))
        .isInstanceOfSatisfying(InternalServerException.class, e -> assertThat(e.statusCode()).isEqualTo(503));
    assertThat(fake.journal().requests()).hasSize(2);
  }

  @Test
  void toolCallsArePlausibleAndStreamIntoTheAccumulator() {
    OpenAiFake fake = start(OpenAiFake.builder());
    ChatCompletionCreateParams params =
        ChatCompletionCreateParams.builder()
            .model("gpt-4o-mini")
            .addUserMessage("What is the weather in Paris?")
            .addTool(
                ChatCompletionFunctionTool.builder()
                    .function(
                        FunctionDefinition.builder()
                            .name("get_weather")
                            .parameters(
                                FunctionParameters.builder()
                                    .putAdditionalProperty("type", JsonValue.from("object"))
                                    .putAdditionalProperty(
                                        "properties",
                                        JsonValue.from(Map.of(
                                            "city", Map.of("type", "string"),
                                            "unit", Map.of("type", "string", "enum", List.of("celsius", "fahrenheit")))))
                                    .putAdditionalProperty("required", JsonValue.from(List.of("city", "unit")))
                                    .build())
                            .build())
                    .build())
            .build();
    OpenAIClient client = client(fake);

    ChatCompletion c = client.chat().completions().create(params);
    assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    ChatCompletionMessageToolCall call = c.choices().get(0).message().toolCalls().orElseThrow().get(0);
    assertThat(call.asFunction().function().name()).isEqualTo("get_weather");
    var args = Json.parse(call.asFunction().function().arguments());
    assertThat(args.get("city").asText()).isEqualTo("What is the weather in Paris?");
    assertThat(args.get("unit").asText()).isEqualTo("celsius");

    ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
    try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(params)) {
      s.stream().forEach(acc::accumulate);
    }
    ChatCompletionMessageToolCall streamed = acc.chatCompletion().choices().get(0).message().toolCalls().orElseThrow().get(0);
    assertThat(streamed.asFunction().function().arguments()).isEqualTo(call.asFunction().function().arguments());
    assertThat(streamed.asFunction().id()).startsWith("call_");
  }

  @Test
  void jsonModeMakesTheEchoValidJson() {
    OpenAiFake fake = start(OpenAiFake.builder());
    ChatCompletion c =
        client(fake).chat().completions().create(
            chat("gpt-4o-mini", "give me json").toBuilder().responseFormat(ResponseFormatJsonObject.builder().build()).build());
    var json = Json.parse(c.choices().get(0).message().content().orElseThrow());
    assertThat(json.get("response").asText()).isEqualTo("Echo: give me json");
  }

  @Test
  void liteLlmMockResponseWorksThroughTheSdk() {
    OpenAiFake fake = start(OpenAiFake.builder());
    OpenAIClient client = client(fake, "/v1", "sk-x", 0);

    ChatCompletion c =
        client.chat().completions().create(
            chat("gpt-4o-mini", "x").toBuilder().putAdditionalBodyProperty("mock_response", JsonValue.from("mocked!")).build());
    assertThat(c.choices().get(0).message().content()).contains("mocked!");
    assertThat(c.usage().get().promptTokens()).isEqualTo(10);
    assertThat(c.usage().get().completionTokens()).isEqualTo(20);

    assertThatThrownBy(
            () -> client.chat().completions().create(
                chat("gpt-4o-mini", "x").toBuilder()
                    .putAdditionalBodyProperty("mock_response", JsonValue.from("litellm.ContextWindowExceededError"))
                    .build()))
        .isInstanceOfSatisfying(
            BadRequestException.class,
            e -> assertThat(e.getMessage()).contains("this is a mock context window exceeded error"));
    assertThatThrownBy(
            () -> client.chat().completions().create(
                chat("gpt-4o-mini", "x").toBuilder()
                    .putAdditionalBodyProperty("mock_response", JsonValue.from("litellm.RateLimitError"))
                    .build()))
        .isInstanceOf(RateLimitException.class);
  }
}
