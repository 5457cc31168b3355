package dev.backlot.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backlot.time.Clock;
import dev.backlot.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ExpiringFilesTest {

  private final ManualClock clock = Clock.manual(Instant.parse("2026-03-01T00:00:00Z"));
  private final Ids ids = new Ids(5);
  private final ExpiringFiles files = new ExpiringFiles(clock, () -> ids.token(16));

  @Test
  void aLinkWorksUntilItsExpiryOnTheClock() {
    ExpiringFiles.Link link = files.publish("task-1", "out.mp4", "video/mp4", () -> new byte[] {1, 2}, Duration.ofHours(1));
    assertThat(link.expiresAt()).isEqualTo(Instant.parse("2026-03-01T01:00:00Z"));
    ExpiringFiles.Entry e = files.find(link.token());
    assertThat(e.fileName()).isEqualTo("out.mp4");
    assertThat(e.bytes()).containsExactly(1, 2);
    clock.advance(Duration.ofMinutes(59));
    assertThat(files.isExpired(e)).isFalse();
    clock.advance(Duration.ofMinutes(1));
    assertThat(files.isExpired(e)).isTrue();
    assertThat(files.find("unknown")).isNull();
    assertThat(files.find(null)).isNull();
  }

  @Test
  void expiredLinksAreDroppedAsNewOnesArePublishedAndOwnersCanBeWithdrawn() {
    ExpiringFiles.Link old = files.publish("a", "x", "t", () -> new byte[0], Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(2));
    ExpiringFiles.Link a = files.publish("a", "x", "t", () -> new byte[0], Duration.ofSeconds(10));
    ExpiringFiles.Link b = files.publish("b", "y", "t", () -> new byte[0], Duration.ofSeconds(10));
    assertThat(files.find(old.token())).isNull();
    assertThat(a.token()).isNotEqualTo(b.token());
    files.removeOwner("a");
    assertThat(files.find(a.token())).isNull();
    assertThat(files.find(b.token())).isNotNull();
    files.clear();
    assertThat(files.size()).isZero();
  }

  @Test
  void memoizedContentIsComputedOnceOnFirstUse() {
    AtomicInteger calls = new AtomicInteger();
    Supplier<byte[]> lazy = ExpiringFiles.memoize(() -> new byte[] {(byte) calls.incrementAndGet()});
    ExpiringFiles.Link l1 = files.publish("t", "f", "t", lazy, Duration.ofSeconds(10));
    ExpiringFiles.Link l2 = files.publish("t", "f", "t", lazy, Duration.ofSeconds(10));
    assertThat(calls).hasValue(0);
    assertThat(files.find(l1.token()).bytes()).containsExactly(1);
    assertThat(files.find(l2.token()).bytes()).containsExactly(1);
    assertThat(calls).hasValue(1);
  }
}
