package dev.backlot.examples.director;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The add-on's text generator: OpenAI chat completions through a LiteLLM proxy, retrying
 * timeouts, 429s and 5xx up to {@code attempts} times.
 *
 * <pre>{@code
 * var llm = new LlmClient(http, URI.create("http://127.0.0.1:8000"), "sk-director", "gpt-4o-mini", Duration.ofSeconds(30), 3);
 * LlmClient.Completion c = llm.complete("Write a logline for a heist movie");
 * }</pre>
 */
public final class LlmClient implements BackendConnection {

  /** The answer: the first choice's text, the model that answered, tokens used. */
  public record Completion(String id, String text, String model, int totalTokens) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final URI base;
  private final String apiKey;
  private final String model;
  private final Duration timeout;
  private final int attempts;
  private volatile boolean closed;

  public LlmClient(HttpClient http, URI base, String apiKey, String model, Duration timeout, int attempts) {
    this.http = http;
    this.base = base;
    this.apiKey = apiKey;
    this.model = model;
    this.timeout = timeout;
    this.attempts = attempts;
  }

  @Override
  public String service() {
    return "litellm";
  }

  /** One user message, the first choice back. */
  public Completion complete(String userMessage) throws BackendException, InterruptedException {
    ObjectNode body = JSON.createObjectNode().put("model", model);
    body.putArray("messages").addObject().put("role", "user").put("content", userMessage);
    HttpRequest req = HttpRequest.newBuilder(base.resolve("/v1/chat/completions"))
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .header("Authorization", "Bearer " + apiKey)
        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
        .build();
    JsonNode res = parse(send(req));
    JsonNode content = res.at("/choices/0/message/content");
    if (!content.isTextual()) {
      throw new BackendException(service(), "bad answer", "no choices[0].message.content", null);
    }
    return new Completion(res.path("id").asText(), content.asText(), res.path("model").asText(),
        res.at("/usage/total_tokens").asInt());
  }

  /** LiteLLM's liveness route; throws unless it answers 200. */
  public void checkHealth() throws BackendException, InterruptedException {
    HttpRequest req = HttpRequest.newBuilder(base.resolve("/health/liveliness")).timeout(timeout).build();
    try {
      int s = http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
      if (s != 200) {
        throw new BackendException(service(), "http " + s, null, null);
      }
    } catch (IOException e) {
      throw new BackendException(service(), BackendException.reasonOf(e), e.toString(), e);
    }
  }

  private String send(HttpRequest req) throws BackendException, InterruptedException {
    BackendException last = null;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      try {
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        int s = r.statusCode();
        if (s < 300) {
          return r.body();
        }
        last = new BackendException(service(), "http " + s, r.body(), null);
        if (s != 429 && s < 500) {
          break;
        }
      } catch (IOException e) {
        last = new BackendException(service(), BackendException.reasonOf(e), e.toString(), e);
      }
    }
    throw last;
  }

  private JsonNode parse(String body) throws BackendException {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new BackendException(service(), "bad answer", body, e);
    }
  }

  @Override
  public boolean isUsable() {
    return !closed;
  }

  @Override
  public void close() {
    closed = true;
  }
}
