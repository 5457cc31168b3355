package dev.backlot.junit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Marks a fixture class that only runs inside {@link Kit} (the JUnit Platform test kit): run
 * directly (by an IDE selecting the package, say) it is skipped. Fixtures are also static nested
 * classes, which surefire does not select.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@ExtendWith(KitOnly.Condition.class)
@interface KitOnly {

  final class Condition implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext ctx) {
      return ctx.getConfigurationParameter(Kit.FIXTURES).map(Boolean::parseBoolean).orElse(false)
          ? ConditionEvaluationResult.enabled("inside the test kit")
          : ConditionEvaluationResult.disabled("a fixture: runs only inside the test kit");
    }
  }
}
