package dev.backlot.junit;

import dev.backlot.Fake;
import static dev.backlot.junit.Contexts.*;
import static dev.backlot.junit.FakeFields.*;
import static dev.backlot.junit.Settings.*;

import dev.backlot.junit.FakeRegistry.Managed;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.opentest4j.TestAbortedException;

/**
 * The JUnit 5 extension behind {@link BacklotTest}, also usable on its own to register fakes that
 * need setup an annotation cannot express.
 *
 * <pre>{@code
 * class OrderServiceTest {
 *   @RegisterExtension
 *   static BacklotExtension backlot = BacklotExtension.with(
 *       HttpFake.builder().setup(f -> f.stub("GET", "/health").respond(Response.text(200, "ok"))));
 *
 *   @Test
 *   void placesAnOrder(HttpFake payments) {        // the registered fake, reset before each test
 *     ...
 *     assertThat(backlot.get(HttpFake.class)).isSameAs(payments);
 *   }
 * }
 * }</pre>
 *
 * <p>Registered on a static field, the fakes live as long as the class and are reset before each
 * test; on an instance field, every test gets its own and they are closed after it. Builders are
 * built by the extension (one fake per class, or per test); fakes you built yourself on a static
 * field live until the test run ends, so a class re-run in the same JVM still finds them open.
 * Everything {@link BacklotTest} does for fields and parameters works here too.
 *
 * <p>The extension keeps no static state: fakes live in JUnit's stores, per class or per test.
 */
@SuppressWarnings("deprecation") // getOrComputeIfAbsent: the one Store method JUnit 5.10 through 6 all have
public final class BacklotExtension
    implements BeforeAllCallback,
        AfterAllCallback,
        BeforeEachCallback,
        AfterEachCallback,
        TestInstancePostProcessor,
        ParameterResolver {

  /** Configuration parameter: where {@link BacklotTest#reports()} writes. */
  public static final String REPORTS_DIR = "backlot.reports.dir";

  private static final String LEADER = "leader";

  /** Key of the fake of one programmatic registration. */
  private record Registered(BacklotExtension extension, int index) {}

  /** Key of the fake of a parameter that matches no field. */
  private record ParamSlot(Class<?> type, String name, FakeConfig config) {}

  private final List<Object> registered;
  // The context of the test (or class) this extension is serving on this thread, for get().
  private final ThreadLocal<ExtensionContext> current = new ThreadLocal<>();
  private volatile List<Fake> lastAdopted = List.of();
  // Fakes given to with() -> unique id of the class using them, to refuse concurrent sharing.
  private final Map<Fake, String> inUse = Collections.synchronizedMap(new IdentityHashMap<>());

  /** The extension as {@link BacklotTest} registers it: fields and parameters only. */
  public BacklotExtension() {
    this.registered = List.of();
  }

  private BacklotExtension(List<Object> registered) {
    this.registered = registered;
  }

  /**
   * An extension managing these fakes, each given as a fake or as a builder of one (anything with
   * a {@code build()} returning a fake), besides the fields and parameters of the test class.
   *
   * <pre>{@code
   * @RegisterExtension
   * static BacklotExtension backlot = BacklotExtension.with(HttpFake.builder().port(18080));
   * }</pre>
   */
  public static BacklotExtension with(Object... fakesOrBuilders) {
    List<Object> list = new ArrayList<>();
    for (Object o : fakesOrBuilders) {
      if (o == null || !FakeCreator.isFakeOrBuilder(o)) {
        throw new IllegalArgumentException(
            "BacklotExtension.with() takes fakes or their builders, not " + o);
      }
      list.add(o);
    }
    return new BacklotExtension(List.copyOf(list));
  }

  /**
   * The fake of {@code type} among those given to {@link #with}, for the class or test running on
   * this thread (the first such one, in the order given).
   *
   * @throws IllegalStateException before the test class has started
   */
  public <T extends Fake> T get(Class<T> type) {
    List<Fake> all = fakes();
    for (Fake f : all) {
      if (type.isInstance(f)) {
        return type.cast(f);
      }
    }
    throw new IllegalArgumentException(
        "No " + type.getSimpleName() + " among the fakes given to with(): "
            + all.stream().map(f -> f.getClass().getSimpleName()).toList());
  }

  /** The fakes given to {@link #with}, in that order, for the class or test running on this thread. */
  public List<Fake> fakes() {
    ExtensionContext ctx = current.get();
    List<Fake> out = new ArrayList<>();
    if (ctx != null) {
      for (int i = 0; i < registered.size(); i++) {
        Managed m = findInChain(ctx, new Registered(this, i));
        if (m != null) {
          out.add(m.fake());
        }
      }
    }
    if (out.isEmpty()) {
      out.addAll(lastAdopted);
    }
    if (out.isEmpty() && !registered.isEmpty()) {
      throw new IllegalStateException(
          "The fakes of this BacklotExtension are created when its test class (or test) starts;"
              + " call get() from a test or a lifecycle method");
    }
    return out;
  }

  // ================================================================ JUnit callbacks

  @Override
  public ExtensionContextScope getTestInstantiationExtensionContextScope(ExtensionContext root) {
    // Constructor parameters and per-test instances then see the test's own context, so a
    // per-test fake given to a constructor is closed with that test.
    return ExtensionContextScope.TEST_METHOD;
  }

  @Override
  public void beforeAll(ExtensionContext ctx) {
    current.set(ctx);
    boolean leader = lead(ctx);
    adoptRegistered(ctx);
    if (leader) {
      injectStatics(ctx);
    }
  }

  @Override
  public void postProcessTestInstance(Object instance, ExtensionContext ctx) {
    if (lead(ctx)) {
      injectInstance(instance, ctx);
    }
  }

  @Override
  public void beforeEach(ExtensionContext ctx) {
    current.set(ctx);
    boolean leader = lead(ctx);
    adoptRegistered(ctx);
    if (!leader) {
      return;
    }
    for (Object instance : ctx.getRequiredTestInstances().getAllInstances()) {
      injectInstance(instance, ctx);
    }
    List<Managed> shared = shared(ctx);
    if (!shared.isEmpty() && concurrentMethods(ctx)) {
      throw new ExtensionConfigurationException(
          "Backlot: " + testName(ctx) + " runs concurrently with the other tests of its class"
              + " (ExecutionMode.CONCURRENT), but would share these fakes with them: "
              + shared.stream().map(Managed::label).collect(Collectors.joining(", "))
              + ". Resetting a shared fake before each test would break the tests running beside"
              + " it. Use instance fields or test parameters (they become one fake per test when"
              + " tests run concurrently), register BacklotExtension on an instance field, or run"
              + " the class with @Execution(ExecutionMode.SAME_THREAD).");
    }
    for (Managed m : shared) {
      m.fake().reset();
    }
  }

  @Override
  public void afterEach(ExtensionContext ctx) {
    try {
      if (isLeader(ctx)) {
        report(ctx);
      }
    } finally {
      current.remove();
      if (isLeader(ctx)) {
        FakeRegistry own = existingRegistry(ctx);
        if (own != null) {
          own.close();
        }
      }
    }
  }

  @Override
  public void afterAll(ExtensionContext ctx) {
    try {
      if (isLeader(ctx)) {
        Settings s = settings(ctx);
        Throwable failure = failure(ctx);
        FakeRegistry own = existingRegistry(ctx);
        if (failure != null && own != null && s.lines() > 0 && !own.isEmpty()) {
          failure.addSuppressed(new FakeTraffic(Diagnostics.traffic(testName(ctx), own.all(), s.lines())));
        }
      }
    } finally {
      String id = ctx.getUniqueId();
      inUse.values().removeIf(id::equals);
      current.remove();
      if (isLeader(ctx)) {
        FakeRegistry own = existingRegistry(ctx);
        if (own != null) {
          own.close();
        }
      }
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext pc, ExtensionContext ctx) {
    return Fake.class.isAssignableFrom(pc.getParameter().getType()) && lead(ctx);
  }

  @Override
  public Object resolveParameter(ParameterContext pc, ExtensionContext ctx) {
    try {
      return resolve(pc, ctx);
    } catch (ExtensionConfigurationException | IllegalStateException e) {
      throw new ParameterResolutionException(e.getMessage(), e);
    }
  }

  // ================================================================ leadership
  // @BacklotTest registers one instance; @RegisterExtension fields may add more in the same
  // class. JUnit would call every one of them, so the first to arrive leads: it injects fields,
  // resolves parameters, resets, reports and closes. The others only contribute their with()
  // fakes, which land in the same registries.

  private boolean lead(ExtensionContext ctx) {
    return store(ctx).getOrComputeIfAbsent(LEADER, k -> this) == this;
  }

  private boolean isLeader(ExtensionContext ctx) {
    return store(ctx).get(LEADER) == this;
  }

  // ================================================================ programmatic fakes

  private void adoptRegistered(ExtensionContext ctx) {
    if (registered.isEmpty()) {
      return;
    }
    boolean classLevel = ctx.getTestMethod().isEmpty();
    List<Fake> adopted = new ArrayList<>();
    for (int i = 0; i < registered.size(); i++) {
      Registered key = new Registered(this, i);
      Managed found = findInChain(ctx, key);
      if (found == null) {
        found = adopt(ctx, key, registered.get(i), classLevel);
      }
      adopted.add(found.fake());
    }
    lastAdopted = List.copyOf(adopted);
  }

  private Managed adopt(ExtensionContext ctx, Registered key, Object given, boolean classLevel) {
    String what = "the fake #" + (key.index() + 1) + " given to BacklotExtension.with()";
    if (!(given instanceof Fake fake)) {
      return registry(ctx).computeIfAbsent(
          key, () -> {
            Fake f = FakeCreator.start(FakeCreator.toFake(given, null, what));
            return new Managed(f, registeredLabel(f, key), true);
          });
    }
    if (!classLevel) {
      return registry(ctx).computeIfAbsent(
          key, () -> new Managed(startYours(fake, what), registeredLabel(fake, key), true));
    }
    String owner = inUse.putIfAbsent(fake, ctx.getUniqueId());
    if (owner != null && !ctx.getUniqueId().startsWith(owner)) {
      throw new ExtensionConfigurationException(
          "Backlot: " + what + " (a " + fake.name() + " fake) is already in use by " + owner
              + ", which runs at the same time; a fake built once on a static field cannot serve"
              + " two classes at once. Give with() a builder instead (one fake per class).");
    }
    Managed owned =
        sessionRegistry(ctx)
            .computeIfAbsent(fake, () -> new Managed(startYours(fake, what), registeredLabel(fake, key), true));
    registry(ctx).borrow(key, owned);
    return owned;
  }

  private String registeredLabel(Fake f, Registered key) {
    return registered.size() == 1 ? f.name() : f.name() + "#" + (key.index() + 1);
  }

  // ================================================================ fields

  private void injectStatics(ExtensionContext ctx) {
    Class<?> testClass = ctx.getRequiredTestClass();
    for (Field f : fakeFields(testClass, true)) {
      String what = describe(f);
      FakeConfig config = f.getAnnotation(FakeConfig.class);
      if (config != null && config.lifecycle() == FakeLifecycle.PER_METHOD) {
        throw new ExtensionConfigurationException(
            what + " cannot be PER_METHOD: a static field is shared by every test of the class;"
                + " make it an instance field");
      }
      if (f.getDeclaringClass() != testClass && classesConcurrent(ctx)) {
        throw new ExtensionConfigurationException(
            what + " is declared in a superclass, so every test class extending it shares it, and"
                + " test classes run concurrently here. Make it an instance field: it still gets"
                + " one fake per test class.");
      }
      Object value = read(f, null);
      if (value == null) {
        staticSlot(f, ctx);
      } else if (!managedInChain(ctx, (Fake) value)) {
        Fake fake = (Fake) value;
        refuseConfigOnAssigned(f);
        Managed owned =
            sessionRegistry(ctx).computeIfAbsent(fake, () -> new Managed(startYours(fake, what), f.getName(), true));
        registry(ctx).borrow(f, owned);
      }
    }
  }

  private static void refuseConfigOnAssigned(Field f) {
    if (f.isAnnotationPresent(FakeConfig.class)) {
      throw new ExtensionConfigurationException(
          "@FakeConfig on " + describe(f) + " has no effect, since the field is assigned a fake"
              + " already: configure the builder you assign it from, or leave the field null");
    }
  }

  /** The fake of a null static field: made once per class and written into the field. */
  private Managed staticSlot(Field f, ExtensionContext ctx) {
    ExtensionContext owner = ownerContext(ctx, f.getDeclaringClass());
    FakeRegistry reg = registry(owner);
    Managed m = reg.computeIfAbsent(f, () -> create(f.getType(), f.getAnnotation(FakeConfig.class), owner, f.getName(), describe(f)));
    if (read(f, null) == null) {
      write(f, null, m.fake());
      reg.onClose(
          () -> {
            if (read(f, null) == m.fake()) {
              write(f, null, null);
            }
          });
    }
    return m;
  }

  private void injectInstance(Object instance, ExtensionContext ctx) {
    ExtensionContext owner = ownerContext(ctx, instance.getClass());
    boolean sharedInstance =
        owner.getTestInstanceLifecycle().orElse(TestInstance.Lifecycle.PER_METHOD)
            == TestInstance.Lifecycle.PER_CLASS;
    boolean methodLevel = ctx.getTestMethod().isPresent();
    for (Field f : fakeFields(instance.getClass(), false)) {
      Object value = read(f, instance);
      if (value != null) {
        Fake fake = (Fake) value;
        if (managedInChain(ctx, fake)) {
          continue;
        }
        // Yours: it lives as long as the instance holding it.
        refuseConfigOnAssigned(f);
        FakeRegistry reg = sharedInstance || !methodLevel ? registry(owner) : registry(ctx);
        Managed m = reg.computeIfAbsent(f, () -> new Managed(startYours(fake, describe(f)), f.getName(), true));
        if (m.fake() != fake) {
          throw new ExtensionConfigurationException(
              describe(f) + " was assigned a fake, but Backlot had already made one for it (for a"
                  + " constructor or lifecycle-method parameter); either assign it or let Backlot"
                  + " fill it, not both");
        }
        continue;
      }
      if (Modifier.isFinal(f.getModifiers())) {
        throw new ExtensionConfigurationException(describe(f) + " is final and null: drop final so Backlot can fill it");
      }
      Managed m = instanceSlot(f, ctx, owner, sharedInstance);
      if (m == null) {
        continue; // per-test fake of a shared instance: filled in beforeEach
      }
      write(f, instance, m.fake());
      if (sharedInstance) {
        FakeRegistry reg = perTest(f.getAnnotation(FakeConfig.class), ctx) ? registry(ctx) : registry(owner);
        reg.onClose(
            () -> {
              if (read(f, instance) == m.fake()) {
                write(f, instance, null);
              }
            });
      }
    }
  }

  /** The fake an instance field gets, or null when it must wait for a test's context. */
  private Managed instanceSlot(Field f, ExtensionContext ctx, ExtensionContext owner, boolean sharedInstance) {
    FakeConfig config = f.getAnnotation(FakeConfig.class);
    if (perTest(config, ctx)) {
      if (ctx.getTestMethod().isEmpty()) {
        return null;
      }
      if (sharedInstance && concurrentMethods(ctx)) {
        throw new ExtensionConfigurationException(
            describe(f) + " belongs to a @TestInstance(PER_CLASS) instance shared by tests running"
                + " concurrently, so it cannot hold a fake per test: take the fake as a test"
                + " parameter, or run the class with @Execution(ExecutionMode.SAME_THREAD)");
      }
      return registry(ctx).computeIfAbsent(f, () -> create(f.getType(), config, owner, f.getName(), describe(f)));
    }
    return registry(owner).computeIfAbsent(f, () -> create(f.getType(), config, owner, f.getName(), describe(f)));
  }

  // ================================================================ parameters

  private Object resolve(ParameterContext pc, ExtensionContext ctx) {
    Parameter p = pc.getParameter();
    Class<?> type = p.getType();
    String name = p.getName();
    FakeConfig config = pc.findAnnotation(FakeConfig.class).orElse(null);
    String what =
        "parameter " + name + " of "
            + (pc.getDeclaringExecutable() instanceof java.lang.reflect.Constructor<?>
                ? "the constructor"
                : pc.getDeclaringExecutable().getName() + "()");
    if (config == null) {
      List<Field> fields = matchingFields(ctx, type, name);
      if (fields.size() > 1) {
        throw new ExtensionConfigurationException(
            "Backlot cannot tell which fake " + what + " wants: fields "
                + fields.stream().map(Field::getName).toList()
                + " all fit; name the parameter like one of them");
      }
      if (fields.size() == 1) {
        return fieldFake(fields.get(0), ctx).fake();
      }
      List<Managed> given = registeredInChain(ctx).stream().filter(m -> type.isInstance(m.fake())).toList();
      if (given.size() == 1) {
        return given.get(0).fake();
      }
      if (given.size() > 1) {
        throw new ExtensionConfigurationException(
            "Backlot cannot tell which fake " + what + " wants: "
                + given.stream().map(Managed::label).toList()
                + " all fit; assign them to fields and name the parameter like one of them");
      }
    }
    boolean perTest = perTest(config, ctx);
    if (perTest && ctx.getTestMethod().isEmpty()) {
      throw new ExtensionConfigurationException(
          what + " would be a per-test fake, but it is asked for outside of a test (a @BeforeAll"
              + " method or a class-wide constructor): make it PER_CLASS with @FakeConfig, or take"
              + " it in @BeforeEach");
    }
    ExtensionContext owner = perTest ? ctx : classContext(ctx);
    ParamSlot key = new ParamSlot(type, name, config);
    return registry(owner).computeIfAbsent(key, () -> create(type, config, classContext(ctx), name, what)).fake();
  }

  /** Fields of a fake type the parameter fits, the test class first; narrowed by name if several. */
  private static List<Field> matchingFields(ExtensionContext ctx, Class<?> type, String name) {
    List<Field> fits = new ArrayList<>();
    for (Class<?> c = ctx.getTestClass().orElse(null); c != null; c = enclosing(c)) {
      for (Field f : fakeFields(c, null)) {
        if (type.isAssignableFrom(f.getType())) {
          fits.add(f);
        }
      }
    }
    if (fits.size() <= 1) {
      return fits;
    }
    List<Field> named = fits.stream().filter(f -> f.getName().equals(name)).toList();
    return named.isEmpty() ? fits : List.of(named.get(0));
  }

  /** The fake of a field, for a parameter: its current value, or the one injection will use. */
  private Managed fieldFake(Field f, ExtensionContext ctx) {
    boolean isStatic = Modifier.isStatic(f.getModifiers());
    Object holder = null;
    if (!isStatic) {
      List<Object> instances = ctx.getTestInstances().map(t -> new ArrayList<>(t.getAllInstances())).orElseGet(ArrayList::new);
      Collections.reverse(instances);
      holder = instances.stream().filter(i -> f.getDeclaringClass().isInstance(i)).findFirst().orElse(null);
    }
    if (isStatic || holder != null) {
      Object value = read(f, holder);
      if (value != null) {
        return new Managed((Fake) value, f.getName(), false);
      }
    }
    Managed found = findInChain(ctx, f);
    if (found != null) {
      return found;
    }
    if (isStatic) {
      return staticSlot(f, ctx);
    }
    ExtensionContext owner = ownerContext(ctx, f.getDeclaringClass());
    boolean sharedInstance =
        owner.getTestInstanceLifecycle().orElse(TestInstance.Lifecycle.PER_METHOD)
            == TestInstance.Lifecycle.PER_CLASS;
    Managed m = instanceSlot(f, ctx, owner, sharedInstance);
    if (m == null) {
      throw new ExtensionConfigurationException(
          describe(f) + " holds a per-test fake, so it cannot be given to a parameter outside of a"
              + " test (a @BeforeAll method or a class-wide constructor)");
    }
    return m;
  }

  // ================================================================ creation

  private Managed create(Class<?> type, FakeConfig config, ExtensionContext owner, String label, String what) {
    Class<?> testClass = owner.getTestClass().orElse(Object.class);
    Method factory = FakeCreator.factoryFor(type, label, config, FakeCreator.factories(testClass), what);
    return new Managed(FakeCreator.create(type, config, factory, what), label, true);
  }

  /** Starts a fake the user built; a closed one is a configuration error worth explaining. */
  private static Fake startYours(Fake fake, String what) {
    try {
      return FakeCreator.start(fake);
    } catch (IllegalStateException e) {
      throw new ExtensionConfigurationException(
          what + " holds a fake that cannot start (" + e.getMessage() + "). A fake closed by an"
              + " earlier test class cannot be reused: leave the field null, or use a builder",
          e);
    }
  }

  // ================================================================ reports

  private void report(ExtensionContext ctx) {
    Settings s = settings(ctx);
    List<Managed> fakes = inScope(ctx);
    Throwable thrown = ctx.getExecutionException().orElse(null);
    Throwable failure = failure(ctx);
    String name = testName(ctx);
    AssertionError problems = null; // what fails a test that passed by itself
    if (s.strict()) {
      List<String> violations = Diagnostics.strictViolations(fakes);
      if (!violations.isEmpty()) {
        problems =
            new AssertionError(
                "Backlot strict mode: " + String.join("\n", violations) + "\n"
                    + Diagnostics.traffic(name, fakes, Math.max(s.lines(), 1)));
      }
    }
    List<String> unfinished = Diagnostics.unfinishedRules(fakes);
    if (!unfinished.isEmpty()) {
      // not only in strict mode: a rule without an action is a mistake in the test, never intended
      AssertionError e = new AssertionError("Backlot: " + String.join("\n", unfinished));
      if (problems == null) {
        problems = e;
      } else {
        problems.addSuppressed(e);
      }
    }
    String page = "";
    if (s.reports()) {
      String result =
          failure != null || problems != null ? "failed" : thrown != null ? "aborted" : "passed";
      Path dir = Path.of(ctx.getConfigurationParameter(REPORTS_DIR).orElse("target/backlot-reports"));
      Method m = ctx.getRequiredTestMethod();
      boolean invocation = ctx.getParent().flatMap(ExtensionContext::getTestMethod).isPresent();
      String test = invocation ? m.getName() + "_" + ctx.getDisplayName() : m.getName();
      Diagnostics.writeReport(dir, ctx.getRequiredTestClass().getName(), test, result,
          failure != null ? failure : problems, fakes);
      page = "\n  timeline of this test (open in a browser): " + HtmlReport.write(dir,
          ctx.getRequiredTestClass().getName(), test, result, failure != null ? failure : problems, fakes);
    }
    if (failure != null && s.lines() > 0) {
      failure.addSuppressed(new FakeTraffic(Diagnostics.traffic(name, fakes, s.lines()) + page));
    }
    if (problems != null) {
      if (failure != null) {
        failure.addSuppressed(problems);
      } else {
        throw problems;
      }
    }
  }

  private static Throwable failure(ExtensionContext ctx) {
    return ctx.getExecutionException().filter(t -> !(t instanceof TestAbortedException)).orElse(null);
  }

  private List<Managed> registeredInChain(ExtensionContext ctx) {
    List<Managed> out = new ArrayList<>();
    Set<Fake> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (ExtensionContext c : chain(ctx)) {
      FakeRegistry r = existingRegistry(c);
      if (r == null) {
        continue;
      }
      for (Managed m : r.all()) {
        if (seen.add(m.fake()) && isRegistered(r, m)) {
          out.add(m);
        }
      }
    }
    return out;
  }

  private static boolean isRegistered(FakeRegistry r, Managed m) {
    // A programmatic fake is one stored under a Registered key; Managed does not keep its key,
    // so look it up the other way round.
    return r.keysOf(m.fake()).stream().anyMatch(k -> k instanceof Registered);
  }

}
