package dev.backlot.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backlot.journal.Entry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/** The same seed and the same traffic give the same faults, decision for decision. */
class FaultDeterminismTest {

  private static final int REQUESTS = 1000;

  @Test
  void aSeededProbabilisticPlanReplaysIdenticallyOverAThousandRequests() throws Exception {
    List<String> first = run(20261122L);
    List<String> second = run(20261122L);

    assertThat(second).hasSize(REQUESTS).isEqualTo(first);
    // The plan really did vary: every kind of outcome happened.
    assertThat(first).anyMatch(s -> s.contains(" 503 "));
    assertThat(first).anyMatch(s -> s.contains(" 429 "));
    assertThat(first).anyMatch(s -> s.contains(" corrupt "));
    assertThat(first).anyMatch(s -> s.contains(" SocketException "));
    assertThat(first).anyMatch(s -> s.contains(" 200 ") && !s.contains("corrupt"));
    assertThat(first).anyMatch(s -> s.contains("-> delay uniform(0ms..2ms): "));
  }

  /** One line per request: what the client saw, and the decision the journal recorded. */
  private static List<String> run(long seed) throws Exception {
    OkHttpClient client = new OkHttpClient.Builder().retryOnConnectionFailure(false).build();
    byte[] clean = TestBackend.body(64);
    List<String> seen = new ArrayList<>(REQUESTS);
    try (TestBackend fake = TestBackend.builder().seed(seed).start()) {
      fake.faults().onAny().probability(0.1).delay(Delay.uniform(Duration.ZERO, Duration.ofMillis(2)));
      fake.faults().on("POST", "/prompt").probability(0.15).status(503);
      fake.faults().on("POST", "/prompt").probability(0.1).rateLimit(Duration.ofSeconds(1));
      fake.faults().on("POST", "/prompt").probability(0.03).reset();
      fake.faults().on("GET", "/data/{size}").probability(0.1).corrupt(2);

      for (int i = 0; i < REQUESTS; i++) {
        boolean post = i % 2 == 0;
        Request.Builder b = new Request.Builder().url(fake.baseUri() + (post ? "/prompt" : "/data/64"));
        if (post) {
          b.post(RequestBody.create("{}", MediaType.get("application/json")));
        }
        String outcome;
        try (Response r = client.newCall(b.build()).execute()) {
          byte[] body = r.body().bytes();
          outcome = r.code() + (post || Arrays.equals(body, clean) ? "" : " corrupt "
              + Arrays.hashCode(body));
        } catch (IOException e) {
          Throwable root = e;
          while (root.getCause() != null) {
            root = root.getCause();
          }
          outcome = root.getClass().getSimpleName();
        }
        seen.add(i + ": " + outcome + " ");
      }
      List<Entry> journal = fake.journal().requests();
      assertThat(journal).hasSize(REQUESTS);
      for (int i = 0; i < REQUESTS; i++) {
        // The journal line carries the rule, the drawn delay, the match count and the seed.
        seen.set(i, seen.get(i) + "| " + journal.get(i).fault());
      }
      assertThat(journal)
          .allSatisfy(e -> assertThat(e.fault() == null || e.fault().contains("seed " + seed)).isTrue());
    } finally {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
    return seen;
  }
}
