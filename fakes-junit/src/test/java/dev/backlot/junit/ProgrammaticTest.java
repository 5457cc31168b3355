package dev.backlot.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backlot.Fake;
import dev.backlot.wire.Response;
import dev.backlot.http.HttpFake;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/** {@code @RegisterExtension BacklotExtension.with(...)}. */
class ProgrammaticTest {

  @BeforeEach
  void clear() {
    Kit.SEEN.clear();
  }

  private static void assertAllPassed(EngineExecutionResults r, int tests) {
    assertThat(Kit.failures(r)).isEmpty();
    r.testEvents().assertStatistics(s -> s.succeeded(tests));
  }

  @KitOnly
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  static class StaticRegistration {
    @RegisterExtension
    static BacklotExtension backlot =
        BacklotExtension.with(
            HttpFake.builder().setup(f -> f.stub("GET", "/health").respond(Response.text(200, "ok"))),
            TestFakes.Seeded.builder().seed(5));

    @BeforeAll
    static void beforeAll() {
      Kit.see("beforeAll", backlot.get(HttpFake.class));
    }

    @Test
    @Order(1)
    void first(HttpFake api, TestFakes.Seeded seeded) {
      assertThat(api).isSameAs(backlot.get(HttpFake.class));
      assertThat(seeded).isSameAs(backlot.get(TestFakes.Seeded.class));
      assertThat(seeded.faults().seed()).isEqualTo(5);
      assertThat(backlot.fakes()).containsExactly(api, seeded);
      assertThat(Kit.get(api, "/health").body()).isEqualTo("ok");
      api.stub("GET", "/temp").respond(Response.status(204));
      Kit.see("api", api);
    }

    @Test
    @Order(2)
    void second(HttpFake api) {
      assertThat(api.journal().entries()).isEmpty();
      assertThat(api.stubs()).hasSize(1); // only the setup's stub
      Kit.see("api", api);
    }
  }

  @Test
  void aStaticRegistrationBuildsOneFakePerClassAndResetsItBeforeEachTest() {
    assertAllPassed(Kit.run(StaticRegistration.class), 2);

    assertThat(Kit.seen("api")).hasSize(2).containsOnly(Kit.seen("beforeAll").get(0));
    assertThat(((Fake) Kit.seen("api").get(0)).isRunning()).isFalse();
  }

  @KitOnly
  static class InstanceRegistration {
    final HttpFake mine = new HttpFake();

    @RegisterExtension BacklotExtension backlot = BacklotExtension.with(mine, HttpFake.builder());

    @Test
    void a(HttpFake mine) {
      check(mine);
    }

    @Test
    void b(HttpFake mine) {
      check(mine);
    }

    private void check(HttpFake param) {
      // two HttpFakes given: the parameter cannot tell them apart, so it is named like a field
      assertThat(param).isSameAs(this.mine);
      assertThat(mine.isRunning()).isTrue();
      assertThat(backlot.fakes()).hasSize(2).startsWith(mine);
      Kit.see("mine", mine);
      Kit.see("built", backlot.fakes().get(1));
    }
  }

  @Test
  void anInstanceRegistrationGivesEveryTestItsOwnFakes() {
    assertAllPassed(Kit.run(InstanceRegistration.class), 2);

    assertThat(Kit.seen("mine")).hasSize(2).doesNotHaveDuplicates();
    assertThat(Kit.seen("built")).hasSize(2).doesNotHaveDuplicates();
    assertThat(Kit.seen("built")).allSatisfy(f -> assertThat(((Fake) f).isRunning()).isFalse());
    assertThat(Kit.seen("mine")).allSatisfy(f -> assertThat(((Fake) f).isRunning()).isFalse());
  }

  @KitOnly
  @BacklotTest(lifecycle = FakeLifecycle.PER_METHOD)
  static class Combined {
    @RegisterExtension static BacklotExtension backlot = BacklotExtension.with(TestFakes.Seeded.builder());

    HttpFake field;

    @Test
    void both(HttpFake field, TestFakes.Seeded seeded) {
      // @BacklotTest and a registered BacklotExtension: one of them resolves, no competing resolvers
      assertThat(field).isSameAs(this.field);
      assertThat(seeded).isSameAs(backlot.get(TestFakes.Seeded.class));
      Kit.see("seeded", seeded);
    }

    @Test
    void again(TestFakes.Seeded seeded) {
      Kit.see("seeded", seeded);
    }
  }

  @Test
  void theAnnotationAndARegistrationWorkTogether() {
    assertAllPassed(Kit.run(Combined.class), 2);

    // static registration: one per class, whatever the class's lifecycle for its own fields
    assertThat(Kit.seen("seeded").get(0)).isSameAs(Kit.seen("seeded").get(1));
  }

  @Test
  void withTakesOnlyFakesAndBuilders() {
    assertThatThrownBy(() -> BacklotExtension.with("not a fake"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fakes or their builders");
  }

  @Test
  void getBeforeTheClassStartsExplains() {
    BacklotExtension ext = BacklotExtension.with(HttpFake.builder());

    assertThatThrownBy(() -> ext.get(HttpFake.class))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("call get() from a test or a lifecycle method");
  }
}
