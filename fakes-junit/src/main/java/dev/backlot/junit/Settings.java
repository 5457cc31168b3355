package dev.backlot.junit;

import java.lang.reflect.Modifier;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.platform.commons.support.AnnotationSupport;

/** The settings a test runs under: from {@link BacklotTest} and {@link FakeConfig}, and JUnit's parallelism. */
record Settings(FakeLifecycle lifecycle, boolean strict, boolean reports, int lines) {

  static final String PARALLEL = "junit.jupiter.execution.parallel.enabled";

  /** Configuration parameter that turns {@link BacklotTest#reports()} on for every test class. */
  static final String REPORTS = "backlot.reports";

  static Settings settings(ExtensionContext ctx) {
    BacklotTest nearest = null;
    FakeLifecycle lifecycle = null;
    for (Class<?> c = ctx.getTestClass().orElse(null); c != null; c = enclosing(c)) {
      Optional<BacklotTest> a = AnnotationSupport.findAnnotation(c, BacklotTest.class);
      if (a.isPresent()) {
        if (nearest == null) {
          nearest = a.get();
        }
        if (lifecycle == null && a.get().lifecycle() != FakeLifecycle.INHERITED) {
          lifecycle = a.get().lifecycle();
        }
      }
    }
    FakeLifecycle lc = lifecycle == null ? FakeLifecycle.PER_CLASS : lifecycle;
    boolean everywhere = ctx.getConfigurationParameter(REPORTS).map(Boolean::parseBoolean).orElse(false);
    return nearest == null
        ? new Settings(lc, false, everywhere, 25)
        : new Settings(lc, nearest.strict(), everywhere || nearest.reports(), nearest.journalLines());
  }

  /** Whether a fake configured by {@code config} is made per test in {@code ctx}. */
  static boolean perTest(FakeConfig config, ExtensionContext ctx) {
    FakeLifecycle lc =
        config == null || config.lifecycle() == FakeLifecycle.INHERITED
            ? settings(ctx).lifecycle()
            : config.lifecycle();
    return lc == FakeLifecycle.PER_METHOD || concurrentMethods(ctx);
  }

  static boolean parallel(ExtensionContext ctx) {
    return ctx.getConfigurationParameter(PARALLEL).map(Boolean::parseBoolean).orElse(false);
  }

  /** Whether this test runs concurrently with other tests of its class. */
  static boolean concurrentMethods(ExtensionContext ctx) {
    return ctx.getTestMethod().isPresent()
        && ctx.getExecutionMode() == ExecutionMode.CONCURRENT
        && parallel(ctx);
  }

  static boolean classesConcurrent(ExtensionContext ctx) {
    return Contexts.classContext(ctx).getExecutionMode() == ExecutionMode.CONCURRENT && parallel(ctx);
  }

  static Class<?> enclosing(Class<?> c) {
    return Modifier.isStatic(c.getModifiers()) ? null : c.getEnclosingClass();
  }
}
