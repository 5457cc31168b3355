package dev.backlot.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;

/**
 * Job script rules written as config (JSON, or YAML read into a tree), for the standalone
 * launcher: the same rules as {@link JobScripts}, one object per rule, in order.
 *
 * <pre>{@code
 * "jobScript": [
 *   {"next": 1, "fail": "Content moderation", "details": "SAFETY.INPUT.TEXT"},
 *   {"next": 2, "throttleMs": 3000},
 *   {"next": 1, "stall": true},
 *   {"all": true, "durationMs": 8000, "steps": 8}
 * ]
 * }</pre>
 *
 * <p>A rule selects with {@code "next": n} or {@code "all": true}, then sets any of {@code
 * durationMs}, {@code steps}, {@code fail} (a message, with optional {@code details}: text or a
 * number), {@code cancel: true}, {@code stall: true}, {@code stallAfter} (steps) and {@code
 * throttleMs}. An unknown key or a wrong type is an {@link IllegalArgumentException} naming it.
 *
 * <pre>{@code
 * ScriptConfig.check(rules);                          // at startup: fail fast on a bad rule
 * builder.setup(f -> ScriptConfig.apply(f.jobs().script(), rules)); // again after every reset
 * }</pre>
 */
public final class ScriptConfig {

  // in the order the error lists them (dev.backlot.wire.Hints, with its "did you mean", is above
  // this package's layer)
  private static final List<String> KEYS = List.of(
      "next", "all", "durationMs", "steps", "fail", "details", "cancel", "stall", "stallAfter", "throttleMs");

  private ScriptConfig() {}

  /** Checks every rule of {@code rules} (a list) without applying it. */
  public static void check(JsonNode rules) {
    apply(JobEngine.builder().build().script(), rules);
  }

  /** Adds every rule of {@code rules} (a list of rule objects) to {@code scripts}, in order. */
  public static void apply(JobScripts scripts, JsonNode rules) {
    if (rules == null || rules.isNull()) {
      return;
    }
    if (!rules.isArray()) {
      throw new IllegalArgumentException("the job script must be a list of rules, not " + rules);
    }
    for (JsonNode rule : rules) {
      applyOne(scripts, rule);
    }
  }

  private static void applyOne(JobScripts scripts, JsonNode rule) {
    if (!rule.isObject()) {
      throw new IllegalArgumentException("a job script rule must be an object, not " + rule);
    }
    for (Iterator<String> it = rule.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!KEYS.contains(k)) {
        throw new IllegalArgumentException(
            "unknown job script key '" + k + "' (known: " + String.join(", ", KEYS) + ")");
      }
    }
    ScriptRule r;
    if (rule.has("next")) {
      r = scripts.next(whole(rule, "next"));
    } else if (rule.path("all").asBoolean(false)) {
      r = scripts.all();
    } else {
      throw new IllegalArgumentException("a job script rule needs \"next\": n or \"all\": true: " + rule);
    }
    if (rule.has("durationMs")) {
      r.duration(Duration.ofMillis(whole(rule, "durationMs")));
    }
    if (rule.has("steps")) {
      r.steps(whole(rule, "steps"));
    }
    if (rule.has("fail")) {
      JsonNode d = rule.get("details");
      Object details = d == null || d.isNull() ? null : d.isIntegralNumber() ? (Object) d.intValue() : d.asText();
      r.fail(text(rule, "fail"), details);
    }
    if (rule.path("cancel").asBoolean(false)) {
      r.cancel();
    }
    if (rule.path("stall").asBoolean(false)) {
      r.stall();
    }
    if (rule.has("stallAfter")) {
      r.stallAfter(whole(rule, "stallAfter"));
    }
    if (rule.has("throttleMs")) {
      r.throttle(Duration.ofMillis(whole(rule, "throttleMs")));
    }
  }

  private static int whole(JsonNode rule, String key) {
    JsonNode v = rule.get(key);
    if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
      throw new IllegalArgumentException("job script '" + key + "' must be a whole number, not " + v);
    }
    return v.intValue();
  }

  private static String text(JsonNode rule, String key) {
    JsonNode v = rule.get(key);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException("job script '" + key + "' must be text, not " + v);
    }
    return v.textValue();
  }
}
