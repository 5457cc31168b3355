package dev.backlot.junit;

import dev.backlot.Fake;
import dev.backlot.junit.FakeRegistry.Managed;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ExtensionContext.Store;

/**
 * Where the extension keeps its fakes: one {@link FakeRegistry} per JUnit context (class or
 * test), found by walking up the context chain.
 */
@SuppressWarnings("deprecation") // getOrComputeIfAbsent: the one Store method JUnit 5.10 through 6 all have
final class Contexts {

  static final Namespace NS = Namespace.create(BacklotExtension.class);

  private Contexts() {}

  /** "WeatherTest > Nested > retries()", from the display names above the engine's. */
  static String testName(ExtensionContext ctx) {
    List<String> names = new ArrayList<>();
    for (ExtensionContext c : chain(ctx)) {
      names.add(c.getDisplayName());
    }
    Collections.reverse(names);
    return String.join(" > ", names);
  }

  static Store store(ExtensionContext ctx) {
    return ctx.getStore(NS);
  }

  static FakeRegistry registry(ExtensionContext ctx) {
    // Keys are per context: a store read falls back to the parent's store.
    return store(ctx).getOrComputeIfAbsent(
        "registry:" + ctx.getUniqueId(), k -> new FakeRegistry(testName(ctx)), FakeRegistry.class);
  }

  static FakeRegistry existingRegistry(ExtensionContext ctx) {
    return store(ctx).get("registry:" + ctx.getUniqueId(), FakeRegistry.class);
  }

  /** Owns the fakes you built yourself on static fields: they live as long as the field. */
  static FakeRegistry sessionRegistry(ExtensionContext ctx) {
    // the root context's store lives for the whole run (JUnit 5.10+; StoreScope needs 5.13)
    return ctx.getRoot().getStore(NS)
        .getOrComputeIfAbsent("registry:session", k -> new FakeRegistry("the test run"), FakeRegistry.class);
  }

  /** The contexts from {@code ctx} up to (not including) the engine's. */
  static List<ExtensionContext> chain(ExtensionContext ctx) {
    List<ExtensionContext> out = new ArrayList<>();
    for (ExtensionContext c = ctx; c.getParent().isPresent(); c = c.getParent().get()) {
      out.add(c);
    }
    return out;
  }

  static boolean isClassLevel(ExtensionContext c) {
    return c.getTestMethod().isEmpty() && c.getTestClass().isPresent();
  }

  static ExtensionContext classContext(ExtensionContext ctx) {
    for (ExtensionContext c : chain(ctx)) {
      if (isClassLevel(c)) {
        return c;
      }
    }
    return ctx;
  }

  /** The nearest class context whose test class is {@code type} or extends it. */
  static ExtensionContext ownerContext(ExtensionContext ctx, Class<?> type) {
    for (ExtensionContext c : chain(ctx)) {
      if (isClassLevel(c) && type.isAssignableFrom(c.getRequiredTestClass())) {
        return c;
      }
    }
    return classContext(ctx);
  }

  static Managed findInChain(ExtensionContext ctx, Object key) {
    for (ExtensionContext c : chain(ctx)) {
      FakeRegistry r = existingRegistry(c);
      Managed m = r == null ? null : r.get(key);
      if (m != null) {
        return m;
      }
    }
    return null;
  }

  static boolean managedInChain(ExtensionContext ctx, Fake fake) {
    for (ExtensionContext c : chain(ctx)) {
      FakeRegistry r = existingRegistry(c);
      if (r != null && r.contains(fake)) {
        return true;
      }
    }
    return false;
  }

  /** Every fake a test can reach, outermost class first, each once. */
  static List<Managed> inScope(ExtensionContext ctx) {
    List<ExtensionContext> contexts = chain(ctx);
    Collections.reverse(contexts);
    List<Managed> out = new ArrayList<>();
    Set<Fake> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (ExtensionContext c : contexts) {
      FakeRegistry r = existingRegistry(c);
      if (r != null) {
        for (Managed m : r.all()) {
          if (seen.add(m.fake())) {
            out.add(m);
          }
        }
      }
    }
    return out;
  }

  /** The fakes that outlive one test: those of the class contexts above it. */
  static List<Managed> shared(ExtensionContext ctx) {
    List<Managed> out = new ArrayList<>();
    Set<Fake> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (ExtensionContext c : chain(ctx)) {
      if (!isClassLevel(c)) {
        continue;
      }
      FakeRegistry r = existingRegistry(c);
      if (r != null) {
        for (Managed m : r.all()) {
          if (seen.add(m.fake())) {
            out.add(m);
          }
        }
      }
    }
    return out;
  }
}
