package dev.backlot.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backlot.Fake;
import dev.backlot.wire.Response;
import dev.backlot.http.HttpFake;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/** Parameters, constructors, nested classes, inheritance and factories. */
class InjectionTest {

  @BeforeEach
  void clear() {
    Kit.SEEN.clear();
  }

  private static void assertAllPassed(EngineExecutionResults r, int tests) {
    assertThat(Kit.failures(r)).isEmpty();
    r.testEvents().assertStatistics(s -> s.succeeded(tests));
  }

  // ------------------------------------------------------------------ parameters

  @KitOnly
  @BacklotTest
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  static class Parameters {
    HttpFake api;

    @BeforeAll
    static void beforeAll(HttpFake own) {
      Kit.see("beforeAll.own", own);
    }

    @BeforeEach
    void beforeEach(HttpFake api) {
      Kit.see("beforeEach", api);
    }

    @Test
    @Order(1)
    void sameAsTheField(HttpFake api, Fake anyFake) {
      assertThat(api).isSameAs(this.api);
      assertThat(anyFake).as("a supertype parameter finds the only field that fits").isSameAs(this.api);
      Kit.see("field", this.api);
    }

    @Test
    @Order(2)
    void anyNameFindsTheOnlyFieldOfItsType(HttpFake own, HttpFake other) {
      // with one field of the type, any HttpFake parameter is that field's fake
      assertThat(own).isSameAs(api).isSameAs(other);
    }

    @Test
    @Order(3)
    void configuredParameterGetsItsOwn(@FakeConfig(manualClock = true) HttpFake timed) {
      assertThat(timed).isNotSameAs(api);
      assertThat(timed.clock().isManual()).isTrue();
      Kit.see("timed", timed);
    }

    @Test
    @Order(4)
    void configuredParameterIsPerClassToo(@FakeConfig(manualClock = true) HttpFake timed) {
      Kit.see("timed", timed);
    }
  }

  @Test
  void parametersResolveToTheFieldOfTheirTypeOrToTheirOwnFake() {
    assertAllPassed(Kit.run(Parameters.class), 4);

    Object field = Kit.only("field");
    assertThat(Kit.seen("beforeEach")).hasSize(4).containsOnly(field);
    assertThat(Kit.seen("beforeAll.own")).containsExactly(field);
    assertThat(Kit.seen("timed").get(0)).isSameAs(Kit.seen("timed").get(1));
  }

  @KitOnly
  @BacklotTest
  static class NoFields {
    @Test
    void twoParameters(HttpFake a, HttpFake b) {
      assertThat(a).isNotSameAs(b);
      Kit.see("a", a);
      Kit.see("b", b);
    }

    @Test
    void again(HttpFake a) {
      Kit.see("a", a);
    }
  }

  @Test
  void withoutAFieldEachParameterNameIsAFakeOfTheClass() {
    assertAllPassed(Kit.run(NoFields.class), 2);

    assertThat(Kit.seen("a")).hasSize(2);
    assertThat(Kit.seen("a").get(0)).isSameAs(Kit.seen("a").get(1));
    assertThat(Kit.seen("b").get(0)).isNotSameAs(Kit.seen("a").get(0));
  }

  @KitOnly
  @BacklotTest
  static class TwoFields {
    HttpFake users;
    HttpFake orders;

    @Test
    void byName(HttpFake orders, HttpFake users) {
      assertThat(orders).isSameAs(this.orders);
      assertThat(users).isSameAs(this.users);
    }

    @Test
    void ambiguous(HttpFake which) {}
  }

  @Test
  void severalFieldsOfATypeAreToldApartByName() {
    EngineExecutionResults r = Kit.run(TwoFields.class);

    r.testEvents().assertStatistics(s -> s.succeeded(1).failed(1));
    assertThat(Kit.failureOf(r, "ambiguous(HttpFake)"))
        .hasMessageContaining("parameter which of ambiguous()")
        .hasMessageContaining("users")
        .hasMessageContaining("orders")
        .hasMessageContaining("name the parameter like one of them");
  }

  // ------------------------------------------------------------------ constructors

  @KitOnly
  @BacklotTest
  static class Constructor {
    private final HttpFake api;
    HttpFake field;

    Constructor(HttpFake api, HttpFake field) {
      this.api = api;
      Kit.see("ctor.field", field);
    }

    @Test
    void a() {
      assertThat(api.isRunning()).isTrue();
      assertThat(Kit.seen("ctor.field")).last().isSameAs(field);
      Kit.see("api", api);
    }

    @Test
    void b() {
      Kit.see("api", api);
    }
  }

  @Test
  void constructorParametersAreInjectedAndMatchFields() {
    assertAllPassed(Kit.run(Constructor.class), 2);

    // two fields: "api" is the constructor's, "field" matches by name; both per class
    assertThat(Kit.seen("api").get(0)).isSameAs(Kit.seen("api").get(1));
  }

  @KitOnly
  @BacklotTest(lifecycle = FakeLifecycle.PER_METHOD)
  static class PerMethodConstructor {
    private final HttpFake api;

    PerMethodConstructor(HttpFake api) {
      this.api = api;
    }

    @Test
    void a() {
      Kit.see("api", api);
    }

    @Test
    void b() {
      Kit.see("api", api);
    }
  }

  @Test
  void perMethodConstructorParametersAreFreshForEachTest() {
    assertAllPassed(Kit.run(PerMethodConstructor.class), 2);

    assertThat(Kit.seen("api")).hasSize(2).doesNotHaveDuplicates();
    assertThat(Kit.seen("api")).allSatisfy(f -> assertThat(((Fake) f).isRunning()).isFalse());
  }

  // ------------------------------------------------------------------ nested

  @KitOnly
  @BacklotTest
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  static class Outer {
    HttpFake outer;

    @Test
    @Order(1)
    void outerTest() {
      outer.stub("GET", "/o").respond(Response.text(200, "o"));
      Kit.get(outer, "/o");
      Kit.see("outer", outer);
    }

    @Nested
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class Inner {
      HttpFake inner;

      @Test
      @Order(1)
      void seesTheOuterFake(HttpFake outer) {
        assertThat(outer).isSameAs(Outer.this.outer);
        assertThat(outer.journal().entries()).as("reset before the nested test too").isEmpty();
        assertThat(inner).isNotSameAs(outer);
        Kit.get(inner, "/i");
        Kit.see("outer", Outer.this.outer);
        Kit.see("inner", inner);
      }

      @Test
      @Order(2)
      void resetBetweenNestedTests() {
        assertThat(inner.journal().entries()).isEmpty();
        Kit.see("outer", Outer.this.outer);
        Kit.see("inner", inner);
      }

      @Nested
      class Deeper {
        @Test
        void seesBoth(HttpFake inner, HttpFake outer) {
          assertThat(inner).isSameAs(Inner.this.inner);
          assertThat(outer).isSameAs(Outer.this.outer);
          Kit.see("outer", outer);
        }
      }
    }
  }

  @Test
  void nestedClassesSeeTheirEnclosingClassesFakes() {
    assertAllPassed(Kit.run(Outer.class), 4);

    // one outer fake for the whole tree (a fresh Outer instance per test, one fake per class)
    assertThat(Kit.seen("outer")).hasSize(4).containsOnly(Kit.seen("outer").get(0));
    assertThat(Kit.seen("inner")).hasSize(2).containsOnly(Kit.seen("inner").get(0));
    assertThat(((Fake) Kit.seen("inner").get(0)).isRunning()).isFalse();
    assertThat(((Fake) Kit.seen("outer").get(0)).isRunning()).isFalse();
  }

  // ------------------------------------------------------------------ inheritance

  @BacklotTest
  abstract static class Base {
    protected HttpFake inherited;
    protected static HttpFake inheritedStatic;

    @Test
    void inheritedTest() {
      assertThat(inherited.isRunning()).isTrue();
      Kit.see(getClass().getSimpleName(), inherited);
      Kit.see(getClass().getSimpleName() + ".static", inheritedStatic);
    }
  }

  @KitOnly
  static class SubOne extends Base {
    @Test
    void own() {
      Kit.see("SubOne", inherited);
    }
  }

  @KitOnly
  static class SubTwo extends Base {}

  @Test
  void subclassesInheritTheAnnotationAndEachGetsItsOwnFakes() {
    assertAllPassed(Kit.run(SubOne.class, SubTwo.class), 3);

    assertThat(Kit.seen("SubOne")).hasSize(2).containsOnly(Kit.seen("SubOne").get(0));
    assertThat(Kit.seen("SubTwo")).hasSize(1);
    assertThat(Kit.seen("SubTwo").get(0)).isNotSameAs(Kit.seen("SubOne").get(0));
    assertThat(Kit.seen("SubTwo.static").get(0)).isNotSameAs(Kit.seen("SubOne.static").get(0));
  }

  // ------------------------------------------------------------------ factories

  @Test
  void factoriesMakeFakesAndNamedOnesServeTheirFields() {
    assertAllPassed(Kit.run(Factories.class), 3);
  }

  @KitOnly
  @BacklotTest
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  static class Factories {
    HttpFake warehouse;

    @FakeConfig(factory = "slow")
    HttpFake slowOne;

    TestFakes.Seeded seeded;

    @FakeFactory
    static HttpFake.Builder warehouse() {
      // named like the field it serves (slow() could make an HttpFake too); setup(...) is applied
      // again by every reset
      return HttpFake.builder().setup(f -> f.stub("GET", "/health").respond(Response.text(200, "ok")));
    }

    @FakeFactory
    static HttpFake slow() {
      return HttpFake.builder().setup(f -> f.stub("GET", "/health").respond(Response.text(503, "slow"))).build();
    }

    @FakeFactory
    static TestFakes.Seeded.Builder seeded() {
      return TestFakes.Seeded.builder().seed(99);
    }

    @Test
    @Order(1)
    void first() {
      assertThat(Kit.get(warehouse, "/health").body()).isEqualTo("ok");
      warehouse.stub("GET", "/extra").respond(Response.status(204));
      assertThat(seeded.faults().seed()).isEqualTo(99);
    }

    @Test
    @Order(2)
    void setupSurvivesReset() {
      assertThat(warehouse.stubs()).as("the test's stub is gone, the setup's is back").hasSize(1);
      assertThat(Kit.get(warehouse, "/health").body()).isEqualTo("ok");
    }

    @Test
    @Order(3)
    void namedFactory() {
      assertThat(Kit.get(slowOne, "/health").statusCode()).isEqualTo(503);
      assertThat(slowOne).isNotSameAs(warehouse);
    }
  }

  @KitOnly
  @BacklotTest
  static class FactoryReturnsBuiltFake {
    @FakeConfig(manualClock = true)
    HttpFake timed;

    @FakeFactory
    static HttpFake built() {
      return new HttpFake();
    }

    @Test
    void never() {}
  }

  @Test
  void settingsCannotApplyToAFakeAFactoryAlreadyBuilt() {
    EngineExecutionResults r = Kit.run(FactoryReturnsBuiltFake.class);

    assertThat(Kit.failureOf(r, "never()"))
        .hasMessageContaining("@FakeConfig settings cannot be applied to field FactoryReturnsBuiltFake.timed")
        .hasMessageContaining("return its builder instead");
  }

  @KitOnly
  @BacklotTest
  static class AbstractWithoutFactory {
    Fake something;

    @Test
    void never() {}
  }

  @Test
  void anAbstractTypeWithoutAFactoryIsAClearError() {
    EngineExecutionResults r = Kit.run(AbstractWithoutFactory.class);

    assertThat(Kit.failureOf(r, "never()"))
        .hasMessageContaining("field AbstractWithoutFactory.something")
        .hasMessageContaining("abstract type dev.backlot.Fake")
        .hasMessageContaining("@FakeFactory");
  }
}
