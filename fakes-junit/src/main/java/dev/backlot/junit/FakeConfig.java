package dev.backlot.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Settings for the fake the extension creates for one field or parameter, where the defaults (a
 * random port, the system clock) are not what the test needs. Each setting calls the matching
 * method of the fake's builder.
 *
 * <pre>{@code
 * @BacklotTest
 * class PollingTest {
 *   @FakeConfig(manualClock = true) HttpFake api;          // builder.clock(Clock.manual())
 *   @FakeConfig(port = 18080) HttpFake legacy;             // builder.port(18080)
 *   @FakeConfig(seed = 42) HttpFake flaky;                 // builder.seed(42): replayable faults
 *   @FakeConfig(link = true) HttpFake remote;              // builder.behindLink(): remote.link() adds latency...
 *   @FakeConfig(factory = "slowApi") HttpFake slow;        // made by the @FakeFactory method slowApi()
 *
 *   @Test
 *   void pollsUntilDone() {
 *     ManualClock clock = (ManualClock) api.clock();
 *     ...
 *   }
 * }
 * }</pre>
 *
 * <p>A parameter with {@code @FakeConfig} always gets a fake of its own rather than the fake of
 * a field of its type. On a field you assign yourself it is an error: configure the builder you
 * assign it from instead.
 */
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface FakeConfig {

  /** The value of {@link #seed()} meaning "not set". */
  long NO_SEED = Long.MIN_VALUE;

  /** A fixed port; 0 (the default) picks a free one. */
  int port() default 0;

  /** Gives the fake a {@link dev.backlot.time.ManualClock} (read it back with {@code clock()}). */
  boolean manualClock() default false;

  /**
   * Puts the fake behind a {@link dev.backlot.net.NetworkLink} (the builder's {@code
   * behindLink()}): clients connect through it, and the test shapes the traffic with {@code
   * fake.link()}; {@code reset()} clears its toxics.
   */
  boolean link() default false;

  /**
   * The seed of the fake's fault plan, so probabilistic faults replay identically; calls the
   * builder's {@code seed(long)}.
   */
  long seed() default NO_SEED;

  /** How long this fake lives; by default as the test class says. */
  FakeLifecycle lifecycle() default FakeLifecycle.INHERITED;

  /**
   * The name of the {@link FakeFactory} method that makes this fake, when several factories
   * could make its type.
   */
  String factory() default "";
}
