package dev.backlot.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backlot.time.Clock;
import dev.backlot.wire.Json;
import dev.backlot.time.ManualClock;
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
import java.util.TreeMap;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Same seed, same run: one scenario (echo, tool call, stream, completions, embeddings, a dict
 * mock_response without an id, an injected rate limit and stream error) run twice gives
 * byte-identical journals, minted ids included; another seed gives other ids.
 */
class OpenAiSameSeedSameRunTest {

  private static final String CHAT = "/v1/chat/completions";
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void aResetFakeReplaysTheSameJournalByteForByte() throws Exception {
    ManualClock clock = Clock.manual(Instant.parse("2026-01-02T03:04:05Z"));
    try (OpenAiFake fake = OpenAiFake.builder().clock(clock).seed(42).start()) {
      List<String> firstIds = scenario(fake);
      String first = render(fake);
      fake.reset();
      List<String> secondIds = scenario(fake);
      String second = render(fake);

      assertThat(second).isEqualTo(first);
      assertThat(secondIds).isEqualTo(firstIds);
      // the journal does hold minted ids, so the comparison covers them
      assertThat(first).contains("chatcmpl-").contains("call_").contains("cmpl-");
      assertThat(firstIds).doesNotHaveDuplicates().allMatch(id -> !id.isEmpty());
    }
  }

  @Test
  void twoFakesWithOneSeedMintTheSameIdsAndAnotherSeedOthers() throws Exception {
    ManualClock clock = Clock.manual(Instant.parse("2026-01-02T03:04:05Z"));
    try (OpenAiFake a = OpenAiFake.builder().clock(clock).seed(7).start();
        OpenAiFake b = OpenAiFake.builder().clock(clock).seed(7).start();
        OpenAiFake c = OpenAiFake.builder().clock(clock).seed(8).start()) {
      List<String> ia = scenario(a);
      List<String> ib = scenario(b);
      List<String> ic = scenario(c);
      assertThat(ib).isEqualTo(ia);
      assertThat(ic).hasSameSizeAs(ia);
      for (int i = 0; i < ia.size(); i++) {
        assertThat(ic.get(i)).isNotEqualTo(ia.get(i));
      }
      // journals of a and b differ only in the Host header's port
      assertThat(render(b).replace(":" + b.port(), ":PORT")).isEqualTo(render(a).replace(":" + a.port(), ":PORT"));
    }
  }

  /** Runs the scenario; returns the ids the fake minted (bodies and x-litellm-call-id headers). */
  private List<String> scenario(OpenAiFake fake) throws Exception {
    List<String> ids = new ArrayList<>();
    HttpResponse<String> r = post(fake, CHAT, chat("hello there", ""));
    ids.add(Json.parse(r.body()).get("id").asText());
    ids.add(r.headers().firstValue("x-litellm-call-id").orElseThrow());

    String tools = ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"find\",\"parameters\":"
        + "{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\"}}}}}]";
    r = post(fake, CHAT, chat("find cats", tools));
    ids.add(Json.parse(r.body()).at("/choices/0/message/tool_calls/0/id").asText());

    r = post(fake, CHAT, chat("stream me", ",\"stream\":true"));
    assertThat(r.body()).contains("data: [DONE]");
    ids.add(Json.parse(OpenAiLiteLlmBehaviourTest.dataLines(r.body()).get(0)).get("id").asText());

    r = post(fake, "/v1/completions", "{\"model\":\"gpt-3.5-turbo-instruct\",\"prompt\":\"once upon\"}");
    ids.add(Json.parse(r.body()).get("id").asText());
    post(fake, "/v1/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":\"a b c\",\"dimensions\":4}");

    r = post(fake, CHAT, "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
        + "\"mock_response\":{\"choices\":[{\"index\":0,\"finish_reason\":\"stop\",\"message\":{\"role\":\"assistant\",\"content\":\"m\"}}]}}");
    ids.add(Json.parse(r.body()).get("id").asText());

    fake.rateLimitNext(1).failStreamAfter(1);
    assertThat(post(fake, CHAT, chat("limited", "")).statusCode()).isEqualTo(429);
    assertThat(post(fake, CHAT, chat("broken stream", ",\"stream\":true")).body()).contains("\"error\"");
    fake.faults().assertAllFired();
    // every stream's outcome is recorded before the journal is read
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(
        () -> fake.journal().requests().stream().allMatch(e -> e.outcome() != null || !e.path().equals(CHAT)
            || !e.bodyText().contains("\"stream\":true")));
    return ids;
  }

  private static String chat(String prompt, String extra) {
    return "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]" + extra + "}";
  }

  private HttpResponse<String> post(OpenAiFake fake, String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(fake.baseUri() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Every field of every entry, headers sorted, one block per entry; all but latency, which the
   * journal measures on the JVM's nanosecond timer (a measurement, not part of the run).
   */
  static String render(OpenAiFake fake) {
    StringBuilder sb = new StringBuilder();
    for (Entry e : fake.journal().entries()) {
      sb.append(e.id()).append(' ').append(e.kind()).append(' ').append(e.time()).append(' ')
          .append(e.method()).append(' ').append(e.path()).append('?').append(e.query()).append('\n');
      for (Map.Entry<String, List<String>> h : new TreeMap<>(e.headers()).entrySet()) {
        sb.append("  ").append(h.getKey()).append(": ").append(h.getValue()).append('\n');
      }
      sb.append("  body: ").append(e.bodyText()).append('\n')
          .append("  status: ").append(e.status()).append('\n')
          .append("  response: ").append(e.responseBody()).append('\n')
          .append("  fault: ").append(e.fault()).append('\n')
          .append("  outcome: ").append(e.outcome()).append('\n');
    }
    return sb.toString();
  }
}
