package dev.backlot.junit;

/**
 * How long a fake the extension creates lives.
 *
 * <pre>{@code
 * @BacklotTest(lifecycle = FakeLifecycle.PER_METHOD)      // every test gets fresh fakes
 * class CheckoutTest { HttpFake payments; ... }
 *
 * @BacklotTest                                            // one fake per class, reset before each test
 * class CatalogTest {
 *   HttpFake search;
 *   @FakeConfig(lifecycle = FakeLifecycle.PER_METHOD) HttpFake flaky;  // this one is fresh per test
 * }
 * }</pre>
 */
public enum FakeLifecycle {
  /**
   * One fake for all tests of the class (and its {@code @Nested} classes): started before the
   * first test, {@linkplain dev.backlot.Fake#reset() reset} before every test, closed after the
   * last. The default.
   */
  PER_CLASS,
  /** A fresh fake for every test, closed when the test ends. */
  PER_METHOD,
  /**
   * Whatever the enclosing level says: on {@link FakeConfig} the test class's {@link
   * BacklotTest#lifecycle()}; on a {@code @Nested} class's {@link BacklotTest} the enclosing
   * class's; {@link #PER_CLASS} when nothing says otherwise.
   */
  INHERITED
}
