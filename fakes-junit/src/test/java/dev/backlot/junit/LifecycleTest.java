package dev.backlot.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backlot.Fake;
import dev.backlot.wire.Response;
import dev.backlot.http.HttpFake;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/** When fakes are created, started, reset and closed. */
class LifecycleTest {

  @BeforeEach
  void clear() {
    Kit.SEEN.clear();
  }

  private static void assertClosed(Object fake) {
    Fake f = (Fake) fake;
    assertThat(f.isRunning()).isFalse();
    assertThatThrownBy(f::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }

  // ------------------------------------------------------------------ per class

  @KitOnly
  @BacklotTest
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  static class PerClass {
    HttpFake api;
    static HttpFake shared;

    @Test
    @Order(1)
    void first() {
      assertThat(api.isRunning()).isTrue();
      assertThat(shared.isRunning()).isTrue();
      api.stub("GET", "/x").respond(Response.text(200, "x"));
      assertThat(Kit.get(api, "/x").body()).isEqualTo("x");
      Kit.get(shared, "/y");
      Kit.see("api", api);
      Kit.see("shared", shared);
    }

    @Test
    @Order(2)
    void second() {
      // reset before this test: the stub and the traffic of first() are gone
      assertThat(api.journal().entries()).isEmpty();
      assertThat(api.stubs()).isEmpty();
      assertThat(shared.journal().entries()).isEmpty();
      assertThat(Kit.get(api, "/x").statusCode()).isEqualTo(404);
      Kit.see("api", api);
      Kit.see("shared", shared);
    }
  }

  @Test
  void perClassFakesAreSharedByTheTestsResetBetweenThemAndClosedAfterTheClass() {
    EngineExecutionResults r = Kit.run(PerClass.class);

    r.testEvents().assertStatistics(s -> s.succeeded(2).failed(0));
    List<Object> apis = Kit.seen("api");
    assertThat(apis).hasSize(2);
    assertThat(apis.get(0)).isSameAs(apis.get(1));
    assertThat(Kit.seen("shared").get(0)).isSameAs(Kit.seen("shared").get(1));
    assertClosed(apis.get(0));
    assertClosed(Kit.seen("shared").get(0));
    assertThat(PerClass.shared).as("a static field Backlot filled is emptied again").isNull();
  }

  // ------------------------------------------------------------------ per method

  @KitOnly
  @BacklotTest(lifecycle = FakeLifecycle.PER_METHOD)
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  static class PerMethod {
    HttpFake api;

    @Test
    @Order(1)
    void first() {
      assertThat(api.isRunning()).isTrue();
      Kit.see("api", api);
    }

    @Test
    @Order(2)
    void second() {
      Object previous = Kit.seen("api").get(0);
      assertThat(api).isNotSameAs(previous);
      assertThat(((Fake) previous).isRunning()).as("first test's fake closed when it ended").isFalse();
      Kit.see("api", api);
    }
  }

  @KitOnly
  @BacklotTest(lifecycle = FakeLifecycle.PER_METHOD)
  static class Repeated {
    @org.junit.jupiter.api.RepeatedTest(3)
    void again(HttpFake api) {
      assertThat(api.isRunning()).isTrue();
      Kit.see("api", api);
    }
  }

  @Test
  void everyInvocationOfATestTemplateIsATest() {
    Kit.run(Repeated.class).testEvents().assertStatistics(s -> s.succeeded(3).failed(0));

    assertThat(Kit.seen("api")).hasSize(3).doesNotHaveDuplicates();
  }

  @Test
  void perMethodFakesAreFreshForEveryTestAndClosedWhenItEnds() {
    EngineExecutionResults r = Kit.run(PerMethod.class);

    r.testEvents().assertStatistics(s -> s.succeeded(2).failed(0));
    assertThat(Kit.seen("api")).hasSize(2).doesNotHaveDuplicates();
    Kit.seen("api").forEach(LifecycleTest::assertClosed);
  }

  @KitOnly
  @BacklotTest
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  static class MixedPerField {
    HttpFake perClass;

    @FakeConfig(lifecycle = FakeLifecycle.PER_METHOD)
    HttpFake perTest;

    @Test
    @Order(1)
    void first() {
      Kit.see("perClass", perClass);
      Kit.see("perTest", perTest);
    }

    @Test
    @Order(2)
    void second() {
      Kit.see("perClass", perClass);
      Kit.see("perTest", perTest);
    }
  }

  @Test
  void aFieldCanAskForItsOwnLifecycle() {
    Kit.run(MixedPerField.class).testEvents().assertStatistics(s -> s.succeeded(2));

    assertThat(Kit.seen("perClass").get(0)).isSameAs(Kit.seen("perClass").get(1));
    assertThat(Kit.seen("perTest").get(0)).isNotSameAs(Kit.seen("perTest").get(1));
  }

  // ------------------------------------------------------------------ fakes you assign

  @KitOnly
  @BacklotTest
  static class Assigned {
    HttpFake mine = HttpFake.builder().build(); // not started: Backlot starts it
    static HttpFake yoursForever = HttpFake.builder().setup(f -> f.stub("GET", "/s").respond(Response.text(200, "s"))).build();

    @Test
    void a() {
      check();
    }

    @Test
    void b() {
      check();
    }

    private void check() {
      assertThat(mine.isRunning()).isTrue();
      assertThat(yoursForever.isRunning()).isTrue();
      assertThat(yoursForever.journal().entries()).as("reset before each test").isEmpty();
      assertThat(Kit.get(yoursForever, "/s").body()).as("setup() is re-applied by reset").isEqualTo("s");
      Kit.see("mine", mine);
      Kit.see("static", yoursForever);
    }
  }

  @Test
  void fakesYouAssignAreStartedResetAndClosedForYou() {
    Kit.run(Assigned.class).testEvents().assertStatistics(s -> s.succeeded(2).failed(0));

    // a new test instance per test, so a new fake per test, each closed after its test
    assertThat(Kit.seen("mine")).hasSize(2).doesNotHaveDuplicates();
    Kit.seen("mine").forEach(LifecycleTest::assertClosed);
    // a static field you assign is shared by the whole run (the launcher session), then closed
    assertThat(Kit.seen("static").get(0)).isSameAs(Kit.seen("static").get(1)).isSameAs(Assigned.yoursForever);
    assertClosed(Assigned.yoursForever);

    // a later run in the same JVM cannot revive it, and says what to do instead
    EngineExecutionResults again = Kit.run(Assigned.class);
    assertThat(Kit.failures(again))
        .isNotEmpty()
        .allSatisfy(f -> assertThat(f).contains("static field Assigned.yoursForever holds a fake that cannot start")
            .contains("leave the field null"));
  }

  // ------------------------------------------------------------------ PER_CLASS test instance

  @KitOnly
  @BacklotTest
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  static class SharedInstance {
    HttpFake api;

    @FakeConfig(lifecycle = FakeLifecycle.PER_METHOD)
    HttpFake fresh;

    @org.junit.jupiter.api.BeforeAll
    void beforeAll() {
      // instance fields of a PER_CLASS instance are filled before @BeforeAll
      assertThat(api.isRunning()).isTrue();
      Kit.see("beforeAll", api);
    }

    @Test
    @Order(1)
    void first() {
      Kit.see("api", api);
      Kit.see("fresh", fresh);
    }

    @Test
    @Order(2)
    void second() {
      Kit.see("api", api);
      Kit.see("fresh", fresh);
    }
  }

  @Test
  void aPerClassTestInstanceKeepsItsClassFakeAndGetsAFreshPerTestOne() {
    EngineExecutionResults r = Kit.run(SharedInstance.class);

    r.testEvents().assertStatistics(s -> s.succeeded(2).failed(0));
    assertThat(Kit.seen("api")).containsOnly(Kit.seen("beforeAll").get(0));
    assertThat(Kit.seen("fresh")).hasSize(2).doesNotHaveDuplicates();
    assertClosed(Kit.seen("fresh").get(0));
  }

  // ------------------------------------------------------------------ config

  @KitOnly
  @BacklotTest
  static class Configured {
    @FakeConfig(manualClock = true)
    HttpFake timed;

    @FakeConfig(link = true)
    HttpFake remote;

    HttpFake plain;

    @Test
    void clocks() {
      assertThat(timed.clock().isManual()).isTrue();
      assertThat(plain.clock().isManual()).isFalse();
    }

    @Test
    void link() {
      remote.stub("GET", "/r").respond(Response.text(200, "through the link"));
      assertThat(remote.link().port()).isEqualTo(remote.port());
      assertThat(Kit.get(remote, "/r").body()).isEqualTo("through the link");
      assertThatThrownBy(plain::link).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void fakeConfigReachesTheBuilder() {
    EngineExecutionResults r = Kit.run(Configured.class);

    assertThat(Kit.failures(r)).isEmpty();
    r.testEvents().assertStatistics(s -> s.succeeded(2));
  }

  @KitOnly
  @BacklotTest
  static class Seeds {
    @FakeConfig(seed = 42)
    TestFakes.Seeded seeded;

    @Test
    void seedReachesTheBuilder() {
      assertThat(seeded.faults().seed()).isEqualTo(42);
    }
  }

  @Test
  void aSeedReachesTheBuilder() {
    Kit.run(Seeds.class).testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
  }

  @KitOnly
  @BacklotTest
  static class SeedWithoutSeedMethod {
    @FakeConfig(seed = 42)
    TestFakes.Bare api;

    @Test
    void never() {}
  }

  @Test
  void aSettingTheBuilderLacksIsAClearError() {
    EngineExecutionResults r = Kit.run(SeedWithoutSeedMethod.class);

    assertThat(Kit.failureOf(r, "never()"))
        .hasMessageContaining("@FakeConfig(seed = 42)")
        .hasMessageContaining("field SeedWithoutSeedMethod.api")
        .hasMessageContaining("has no seed(long)");
  }

  @KitOnly
  @BacklotTest
  static class ConfigOnAssigned {
    @FakeConfig(manualClock = true)
    HttpFake api = new HttpFake();

    @Test
    void never() {}
  }

  @Test
  void fakeConfigOnAFieldYouAssignIsAnError() {
    assertThat(Kit.failureOf(Kit.run(ConfigOnAssigned.class), "never()"))
        .hasMessageContaining("@FakeConfig on field ConfigOnAssigned.api has no effect")
        .hasMessageContaining("leave the field null");
  }
}
