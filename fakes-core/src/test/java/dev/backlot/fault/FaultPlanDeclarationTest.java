package dev.backlot.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backlot.http.HttpFake;
import dev.backlot.redis.RedisFake;
import dev.backlot.time.Clock;
import dev.backlot.wire.ErrorShape;
import dev.backlot.wire.Json;
import dev.backlot.journal.Journal;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * How a plan describes itself ({@link FaultPlan#toString()}), a rule declared with no action, and
 * a closed fake's address.
 */
class FaultPlanDeclarationTest {

  private static FaultPlan plan() {
    return new FaultPlan(7, Clock.system(), new Journal(), () -> ErrorShape.DEFAULT);
  }

  @Test
  void toStringListsEveryRuleInOrderWithHowOftenItFired() {
    FaultPlan p = plan();
    assertThat(p).hasToString("FaultPlan(seed 7)");

    p.on("POST", "/prompt").next(2).status(503);
    p.onAny().delay(Duration.ofMillis(20));
    p.onWebSocket("/ws").outgoing("progress").every(3).drop();
    p.onCommand("BLMOVE").nth(3).close();
    p.decide(dev.backlot.wire.Request.of("POST", "/prompt", java.util.Map.of(), null), null);

    assertThat(p).hasToString("""
        FaultPlan(seed 7)
          #1 POST /prompt, next(2) -> status 503 [fired 1]
          #2 ANY * -> delay 20ms [fired 0]
          #3 WS /ws outgoing "progress", every(3) -> drop [fired 0]
          #4 BLMOVE, nth(3) -> close connection [fired 0]""");
  }

  @Test
  void aRuleWithNoActionFailsWhenTheNextRuleIsDeclared() {
    FaultPlan p = plan();
    p.on("POST", "/prompt").next(2); // forgot .status(503)

    assertThatThrownBy(() -> p.on("GET", "/history/{id}"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("fault rule POST /prompt, next(2) was declared with no action, so it does nothing:"
            + " end it with one, e.g. .status(503), .delay(Duration.ofMillis(300)), .reset() or .stall(),"
            + " before declaring the next rule");
    // reported once: the plan goes on
    p.on("GET", "/history/{id}").status(500);
    assertThat(p.rules()).hasSize(1);
    assertThat(p.unfinished()).isEmpty();
  }

  @Test
  void anotherThreadsRuleBetweenDeclarationAndActionDoesNotFailThisThread() throws Exception {
    FaultPlan p = plan();
    HttpRule theirs = p.on("POST", "/a"); // declared here, finished below, after ours
    Thread other = new Thread(() -> p.on("GET", "/b").status(503));
    other.start();
    other.join();
    theirs.status(500);
    assertThat(p.rules()).extracting(Rule::toString)
        .containsExactly("#1 GET /b -> status 503", "#2 POST /a -> status 500");
  }

  @Test
  void everyKindOfRuleNamesItsOwnActions() {
    FaultPlan p = plan();
    p.onSse("POST", "/v1/chat/completions").event("delta");
    assertThatThrownBy(p::checkUnfinished).hasMessage(
        "fault rule SSE POST /v1/chat/completions event \"delta\" was declared with no action, so it does"
            + " nothing: end it with one, e.g. .cutAfter(3), .drop() or .delay(Duration.ofMillis(300)),"
            + " before declaring the next rule");
    p.onWebSocket("/ws").incoming();
    assertThatThrownBy(p::checkUnfinished).hasMessageStartingWith(
        "fault rule WS /ws incoming was declared with no action, so it does nothing: end it with"
            + " one, e.g. .closeAfter(5, 1011), .drop(), .duplicate() or .refuse(503),");
    p.onCommand("get").key("session:*").probability(0.5);
    assertThatThrownBy(p::assertAllFired).isInstanceOf(IllegalStateException.class).hasMessage(
        "fault rule GET key=session:*, probability(0.5) was declared with no action, so it does nothing:"
            + " end it with one, e.g. .error(\"ERR boom\"), .close() or .delay(Duration.ofMillis(300)),"
            + " before declaring the next rule");
  }

  @Test
  void aRuleStoredAndFinishedLaterIsFine() {
    FaultPlan p = plan();
    HttpRule r = p.on("GET", "/x");
    r.next(1);
    assertThat(p.unfinished()).containsExactly(r);
    r.status(503);
    assertThat(p.unfinished()).isEmpty();
    p.checkUnfinished();
    assertThatThrownBy(p::assertAllFired).isInstanceOf(AssertionError.class) // installed, never fired
        .hasMessageStartingWith("1 fault rule never fired (seed 7):\n  #1 GET /x, next(1) -> status 503\n");
  }

  @Test
  void aRefusedArgumentAbandonsTheRuleAndClearForgetsUnfinishedOnes() {
    FaultPlan p = plan();
    assertThatThrownBy(() -> p.on("GET", "/x").next(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("next(n) needs n >= 1: 0");
    assertThatThrownBy(() -> p.on("GET", "/x").status(99))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("status must be 200..599: 99");
    p.on("GET", "/y").status(503); // the refused rules are not reported as unfinished

    p.on("GET", "/z");
    p.clear();
    p.checkUnfinished();
  }

  @Test
  void aConfigRuleWithNoActionIsRefusedAndLeavesNothingBehind() {
    FaultPlan p = plan();
    assertThatThrownBy(() -> FaultConfig.apply(p, Json.parse("{\"path\": \"/a\", \"when\": {\"next\": 1}}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("a fault rule needs an 'action' (status, rateLimit, close, reset,");
    p.checkUnfinished();
    assertThat(p.rules()).isEmpty();
  }

  @Test
  void theAddressOfAClosedFakeIsAClearError() {
    HttpFake http = HttpFake.builder().behindLink().start();
    RedisFake redis = new RedisFake().start();
    http.close();
    redis.close();

    for (Runnable call : new Runnable[] {http::baseUri, http::wsUri, http::port}) {
      assertThatThrownBy(call::run).isInstanceOf(IllegalStateException.class)
          .hasMessage("http fake is closed: it has no port or address any more (build a new one)");
    }
    for (Runnable call : new Runnable[] {redis::baseUri, redis::redisUri, redis::directUri}) {
      assertThatThrownBy(call::run).isInstanceOf(IllegalStateException.class)
          .hasMessage("redis fake is closed: it has no port or address any more (build a new one)");
    }
    assertThatThrownBy(new HttpFake()::baseUri).isInstanceOf(IllegalStateException.class)
        .hasMessage("http fake has not been started");
  }
}
