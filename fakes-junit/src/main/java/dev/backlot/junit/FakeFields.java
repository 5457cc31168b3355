package dev.backlot.junit;

import dev.backlot.Fake;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

/** Reading and writing the fake-typed fields of test classes. */
final class FakeFields {

  private FakeFields() {}

  /** Fake-typed fields of {@code c} and its superclasses; static, instance, or both (null). */
  static List<Field> fakeFields(Class<?> c, Boolean statics) {
    return ReflectionSupport.findFields(
        c,
        f -> Fake.class.isAssignableFrom(f.getType())
            && !f.isSynthetic()
            && (statics == null || Modifier.isStatic(f.getModifiers()) == statics),
        HierarchyTraversalMode.TOP_DOWN);
  }

  static String describe(Field f) {
    return (Modifier.isStatic(f.getModifiers()) ? "static field " : "field ")
        + f.getDeclaringClass().getSimpleName() + "." + f.getName();
  }

  static Object read(Field f, Object target) {
    try {
      return accessible(f).get(target);
    } catch (IllegalAccessException e) {
      throw new ExtensionConfigurationException("Backlot cannot read " + describe(f), e);
    }
  }

  static void write(Field f, Object target, Object value) {
    try {
      accessible(f).set(target, value);
    } catch (IllegalAccessException e) {
      throw new ExtensionConfigurationException("Backlot cannot set " + describe(f), e);
    }
  }

  /** Plain reflection: ReflectionSupport.makeAccessible(Field) needs JUnit 5.12. */
  private static Field accessible(Field f) {
    f.setAccessible(true);
    return f;
  }
}
