package dev.backlot.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ManualClockTest {

  private final ManualClock clock = Clock.manual(Instant.parse("2026-01-01T00:00:00Z"));

  @Test
  void tasksRunInDueOrderAtTheirDueInstantWhenTimeIsAdvanced() {
    List<String> ran = new ArrayList<>();
    clock.schedule(Duration.ofSeconds(3), () -> ran.add("3s@" + clock.instant()));
    clock.schedule(Duration.ofSeconds(1), () -> ran.add("1s@" + clock.instant()));
    clock.schedule(Duration.ofSeconds(1), () -> ran.add("1s-second@" + clock.instant()));

    clock.advance(Duration.ofMillis(999));
    assertThat(ran).isEmpty();
    assertThat(clock.pendingTasks()).isEqualTo(3);

    clock.advance(Duration.ofSeconds(5));
    assertThat(ran)
        .containsExactly(
            "1s@2026-01-01T00:00:01Z", "1s-second@2026-01-01T00:00:01Z", "3s@2026-01-01T00:00:03Z");
    assertThat(clock.instant()).isEqualTo(Instant.parse("2026-01-01T00:00:05.999Z"));
  }

  @Test
  void tasksScheduledByTasksInsideTheStepRunToo() {
    List<Instant> ran = new ArrayList<>();
    clock.schedule(
        Duration.ofSeconds(1),
        () -> clock.schedule(Duration.ofSeconds(1), () -> ran.add(clock.instant())));
    clock.advance(Duration.ofSeconds(2));
    assertThat(ran).containsExactly(Instant.parse("2026-01-01T00:00:02Z"));
  }

  @Test
  void cancelledTasksDoNotRun() {
    List<String> ran = new ArrayList<>();
    Clock.Cancellable c = clock.schedule(Duration.ofSeconds(1), () -> ran.add("x"));
    assertThat(c.cancel()).isTrue();
    assertThat(c.cancel()).isFalse();
    clock.advance(Duration.ofSeconds(2));
    assertThat(ran).isEmpty();
    assertThat(clock.pendingTasks()).isZero();
  }

  @Test
  void timeNeverGoesBackwards() {
    assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> clock.advanceTo(Instant.parse("2025-01-01T00:00:00Z")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void zeroDelayRunsAtTheNextAdvance() {
    List<String> ran = new ArrayList<>();
    clock.schedule(Duration.ZERO, () -> ran.add("now"));
    assertThat(ran).isEmpty();
    clock.advance(Duration.ZERO);
    assertThat(ran).containsExactly("now");
    assertThat(clock.isManual()).isTrue();
  }

  @Test
  void scheduleAtRunsAtTheAbsoluteInstant() {
    List<Instant> ran = new ArrayList<>();
    Instant at = Instant.parse("2026-01-01T00:00:10Z");
    clock.scheduleAt(at, () -> ran.add(clock.instant()));
    clock.advance(Duration.ofSeconds(9));
    assertThat(ran).isEmpty();
    clock.advance(Duration.ofSeconds(5));
    assertThat(ran).containsExactly(at);
    clock.scheduleAt(Instant.EPOCH, () -> ran.add(clock.instant()));
    clock.advance(Duration.ZERO);
    assertThat(ran).hasSize(2).last().isEqualTo(Instant.parse("2026-01-01T00:00:14Z"));
  }

  @Test
  void theSystemClockRunsScheduledTasks() throws Exception {
    CountDownLatch ran = new CountDownLatch(1);
    Clock.system().schedule(Duration.ofMillis(10), ran::countDown);
    assertThat(ran.await(20, TimeUnit.SECONDS)).isTrue();
    CountDownLatch never = new CountDownLatch(1);
    assertThat(Clock.system().schedule(Duration.ofHours(1), never::countDown).cancel()).isTrue();
    assertThat(Clock.system().isManual()).isFalse();
  }
}
