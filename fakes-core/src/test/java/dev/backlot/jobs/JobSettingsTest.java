package dev.backlot.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.backlot.time.Clock;
import dev.backlot.time.ManualClock;
import dev.backlot.wire.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class JobSettingsTest {

  /** Stands for a fake: something that has a job engine. */
  record Owner(JobEngine jobs) {}

  private final List<Consumer<Owner>> setups = new ArrayList<>();
  private final JobSettings<Owner> settings = new JobSettings<>(4, Duration.ofSeconds(2), Owner::jobs);

  @Test
  void defaultsMethodsAndConfigKeysMeanTheSame() {
    assertThat(settings.concurrency()).isEqualTo(4);
    assertThat(settings.duration()).isEqualTo(Duration.ofSeconds(2));
    settings.concurrency(2);
    settings.duration(Duration.ofMillis(1500));
    assertThat(settings.configure("concurrency", Json.parse("3"), setups::add)).isTrue();
    assertThat(settings.configure("jobDurationMs", Json.parse("1234"), setups::add)).isTrue();
    assertThat(settings.concurrency()).isEqualTo(3);
    assertThat(settings.duration()).isEqualTo(Duration.ofMillis(1234));
    assertThat(settings.configure("fps", Json.parse("8"), setups::add)).as("not a job key").isFalse();
    assertThat(setups).isEmpty();
  }

  @Test
  void theEngineRunsThatManyJobsForThatLong() {
    ManualClock clock = Clock.manual();
    settings.concurrency(1);
    settings.duration(Duration.ofMillis(1234));
    JobEngine jobs = settings.engine(clock).defaultSteps(0).build();
    try {
      Job first = jobs.submit("a");
      Job second = jobs.submit("b");
      assertThat(jobs.maxRunning()).isEqualTo(1);
      assertThat(jobs.job(second.id()).orElseThrow().state()).isEqualTo(JobState.QUEUED);
      clock.advance(Duration.ofMillis(1233));
      assertThat(jobs.job(first.id()).orElseThrow().state()).isEqualTo(JobState.RUNNING);
      clock.advance(Duration.ofMillis(1));
      await().atMost(Duration.ofSeconds(30))
          .until(() -> jobs.job(first.id()).orElseThrow().state() == JobState.SUCCEEDED);
    } finally {
      jobs.close();
    }
  }

  @Test
  void aJobScriptIsCheckedAtOnceAndHandedToSetup() {
    assertThat(settings.configure("jobScript",
        Json.parse("[{\"next\": 1, \"fail\": \"flagged\", \"details\": \"X\"}]"), setups::add)).isTrue();
    assertThat(setups).hasSize(1);
    JobEngine jobs = JobEngine.builder().build();
    try {
      setups.get(0).accept(new Owner(jobs));
      assertThat(jobs.script().rules()).hasSize(1);
    } finally {
      jobs.close();
    }
    assertThatThrownBy(() -> settings.configure("jobScript", Json.parse("[{\"next\": 1, \"boom\": 1}]"), setups::add))
        .hasMessageContaining("boom");
    assertThat(setups).hasSize(1);
  }

  @Test
  void badValuesAreRefusedNamingTheSetting() {
    assertThatThrownBy(() -> settings.concurrency(0)).hasMessageContaining("concurrency");
    assertThatThrownBy(() -> settings.duration(Duration.ofMillis(-1))).hasMessageContaining("duration");
    assertThatThrownBy(() -> settings.configure("concurrency", Json.parse("\"two\""), setups::add))
        .hasMessageContaining("'concurrency'");
    assertThatThrownBy(() -> settings.configure("jobDurationMs", Json.parse("1.5e30"), setups::add))
        .hasMessageContaining("'jobDurationMs'");
    assertThatThrownBy(() -> new JobSettings<Owner>(0, Duration.ZERO, Owner::jobs))
        .hasMessageContaining("concurrency");
  }
}
