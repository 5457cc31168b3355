package dev.backlot.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.backlot.FakeBuilder;
import dev.backlot.gradio.GradioFake;
import dev.backlot.jobs.Job;
import dev.backlot.jobs.JobEngine;
import dev.backlot.minimax.MiniMaxFake;
import dev.backlot.runway.RunwayFake;
import dev.backlot.time.Clock;
import dev.backlot.time.ManualClock;
import dev.backlot.veo.VeoFake;
import dev.backlot.wire.Json;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The four video fakes take the same job settings from config ({@code concurrency}, {@code
 * jobDurationMs}, {@code jobScript}, see {@link dev.backlot.jobs.JobSettings}), with the same
 * meaning: jobs running at once, how long one runs, and a script applied again after a reset.
 */
class SharedJobSettingsTest {

  record Video(String name, Supplier<FakeBuilder<?, ?>> builder, Function<Object, JobEngine> jobs) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> fakes() {
    return Stream.of(
        Arguments.of(new Video("runway", RunwayFake::builder, f -> ((RunwayFake) f).jobs())),
        Arguments.of(new Video("minimax", MiniMaxFake::builder, f -> ((MiniMaxFake) f).jobs())),
        Arguments.of(new Video("veo", VeoFake::builder, f -> ((VeoFake) f).jobs())),
        Arguments.of(new Video("gradio", GradioFake::builder, f -> ((GradioFake) f).jobs())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fakes")
  void concurrencyDurationAndScriptFromConfig(Video video) {
    ManualClock clock = Clock.manual();
    var fake = video.builder().get().clock(clock).configure(Json.parse("""
        {"concurrency": 2, "jobDurationMs": 1234,
         "jobScript": [{"next": 1, "fail": "flagged", "details": 7}]}""")).start();
    try {
      JobEngine jobs = video.jobs().apply(fake);
      assertThat(jobs.maxRunning()).isEqualTo(2);
      assertThat(jobs.script().rules()).hasSize(1);
      jobs.script().clear();
      Job job = jobs.submit("not a real request"); // the worker's answer does not matter here
      clock.advance(Duration.ofMillis(1233));
      assertThat(jobs.job(job.id()).orElseThrow().isTerminal()).as("still running at 1233 ms").isFalse();
      clock.advance(Duration.ofMillis(1));
      await().atMost(Duration.ofSeconds(30)).until(() -> jobs.job(job.id()).orElseThrow().isTerminal());

      fake.reset();
      assertThat(video.jobs().apply(fake).script().rules()).as("the script again after reset").hasSize(1);
    } finally {
      fake.close();
    }
  }
}
