package dev.backlot.junit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.wire.Json;
import dev.backlot.wire.Response;
import dev.backlot.http.HttpFake;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/** What a failing test reports, strict mode, and JSON traffic reports. */
class DiagnosticsTest {

  @BeforeEach
  void clear() {
    Kit.SEEN.clear();
  }

  private static FakeTraffic trafficOf(Throwable failure) {
    return Arrays.stream(failure.getSuppressed())
        .filter(FakeTraffic.class::isInstance)
        .map(FakeTraffic.class::cast)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no FakeTraffic attached to " + failure));
  }

  // ------------------------------------------------------------------ a red test explains itself

  @KitOnly
  @BacklotTest
  static class Failing {
    HttpFake weather;
    HttpFake unused;
    TestFakes.Seeded seeded;

    @Test
    void clientGetsTheWrongAnswer() {
      weather.stub("GET", "/forecast").respond(Response.text(503, "busy"), Response.json(200, "{\"t\":21}"));
      Kit.get(weather, "/forecast");
      Kit.get(weather, "/forecast?city=Oslo");
      Kit.get(weather, "/typo");
      Kit.get(seeded, "/ok");
      assertThat(Kit.get(weather, "/forecast").body()).isEqualTo("{\"t\":-1}");
    }

    @Test
    void passes() {
      Kit.get(weather, "/nothing-here");
    }
  }

  @Test
  void theReportedFailureCarriesTheJournalOfEveryFake() {
    EngineExecutionResults r = Kit.run(Failing.class);

    r.testEvents().assertStatistics(s -> s.succeeded(1).failed(1));
    Throwable failure = Kit.failureOf(r, "clientGetsTheWrongAnswer()");
    assertThat(failure).isInstanceOf(AssertionError.class); // the original failure is kept as is
    String report = trafficOf(failure).getMessage();
    assertThat(report)
        .contains("DiagnosticsTest$Failing > clientGetsTheWrongAnswer()")
        .contains("weather [http] http://127.0.0.1:")
        .contains("#1 GET /forecast -> 503")
        .contains("=> busy")
        .contains("#2 GET /forecast?city=Oslo -> 200")
        .contains("#3 GET /typo -> 404")
        .contains("[no route]")
        .contains("#4 GET /forecast -> 200")
        .contains("unused [http]")
        .contains(": no traffic")
        .contains("seeded [seeded]")
        .contains("fault seed " + dev.backlot.fault.FaultPlan.DEFAULT_SEED)
        .contains("#1 GET /ok -> 200");
    assertThat(trafficOf(failure).getStackTrace()).isEmpty();
  }

  @KitOnly
  @BacklotTest(journalLines = 2)
  static class LongJournal {
    HttpFake api;

    @Test
    void fails() {
      for (int i = 1; i <= 5; i++) {
        Kit.get(api, "/r" + i);
      }
      throw new IllegalStateException("boom");
    }
  }

  @Test
  void theReportShowsTheNewestEntries() {
    Throwable failure = Kit.failureOf(Kit.run(LongJournal.class), "fails()");

    String report = trafficOf(failure).getMessage();
    assertThat(failure).isInstanceOf(IllegalStateException.class).hasMessage("boom");
    assertThat(report).contains("... 3 earlier entries not shown").contains("#4 GET /r4").contains("#5 GET /r5");
    assertThat(report).doesNotContain("/r3");
  }

  @KitOnly
  @BacklotTest
  static class FailingBeforeAll {
    static HttpFake api;

    @BeforeAll
    static void setUp() {
      Kit.get(api, "/setup");
      throw new IllegalStateException("setup broke");
    }

    @Test
    void never() {}
  }

  @Test
  void aClassLevelFailureCarriesTheClassFakesJournal() {
    EngineExecutionResults r = Kit.run(FailingBeforeAll.class);

    Throwable failure =
        r.containerEvents().failed().list().get(0)
            .getRequiredPayload(org.junit.platform.engine.TestExecutionResult.class)
            .getThrowable()
            .orElseThrow();
    assertThat(failure).hasMessage("setup broke");
    assertThat(trafficOf(failure).getMessage()).contains("api [http]").contains("#1 GET /setup -> 404");
  }

  // ------------------------------------------------------------------ strict mode

  @KitOnly
  @BacklotTest(strict = true)
  static class Strict {
    HttpFake api;
    TestFakes.Seeded seeded;

    @Test
    void everythingHandled() {
      api.stub("GET", "/known").respond(Response.status(404)); // a stub's 404 is handled
      Kit.get(api, "/known");
      seeded.faults().on("GET", "/fired").delay(Duration.ZERO);
      Kit.get(seeded, "/fired");
    }

    @Test
    void unhandledRequest() {
      api.stub("GET", "/known").respond(Response.status(200));
      Kit.get(api, "/known");
      Kit.get(api, "/unknown");
    }

    @Test
    void faultNeverFired() {
      seeded.faults().on("GET", "/never").delay(Duration.ZERO);
      Kit.get(seeded, "/other");
    }

    @Test
    void failsAnywayAndKeepsItsOwnFailure() {
      Kit.get(api, "/unknown");
      throw new IllegalStateException("own failure");
    }
  }

  @Test
  void strictModeFailsTestsWithUnhandledRequestsOrUnfiredFaults() {
    EngineExecutionResults r = Kit.run(Strict.class);

    r.testEvents().assertStatistics(s -> s.succeeded(1).failed(3));
    assertThat(Kit.failureOf(r, "unhandledRequest()"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Backlot strict mode: api received 1 request(s) that no stub or route handled")
        .hasMessageContaining("#2 GET /unknown -> 404")
        .hasMessageContaining("#1 GET /known -> 200"); // the traffic follows
    assertThat(Kit.failureOf(r, "faultNeverFired()"))
        .hasMessageContaining("seeded has fault rules that never fired: 1 fault rule never fired")
        .hasMessageContaining("#1 GET /never -> delay 0ms");
    Throwable own = Kit.failureOf(r, "failsAnywayAndKeepsItsOwnFailure()");
    assertThat(own).hasMessage("own failure");
    assertThat(own.getSuppressed())
        .anySatisfy(t -> assertThat(t).hasMessageContaining("Backlot strict mode"))
        .anySatisfy(t -> assertThat(t).isInstanceOf(FakeTraffic.class));
  }

  @Test
  void withoutStrictModeUnhandledRequestsDoNotFailATest() {
    EngineExecutionResults r = Kit.run(Failing.class);

    assertThat(r.testEvents().succeeded().list())
        .extracting(e -> e.getTestDescriptor().getDisplayName())
        .containsExactly("passes()");
  }

  // ------------------------------------------------------------------ a fault rule without an action

  @KitOnly
  @BacklotTest
  static class ForgottenAction {
    HttpFake api;

    @Test
    void declaresARuleAndForgetsItsAction() {
      api.faults().on("POST", "/orders").next(1); // .status(503) forgotten: the rule does nothing
    }

    @Test
    void failsAndForgetsToo() {
      api.faults().on("GET", "/x");
      throw new IllegalStateException("own failure");
    }

    @Test
    void afterwardsThePlanIsClean() {
      api.faults().on("GET", "/y").status(503);
    }
  }

  @Test
  void aFaultRuleLeftWithoutAnActionFailsTheTestEvenWithoutStrictMode() {
    EngineExecutionResults r = Kit.run(ForgottenAction.class);

    r.testEvents().assertStatistics(s -> s.succeeded(1).failed(2));
    assertThat(Kit.failureOf(r, "declaresARuleAndForgetsItsAction()"))
        .isInstanceOf(AssertionError.class)
        .hasMessage("Backlot: api: fault rule POST /orders, next(1) was declared with no action, so it does"
            + " nothing: end it with one, e.g. .status(503), .delay(Duration.ofMillis(300)), .reset() or"
            + " .stall(), before declaring the next rule");
    Throwable own = Kit.failureOf(r, "failsAndForgetsToo()");
    assertThat(own).hasMessage("own failure");
    assertThat(own.getSuppressed()).anySatisfy(t -> assertThat(t)
        .hasMessageStartingWith("Backlot: api: fault rule GET /x was declared with no action"));
  }

  // ------------------------------------------------------------------ JSON reports

  @KitOnly
  @BacklotTest(reports = true)
  static class Reported {
    HttpFake api;

    @Test
    void ok() {
      api.stub("POST", "/orders").respond(Response.json(201, "{\"id\":7}"));
      Kit.get(api, "/missing?x=1");
    }

    @Test
    void bad() {
      Kit.get(api, "/bad");
      throw new AssertionError("bad");
    }
  }

  @Test
  void reportsWritesEachTestsTrafficAsJson(@TempDir Path dir) throws Exception {
    Kit.run(Map.of(BacklotExtension.REPORTS_DIR, dir.toString()), Reported.class)
        .testEvents()
        .assertStatistics(s -> s.succeeded(1).failed(1));

    Path classDir = dir.resolve(Reported.class.getName());
    List<String> files;
    try (Stream<Path> s = Files.list(classDir)) {
      files = s.map(p -> p.getFileName().toString()).sorted().toList();
    }
    assertThat(files).containsExactly("bad.json", "ok.json");

    JsonNode ok = Json.parse(Files.readString(classDir.resolve("ok.json")));
    assertThat(ok.get("result").asText()).isEqualTo("passed");
    JsonNode fake = ok.get("fakes").get(0);
    assertThat(fake.get("label").asText()).isEqualTo("api");
    assertThat(fake.get("baseUri").asText()).startsWith("http://127.0.0.1:");
    JsonNode entry = fake.get("entries").get(0);
    assertThat(entry.get("method").asText()).isEqualTo("GET");
    assertThat(entry.get("path").asText()).isEqualTo("/missing");
    assertThat(entry.get("query").asText()).isEqualTo("x=1");
    assertThat(entry.get("status").asInt()).isEqualTo(404);
    assertThat(entry.get("outcome").asText()).isEqualTo("no route");

    JsonNode bad = Json.parse(Files.readString(classDir.resolve("bad.json")));
    assertThat(bad.get("result").asText()).isEqualTo("failed");
    assertThat(bad.get("failure").asText()).contains("bad");
    assertThat(bad.get("fakes").get(0).get("entries")).hasSize(1);
  }

  @Test
  void reportsWritesAnHtmlTimelineThatTheFailureLinksTo(@TempDir Path dir) throws Exception {
    EngineExecutionResults r = Kit.run(Map.of(BacklotExtension.REPORTS_DIR, dir.toString()), Reported.class);
    r.testEvents().assertStatistics(s -> s.succeeded(1).failed(1));

    String id = Reported.class.getName() + ".bad";
    String report = trafficOf(Kit.failureOf(r, "bad()")).getMessage();
    String link = dir.toAbsolutePath().resolve("index.html").toUri() + "#test=" + id;
    assertThat(report).contains("timeline of this test (open in a browser): " + link);

    String page = Files.readString(dir.resolve("index.html"));
    assertThat(page).contains("data-mode=\"report\"").contains("<script src=\"data/tests.js\"></script>")
        .contains("<script src=\"dashboard/app.js\"></script>").doesNotContain("fetch(");
    assertThat(dir.resolve("dashboard/app.js")).exists();
    assertThat(dir.resolve("dashboard/app.css")).exists();
    List<String> tests = Files.readAllLines(dir.resolve("data/tests.js"));
    assertThat(tests).hasSize(2).allMatch(l -> l.startsWith("(window.BACKLOT_TESTS = window.BACKLOT_TESTS || []).push({"));
    assertThat(String.join("\n", tests)).contains("\"result\":\"failed\"").contains("\"file\":\"data/" + id + ".js\"");

    String data = Files.readString(dir.resolve("data/" + id + ".js"));
    assertThat(data).startsWith("BACKLOT_LOAD({").endsWith(");\n");
    JsonNode test = Json.parse(data.substring("BACKLOT_LOAD(".length(), data.length() - 3));
    assertThat(test.get("result").asText()).isEqualTo("failed");
    assertThat(test.get("failure").asText()).contains("bad");
    JsonNode fake = test.get("fakes").get(0);
    assertThat(fake.get("name").asText()).isEqualTo("api");
    assertThat(fake.get("entries").get(0).get("path").asText()).isEqualTo("/bad");
    assertThat(fake.get("entries").get(0).get("status").asInt()).isEqualTo(404);

    // a second run of the same tests appends rows; the page keeps the newest of each test
    Kit.run(Map.of(BacklotExtension.REPORTS_DIR, dir.toString()), Reported.class);
    assertThat(Files.readAllLines(dir.resolve("data/tests.js"))).hasSize(4);
  }
}
