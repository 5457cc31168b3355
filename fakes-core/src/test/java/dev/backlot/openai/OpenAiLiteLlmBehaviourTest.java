package dev.backlot.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.backlot.time.Clock;
import dev.backlot.wire.Json;
import dev.backlot.time.ManualClock;
import dev.backlot.wire.Response;
import dev.backlot.journal.Entry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** LiteLLM specifics over raw HTTP: keys, limits, health routes, mock_response, faults, reset. */
class OpenAiLiteLlmBehaviourTest {

  private static final String CHAT = "/v1/chat/completions";
  private static final String HI = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private OpenAiFake start(OpenAiFake.Builder b) {
    OpenAiFake f = b.start();
    open.add(f);
    return f;
  }

  private HttpResponse<String> send(OpenAiFake f, String method, String path, String body, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(f.baseUri() + path))
            .timeout(Duration.ofSeconds(20))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode error(HttpResponse<String> r) {
    return Json.parse(r.body()).get("error");
  }

  // ------------------------------------------------------------------ keys

  @Test
  void noKeyIsNeededUntilKeysAreConfigured() throws Exception {
    OpenAiFake open = start(OpenAiFake.builder());
    assertThat(send(open, "POST", CHAT, HI + "}").statusCode()).isEqualTo(200);
  }

  @Test
  void aMissingKeyGetsLiteLlmsExact401() throws Exception {
    OpenAiFake f = start(OpenAiFake.builder().masterKey("sk-master"));
    HttpResponse<String> r = send(f, "POST", CHAT, HI + "}");
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(Json.parse(r.body()))
        .isEqualTo(Json.parse(
            "{\"error\":{\"message\":\"Authentication Error, No api key passed in.\",\"type\":\"auth_error\",\"param\":\"None\",\"code\":\"401\"}}"));
    assertThat(send(f, "POST", CHAT, HI + "}", "Authorization", "Bearer ").statusCode()).isEqualTo(401);
  }

  @Test
  void aWrongKeyIsNamedByItsLastCharactersAndHash() throws Exception {
    OpenAiFake f = start(OpenAiFake.builder().masterKey("sk-master"));
    HttpResponse<String> r = send(f, "GET", "/v1/models", null, "Authorization", "Bearer sk-stolen-1337");
    assertThat(r.statusCode()).isEqualTo(401);
    JsonNode e = error(r);
    assertThat(e.get("message").asText())
        .isEqualTo("Authentication Error, Invalid proxy server token passed. Received API Key = sk-...1337, Key Hash (Token) ="
            + LiteLlmErrors.sha256("sk-stolen-1337") + ". Unable to find token in cache or `LiteLLM_VerificationTokenTable`");
    assertThat(e.get("type").asText()).isEqualTo("token_not_found_in_db");
    assertThat(e.get("param").asText()).isEqualTo("key");
  }

  @Test
  void keysAreAcceptedInLiteLlmsOtherHeaders() throws Exception {
    OpenAiFake f = start(OpenAiFake.builder().key("sk-a"));
    assertThat(send(f, "POST", CHAT, HI + "}", "x-litellm-api-key", "sk-a").statusCode()).isEqualTo(200);
    assertThat(send(f, "POST", CHAT, HI + "}", "API-Key", "sk-a").statusCode()).isEqualTo(200);
    assertThat(send(f, "POST", CHAT, HI + "}", "x-api-key", "sk-a").statusCode()).isEqualTo(200);
    assertThat(send(f, "POST", CHAT, HI + "}", "Authorization", "sk-a").statusCode()).isEqualTo(200);
  }

  @Test
  void aKeyLimitedToSomeModelsSeesOnlyThose() throws Exception {
    OpenAiFake f =
        start(OpenAiFake.builder().models("gpt-4o-mini", "gpt-4o").key(ApiKey.of("sk-team").models("gpt-4o-mini")).masterKey("sk-m"));
    String auth = "Bearer sk-team";
    HttpResponse<String> denied =
        send(f, "POST", CHAT, "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", "Authorization", auth);
    assertThat(denied.statusCode()).isEqualTo(401);
    assertThat(error(denied).get("type").asText()).isEqualTo("key_model_access_denied");
    assertThat(error(denied).get("message").asText()).contains("can only access models=['gpt-4o-mini']. Tried to access gpt-4o");
    assertThat(send(f, "POST", CHAT, HI + "}", "Authorization", auth).statusCode()).isEqualTo(200);

    JsonNode models = Json.parse(send(f, "GET", "/v1/models", null, "Authorization", auth).body()).get("data");
    assertThat(models).hasSize(1);
    assertThat(models.get(0).get("id").asText()).isEqualTo("gpt-4o-mini");
    assertThat(Json.parse(send(f, "GET", "/models", null, "Authorization", "Bearer sk-m").body()).get("data")).hasSize(2);
  }

  @Test
  void aKeysRpmLimitRefusesWithLiteLlmsLimiterAndResetsAfterAMinuteOnTheFakesClock() throws Exception {
    ManualClock clock = Clock.manual(Instant.parse("2026-01-01T12:00:00Z"));
    OpenAiFake f = start(OpenAiFake.builder().clock(clock).key(ApiKey.of("sk-slow").rpmLimit(2)));
    assertThat(send(f, "POST", CHAT, HI + "}", "Authorization", "Bearer sk-slow").statusCode()).isEqualTo(200);
    clock.advance(Duration.ofSeconds(30));
    assertThat(send(f, "POST", CHAT, HI + "}", "Authorization", "Bearer sk-slow").statusCode()).isEqualTo(200);

    HttpResponse<String> refused = send(f, "POST", CHAT, HI + "}", "Authorization", "Bearer sk-slow");
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.headers().firstValue("retry-after")).contains("60");
    assertThat(refused.headers().firstValue("rate_limit_type")).contains("requests");
    assertThat(error(refused).get("message").asText())
        .isEqualTo("Rate limit exceeded for api_key: " + LiteLlmErrors.sha256("sk-slow")
            + ". Limit type: requests. Current limit: 2, Remaining: 0. Limit resets at: 2026-01-01 12:01:00 UTC");

    clock.advance(Duration.ofSeconds(30));
    assertThat(send(f, "POST", CHAT, HI + "}", "Authorization", "Bearer sk-slow").statusCode()).isEqualTo(200);
  }

  // ------------------------------------------------------------------ health

  @Test
  void healthRoutesHaveLiteLlmsShapesAndTheProbesNeedNoKey() throws Exception {
    OpenAiFake f = start(OpenAiFake.builder().models("a", "b").masterKey("sk-m"));
    for (String p : List.of("/health/liveliness", "/health/liveness")) {
      HttpResponse<String> r = send(f, "GET", p, null);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("\"I'm alive!\"");
      HttpResponse<String> options = send(f, "OPTIONS", p, null);
      assertThat(options.statusCode()).isEqualTo(200);
      assertThat(options.headers().firstValue("Allow")).contains("GET, OPTIONS");
    }
    JsonNode ready = Json.parse(send(f, "GET", "/health/readiness", null).body());
    assertThat(ready.get("status").asText()).isEqualTo("healthy");
    assertThat(ready.get("db").asText()).isEqualTo("Not connected");
    assertThat(ready.get("litellm_version").asText()).isEqualTo(OpenAiFake.LITELLM_VERSION);
    assertThat(ready.get("cache").isNull()).isTrue();

    assertThat(send(f, "GET", "/health", null).statusCode()).isEqualTo(401);
    JsonNode health = Json.parse(send(f, "GET", "/health", null, "Authorization", "Bearer sk-m").body());
    assertThat(health.get("healthy_count").asInt()).isEqualTo(2);
    assertThat(health.get("unhealthy_count").asInt()).isZero();
    assertThat(health.get("healthy_endpoints").get(1).get("model").asText()).isEqualTo("b");
    JsonNode one = Json.parse(send(f, "GET", "/health?model=a", null, "Authorization", "Bearer sk-m").body());
    assertThat(one.get("healthy_count").asInt()).isEqualTo(1);
  }

  // ------------------------------------------------------------------ mock_response

  @Test
  void mockResponseMagicValuesRaiseLiteLlmsMockErrors() throws Exception {
    OpenAiFake f = start(OpenAiFake.builder());
    record Case(String value, int status, String message, String type) {}
    List<Case> cases =
        List.of(
            new Case("litellm.RateLimitError", 429, "litellm.RateLimitError: this is a mock rate limit error", "throttling_error"),
            new Case("litellm.InternalServerError", 500, "litellm.InternalServerError: this is a mock internal server error", null),
            new Case(
                "litellm.ContextWindowExceededError",
                400,
                "litellm.ContextWindowExceededError: litellm.BadRequestError: this is a mock context window exceeded error",
                null),
            new Case("Exception: content_filter_policy violated", 400, "Exception: content_filter_policy violated", null),
            new Case("Exception: mock_streaming_error", 529, "This is a mock error raised mid-stream", null));
    for (Case c : cases) {
      HttpResponse<String> r = send(f, "POST", CHAT, HI + ",\"mock_response\":\"" + c.value + "\"}");
      assertThat(r.statusCode()).as(c.value).isEqualTo(c.status);
      JsonNode e = error(r);
      assertThat(e.get("message").asText()).isEqualTo(c.message);
      assertThat(e.get("code").asText()).isEqualTo(String.valueOf(c.status));
      if (c.type == null) {
        assertThat(e.get("type").isNull()).as(c.value).isTrue();
      } else {
        assertThat(e.get("type").asText()).isEqualTo(c.type);
      }
    }
  }

  @Test
  void mockStreamingErrorIsRaisedMidStream() throws Exception {
    OpenAiFake f = start(OpenAiFake.builder());
    HttpResponse<String> r = send(f, "POST", CHAT, HI + ",\"stream\":true,\"mock_response\":\"Exception: mock_streaming_error\"}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).contains("text/event-stream");
    assertThat(r.body()).isEqualTo("data: {\"error\":{\"message\":\"This is a mock error raised mid-stream\",\"type\":null,\"param\":null,\"code\":\"529\"}}\n\n");
  }

  @Test
  void aStringMockResponseStreamsInChunksAndADictIsReturnedAsIs() throws Exception {
    OpenAiFake f = start(OpenAiFake.builder().setup(x -> x.streamChunkSize(3)));
    HttpResponse<String> r = send(f, "POST", CHAT, HI + ",\"stream\":true,\"mock_response\":\"Hello world\"}");
    List<String> data = dataLines(r.body());
    assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
    StringBuilder text = new StringBuilder();
    for (String d : data.subList(0, data.size() - 1)) {
      text.append(Json.parse(d).get("choices").get(0).get("delta").path("content").asText(""));
    }
    assertThat(text).hasToString("Hello world");
    assertThat(data).hasSize(4 + 1);

    HttpResponse<String> dict =
        send(f, "POST", CHAT, HI + ",\"mock_response\":{\"id\":\"fixed\",\"choices\":[{\"index\":0,\"finish_reason\":\"stop\","
            + "\"message\":{\"role\":\"assistant\",\"content\":\"from dict\"}}]}}");
    JsonNode body = Json.parse(dict.body());
    assertThat(body.get("id").asText()).isEqualTo("fixed");
    assertThat(body.get("model").asText()).isEqualTo("gpt-4o-mini");
    assertThat(body.get("choices").get(0).get("message").get("content").asText()).isEqualTo("from dict");
    assertThat(body.get("usage").get("total_tokens").asInt()).isEqualTo(30);
  }

  @Test
  void mockToolCallsAreReturnedOnTheMessage() throws Exception {
    OpenAiFake f = start(OpenAiFake.builder());
    HttpResponse<String> r =
        send(f, "POST", CHAT, HI + ",\"mock_response\":\"calling\",\"mock_tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
            + "\"function\":{\"name\":\"lookup\",\"arguments\":\"{\\\"q\\\":1}\"}}]}");
    JsonNode msg = Json.parse(r.body()).get("choices").get(0).get("message");
    assertThat(msg.get("content").asText()).isEqualTo("calling");
    assertThat(msg.get("tool_calls").get(0).get("id").asText()).isEqualTo("call_1");
    assertThat(msg.get("tool_calls").get(0).get("function").get("arguments").asText()).isEqualTo("{\"q\":1}");
  }

  @Test
  void mockTimeoutAnswers408OnlyOnceTheFakesClockPassesTheTimeout() throws Exception {
    ManualClock clock = Clock.manual();
    OpenAiFake f = start(OpenAiFake.builder().clock(clock));
    CompletableFuture<HttpResponse<String>> pending =
        http.sendAsync(
            HttpRequest.newBuilder(URI.create(f.baseUri() + CHAT))
                .POST(HttpRequest.BodyPublishers.ofString(HI + ",\"mock_response\":\"x\",\"mock_timeout\":true,\"timeout\":2}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> clock.pendingTasks() == 1);
    clock.advance(Duration.ofMillis(1999));
    assertThat(pending).isNotDone();
    clock.advance(Duration.ofMillis(1));
    HttpResponse<String> r = pending.get(20, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(408);
    assertThat(error(r).get("message").asText()).startsWith("litellm.Timeout: Connection timed out. Timeout passed=2.0");
  }

  // ------------------------------------------------------------------ limits and faults

  @Test
  void theContextWindowCountsTokensAsUsageDoes() throws Exception {
    OpenAiFake f = start(OpenAiFake.builder().model(Model.of("small").contextWindow(20)));
    // usage.prompt_tokens of one user message = 3 + 3 + tokens("user") + tokens(content)
    String fits = "x".repeat(4 * 13); // 13 tokens -> 3 + 3 + 1 + 13 = 20
    HttpResponse<String> ok = send(f, "POST", CHAT, "{\"model\":\"small\",\"messages\":[{\"role\":\"user\",\"content\":\"" + fits + "\"}]}");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(Json.parse(ok.body()).get("usage").get("prompt_tokens").asInt()).isEqualTo(20);

    HttpResponse<String> over =
        send(f, "POST", CHAT, "{\"model\":\"small\",\"messages\":[{\"role\":\"user\",\"content\":\"" + fits + "y\"}]}");
    assertThat(over.statusCode()).isEqualTo(400);
    assertThat(error(over).get("message").asText())
        .startsWith("litellm.ContextWindowExceededError: litellm.BadRequestError: ContextWindowExceededError: OpenAIException - ")
        .contains("maximum context length is 20 tokens. However, your messages resulted in 21 tokens.");
    assertThat(error(over).get("param").asText()).isEqualTo("messages");
  }

  @Test
  void aCutStreamEndsWithoutDoneAndTheSdkSeesAnIoFailure() {
    OpenAiFake f = start(OpenAiFake.builder().setup(x -> x.reply("0123456789abcdef").streamChunkSize(4)));
    f.cutStreamAfter(2);
    OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(f.baseUri() + "/v1").apiKey("sk-x").maxRetries(0).build();
    open.add(client::close);
    List<String> got = new ArrayList<>();
    assertThatThrownBy(
            () -> {
              try (StreamResponse<ChatCompletionChunk> s =
                  client.chat().completions().createStreaming(
                      ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage("x").build())) {
                s.stream().forEach(c -> got.add(c.choices().get(0).delta().content().orElse("")));
              }
            })
        .isInstanceOf(com.openai.errors.OpenAIIoException.class);
    assertThat(got).containsExactly("0123", "4567");
    Entry request = f.journal().requests().get(0);
    assertThat(request.fault()).contains("LLM chunk").contains("cut after 2 events");
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
        .until(() -> "stream cut by fault after 2 events".equals(request.outcome()));
  }

  @Test
  void faultsApplyInOrderToLlmCallsOnly() throws Exception {
    OpenAiFake f = start(OpenAiFake.builder());
    f.failNext(1, 503, "first").rateLimitNext(1);
    assertThat(send(f, "GET", "/v1/models", null).statusCode()).isEqualTo(200);
    HttpResponse<String> a = send(f, "POST", "/v1/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":\"x\"}");
    assertThat(a.statusCode()).isEqualTo(503);
    assertThat(error(a).get("message").asText()).isEqualTo("first");
    HttpResponse<String> b = send(f, "POST", CHAT, HI + "}");
    assertThat(b.statusCode()).isEqualTo(429);
    assertThat(b.headers().firstValue("retry-after")).contains("1");
    assertThat(b.headers().firstValue("retry-after-ms")).isEmpty();
    assertThat(send(f, "POST", CHAT, HI + "}").statusCode()).isEqualTo(200);
  }

  // ------------------------------------------------------------------ routes, stubs, reset

  @Test
  void azureStyleRoutesTakeTheModelFromThePath() throws Exception {
    OpenAiFake f = start(OpenAiFake.builder().setup(x -> x.replyFor("gpt-4o", "azure says hi")));
    HttpResponse<String> r =
        send(f, "POST", "/openai/deployments/gpt-4o/chat/completions?api-version=2024-06-01",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
    assertThat(Json.parse(r.body()).get("choices").get(0).get("message").get("content").asText()).isEqualTo("azure says hi");
    HttpResponse<String> e = send(f, "POST", "/engines/gpt-4o/embeddings", "{\"input\":\"x\"}");
    assertThat(Json.parse(e.body()).get("model").asText()).isEqualTo("gpt-4o");
  }

  @Test
  void anyRouteCanBeStubbedInFrontOfTheProtocol() throws Exception {
    OpenAiFake f = start(OpenAiFake.builder());
    f.stub("POST", CHAT).respond(Response.json(418, Map.of("teapot", true)));
    assertThat(send(f, "POST", CHAT, HI + "}").statusCode()).isEqualTo(418);
  }

  @Test
  void resetReturnsToTheBuildersStateAndRunsSetup() throws Exception {
    OpenAiFake f = start(OpenAiFake.builder().setup(x -> x.reply("initial").replyWhen("setup", "from setup")));
    String firstId = Json.parse(send(f, "POST", CHAT, HI + "}").body()).get("id").asText();
    f.reply("changed").rateLimitNext(3).failStreamAfter(1);
    assertThat(content(send(f, "POST", CHAT, "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"setup\"}]}")))
        .isEqualTo("429");

    f.reset();

    assertThat(f.pendingFaults()).isZero();
    assertThat(f.journal().requests()).isEmpty();
    HttpResponse<String> r = send(f, "POST", CHAT, HI + "}");
    assertThat(content(r)).isEqualTo("initial");
    assertThat(Json.parse(r.body()).get("id").asText()).isEqualTo(firstId);
    assertThat(content(send(f, "POST", CHAT, "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"setup\"}]}")))
        .isEqualTo("from setup");
  }

  private static String content(HttpResponse<String> r) {
    JsonNode b = Json.parse(r.body());
    return b.has("error") ? b.get("error").get("code").asText() : b.get("choices").get(0).get("message").get("content").asText();
  }

  static List<String> dataLines(String sse) {
    List<String> out = new ArrayList<>();
    for (String line : sse.split("\n")) {
      if (line.startsWith("data: ")) {
        out.add(line.substring(6));
      }
    }
    return out;
  }
}
