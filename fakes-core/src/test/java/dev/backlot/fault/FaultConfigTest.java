package dev.backlot.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backlot.wire.Json;
import dev.backlot.wire.Response;
import dev.backlot.http.HttpFake;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FaultConfigTest {

  private final HttpFake fake = new HttpFake().start();

  @AfterEach
  void close() {
    fake.close();
  }

  private Rule<?> apply(String json) {
    return FaultConfig.apply(fake.faults(), Json.parse(json));
  }

  @Test
  void aStatusRuleFiresOnTheWireAsTheFluentOneWould() throws Exception {
    fake.stub("POST", "/prompt").respond(Response.json(200, "{}"));
    apply("{\"method\":\"POST\",\"path\":\"/prompt\",\"when\":{\"nth\":2},\"action\":\"status\",\"status\":503,\"message\":\"busy\"}");
    HttpClient c = HttpClient.newHttpClient();
    HttpRequest post = HttpRequest.newBuilder(URI.create(fake.baseUri() + "/prompt"))
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
    assertThat(c.send(post, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    HttpResponse<String> second = c.send(post, HttpResponse.BodyHandlers.ofString());
    assertThat(second.statusCode()).isEqualTo(503);
    assertThat(second.body()).contains("busy");
    assertThat(c.send(post, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "{\"path\":\"/a\",\"action\":\"close\"}",
      "{\"path\":\"/a\",\"action\":\"reset\",\"when\":{\"every\":2}}",
      "{\"path\":\"/a\",\"action\":\"stall\",\"when\":{\"after\":1}}",
      "{\"path\":\"/a\",\"action\":\"stallAfterHeaders\"}",
      "{\"path\":\"/a\",\"action\":\"truncate\",\"bytes\":10}",
      "{\"path\":\"/a\",\"action\":\"corrupt\",\"when\":{\"probability\":0.5}}",
      "{\"path\":\"/a\",\"action\":\"throttle\",\"bytesPerSecond\":1000}",
      "{\"path\":\"/a\",\"delayMillis\":100}",
      "{\"path\":\"/a\",\"header\":{\"X\":\"1\"},\"query\":{\"q\":\"2\"},\"action\":\"rateLimit\"}",
      "{\"on\":\"sse\",\"path\":\"/s\",\"action\":\"cutAfter\",\"n\":2}",
      "{\"on\":\"sse\",\"path\":\"/s\",\"type\":\"tick\",\"action\":\"duplicate\"}",
      "{\"on\":\"sse\",\"path\":\"/s\",\"action\":\"drop\"}",
      "{\"on\":\"websocket\",\"path\":\"/ws\",\"action\":\"closeAfter\",\"n\":3,\"code\":4000}",
      "{\"on\":\"websocket\",\"path\":\"/ws\",\"action\":\"abortAfter\",\"n\":1}",
      "{\"on\":\"websocket\",\"path\":\"/ws\",\"action\":\"refuse\",\"status\":403}",
      "{\"on\":\"websocket\",\"path\":\"/ws\",\"type\":\"progress\",\"action\":\"drop\"}",
      "{\"on\":\"websocket\",\"path\":\"/ws\",\"direction\":\"incoming\",\"action\":\"duplicate\"}"})
  void everyDocumentedActionIsAccepted(String json) {
    int before = fake.faults().rules().size();
    apply(json);
    assertThat(fake.faults().rules()).hasSize(before + 1);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "[1,2]|must be an object",
      "{\"path\":\"/a\",\"colour\":1}|unknown fault key 'colour' (known: on, method, path, header, query, when, delayMillis, action, status, message, retryAfterMillis, bytes, bytesPerSecond, n, code, type, direction)",
      "{\"path\":\"/a\",\"next\":1,\"action\":\"close\"}|unknown fault key 'next'; did you mean \"when\": {\"next\": ...}? (known: on, method,",
      "{\"path\":\"/a\",\"stauts\":503,\"action\":\"close\"}|unknown fault key 'stauts'; did you mean 'status'? (known: on,",
      "{\"path\":\"/a\"}|needs an 'action'",
      "{\"path\":\"/a\",\"action\":\"explode\"}|unknown action 'explode' (known: status, rateLimit, close, reset, stall, stallAfterHeaders, truncate, corrupt, throttle, delay)",
      "{\"path\":\"/a\",\"action\":\"rateLimt\"}|unknown action 'rateLimt'; did you mean 'rateLimit'? (known: status,",
      "{\"on\":\"carrier-pigeon\",\"action\":\"close\"}|unknown 'on' value 'carrier-pigeon' (known: http, sse, websocket)",
      "{\"on\":\"websockets\",\"action\":\"close\"}|unknown 'on' value 'websockets'; did you mean 'websocket'? (known: http, sse, websocket)",
      "{\"path\":\"/a\",\"action\":\"status\",\"status\":42}|'status' must be 100-599",
      "{\"path\":\"/a\",\"action\":\"truncate\"}|'bytes' must be a whole number",
      "{\"path\":\"/a\",\"action\":\"close\",\"when\":{\"sometimes\":1}}|unknown 'when' key 'sometimes' (known: next, nth, every, after, probability)",
      "{\"path\":\"/a\",\"action\":\"close\",\"when\":{\"nxt\":1}}|unknown 'when' key 'nxt'; did you mean 'next'? (known: next, nth, every, after, probability)",
      "{\"on\":\"sse\",\"path\":\"/s\",\"action\":\"reset\"}|unknown action 'reset' (known: cutAfter, drop, duplicate)",
      "{\"on\":\"websocket\",\"path\":\"/ws\",\"direction\":\"sideways\",\"action\":\"drop\"}|'direction' must be"})
  void badRulesAreRefusedWithTheReason(String json, String reason) {
    assertThatThrownBy(() -> apply(json)).hasMessageContaining(reason);
  }
}
