package dev.backlot.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backlot.time.Clock;
import dev.backlot.wire.ErrorShape;
import dev.backlot.wire.Json;
import dev.backlot.time.ManualClock;
import dev.backlot.wire.Request;
import dev.backlot.wire.Response;
import dev.backlot.journal.Journal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The plan's decisions on their own, without a network: rules, order, conditions, seeds. */
class FaultPlanTest {

  private final ManualClock clock = Clock.manual(Instant.parse("2026-01-01T00:00:00Z"));

  private FaultPlan plan(long seed) {
    return new FaultPlan(seed, clock, new Journal(), () -> ErrorShape.DEFAULT);
  }

  private static Request post(String path) {
    return Request.of("POST", path, Map.of(), "{}".getBytes());
  }

  private static Request get(String path) {
    return Request.of("GET", path, Map.of(), null);
  }

  /** 'X' where the plan decided a fault, '.' where it let the request through. */
  private static String pattern(FaultPlan p, Request r, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(p.decide(r, null) == null ? '.' : 'X');
    }
    return sb.toString();
  }

  @Test
  void whenConditions() {
    FaultPlan p = plan(1);
    p.on("GET", "/next").next(2).status(503);
    p.on("GET", "/nth").nth(3).status(503);
    p.on("GET", "/every").every(3).status(503);
    p.on("GET", "/after").after(2).status(503);
    p.on("GET", "/after-next").after(1).next(2).status(503);
    p.on("GET", "/every-next").every(2).next(2).status(503);

    assertThat(pattern(p, get("/next"), 5)).isEqualTo("XX...");
    assertThat(pattern(p, get("/nth"), 5)).isEqualTo("..X..");
    assertThat(pattern(p, get("/every"), 7)).isEqualTo("..X..X.");
    assertThat(pattern(p, get("/after"), 5)).isEqualTo("..XXX");
    assertThat(pattern(p, get("/after-next"), 5)).isEqualTo(".XX..");
    assertThat(pattern(p, get("/every-next"), 7)).isEqualTo(".X.X...");
  }

  @Test
  void betweenReadsTheRequestsArrivalOnTheFakesClock() {
    FaultPlan p = plan(1);
    Instant t0 = Instant.EPOCH; // Request.of arrives at the epoch
    p.on("GET", "/w").between(t0.plusSeconds(10), t0.plusSeconds(20)).status(503);
    p.on("GET", "/now").between(t0.minusSeconds(1), t0.plusSeconds(1)).status(503);

    assertThat(p.decide(get("/w"), null)).isNull();
    assertThat(p.decide(get("/now"), null)).isNotNull();
    assertThat(p.rules().get(0).matched()).as("outside the window is not a match").isZero();
  }

  @Test
  void probabilityIsSeededSameSeedSameDecisionsOtherSeedOthers() {
    FaultPlan a = plan(42);
    FaultPlan b = plan(42);
    FaultPlan c = plan(43);
    for (FaultPlan p : List.of(a, b, c)) {
      p.onAny().probability(0.5).status(500);
    }
    String pa = pattern(a, get("/x"), 200);
    assertThat(pattern(b, get("/x"), 200)).isEqualTo(pa);
    assertThat(pattern(c, get("/x"), 200)).isNotEqualTo(pa);
    long fired = pa.chars().filter(ch -> ch == 'X').count();
    assertThat(fired).isBetween(60L, 140L); // about half
  }

  @Test
  void anySeedReplaysTheSameDecisionsForTheSameTraffic() {
    // 50 seeds and traffic lengths drawn from a fixed seed, so a failure names its case.
    Random cases = new Random(20261122);
    for (int i = 0; i < 50; i++) {
      long seed = cases.nextLong();
      int requests = 1 + cases.nextInt(60);
      List<String> first = decisions(seed, requests);
      assertThat(decisions(seed, requests)).as("seed %d, %d requests", seed, requests).isEqualTo(first);
    }
  }

  private List<String> decisions(long seed, int requests) {
    FaultPlan p = plan(seed);
    p.onAny().probability(0.3).delay(Delay.logNormal(Duration.ofMillis(50), 0.8).atMost(Duration.ofSeconds(1)));
    p.on("POST", "/prompt").probability(0.2).status(503);
    p.on("POST", "/prompt").probability(0.2).corrupt(1);
    p.on("GET", "/{any*}").every(4).reset();
    Random traffic = new Random(seed ^ 0x5A5A);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      Request r = traffic.nextBoolean() ? post("/prompt") : get("/x/" + traffic.nextInt(5));
      HttpFault f = p.decide(r, null);
      out.add(f == null ? "-" : f.description() + " " + f.delay() + " "
          + new String(f.corrupt("abcdefgh".getBytes())));
    }
    return out;
  }

  @Test
  void delayOnlyRulesPassThroughAndAddUpTheFirstOtherRuleDecides() {
    FaultPlan p = plan(1);
    p.onAny().delay(Duration.ofMillis(100));
    p.on("POST", "/prompt").delay(Duration.ofMillis(50)).status(503);
    p.on("POST", "/prompt").status(500); // never reached: the rule above decides

    HttpFault f = p.decide(post("/prompt"), null);
    assertThat(f.delay()).isEqualTo(Duration.ofMillis(150));
    assertThat(f.replacement().status()).isEqualTo(503);
    assertThat(f.description()).contains("#1 ANY * -> delay 100ms").contains("#2 POST /prompt -> delay 50ms then status 503");
    assertThat(p.unfired()).extracting(Rule::toString).containsExactly("#3 POST /prompt -> status 500");

    HttpFault onlyDelay = p.decide(get("/other"), null);
    assertThat(onlyDelay.delay()).isEqualTo(Duration.ofMillis(100));
    assertThat(onlyDelay.replacement()).isNull();
    assertThat(onlyDelay.breaksBeforeHandler()).isFalse();
  }

  @Test
  void statusRendersInTheFakesErrorShapeAndRateLimitAddsRetryHeaders() {
    FaultPlan p = new FaultPlan(1, clock, new Journal(), () -> TestBackend.SHAPE);
    p.on("POST", "/a").status(503);
    p.on("POST", "/b").rateLimit(Duration.ofMillis(2500)).retryAfterMs().addHeader("X-Quota", "0");
    p.on("POST", "/c").respond(Response.text(200, "fine")).addHeader("X-Fake", "1");

    Response a = p.decide(post("/a"), null).replacement();
    assertThat(a.status()).isEqualTo(503);
    assertThat(Json.parse(a.bodyText()))
        .isEqualTo(Json.parse("{\"detail\":{\"code\":503,\"msg\":\"Service Unavailable\"}}"));
    Response b = p.decide(post("/b"), null).replacement();
    assertThat(b.status()).isEqualTo(429);
    assertThat(b.header("Retry-After")).isEqualTo("3");
    assertThat(b.header("Retry-After-Ms")).isEqualTo("2500");
    assertThat(b.header("X-Quota")).isEqualTo("0");
    Response c = p.decide(post("/c"), null).replacement();
    assertThat(c.bodyText()).isEqualTo("fine");
    assertThat(c.header("X-Fake")).isEqualTo("1");
  }

  @Test
  void triggersAndEffects() {
    FaultPlan p = plan(1);
    p.on("GET", "/reset").reset();
    p.on("GET", "/lost").afterHandling().close();
    p.on("GET", "/headers").stallAfterHeaders();
    p.on("GET", "/cut").truncate(10);
    p.on("GET", "/slow").throttle(100);

    assertThat(p.decide(get("/reset"), null).breaksBeforeHandler()).isTrue();
    HttpFault lost = p.decide(get("/lost"), null);
    assertThat(lost.breaksAfterHandler()).isTrue();
    assertThat(lost.effect()).isEqualTo(HttpFault.Effect.CLOSE);
    HttpFault headers = p.decide(get("/headers"), null);
    assertThat(headers.trigger()).isEqualTo(HttpFault.Trigger.AFTER_BYTES);
    assertThat(headers.cutAfterBytes()).isZero();
    assertThat(headers.effect()).isEqualTo(HttpFault.Effect.STALL);
    assertThat(headers.shapesBody()).isTrue();
    HttpFault cut = p.decide(get("/cut"), null);
    assertThat(cut.cutAfterBytes()).isEqualTo(10);
    assertThat(cut.effect()).isEqualTo(HttpFault.Effect.CLOSE);
    assertThat(p.decide(get("/slow"), null).throttleBytesPerSecond()).isEqualTo(100);
    assertThat(p.rules()).extracting(Rule::toString).containsExactly(
        "#1 GET /reset -> reset",
        "#2 GET /lost -> after handling: close",
        "#3 GET /headers -> after headers: stall",
        "#4 GET /cut -> after 10 bytes: close",
        "#5 GET /slow -> throttle 100 B/s");
  }

  @Test
  void upgradesSeeOnlyTheRulesThatMakeSenseBeforeAHandshake() {
    FaultPlan p = plan(1);
    p.on("GET", "/ws").truncate(5); // needs a body: not for upgrades
    p.on("GET", "/ws").afterHandling().reset(); // needs a handler: not for upgrades
    p.onWebSocket("/ws").next(1).refuse(401);
    p.on("GET", "/ws").delay(Duration.ofSeconds(1));

    HttpFault first = p.decideUpgrade(get("/ws"));
    assertThat(first.replacement().status()).isEqualTo(401);
    HttpFault second = p.decideUpgrade(get("/ws"));
    assertThat(second.replacement()).isNull();
    assertThat(second.delay()).isEqualTo(Duration.ofSeconds(1));
    assertThat(p.rules().get(0).matched()).isZero();
    assertThat(p.rules().get(1).matched()).isZero();
  }

  @Test
  void webSocketMessageRulesMatchDirectionAndJsonType() {
    FaultPlan p = plan(1);
    p.onWebSocket("/ws").outgoing("progress").drop();
    p.onWebSocket("/ws").incoming().binary().duplicate();
    p.onWebSocket("/other").outgoing().drop();
    Request ws = get("/ws");

    assertThat(p.decideWebSocketMessage(ws, true, "{\"type\":\"progress\",\"value\":1}", false).drop()).isTrue();
    assertThat(p.decideWebSocketMessage(ws, true, "{\"type\":\"executed\"}", false)).isNull();
    assertThat(p.decideWebSocketMessage(ws, true, "progress", false)).as("not JSON").isNull();
    assertThat(p.decideWebSocketMessage(ws, false, "{\"type\":\"progress\"}", false)).as("incoming").isNull();
    assertThat(p.decideWebSocketMessage(ws, false, null, true).duplicate()).isTrue();
    assertThat(p.decideWebSocketMessage(ws, false, "text", false)).isNull();
  }

  @Test
  void streamTriggersAreArmedPerStreamAndCountOnlyMatchingMessages() {
    FaultPlan p = plan(1);
    p.onWebSocket("/ws").outgoing("progress").next(1).closeAfter(2, 4000, "done");

    List<StreamTrigger> first = p.armWebSocket(get("/ws"));
    assertThat(first).hasSize(1);
    assertThat(p.armWebSocket(get("/ws"))).as("next(1) counts connections").isEmpty();
    StreamTrigger t = first.get(0);
    assertThat(t.count(true, "{\"type\":\"status\"}", false, null)).isFalse();
    assertThat(t.count(true, "{\"type\":\"progress\"}", false, null)).isFalse();
    assertThat(t.count(false, "{\"type\":\"progress\"}", false, null)).as("incoming").isFalse();
    assertThat(t.count(true, "{\"type\":\"progress\"}", false, null)).isTrue();
    assertThat(t.count(true, "{\"type\":\"progress\"}", false, null)).as("fires once").isFalse();
    assertThat(t.closeCode()).isEqualTo(4000);
    assertThat(t.reason()).isEqualTo("done");
  }

  @Test
  void sseRulesMatchEventNamesOrJsonTypes() {
    FaultPlan p = plan(1);
    p.onSse("GET", "/events").event("progress").drop();
    Request s = get("/events");

    assertThat(p.decideSseEvent(s, "progress", "{}").drop()).isTrue();
    assertThat(p.decideSseEvent(s, null, "{\"type\":\"progress\"}").drop()).isTrue();
    assertThat(p.decideSseEvent(s, "status", "{}")).isNull();
    assertThat(p.decideSseEvent(get("/elsewhere"), "progress", "{}")).isNull();
  }

  @Test
  void randomDelaysStayInTheirDistribution() {
    Random rng = new Random(3);
    Delay uniform = Delay.uniform(Duration.ofMillis(10), Duration.ofMillis(20));
    Delay capped = Delay.logNormal(Duration.ofMillis(100), 2.0).atMost(Duration.ofMillis(300));
    for (int i = 0; i < 1000; i++) {
      assertThat(uniform.sample(rng)).isBetween(Duration.ofMillis(10), Duration.ofMillis(20));
      assertThat(capped.sample(rng)).isBetween(Duration.ZERO, Duration.ofMillis(300));
    }
    assertThat(Delay.fixed(Duration.ofMillis(5)).sample(rng)).isEqualTo(Duration.ofMillis(5));
    assertThat(uniform).hasToString("uniform(10ms..20ms)");
    assertThat(capped).hasToString("lognormal(median 100ms, sigma 2.0) max 300ms");
  }

  @Test
  void corruptionIsDeterministicKeepsTheLengthAndChangesEveryChosenByte() {
    FaultPlan p = plan(5);
    p.onAny().corrupt(4);
    byte[] body = TestBackend.body(100);
    byte[] once = p.decide(get("/x"), null).corrupt(body);
    assertThat(once).hasSize(100);
    assertThat(java.util.stream.IntStream.range(0, 100).filter(i -> once[i] != body[i]).count()).isEqualTo(4);
    FaultPlan same = plan(5);
    same.onAny().corrupt(4);
    assertThat(same.decide(get("/x"), null).corrupt(body)).isEqualTo(once);
  }

  @Test
  void actionsInstallTheRuleAndConditionsMustComeFirst() {
    FaultPlan p = plan(1);
    HttpRule r = p.on("GET", "/x");
    assertThat(p.rules()).isEmpty();
    r.status(503);
    assertThat(p.rules()).containsExactly(r);
    assertThatThrownBy(() -> r.next(1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("next(1) must come before the rule's action");
    assertThatThrownBy(() -> p.onWebSocket("/ws").drop().closeAfter(1, 1000))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("use two rules");
    assertThatThrownBy(() -> p.on("GET", "/x").addHeader("a", "b")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> p.on("GET", "/x").status(99)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> p.onAny().probability(1.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> p.onWebSocket("/ws").closeAfter(1, 1006)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void removeAndClear() {
    FaultPlan p = plan(9);
    HttpRule a = p.onAny().probability(0.5).status(500);
    String before = pattern(p, get("/x"), 30);
    a.remove();
    assertThat(p.isEmpty()).isTrue();
    assertThat(p.decide(get("/x"), null)).isNull();

    p.onAny().probability(0.5).status(500);
    p.clear();
    assertThat(p.rules()).isEmpty();
    p.onAny().probability(0.5).status(500);
    assertThat(p.rules().get(0).toString()).startsWith("#1 ");
    assertThat(pattern(p, get("/x"), 30)).as("clear restarts the generator").isEqualTo(before);
  }

  @Test
  void requestsNoRuleAdmitsSkipTheLockAndChangeNothing() {
    FaultPlan p = plan(3);
    assertThat(p.mayActOn(get("/a"))).isFalse(); // no rules at all
    HttpRule onA = p.on("GET", "/a/{id}").nth(2).status(503);
    p.onSse("POST", "/v1/chat/completions").drop(); // not an HTTP rule
    assertThat(p.mayActOn(get("/a/1"))).isTrue();
    assertThat(p.mayActOn(Request.of("HEAD", "/a/1", Map.of(), null))).isTrue();
    assertThat(p.mayActOn(post("/a/1"))).isFalse();
    assertThat(p.mayActOn(get("/b/1"))).isFalse();
    // what decide() would do for a request no rule admits: nothing, no count, no draw
    assertThat(p.decide(get("/b/1"), null)).isNull();
    assertThat(onA.matched()).isZero();
    assertThat(p.decide(get("/a/1"), null)).isNull(); // 1st match: nth(2) waits
    assertThat(p.decide(get("/a/2"), null)).isNotNull();
    p.onAny().delay(Duration.ofMillis(1));
    assertThat(p.mayActOn(get("/anything"))).isTrue();
    p.clear();
    p.on(dev.backlot.journal.RequestPattern.post("/x")).status(500);
    assertThat(p.mayActOn(get("/y"))).isTrue(); // a pattern rule is decided under the lock
  }
}
