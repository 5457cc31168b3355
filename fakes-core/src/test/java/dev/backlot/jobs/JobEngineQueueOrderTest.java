package dev.backlot.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backlot.time.Clock;
import dev.backlot.time.ManualClock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The builder's {@code queueOrder} and per-input {@code defaultSteps} (added for ComfyUI). */
class JobEngineQueueOrderTest {

  record Item(String name, int priority, int steps) {}

  @Test
  void queuedJobsStartInTheGivenOrderTiesFifo() {
    ManualClock clock = Clock.manual();
    JobEngine jobs = JobEngine.builder().clock(clock)
        .queueOrder(Comparator.comparingInt(o -> ((Item) o).priority()))
        .build();
    jobs.submit("a", new Item("a", 5, 1));
    jobs.submit("b", new Item("b", 1, 1));
    jobs.submit("c", new Item("c", 5, 1));
    jobs.submit("d", new Item("d", -1, 1));
    assertThat(jobs.queue().stream().map(Job::id)).containsExactly("d", "b", "a", "c");
    clock.advance(Duration.ZERO);
    assertThat(jobs.running().stream().map(Job::id)).containsExactly("d");
    clock.advance(JobEngine.DEFAULT_DURATION);
    assertThat(jobs.running().stream().map(Job::id)).containsExactly("b");
    jobs.submit("e", new Item("e", 0, 1)); // jumps ahead of a and c
    clock.advance(JobEngine.DEFAULT_DURATION);
    assertThat(jobs.running().stream().map(Job::id)).containsExactly("e");
    clock.advance(JobEngine.DEFAULT_DURATION.multipliedBy(3));
    List<String> order = jobs.jobs().stream()
        .sorted(Comparator.comparing(j -> j.enteredAt(JobState.RUNNING).orElseThrow()))
        .map(Job::id).toList();
    assertThat(order).containsExactly("d", "b", "e", "a", "c");
    jobs.assertHealthy();
  }

  @Test
  void defaultStepsComeFromTheInputUnlessAScriptSaysOtherwise() {
    ManualClock clock = Clock.manual();
    JobEngine jobs = JobEngine.builder().clock(clock)
        .defaultSteps(o -> ((Item) o).steps())
        .build();
    assertThat(jobs.submit("a", new Item("a", 0, 20)).script().steps()).isEqualTo(20);
    assertThat(jobs.submit("b", new Item("b", 0, -3)).script().steps()).isZero();
    jobs.script().next(1).steps(4);
    assertThat(jobs.submit("c", new Item("c", 0, 20)).script().steps()).isEqualTo(4);
    clock.advance(Duration.ofSeconds(1));
    assertThat(jobs.job("a").orElseThrow().progress()).isEqualTo(new Progress(20, 20));
    jobs.assertHealthy();
  }
}
