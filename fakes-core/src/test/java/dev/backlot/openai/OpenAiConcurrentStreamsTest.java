package dev.backlot.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.backlot.time.Clock;
import dev.backlot.time.ManualClock;
import dev.backlot.journal.Entry;
import dev.backlot.journal.RequestPattern;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** 50 SDK clients streaming at once, on loopback, bounded in count and time. */
class OpenAiConcurrentStreamsTest {

  private static final int CLIENTS = 50;

  private final ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private static String replyFor(String prompt) {
    return "Answer to " + prompt + ": the fake streams this reply in small pieces.";
  }

  private OpenAIClient client(OpenAiFake fake) {
    OpenAIClient c =
        OpenAIOkHttpClient.builder()
            .baseUrl(fake.baseUri() + "/v1")
            .apiKey("sk-load")
            .maxRetries(0)
            .timeout(Duration.ofSeconds(60))
            .build();
    open.add(c::close);
    return c;
  }

  private List<Future<String>> startClients(OpenAIClient client) {
    List<Future<String>> results = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      String prompt = "client-" + i;
      results.add(
          pool.submit(
              () -> {
                try (StreamResponse<ChatCompletionChunk> s =
                    client.chat().completions().createStreaming(
                        ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage(prompt).build())) {
                  return s.stream()
                      .flatMap(c -> c.choices().stream())
                      .map(c -> c.delta().content().orElse(""))
                      .collect(Collectors.joining());
                }
              }));
    }
    return results;
  }

  @Test
  void fiftyStreamsOpenAtOnceAllArriveIntact() throws Exception {
    ManualClock clock = Clock.manual();
    OpenAiFake fake =
        OpenAiFake.builder()
            .clock(clock)
            .setup(x -> x.replyWith(call -> Reply.text(replyFor(call.prompt())))
                .streamChunkSize(4)
                .streamDelay(Duration.ofMillis(50)))
            .start();
    open.add(fake);
    List<Future<String>> results = startClients(client(fake));

    // Each stream sends its first chunk at once and schedules the next on the fake's clock, which
    // stands still: 50 pending tasks means 50 streams are open at the same moment.
    await().atMost(Duration.ofSeconds(60)).until(() -> clock.pendingTasks() == CLIENTS);
    assertThat(results).noneMatch(Future::isDone);

    for (int step = 0; step < 1000 && clock.pendingTasks() > 0; step++) {
      clock.advance(Duration.ofMillis(50));
    }
    assertThat(clock.pendingTasks()).isZero();
    for (int i = 0; i < CLIENTS; i++) {
      assertThat(results.get(i).get(60, TimeUnit.SECONDS)).isEqualTo(replyFor("client-" + i));
    }
    List<Entry> requests = fake.journal().requests();
    assertThat(requests).hasSize(CLIENTS).allSatisfy(e -> assertThat(e.status()).isEqualTo(200));
    for (int i = 0; i < CLIENTS; i++) {
      fake.journal().verify(1, RequestPattern.post("/v1/chat/completions").bodyContains("\"client-" + i + "\""));
    }
    int expectedEvents = 0;
    for (int i = 0; i < CLIENTS; i++) {
      expectedEvents += (replyFor("client-" + i).length() + 3) / 4 + 1;
    }
    assertThat(fake.journal().count(e -> e.kind() == Entry.Kind.SSE)).isEqualTo(expectedEvents);
    assertThat(expectedEvents).isGreaterThan(CLIENTS * 10); // each stream took many clock steps
  }

  @Test
  void fiftyStreamsOnTheSystemClockFinishByThemselves() throws Exception {
    OpenAiFake fake =
        OpenAiFake.builder()
            .setup(x -> x.replyWith(call -> Reply.text(replyFor(call.prompt())))
                .streamChunkSize(4)
                .streamDelay(Duration.ofMillis(2)))
            .start();
    open.add(fake);
    List<Future<String>> results = startClients(client(fake));
    for (int i = 0; i < CLIENTS; i++) {
      assertThat(results.get(i).get(60, TimeUnit.SECONDS)).isEqualTo(replyFor("client-" + i));
    }
    assertThat(fake.journal().requests()).hasSize(CLIENTS).allSatisfy(e -> assertThat(e.status()).isEqualTo(200));
    assertThat(fake.journal().count(e -> e.kind() == Entry.Kind.SSE && e.bodyText().equals("[DONE]"))).isEqualTo(CLIENTS);
  }
}
