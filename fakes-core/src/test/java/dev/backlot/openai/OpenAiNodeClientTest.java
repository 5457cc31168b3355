package dev.backlot.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.wire.Json;
import dev.backlot.journal.Entry;
import dev.backlot.testing.Node;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The npm {@code openai} SDK (6.x, a second client besides openai-java): src/test/js/openai/client.mjs. */
class OpenAiNodeClientTest {

  @Test
  void theNodeSdkRunsChatStreamingToolsEmbeddingsModelsAndErrors() {
    Node.assumeAvailable();
    try (OpenAiFake llm = OpenAiFake.builder().start();
        OpenAiFake err = OpenAiFake.builder().masterKey("sk-good").start()) {
      llm.replyWhen("node", "Bonjour from the fake").replyWhen("sunny", "It is sunny in Paris.");
      err.rateLimitNext(1, Duration.ofMillis(1500)).rateLimitNext(2, Duration.ofMillis(20)).reply("after retries");

      Node.Result r = Node.run("openai/client.mjs", Map.of("URL", llm.baseUri().toString(), "ERR_URL", err.baseUri().toString()));

      assertThat(r.exitCode()).as(r.output() + "\n" + err.journal().describe(20)).isZero();
      JsonNode out = Json.parse(r.lastLine());

      assertThat(out.at("/chat/content").asText()).isEqualTo("Bonjour from the fake");
      assertThat(out.at("/chat/finish").asText()).isEqualTo("stop");
      assertThat(out.at("/chat/id").asText()).startsWith("chatcmpl-");
      assertThat(out.at("/chat/usage/total_tokens").asInt()).isPositive();

      assertThat(out.at("/stream/text").asText()).isEqualTo("Bonjour from the fake");
      assertThat(out.at("/stream/chunks").asInt()).isEqualTo(6 + 1); // 21 chars in 4s, then the usage chunk
      assertThat(out.at("/stream/usage/completion_tokens").asInt()).isEqualTo(OpenAiFake.countTokens("Bonjour from the fake"));

      // the fake's automatic tool call, answered by the tool message, then the programmed reply
      assertThat(out.at("/tools/finish").asText()).isEqualTo("tool_calls");
      assertThat(out.at("/tools/name").asText()).isEqualTo("get_weather");
      assertThat(out.at("/tools/args/city").asText()).isEqualTo("Paris");
      assertThat(out.at("/tools/callId").asText()).startsWith("call_");
      assertThat(out.at("/tools/answer").asText()).isEqualTo("It is sunny in Paris.");
      assertThat(out.at("/tools/answerFinish").asText()).isEqualTo("stop");

      assertThat(out.at("/embeddings/count").asInt()).isEqualTo(2);
      float[] expected = OpenAiFake.embedding("red apple", 8);
      JsonNode first = out.at("/embeddings/first");
      assertThat(first).hasSize(8);
      for (int i = 0; i < 8; i++) {
        assertThat(first.get(i).floatValue()).isCloseTo(expected[i], within(1e-6f));
      }
      assertThat(llm.journal().requests().stream().filter(e -> e.path().endsWith("/embeddings")).findFirst().orElseThrow()
          .bodyText()).contains("\"encoding_format\":\"base64\"");

      assertThat(out.get("models")).extracting(JsonNode::asText)
          .containsExactly("gpt-4o-mini", "gpt-4o", "gpt-3.5-turbo-instruct", "text-embedding-3-small");

      JsonNode unauthorized = out.at("/errors/unauthorized");
      assertThat(unauthorized.get("isAuth").asBoolean()).as(unauthorized.toString()).isTrue();
      assertThat(unauthorized.get("cls").asText()).isEqualTo("AuthenticationError");
      assertThat(unauthorized.get("status").asInt()).isEqualTo(401);
      assertThat(unauthorized.get("code").asText()).isEqualTo("401");
      assertThat(unauthorized.get("type").asText()).isEqualTo("token_not_found_in_db");

      assertThat(out.at("/errors/retried").asText()).isEqualTo("after retries");
      JsonNode limited = out.at("/errors/rateLimited");
      assertThat(limited.get("isRateLimit").asBoolean()).as(limited.toString()).isTrue();
      assertThat(limited.get("cls").asText()).isEqualTo("RateLimitError");
      assertThat(limited.get("status").asInt()).isEqualTo(429);
      assertThat(limited.get("type").asText()).isEqualTo("throttling_error");
      assertThat(limited.get("retryAfter").asText()).isEqualTo("2");
      assertThat(limited.get("retryAfterMs").asText()).isEqualTo("1500");

      // on the erroring fake: the 401 (not counted by the rate limits), the surfaced 429, then 429, 429, 200
      assertThat(err.journal().requests()).extracting(Entry::status).containsExactly(401, 429, 429, 429, 200);
      assertThat(err.journal().requests()).extracting(e -> e.header("x-stainless-retry-count"))
          .containsExactly("0", "0", "0", "1", "2");
      assertThat(err.pendingFaults()).isZero();
      err.faults().assertAllFired();
    }
  }
}
