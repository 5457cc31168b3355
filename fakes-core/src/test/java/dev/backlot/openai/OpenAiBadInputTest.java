package dev.backlot.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.wire.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every malformed request class the fake handles gets its documented status and LiteLLM's error
 * body {@code {"error": {"message", "type", "param", "code"}}}, never a 500, and the fake keeps
 * serving with its state untouched.
 */
class OpenAiBadInputTest {

  private static final String MSG = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
  private static final String CHAT = "/v1/chat/completions";
  private static final String CMPL = "/v1/completions";
  private static final String EMB = "/v1/embeddings";

  private static OpenAiFake fake;
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @BeforeAll
  static void start() {
    fake =
        OpenAiFake.builder()
            .models("gpt-4o-mini", "gpt-3.5-turbo-instruct")
            .model(Model.of("text-embedding-3-small").dimensions(8))
            .maxBodyBytes(4096)
            .start();
  }

  @AfterAll
  static void stop() {
    fake.close();
  }

  private static HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest.BodyPublisher p = body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body);
    return http.send(
        HttpRequest.newBuilder(URI.create(fake.baseUri() + path))
            .timeout(Duration.ofSeconds(20))
            .header("Content-Type", "application/json")
            .method(method, p)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static Stream<Arguments> badRequests() {
    List<Arguments> c = new ArrayList<>();
    // body
    c.add(Arguments.of("malformed JSON", CHAT, "{\"model\":", 400, "None", "Malformed JSON in request body"));
    c.add(Arguments.of("empty body", CHAT, "", 400, "None", "Request body is empty"));
    c.add(Arguments.of("body not an object", CHAT, "[1,2]", 400, null, "expected a JSON object, but got an array"));
    // model
    c.add(Arguments.of("missing model", CHAT, "{" + MSG + "}", 400, "None", "/chat/completions: Invalid model name passed in model=. Call `/v1/models`"));
    c.add(Arguments.of("unknown model", CHAT, "{\"model\":\"gpt-9\"," + MSG + "}", 400, "None", "Invalid model name passed in model=gpt-9"));
    c.add(Arguments.of("model not a string", CHAT, "{\"model\":5," + MSG + "}", 400, "None", "Invalid model name passed in model=5"));
    // messages
    c.add(Arguments.of("missing messages", CHAT, "{\"model\":\"gpt-4o-mini\"}", 400, "messages", "Missing required parameter: 'messages'."));
    c.add(Arguments.of("messages a string", CHAT, "{\"model\":\"gpt-4o-mini\",\"messages\":\"hi\"}", 400, "messages",
        "Invalid type for 'messages': expected an array, but got a string instead."));
    c.add(Arguments.of("messages empty", CHAT, "{\"model\":\"gpt-4o-mini\",\"messages\":[]}", 400, "messages", "empty array"));
    c.add(Arguments.of("message not an object", CHAT, "{\"model\":\"gpt-4o-mini\",\"messages\":[\"hi\"]}", 400, "messages[0]",
        "expected an object, but got a string"));
    c.add(Arguments.of("role missing", CHAT, "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"content\":\"hi\"}]}", 400, "messages[0].role",
        "Missing required parameter: 'messages[0].role'."));
    c.add(Arguments.of("role unknown", CHAT, "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"robot\",\"content\":\"hi\"}]}", 400,
        "messages[0].role", "Invalid value: 'robot'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'."));
    c.add(Arguments.of("content a number", CHAT, "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":7}]}", 400,
        "messages[0].content", "expected one of a string or array of objects, but got an integer instead"));
    c.add(Arguments.of("user content missing", CHAT, "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\"}]}", 400,
        "messages[0].content", "Missing required parameter: 'messages[0].content'."));
    c.add(Arguments.of("content part not an object", CHAT, "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":[\"x\"]}]}",
        400, "messages[0].content[0]", "expected an object"));
    c.add(Arguments.of("text part without text", CHAT,
        "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\"}]}]}", 400,
        "messages[0].content[0].text", "Missing required parameter"));
    c.add(Arguments.of("tool message without tool_call_id", CHAT,
        "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"tool\",\"content\":\"42\"}]}", 400, "messages[0].tool_call_id",
        "Missing required parameter: 'messages[0].tool_call_id'."));
    // scalar parameters
    c.add(Arguments.of("stream not a boolean", CHAT, "{\"model\":\"gpt-4o-mini\"," + MSG + ",\"stream\":\"yes\"}", 400, "stream",
        "Invalid type for 'stream': expected a boolean, but got a string instead."));
    c.add(Arguments.of("n zero", CHAT, "{\"model\":\"gpt-4o-mini\"," + MSG + ",\"n\":0}", 400, "n",
        "Invalid 'n': integer below minimum value. Expected a value >= 1, but got 0 instead."));
    c.add(Arguments.of("n too large", CHAT, "{\"model\":\"gpt-4o-mini\"," + MSG + ",\"n\":500}", 400, "n", "integer above maximum value"));
    c.add(Arguments.of("n a string", CHAT, "{\"model\":\"gpt-4o-mini\"," + MSG + ",\"n\":\"two\"}", 400, "n",
        "Invalid type for 'n': expected an integer, but got a string instead."));
    c.add(Arguments.of("temperature too high", CHAT, "{\"model\":\"gpt-4o-mini\"," + MSG + ",\"temperature\":3}", 400, "temperature",
        "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 3 instead."));
    c.add(Arguments.of("temperature a string", CHAT, "{\"model\":\"gpt-4o-mini\"," + MSG + ",\"temperature\":\"hot\"}", 400,
        "temperature", "expected a decimal, but got a string"));
    c.add(Arguments.of("top_p negative", CHAT, "{\"model\":\"gpt-4o-mini\"," + MSG + ",\"top_p\":-0.5}", 400, "top_p", "decimal below minimum value"));
    c.add(Arguments.of("max_tokens zero", CHAT, "{\"model\":\"gpt-4o-mini\"," + MSG + ",\"max_tokens\":0}", 400, "max_tokens",
        "integer below minimum value"));
    c.add(Arguments.of("stop a number", CHAT, "{\"model\":\"gpt-4o-mini\"," + MSG + ",\"stop\":5}", 400, "stop",
        "expected one of a string or array of strings, but got an integer"));
    c.add(Arguments.of("stop too many", CHAT, "{\"model\":\"gpt-4o-mini\"," + MSG + ",\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}", 400,
        "stop", "array too long"));
    c.add(Arguments.of("stream_options without stream", CHAT,
        "{\"model\":\"gpt-4o-mini\"," + MSG + ",\"stream_options\":{\"include_usage\":true}}", 400, "stream_options",
        "The 'stream_options' parameter is only allowed when 'stream' is enabled."));
    // tools and formats
    c.add(Arguments.of("tools not an array", CHAT, "{\"model\":\"gpt-4o-mini\"," + MSG + ",\"tools\":{}}", 400, "tools",
        "expected an array, but got an object"));
    c.add(Arguments.of("tool without a name", CHAT,
        "{\"model\":\"gpt-4o-mini\"," + MSG + ",\"tools\":[{\"type\":\"function\",\"function\":{}}]}", 400, "tools[0].function.name",
        "Missing required parameter: 'tools[0].function.name'."));
    c.add(Arguments.of("tool_choice without tools", CHAT, "{\"model\":\"gpt-4o-mini\"," + MSG + ",\"tool_choice\":\"required\"}", 400,
        "tool_choice", "only allowed when 'tools' are specified"));
    c.add(Arguments.of("tool_choice unknown", CHAT,
        "{\"model\":\"gpt-4o-mini\"," + MSG + ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],\"tool_choice\":\"always\"}",
        400, "tool_choice", "Invalid value: 'always'. Supported values are: 'none', 'auto', and 'required'."));
    c.add(Arguments.of("response_format unknown", CHAT, "{\"model\":\"gpt-4o-mini\"," + MSG + ",\"response_format\":{\"type\":\"yaml\"}}",
        400, "response_format.type", "Invalid value: 'yaml'"));
    c.add(Arguments.of("json_schema without schema", CHAT,
        "{\"model\":\"gpt-4o-mini\"," + MSG + ",\"response_format\":{\"type\":\"json_schema\"}}", 400, "response_format.json_schema",
        "Missing required parameter"));
    // completions
    c.add(Arguments.of("completions without prompt", CMPL, "{\"model\":\"gpt-3.5-turbo-instruct\"}", 400, "prompt",
        "Missing required parameter: 'prompt'."));
    c.add(Arguments.of("completions prompt an object", CMPL, "{\"model\":\"gpt-3.5-turbo-instruct\",\"prompt\":{}}", 400, "prompt",
        "Invalid type for 'prompt'"));
    c.add(Arguments.of("completions prompt empty array", CMPL, "{\"model\":\"gpt-3.5-turbo-instruct\",\"prompt\":[]}", 400, "prompt",
        "empty array"));
    c.add(Arguments.of("completions unknown model", CMPL, "{\"model\":\"x\",\"prompt\":\"a\"}", 400, "None",
        "/completions: Invalid model name passed in model=x"));
    // embeddings
    c.add(Arguments.of("embeddings without input", EMB, "{\"model\":\"text-embedding-3-small\"}", 400, "input",
        "Missing required parameter: 'input'."));
    c.add(Arguments.of("embeddings empty string", EMB, "{\"model\":\"text-embedding-3-small\",\"input\":\"\"}", 400, "input",
        "'$.input' is invalid."));
    c.add(Arguments.of("embeddings empty array", EMB, "{\"model\":\"text-embedding-3-small\",\"input\":[]}", 400, "input",
        "'$.input' is invalid."));
    c.add(Arguments.of("embeddings input an object", EMB, "{\"model\":\"text-embedding-3-small\",\"input\":{\"a\":1}}", 400, "input",
        "'$.input' is invalid."));
    c.add(Arguments.of("embeddings mixed array", EMB, "{\"model\":\"text-embedding-3-small\",\"input\":[\"a\",7]}", 400, "input",
        "'$.input' is invalid."));
    c.add(Arguments.of("embeddings unknown format", EMB,
        "{\"model\":\"text-embedding-3-small\",\"input\":\"a\",\"encoding_format\":\"int8\"}", 400, "encoding_format",
        "Invalid value: 'int8'. Supported values are: 'float' and 'base64'."));
    c.add(Arguments.of("embeddings zero dimensions", EMB, "{\"model\":\"text-embedding-3-small\",\"input\":\"a\",\"dimensions\":0}", 400,
        "dimensions", "integer below minimum value"));
    c.add(Arguments.of("embeddings too many dimensions", EMB,
        "{\"model\":\"text-embedding-3-small\",\"input\":\"a\",\"dimensions\":9}", 400, "dimensions",
        "Expected a value <= 8, but got 9 instead."));
    c.add(Arguments.of("embeddings unknown model", EMB, "{\"model\":\"nope\",\"input\":\"a\"}", 400, "None",
        "/embeddings: Invalid model name passed in model=nope"));
    return c.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRequests")
  void badRequestsGetLiteLlmsErrorShape(String name, String path, String body, int status, String param, String message)
      throws Exception {
    HttpResponse<String> r = send("POST", path, body);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
    JsonNode error = Json.parse(r.body()).get("error");
    assertThat(fieldNames(error)).containsExactly("message", "type", "param", "code");
    assertThat(error.get("code").isTextual()).isTrue();
    assertThat(error.get("code").asText()).isEqualTo(String.valueOf(status));
    assertThat(error.get("message").asText()).contains(message);
    if (param == null) {
      assertThat(error.get("param").isNull()).as(r.body()).isTrue();
    } else {
      assertThat(error.get("param").asText()).isEqualTo(param);
    }
    assertThat(error.get("type").isTextual()).isTrue();
  }

  @Test
  void engineLevelErrorsUseTheSameShape() throws Exception {
    HttpResponse<String> notFound = send("GET", "/v1/nothing-here", null);
    assertThat(notFound.statusCode()).isEqualTo(404);
    JsonNode e404 = Json.parse(notFound.body()).get("error");
    assertThat(e404.get("code").asText()).isEqualTo("404");
    assertThat(e404.get("type").asText()).isEqualTo("not_found_error");
    assertThat(e404.get("message").asText()).startsWith("No route for GET /v1/nothing-here");

    HttpResponse<String> badMethod = send("DELETE", CHAT, null);
    assertThat(badMethod.statusCode()).isEqualTo(405);
    assertThat(badMethod.headers().firstValue("Allow")).contains("POST");
    assertThat(Json.parse(badMethod.body()).get("error").get("code").asText()).isEqualTo("405");

    HttpResponse<String> tooBig = send("POST", CHAT, "{\"model\":\"gpt-4o-mini\",\"x\":\"" + "a".repeat(5000) + "\"}");
    assertThat(tooBig.statusCode()).isEqualTo(413);
    assertThat(Json.parse(tooBig.body()).get("error").get("code").asText()).isEqualTo("413");
  }

  @Test
  void unknownModelIdIsA404() throws Exception {
    HttpResponse<String> r = send("GET", "/v1/models/gpt-9", null);
    assertThat(r.statusCode()).isEqualTo(404);
    JsonNode e = Json.parse(r.body()).get("error");
    assertThat(e.get("message").asText()).isEqualTo("Model gpt-9 not found");
    assertThat(e.get("param").asText()).isEqualTo("model");
  }

  @Test
  void failedRequestsChangeNothingAndTheFakeKeepsServing() throws Exception {
    String firstIdOfAFreshFake;
    try (OpenAiFake fresh = OpenAiFake.builder().models("gpt-4o-mini").start()) {
      firstIdOfAFreshFake = Json.parse(sendTo(fresh, "{\"model\":\"gpt-4o-mini\"," + MSG + "}")).get("id").asText();
    }
    fake.reset();
    for (Object[] bad : badRequests().map(Arguments::get).toList()) {
      send("POST", (String) bad[1], (String) bad[2]);
    }
    HttpResponse<String> ok = send("POST", CHAT, "{\"model\":\"gpt-4o-mini\"," + MSG + "}");
    assertThat(ok.statusCode()).isEqualTo(200);
    // ids are numbered per answered call: none of the failed requests used one up
    assertThat(Json.parse(ok.body()).get("id").asText()).isEqualTo(firstIdOfAFreshFake);
    assertThat(fake.journal().requests()).hasSize((int) badRequests().count() + 1);
    assertThat(fake.journal().requests()).noneMatch(e -> e.status() == 500);
  }

  private static String sendTo(OpenAiFake f, String body) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(f.baseUri() + CHAT)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static List<String> fieldNames(JsonNode n) {
    List<String> out = new ArrayList<>();
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      out.add(it.next());
    }
    return out;
  }
}
