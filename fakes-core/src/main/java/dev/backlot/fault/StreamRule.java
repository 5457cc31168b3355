package dev.backlot.fault;

import dev.backlot.wire.PathTemplate;
import dev.backlot.wire.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * What Server-Sent Event and WebSocket rules share: the stream's path, which messages count, and
 * the message actions drop, delay and duplicate. A delayed message holds back the messages after
 * it on the same stream, as on a real TCP connection, so order is never broken.
 *
 * @param <R> the rule's own type
 */
public abstract class StreamRule<R extends StreamRule<R>> extends Rule<R> {

  enum Level { NONE, MESSAGE, STREAM, UPGRADE }

  final String method;
  final PathTemplate path;
  final String pathText;
  final MessageMatch match = new MessageMatch();

  Level level = Level.NONE;
  private boolean drop;
  private boolean duplicate;
  private Delay delay;
  int after = -1;
  int closeCode;
  String reason = "";
  int refuseStatus;

  StreamRule(FaultPlan plan, String method, String path) {
    super(plan);
    this.method = method == null || method.equals("*") ? null : method.toUpperCase(Locale.ROOT);
    this.path = path == null ? null : PathTemplate.of(path);
    this.pathText = path == null ? "*" : path;
  }

  /** Only messages whose text satisfies {@code test} (binary messages never do). */
  public R where(String description, Predicate<String> test) {
    beforeAction(description);
    Predicate<String> before = match.test;
    Objects.requireNonNull(test, "test");
    match.test = before == null ? test : before.and(test);
    match.text.append(", ").append(description);
    return self();
  }

  /** Drops the message: not sent (outgoing), or never delivered to the fake (incoming). */
  public R drop() {
    synchronized (plan) {
      level(Level.MESSAGE);
      drop = true;
      installed();
    }
    return self();
  }

  /** Sends (or delivers) the message twice. */
  public R duplicate() {
    synchronized (plan) {
      level(Level.MESSAGE);
      duplicate = true;
      installed();
    }
    return self();
  }

  /** Holds the message back for {@code d} on the fake's clock (later messages wait behind it). */
  public R delay(Duration d) {
    return delay(Delay.fixed(d));
  }

  /** Holds the message back for a delay drawn from {@code d} (seeded). */
  public R delay(Delay d) {
    synchronized (plan) {
      level(Level.MESSAGE);
      delay = Objects.requireNonNull(d, "delay");
      installed();
    }
    return self();
  }

  final void level(Level l) {
    if (level != Level.NONE && level != l) {
      throw misused(
          "a rule acts either on messages (drop, delay, duplicate), on streams (closeAfter,"
              + " cutAfter) or on upgrades (refuse); use two rules: " + this);
    }
    level = l;
  }

  // ------------------------------------------------------------------ engine side

  boolean matchesStream(Request origin) {
    if (method != null && !method.equals(origin.method())) {
      return false;
    }
    return path == null || path.match(origin.rawPath()) != null;
  }

  boolean dropAction() {
    return drop;
  }

  boolean duplicateAction() {
    return duplicate;
  }

  Delay delayAction() {
    return delay;
  }

  /** A fresh trigger for one stream, or null when this is not a stream rule. */
  abstract StreamTrigger arm(String description);

  @Override
  String matchText() {
    return kindText() + " " + pathText + match.text;
  }

  abstract String kindText();

  @Override
  String actionText() {
    List<String> parts = new ArrayList<>(2);
    if (delay != null) {
      parts.add("delay " + delay);
    }
    if (duplicate) {
      parts.add("duplicate");
    }
    if (drop) {
      parts.add("drop");
    }
    String stream = streamActionText();
    if (stream != null) {
      parts.add(stream);
    }
    return parts.isEmpty() ? "(no action yet)" : String.join(" then ", parts);
  }

  abstract String streamActionText();

  @Override
  String unit() {
    return switch (level) {
      case STREAM -> "streams";
      case UPGRADE -> "upgrade requests";
      default -> "messages";
    };
  }
}
