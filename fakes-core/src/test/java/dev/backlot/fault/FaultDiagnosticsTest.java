package dev.backlot.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backlot.time.Clock;
import dev.backlot.time.ManualClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What a test author sees: unfired rules, the failure message, seeds, reset. */
class FaultDiagnosticsTest {

  private final HttpClient client = HttpClient.newHttpClient();

  private int post(TestBackend fake, String path) throws Exception {
    return client.send(
            HttpRequest.newBuilder(URI.create(fake.baseUri() + path))
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .statusCode();
  }

  @Test
  void assertAllFiredNamesEachUnfiredRuleAndShowsTheTrafficSeen() throws Exception {
    try (TestBackend fake = TestBackend.started()) {
      Rule<?> hit = fake.faults().on("POST", "/prompt").next(1).status(503);
      fake.faults().on("POST", "/promt").status(500); // a typo: the client never calls it
      fake.faults().on("POST", "/prompt").after(5).status(502); // matches, never allowed to fire
      fake.faults().onWebSocket("/ws").outgoing("progress").drop();

      assertThat(post(fake, "/prompt")).isEqualTo(503);
      assertThat(post(fake, "/prompt")).isEqualTo(200);

      assertThat(hit.fired()).isEqualTo(1);
      assertThat(fake.faults().unfired()).extracting(Rule::toString).containsExactly(
          "#2 POST /promt -> status 500",
          "#3 POST /prompt, after(5) -> status 502",
          "#4 WS /ws outgoing \"progress\" -> drop");
      assertThatThrownBy(() -> fake.faults().assertAllFired())
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("3 fault rules never fired (seed " + FaultPlan.DEFAULT_SEED + ")")
          .hasMessageContaining("#2 POST /promt -> status 500\n      matched 0 requests")
          .hasMessageContaining(
              // rule 3 only sees what rule 1 let through: the second request
              "#3 POST /prompt, after(5) -> status 502\n      matched 1 request, but its conditions"
                  + " never let it fire")
          .hasMessageContaining("matched 0 messages")
          .hasMessageContaining("#1 POST /prompt -> 503")
          .hasMessageContaining("#2 POST /prompt -> 200");
    }
  }

  @Test
  void assertAllFiredPassesOnceEveryRuleActed() throws Exception {
    try (TestBackend fake = TestBackend.started()) {
      fake.faults().on("POST", "/prompt").nth(2).status(503);
      assertThat(post(fake, "/prompt")).isEqualTo(200);
      assertThatThrownBy(() -> fake.faults().assertAllFired()).isInstanceOf(AssertionError.class);
      assertThat(post(fake, "/prompt")).isEqualTo(503);
      fake.faults().assertAllFired();
    }
  }

  @Test
  void resetClearsRulesRestoresTheBuildersSeedAndReappliesSetup() throws Exception {
    try (TestBackend fake =
        TestBackend.builder()
            .seed(1234)
            .setup(f -> f.faults().on("POST", "/prompt").next(1).status(503))
            .start()) {
      assertThat(fake.faults().seed()).isEqualTo(1234);
      fake.faults().seed(99).on("POST", "/other").status(500);
      assertThat(post(fake, "/prompt")).isEqualTo(503);

      fake.reset();

      assertThat(fake.faults().seed()).isEqualTo(1234);
      assertThat(fake.faults().rules()).extracting(Rule::toString)
          .containsExactly("#1 POST /prompt, next(1) -> status 503");
      assertThat(post(fake, "/prompt")).isEqualTo(503); // the setup rule starts afresh
      assertThat(post(fake, "/prompt")).isEqualTo(200);
      assertThat(fake.journal().requests().get(0).fault()).contains("seed 1234");
    }
  }

  @Test
  void aTimeWindowOnTheFakesClock() throws Exception {
    ManualClock clock = Clock.manual(Instant.parse("2026-03-01T12:00:00Z"));
    try (TestBackend fake = TestBackend.builder().clock(clock).start()) {
      Instant t0 = clock.instant();
      fake.faults().on("POST", "/prompt").between(t0.plusSeconds(60), t0.plusSeconds(120)).status(503);

      assertThat(post(fake, "/prompt")).isEqualTo(200);
      clock.advance(Duration.ofSeconds(60));
      assertThat(post(fake, "/prompt")).isEqualTo(503);
      clock.advance(Duration.ofSeconds(59));
      assertThat(post(fake, "/prompt")).isEqualTo(503);
      clock.advance(Duration.ofSeconds(1));
      assertThat(post(fake, "/prompt")).isEqualTo(200);
    }
  }

  @Test
  void withNoRulesTheJournalCarriesNoFault() throws Exception {
    try (TestBackend fake = TestBackend.started()) {
      assertThat(fake.faults().isEmpty()).isTrue();
      assertThat(post(fake, "/prompt")).isEqualTo(200);
      assertThat(fake.journal().requests().get(0).fault()).isNull();
      fake.faults().assertAllFired(); // nothing to fire
    }
  }
}
