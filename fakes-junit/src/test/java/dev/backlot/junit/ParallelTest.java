package dev.backlot.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backlot.Fake;
import dev.backlot.wire.Response;
import dev.backlot.http.HttpFake;
import dev.backlot.journal.Entry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * JUnit's parallel execution, classes and methods concurrent: eight classes of ten tests, each
 * test checking that its fake's journal holds exactly its own requests.
 */
class ParallelTest {

  private static final AtomicInteger RUNNING = new AtomicInteger();
  private static final AtomicInteger MAX_RUNNING = new AtomicInteger();
  /** "Class-test" to the fake that test used. */
  private static final Map<String, Fake> FAKE_OF_TEST = new ConcurrentHashMap<>();

  @BeforeEach
  void clear() {
    RUNNING.set(0);
    MAX_RUNNING.set(0);
    FAKE_OF_TEST.clear();
  }

  /** Ten tests, each sending five requests of its own and checking the journal holds only them. */
  abstract static class Traffic {
    HttpFake api;

    void exercise(TestInfo info, HttpFake param) {
      String id = getClass().getSimpleName() + "-" + info.getTestMethod().orElseThrow().getName();
      MAX_RUNNING.accumulateAndGet(RUNNING.incrementAndGet(), Math::max);
      try {
        assertThat(param).isSameAs(api);
        assertThat(api.journal().entries()).as("%s starts with an empty journal", id).isEmpty();
        assertThat(api.stubs()).as("%s starts with no stubs", id).isEmpty();
        api.stub("GET", "/echo/{id}").respondWith(req -> Response.text(200, req.pathParam("id")));
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          String p = id + "-" + i;
          assertThat(Kit.get(api, "/echo/" + p).body()).isEqualTo(p);
          paths.add("/echo/" + p);
        }
        assertThat(api.journal().entries()).extracting(Entry::path).as("%s sees only its own requests", id).isEqualTo(paths);
        FAKE_OF_TEST.put(id, api);
      } finally {
        RUNNING.decrementAndGet();
      }
    }

    // @formatter:off
    @Test void t0(TestInfo i, HttpFake p) { exercise(i, p); }
    @Test void t1(TestInfo i, HttpFake p) { exercise(i, p); }
    @Test void t2(TestInfo i, HttpFake p) { exercise(i, p); }
    @Test void t3(TestInfo i, HttpFake p) { exercise(i, p); }
    @Test void t4(TestInfo i, HttpFake p) { exercise(i, p); }
    @Test void t5(TestInfo i, HttpFake p) { exercise(i, p); }
    @Test void t6(TestInfo i, HttpFake p) { exercise(i, p); }
    @Test void t7(TestInfo i, HttpFake p) { exercise(i, p); }
    @Test void t8(TestInfo i, HttpFake p) { exercise(i, p); }
    @Test void t9(TestInfo i, HttpFake p) { exercise(i, p); }
    // @formatter:on
  }

  // Methods concurrent: each test gets its own fake automatically.
  @KitOnly @BacklotTest static class Concurrent1 extends Traffic {}

  @KitOnly @BacklotTest static class Concurrent2 extends Traffic {}

  @KitOnly @BacklotTest static class Concurrent3 extends Traffic {}

  @KitOnly
  @BacklotTest(lifecycle = FakeLifecycle.PER_METHOD)
  static class PerMethod extends Traffic {}

  @KitOnly
  @BacklotTest(strict = true)
  static class Strict extends Traffic {}

  // Methods in one thread, classes concurrent: one fake per class, reset before each test.
  @KitOnly
  @BacklotTest
  @Execution(ExecutionMode.SAME_THREAD)
  static class SameThread1 extends Traffic {}

  @KitOnly
  @BacklotTest
  @Execution(ExecutionMode.SAME_THREAD)
  static class SameThread2 extends Traffic {}

  // PER_CLASS instances run their methods in one thread unless told otherwise.
  @KitOnly
  @BacklotTest
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  static class SharedInstance extends Traffic {}

  private static final List<Class<?>> CLASSES =
      List.of(Concurrent1.class, Concurrent2.class, Concurrent3.class, PerMethod.class, Strict.class,
          SameThread1.class, SameThread2.class, SharedInstance.class);
  private static final Set<String> ONE_FAKE_PER_CLASS = Set.of("SameThread1", "SameThread2", "SharedInstance");

  @RepeatedTest(3)
  void eightClassesOfTenTestsRunInParallelWithoutCrossTalk() {
    EngineExecutionResults r = Kit.run(Kit.PARALLEL, CLASSES.toArray(Class<?>[]::new));

    assertThat(Kit.failures(r)).isEmpty();
    r.testEvents().assertStatistics(s -> s.succeeded(80).failed(0));
    assertThat(MAX_RUNNING.get()).as("tests really ran at the same time").isGreaterThan(1);
    assertThat(FAKE_OF_TEST).hasSize(80);

    Set<Fake> all = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Class<?> c : CLASSES) {
      String name = c.getSimpleName();
      Set<Fake> mine = Collections.newSetFromMap(new IdentityHashMap<>());
      IntStream.range(0, 10).forEach(i -> mine.add(FAKE_OF_TEST.get(name + "-t" + i)));
      assertThat(mine).as(name).hasSize(ONE_FAKE_PER_CLASS.contains(name) ? 1 : 10);
      for (Fake f : mine) {
        assertThat(all.add(f)).as("%s shares no fake with another class", name).isTrue();
        assertThat(f.isRunning()).as("closed after the run").isFalse();
      }
    }
  }

  // ------------------------------------------------------------------ refused sharing

  @KitOnly
  @BacklotTest
  static class StaticUnderConcurrency {
    static HttpFake shared;

    @Test
    void a() {}

    @Test
    void b() {}
  }

  @Test
  void aFakeConcurrentTestsWouldShareIsRefusedWithTheFix() {
    EngineExecutionResults r = Kit.run(Kit.PARALLEL, StaticUnderConcurrency.class);

    r.testEvents().assertStatistics(s -> s.failed(2));
    assertThat(Kit.failureOf(r, "a()"))
        .hasMessageContaining("runs concurrently with the other tests of its class")
        .hasMessageContaining("would share these fakes with them: shared")
        .hasMessageContaining("@Execution(ExecutionMode.SAME_THREAD)");
  }

  @KitOnly
  @BacklotTest
  @Execution(ExecutionMode.SAME_THREAD)
  static class StaticSameThread {
    static HttpFake shared;

    @Test
    void a() {
      assertThat(shared.isRunning()).isTrue();
    }

    @Test
    void b() {
      assertThat(shared.isRunning()).isTrue();
    }
  }

  @Test
  void aStaticFakeIsFineWhenTheClassRunsItsTestsInOneThread() {
    EngineExecutionResults r = Kit.run(Kit.PARALLEL, StaticSameThread.class);

    assertThat(Kit.failures(r)).isEmpty();
    r.testEvents().assertStatistics(s -> s.succeeded(2));
  }

  @BacklotTest
  abstract static class StaticBase {
    static HttpFake inherited;

    @Test
    @Execution(ExecutionMode.SAME_THREAD) // the classes run concurrently, not the methods
    void a() {}
  }

  @KitOnly static class StaticChild1 extends StaticBase {}

  @KitOnly static class StaticChild2 extends StaticBase {}

  @Test
  void aStaticFieldOfASuperclassIsRefusedWhenClassesRunConcurrently() {
    EngineExecutionResults r = Kit.run(Kit.PARALLEL, StaticChild1.class, StaticChild2.class);

    assertThat(Kit.failures(r))
        .hasSize(2)
        .allSatisfy(f -> assertThat(f).contains("static field StaticBase.inherited is declared in a superclass"));
  }

  // A fake built once on a static @RegisterExtension of a superclass, used by two classes at once.
  private static volatile CountDownLatch bothArrived = new CountDownLatch(2);
  private static volatile CountDownLatch otherDone = new CountDownLatch(1);

  /** Holds both classes until both are about to adopt the fake; then lets the survivor finish. */
  static final class Rendezvous implements BeforeAllCallback, AfterAllCallback {
    @Override
    public void beforeAll(ExtensionContext ctx) throws Exception {
      bothArrived.countDown();
      assertThat(bothArrived.await(20, TimeUnit.SECONDS)).isTrue();
    }

    @Override
    public void afterAll(ExtensionContext ctx) {
      otherDone.countDown();
    }
  }

  abstract static class SharedRegistration {
    @RegisterExtension static BacklotExtension backlot = BacklotExtension.with(new HttpFake());

    @Test
    @Execution(ExecutionMode.SAME_THREAD) // the classes run concurrently, not the methods
    void a() throws Exception {
      // the other class was refused (and finished) while this one held the fake
      assertThat(otherDone.await(20, TimeUnit.SECONDS)).isTrue();
    }
  }

  @KitOnly @ExtendWith(Rendezvous.class) static class SharedRegistration1 extends SharedRegistration {}

  @KitOnly @ExtendWith(Rendezvous.class) static class SharedRegistration2 extends SharedRegistration {}

  @Test
  void aBuiltFakeRegisteredOnceCannotServeTwoClassesAtOnce() {
    bothArrived = new CountDownLatch(2);
    otherDone = new CountDownLatch(1);

    EngineExecutionResults r = Kit.run(Kit.PARALLEL, SharedRegistration1.class, SharedRegistration2.class);

    r.testEvents().assertStatistics(s -> s.succeeded(1));
    assertThat(Kit.failures(r))
        .singleElement()
        .satisfies(f -> assertThat(f).contains("is already in use by").contains("Give with() a builder instead"));
  }
}
