package dev.backlot.engine;

import dev.backlot.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Generated files a fake serves itself under unguessable, expiring links, as the video
 * generators do (Runway's {@code output} URLs, MiniMax's {@code download_url}, Veo's file
 * downloads): each {@link #publish} mints a token for a file; the link stops working when the
 * fake's clock passes its expiry. Content is produced lazily, on the first download, and kept, so
 * publishing is cheap and rendering happens on a request thread, never on the clock's scheduler.
 *
 * <pre>{@code
 * ExpiringFiles files = new ExpiringFiles(clock(), () -> ids().token(32));
 * Supplier<byte[]> video = ExpiringFiles.memoize(() -> Media.mp4(1280, 720, 120, 24, seed));
 * ExpiringFiles.Link link = files.publish(taskId, "output.mp4", Media.MP4, video, Duration.ofHours(24));
 * String url = baseUri() + "/_output/" + link.token() + "/output.mp4";
 * // in the download route:
 * ExpiringFiles.Entry e = files.find(token);   // null: unknown token
 * if (e == null || files.isExpired(e)) ... answer the backend's 403/404
 * }</pre>
 *
 * <p>Thread-safe. Expired entries are dropped as new ones are published.
 */
public final class ExpiringFiles {

  private final Clock clock;
  private final Supplier<String> tokens;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  /**
   * @param clock the fake's clock, which decides expiry
   * @param tokens mints link tokens (the fake's seeded {@code ids()}, for reproducible links)
   */
  public ExpiringFiles(Clock clock, Supplier<String> tokens) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.tokens = Objects.requireNonNull(tokens, "tokens");
  }

  /** A published file: whose it is, its name and type, its bytes (lazily) and its expiry. */
  public record Entry(
      String token, String owner, String fileName, String contentType, Supplier<byte[]> content,
      Instant expiresAt) {
    /** The file's bytes (rendered on the first call when published with a memoized supplier). */
    public byte[] bytes() {
      return content.get();
    }
  }

  /** A link to a published file: the token to put in the URL and when it expires. */
  public record Link(String token, Instant expiresAt) {}

  /**
   * Publishes a file under a new token valid for {@code ttl} from now on the fake's clock.
   *
   * @param owner what the file belongs to (a task id), for {@link #removeOwner}
   */
  public Link publish(String owner, String fileName, String contentType, Supplier<byte[]> content, Duration ttl) {
    Instant now = clock.instant();
    entries.values().removeIf(e -> !now.isBefore(e.expiresAt()));
    String token = tokens.get();
    Instant expires = now.plus(ttl);
    entries.put(token, new Entry(token, owner, fileName, contentType, content, expires));
    return new Link(token, expires);
  }

  /** The entry for {@code token}, expired or not; null when the token was never published (or removed). */
  public Entry find(String token) {
    return token == null ? null : entries.get(token);
  }

  /** Whether the fake's clock has reached the entry's expiry. */
  public boolean isExpired(Entry entry) {
    return !clock.instant().isBefore(entry.expiresAt());
  }

  /** Withdraws every link of {@code owner} (a deleted task's outputs). */
  public void removeOwner(String owner) {
    entries.values().removeIf(e -> e.owner().equals(owner));
  }

  /** Withdraws every link. */
  public void clear() {
    entries.clear();
  }

  /** How many links are live or expired but not yet dropped. */
  public int size() {
    return entries.size();
  }

  /** A supplier that computes once, on first use, and then returns the same bytes. */
  public static Supplier<byte[]> memoize(Supplier<byte[]> compute) {
    Objects.requireNonNull(compute, "compute");
    return new Supplier<>() {
      private byte[] value;

      @Override
      public synchronized byte[] get() {
        if (value == null) {
          value = Objects.requireNonNull(compute.get(), "content");
        }
        return value;
      }
    };
  }
}
