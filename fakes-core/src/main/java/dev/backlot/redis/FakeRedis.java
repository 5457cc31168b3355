package dev.backlot.redis;

/**
 * The old name of {@link RedisFake}, kept for one release.
 *
 * @deprecated use {@link RedisFake}: {@code RedisFake.builder()...start()} or {@code new
 *     RedisFake()}; this alias will be removed in the next release.
 */
@Deprecated(forRemoval = true)
public final class FakeRedis extends RedisFake {

  /** A fake with default settings, as {@link RedisFake#RedisFake()}. */
  public FakeRedis() {
    super(RedisFake.builder());
  }
}
