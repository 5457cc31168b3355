package dev.backlot.examples.archive;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.cablecast.CablecastFake;
import dev.backlot.redis.RedisFake;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** What the archive tests share: the app's settings for a pair of fakes, and shows to work on. */
final class ArchiveRig {

  private ArchiveRig() {}

  /** The archive pointed at the fakes, with Cablecast's own credentials. */
  static ArchiveConfig config(CablecastFake cablecast, RedisFake redis) {
    return ArchiveConfig.of(cablecast.baseUri(), cablecast.username(), cablecast.password(),
            redis.redisUri())
        .withHttp(Duration.ofSeconds(10), 3)
        .withRedisPatience(Duration.ofSeconds(20))
        .withTranscriptionTimeout(Duration.ofSeconds(20));
  }

  /** Task ids {@code transcribe-1, transcribe-2, ...}: repeatable runs. */
  static Supplier<String> taskIds() {
    AtomicInteger n = new AtomicInteger();
    return () -> "transcribe-" + n.incrementAndGet();
  }

  /** The id of the first show (by id) that has a watchable VOD in the fake's library. */
  static long showWithVod(CablecastFake cablecast) {
    return cablecast.records("vod").stream()
        .filter(v -> v.path("isWatchable").asBoolean())
        .mapToLong(v -> v.path("show").asLong()).sorted().findFirst().orElseThrow();
  }

  /** The ids of every show with a watchable VOD. */
  static Set<Long> showsWithVods(CablecastFake cablecast) {
    return cablecast.records("vod").stream()
        .filter(v -> v.path("isWatchable").asBoolean())
        .map(v -> v.path("show").asLong()).collect(Collectors.toSet());
  }

  /** The path of the first watchable VOD of {@code show} ({@code /vod/{id}/{file}}). */
  static String vodPath(CablecastFake cablecast, long show) {
    JsonNode vod = cablecast.records("vod").stream()
        .filter(v -> v.path("show").asLong() == show && v.path("isWatchable").asBoolean())
        .findFirst().orElseThrow();
    return java.net.URI.create(vod.path("url").asText()).getPath();
  }

  /** A show's comments as Cablecast stores them now. */
  static String comments(CablecastFake cablecast, long show) {
    return cablecast.record("show", show).orElseThrow().path("comments").asText("");
  }
}
