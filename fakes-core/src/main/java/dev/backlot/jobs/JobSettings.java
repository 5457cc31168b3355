package dev.backlot.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The job settings a fake of an asynchronous backend takes in its builder (Runway, MiniMax, Veo,
 * Gradio): how many jobs run at once, how long an unscripted job runs on the fake's clock, and a
 * {@linkplain ScriptConfig job script} from config, applied again after every reset. One instance
 * per builder; the builder's own methods ({@code concurrency(n)}, {@code jobDuration(d)}) set it,
 * and its config keys go through {@link #configure}.
 *
 * <pre>{@code
 * private final JobSettings<RunwayFake> jobs = new JobSettings<>(4, Duration.ofSeconds(2), RunwayFake::jobs);
 * public Builder concurrency(int n) { jobs.concurrency(n); return this; }
 * protected boolean configure(String key, JsonNode value) {
 *   return jobs.configure(key, value, this::setup) || super.configure(key, value);
 * }
 * // in the fake: this.jobs = b.jobs.engine(clock()).defaultSteps(4).worker(...).build();
 * }</pre>
 *
 * <p>Config keys: {@code concurrency} (jobs running at once), {@code jobDurationMs}, and {@code
 * jobScript} (a list of {@link ScriptConfig} rules).
 *
 * @param <F> the fake the builder builds, whose {@link JobEngine} a job script is applied to
 */
public final class JobSettings<F> {

  private final Function<F, JobEngine> engineOf;
  private int concurrency;
  private Duration duration;

  /**
   * Settings starting at the backend's defaults; {@code engineOf} gives a built fake's job
   * engine (for the job script).
   */
  public JobSettings(int concurrency, Duration duration, Function<F, JobEngine> engineOf) {
    this.engineOf = Objects.requireNonNull(engineOf, "engineOf");
    concurrency(concurrency);
    duration(duration);
  }

  /** How many jobs run at once; the rest wait in the queue. At least 1. */
  public void concurrency(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("concurrency (jobs running at once) must be at least 1: " + n);
    }
    this.concurrency = n;
  }

  /** How long a job runs on the fake's clock unless its script says otherwise; not negative. */
  public void duration(Duration d) {
    Objects.requireNonNull(d, "duration");
    if (d.isNegative()) {
      throw new IllegalArgumentException("the job duration must not be negative: " + d);
    }
    this.duration = d;
  }

  public int concurrency() {
    return concurrency;
  }

  public Duration duration() {
    return duration;
  }

  /**
   * Applies one of the shared config keys ({@code concurrency}, {@code jobDurationMs}, {@code
   * jobScript}); false for any other key. A job script is checked now (a bad rule fails at
   * startup) and handed to {@code setup} (the builder's {@code setup}), so it is applied to the
   * fake's engine at start and again after every reset.
   */
  public boolean configure(String key, JsonNode value, Consumer<Consumer<F>> setup) {
    switch (key) {
      case "concurrency" -> {
        if (value == null || !value.canConvertToInt()) {
          throw new IllegalArgumentException("'" + key + "' must be a whole number, not " + value);
        }
        concurrency(value.intValue());
      }
      case "jobDurationMs" -> {
        if (value == null || !value.canConvertToLong()) {
          throw new IllegalArgumentException("'" + key + "' must be a whole number, not " + value);
        }
        duration(Duration.ofMillis(value.longValue()));
      }
      case "jobScript" -> {
        ScriptConfig.check(value);
        setup.accept(f -> ScriptConfig.apply(engineOf.apply(f).script(), value));
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  /** A job engine builder with these settings: the clock, {@code maxRunning}, the default duration. */
  public JobEngine.Builder engine(Clock clock) {
    return JobEngine.builder().clock(clock).maxRunning(concurrency).defaultDuration(duration);
  }

  @Override
  public String toString() {
    return "JobSettings{concurrency=" + concurrency + ", duration=" + duration + "}";
  }
}
