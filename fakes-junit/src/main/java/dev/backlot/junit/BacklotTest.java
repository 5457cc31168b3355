package dev.backlot.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test class with Backlot fakes: every field of a {@link dev.backlot.Fake} type that is
 * {@code null} gets a started fake, every {@code Fake} parameter (of a test, lifecycle method or
 * constructor) is resolved, fakes are reset before each test and closed after the last one, and a
 * failing test reports the traffic its fakes saw.
 *
 * <pre>{@code
 * @BacklotTest
 * class WeatherClientTest {
 *   HttpFake api;                                   // created, started, reset, closed for you
 *
 *   @Test
 *   void retriesA503() {
 *     api.stub("GET", "/forecast").respond(Response.status(503), Response.json(200, "{\"t\":21}"));
 *     assertThat(new WeatherClient(api.baseUri()).forecast()).isEqualTo(21);
 *     api.journal().verify(2, RequestPattern.get("/forecast"));
 *   }
 * }
 * }</pre>
 *
 * <h2>What gets a fake</h2>
 *
 * <ul>
 *   <li>Fields of any {@code Fake} type, static or not, declared in the test class, its
 *       superclasses, or (for {@code @Nested} classes) its enclosing classes. A {@code null} field
 *       gets a new fake; a field you assigned yourself ({@code HttpFake api =
 *       HttpFake.builder()...build();}) is started, reset and closed for you.
 *   <li>Parameters of a {@code Fake} type: the fake of the field of that type (a parameter named
 *       like a field picks that field when several match), the fake of a {@link
 *       BacklotExtension#with programmatic} registration, or else a fake of its own, managed like
 *       a field.
 * </ul>
 *
 * <p>A fake is created by its type's {@link FakeFactory} method in the test class if there is
 * one, else by its static {@code builder()} (with the settings of {@link FakeConfig}), else by
 * its public no-argument constructor. Every Backlot fake offers one of the two.
 *
 * <h2>Lifecycle</h2>
 *
 * <p>By default a fake lives as long as the test class ({@link FakeLifecycle#PER_CLASS}) and is
 * {@linkplain dev.backlot.Fake#reset() reset} before every test, so each test starts from the
 * fake's initial state: stubs and faults added by an earlier test (or by a {@code @BeforeAll}
 * method) are gone, while state given to its builder's {@code setup(...)} comes back. Configure
 * per-test stubs in the test or in {@code @BeforeEach}. Static fields always live as long as the
 * class. A fake you assign to a static field yourself lives as long as that field: it is
 * closed when the test run ends.
 *
 * <h2>Parallel execution</h2>
 *
 * <p>Every test class gets its own fakes on their own ports, so classes may run concurrently.
 * When the methods of a class run concurrently ({@code ExecutionMode.CONCURRENT}), the fakes the
 * extension creates for instance fields and parameters become per-test automatically (as if
 * {@link FakeLifecycle#PER_METHOD}), since resetting one shared fake before each test would
 * clobber the tests running beside it. A fake that concurrent tests would have to share (a
 * static field, a field of a {@code @TestInstance(PER_CLASS)} instance, a static programmatic
 * registration) makes those tests fail with a message saying how to fix it, instead of failing
 * at random.
 *
 * <h2>Failure report</h2>
 *
 * <p>When a test fails, the failure carries (as a suppressed {@link FakeTraffic}) the recent
 * journal of every fake the test could reach: requests, statuses, response bodies of errors,
 * faults fired and the fault plan's seed.
 *
 * <p>A test that declared a fault rule and gave it no action ({@code
 * api.faults().on("POST", "/orders").next(1);} without {@code .status(503)}) fails, strict mode
 * or not: such a rule does nothing, which is never what the test meant.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(BacklotExtension.class)
public @interface BacklotTest {

  /** How long the fakes the extension creates live; {@link FakeLifecycle#PER_CLASS} by default. */
  FakeLifecycle lifecycle() default FakeLifecycle.INHERITED;

  /**
   * Fails a test whose fakes received a request that no stub or route handled, or whose fault
   * rules did not all fire (where the fake has a fault plan).
   */
  boolean strict() default false;

  /**
   * Writes each test's traffic as JSON under {@code target/backlot-reports/} (or the directory in
   * the configuration parameter {@code backlot.reports.dir}), with an HTML timeline beside it. The
   * configuration parameter {@code backlot.reports=true} (e.g. in {@code
   * src/test/resources/junit-platform.properties}) turns it on for every test class of a build.
   */
  boolean reports() default false;

  /** How many of each fake's newest journal entries a failure report shows; 0 turns it off. */
  int journalLines() default 25;
}
