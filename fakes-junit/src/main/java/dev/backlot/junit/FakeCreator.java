package dev.backlot.junit;

import dev.backlot.Fake;
import dev.backlot.FakeBuilder;
import dev.backlot.time.Clock;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * Makes fakes of any type by convention: a {@link FakeFactory} method of the test class, else the
 * type's static {@code builder()} (whose builder has {@code build()}), else its public
 * no-argument constructor. {@link FakeConfig} settings are applied to the builder through the
 * typed {@link FakeBuilder} interface every fake's builder implements.
 */
final class FakeCreator {

  private FakeCreator() {}

  /**
   * A new, started fake of {@code type} for the slot described by {@code what} (e.g. "field
   * api"), made by {@code factory} if not null.
   */
  static Fake create(Class<?> type, FakeConfig config, Method factory, String what) {
    Object product;
    if (factory != null) {
      product = invoke(factory, null);
      if (product == null) {
        throw new ExtensionConfigurationException(
            "@FakeFactory " + describe(factory) + " returned null for " + what);
      }
    } else {
      product = defaultProduct(type, config, what);
    }
    Fake fake = toFake(product, config, what);
    if (!type.isInstance(fake)) {
      throw new ExtensionConfigurationException(
          what + " needs a " + type.getName() + " but got a " + fake.getClass().getName());
    }
    return start(fake);
  }

  /** A fake from a builder, or the fake itself; {@code config} applies to builders only. */
  static Fake toFake(Object product, FakeConfig config, String what) {
    if (product instanceof Fake f) {
      if (hasBuilderSettings(config)) {
        throw new ExtensionConfigurationException(
            "@FakeConfig settings cannot be applied to " + what
                + ": its factory returned a built fake; return its builder instead");
      }
      return f;
    }
    if (product instanceof FakeBuilder<?, ?> typed) {
      applySettings(product, config, what);
      return typed.build();
    }
    // A builder of the user's own, not a FakeBuilder: build() is all it promises.
    Method build = buildMethod(product.getClass());
    if (build == null) {
      throw new ExtensionConfigurationException(
          what + ": " + product.getClass().getName() + " is neither a Fake nor a builder with build()");
    }
    applySettings(product, config, what);
    Object built = invoke(build, product);
    if (!(built instanceof Fake f)) {
      throw new ExtensionConfigurationException(
          what + ": " + product.getClass().getName() + ".build() did not return a Fake");
    }
    return f;
  }

  /** Whether {@code o} can be turned into a fake: a fake or a builder of one. */
  static boolean isFakeOrBuilder(Object o) {
    return o instanceof Fake || buildMethod(o.getClass()) != null;
  }

  /** Starts {@code fake} unless running; a fake that fails to start is closed. */
  static Fake start(Fake fake) {
    if (fake.isRunning()) {
      return fake;
    }
    try {
      fake.start();
      return fake;
    } catch (RuntimeException | Error e) {
      try {
        fake.close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private static Object defaultProduct(Class<?> type, FakeConfig config, String what) {
    if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
      throw new ExtensionConfigurationException(
          "Cannot create " + what + " of the abstract type " + type.getName()
              + ": declare a concrete fake type (e.g. HttpFake), assign it yourself, or add a"
              + " @FakeFactory method");
    }
    Method builder = staticBuilder(type);
    Constructor<?> ctor = noArgConstructor(type);
    if (builder != null && (ctor == null || hasBuilderSettings(config))) {
      return invoke(builder, null);
    }
    if (ctor != null) {
      return construct(ctor);
    }
    if (hasBuilderSettings(config)) {
      throw new ExtensionConfigurationException(
          "Cannot apply @FakeConfig to " + what + ": " + type.getName()
              + " has no static builder()");
    }
    throw new ExtensionConfigurationException(
        "Cannot create " + what + ": " + type.getName()
            + " has neither a public no-argument constructor nor a static builder();"
            + " assign the field yourself or add a @FakeFactory method");
  }

  static boolean hasBuilderSettings(FakeConfig c) {
    return c != null
        && (c.port() != 0 || c.manualClock() || c.link() || c.seed() != FakeConfig.NO_SEED);
  }

  /** Applies {@code c} through the typed {@link FakeBuilder} interface every fake's builder has. */
  private static void applySettings(Object builder, FakeConfig c, String what) {
    if (!hasBuilderSettings(c)) {
      return;
    }
    if (!(builder instanceof FakeBuilder<?, ?> b)) {
      String setting = c.seed() != FakeConfig.NO_SEED ? "seed = " + c.seed()
          : c.port() != 0 ? "port = " + c.port()
          : c.manualClock() ? "manualClock = true" : "link = true";
      String method = c.seed() != FakeConfig.NO_SEED ? "seed(long)"
          : c.port() != 0 ? "port(int)" : c.manualClock() ? "clock(Clock)" : "behindLink()";
      throw new ExtensionConfigurationException(
          "@FakeConfig(" + setting + ") on " + what + ": " + builder.getClass().getName()
              + " is not a " + FakeBuilder.class.getSimpleName() + ", so it has no " + method);
    }
    if (c.port() != 0) {
      b.port(c.port());
    }
    if (c.manualClock()) {
      b.clock(Clock.manual());
    }
    if (c.link()) {
      b.behindLink();
    }
    if (c.seed() != FakeConfig.NO_SEED) {
      b.seed(c.seed());
    }
  }

  private static Method staticBuilder(Class<?> type) {
    try {
      Method m = type.getMethod("builder");
      return Modifier.isStatic(m.getModifiers()) && buildMethod(m.getReturnType()) != null ? m : null;
    } catch (NoSuchMethodException e) {
      return null;
    }
  }

  private static Constructor<?> noArgConstructor(Class<?> type) {
    try {
      Constructor<?> c = type.getConstructor();
      return Modifier.isPublic(c.getModifiers()) ? c : null;
    } catch (NoSuchMethodException e) {
      return null;
    }
  }

  /** The public {@code build()} of a builder class returning a fake, or null. */
  static Method buildMethod(Class<?> builderType) {
    try {
      // getMethod picks the most specific return type among covariant overrides
      Method m = builderType.getMethod("build");
      return Fake.class.isAssignableFrom(m.getReturnType())
              || m.getReturnType().isAssignableFrom(Fake.class)
          ? m
          : null;
    } catch (NoSuchMethodException e) {
      return null;
    }
  }

  // ---------------------------------------------------------------- factories

  /** The {@link FakeFactory} methods visible from {@code testClass}: its hierarchy, then enclosing classes. */
  static List<Method> factories(Class<?> testClass) {
    Set<Method> out = new LinkedHashSet<>();
    for (Class<?> c = testClass; c != null; c = c.getEnclosingClass()) {
      out.addAll(
          ReflectionSupport.findMethods(
              c, m -> m.isAnnotationPresent(FakeFactory.class), HierarchyTraversalMode.BOTTOM_UP));
    }
    for (Method m : out) {
      if (!Modifier.isStatic(m.getModifiers()) || m.getParameterCount() != 0) {
        throw new ExtensionConfigurationException(
            "@FakeFactory " + describe(m) + " must be static and take no parameters");
      }
      if (producedType(m) == null) {
        throw new ExtensionConfigurationException(
            "@FakeFactory " + describe(m) + " must return a Fake or a builder of one, not "
                + m.getReturnType().getName());
      }
    }
    return new ArrayList<>(out);
  }

  /** The type of fake a factory makes: its return type, or the return type of its builder's build(). */
  static Class<?> producedType(Method factory) {
    Class<?> r = factory.getReturnType();
    if (Fake.class.isAssignableFrom(r)) {
      return r;
    }
    Method build = buildMethod(r);
    return build == null ? null : build.getReturnType();
  }

  /**
   * The factory for a slot of {@code type} called {@code name}: the one {@code config} names, else
   * the only one whose fakes fit the type, else (when several fit) the one named like the slot,
   * else null.
   */
  static Method factoryFor(
      Class<?> type, String name, FakeConfig config, List<Method> factories, String what) {
    String named = config == null ? "" : config.factory();
    if (!named.isEmpty()) {
      List<Method> byName = factories.stream().filter(m -> m.getName().equals(named)).toList();
      if (byName.isEmpty()) {
        throw new ExtensionConfigurationException(
            "@FakeConfig(factory = \"" + named + "\") on " + what
                + ": no @FakeFactory method of that name; found " + names(factories));
      }
      Method m = byName.get(0);
      Class<?> made = producedType(m);
      if (!type.isAssignableFrom(made) && !made.isAssignableFrom(type)) {
        throw new ExtensionConfigurationException(
            "@FakeFactory " + describe(m) + " makes " + made.getSimpleName() + ", but " + what
                + " is a " + type.getSimpleName());
      }
      return m;
    }
    List<Method> fitting = factories.stream().filter(m -> type.isAssignableFrom(producedType(m))).toList();
    if (fitting.size() > 1) {
      List<Method> sameName = fitting.stream().filter(m -> m.getName().equals(name)).toList();
      if (sameName.size() == 1) {
        return sameName.get(0);
      }
      throw new ExtensionConfigurationException(
          "Several @FakeFactory methods can make " + what + ": " + names(fitting)
              + "; name one with @FakeConfig(factory = \"...\") or name a factory like the field");
    }
    return fitting.isEmpty() ? null : fitting.get(0);
  }

  private static String names(List<Method> ms) {
    return ms.stream().map(Method::getName).collect(Collectors.joining(", ", "[", "]"));
  }

  static String describe(Method m) {
    return m.getDeclaringClass().getSimpleName() + "." + m.getName() + "()";
  }

  // ---------------------------------------------------------------- reflection

  static Object invoke(Method m, Object target, Object... args) {
    try {
      if (!m.canAccess(Modifier.isStatic(m.getModifiers()) ? null : target)) {
        m.trySetAccessible();
      }
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw rethrow(e.getCause());
    } catch (IllegalAccessException e) {
      throw new ExtensionConfigurationException("Backlot cannot call " + m, e);
    }
  }

  private static Object construct(Constructor<?> c) {
    try {
      if (!c.canAccess(null)) {
        c.trySetAccessible();
      }
      return c.newInstance();
    } catch (InvocationTargetException e) {
      throw rethrow(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new ExtensionConfigurationException("Backlot cannot call " + c, e);
    }
  }

  static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException re) {
      throw re;
    }
    if (t instanceof Error err) {
      throw err;
    }
    throw new IllegalStateException(t);
  }
}
