package dev.backlot.redis;

/**
 * An error reply ({@code -ERR ...}, {@code -WRONGTYPE ...}) to a command sent with {@link
 * RedisFake#call(String...)}.
 *
 * <pre>{@code
 * try {
 *   redis.call("LPUSH", "a-string-key", "x");
 * } catch (RedisErrorReply e) {
 *   e.code();    // "WRONGTYPE"
 *   e.getMessage(); // "WRONGTYPE Operation against a key holding the wrong kind of value"
 * }
 * }</pre>
 */
public final class RedisErrorReply extends RuntimeException {

  private static final long serialVersionUID = 1L;

  RedisErrorReply(String message) {
    super(message);
  }

  /** The first word of the error, Redis's error code: {@code ERR}, {@code WRONGTYPE}, ... */
  public String code() {
    String m = getMessage();
    int space = m.indexOf(' ');
    return space < 0 ? m : m.substring(0, space);
  }
}
