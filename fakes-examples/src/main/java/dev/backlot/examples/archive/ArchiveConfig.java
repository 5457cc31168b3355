package dev.backlot.examples.archive;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the archive's services live and how patient it is with them.
 *
 * @param cablecast the Cablecast server ({@code http://host:port}, the API is under {@code
 *     /cablecastapi/v1})
 * @param username Cablecast user for writes (HTTP Basic)
 * @param password its password
 * @param redis the Redis that is both the archive's store and Celery's broker and result backend
 * @param httpTimeout how long one Cablecast request may take before it is given up and retried
 * @param httpAttempts how many times a Cablecast request is tried (5xx, resets, timeouts)
 * @param redisPatience how long Redis may be unreachable before an operation fails
 * @param transcriptionTimeout how long to wait for a transcription task to be ready
 */
public record ArchiveConfig(
    URI cablecast,
    String username,
    String password,
    URI redis,
    Duration httpTimeout,
    int httpAttempts,
    Duration redisPatience,
    Duration transcriptionTimeout) {

  public ArchiveConfig {
    Objects.requireNonNull(cablecast, "cablecast");
    Objects.requireNonNull(redis, "redis");
    if (httpAttempts < 1) {
      throw new IllegalArgumentException("httpAttempts must be at least 1");
    }
  }

  /** Sensible defaults: 10 s per request, 3 attempts, 10 s of Redis patience, 60 s per task. */
  public static ArchiveConfig of(URI cablecast, String username, String password, URI redis) {
    return new ArchiveConfig(cablecast, username, password, redis, Duration.ofSeconds(10), 3,
        Duration.ofSeconds(10), Duration.ofSeconds(60));
  }

  public ArchiveConfig withCredentials(String username, String password) {
    return new ArchiveConfig(cablecast, username, password, redis, httpTimeout, httpAttempts,
        redisPatience, transcriptionTimeout);
  }

  public ArchiveConfig withHttp(Duration timeout, int attempts) {
    return new ArchiveConfig(cablecast, username, password, redis, timeout, attempts,
        redisPatience, transcriptionTimeout);
  }

  public ArchiveConfig withRedisPatience(Duration patience) {
    return new ArchiveConfig(cablecast, username, password, redis, httpTimeout, httpAttempts,
        patience, transcriptionTimeout);
  }

  public ArchiveConfig withTranscriptionTimeout(Duration timeout) {
    return new ArchiveConfig(cablecast, username, password, redis, httpTimeout, httpAttempts,
        redisPatience, timeout);
  }
}
