package dev.backlot.redis;

/**
 * Redis's own error replies, word for word, for {@link dev.backlot.fault.CommandRule#error}: the
 * errors a client meets when a server restarts, fails over, runs out of memory or runs a long
 * script.
 *
 * <pre>{@code
 * redis.faults().onCommand("GET").next(2).error(RedisErrors.LOADING);  // Lettuce: RedisLoadingException
 * redis.faults().onCommand("SET").error(RedisErrors.READONLY);         // after a failover
 * redis.faults().onAnyCommand().nth(5).close();                        // drop the connection
 * }</pre>
 */
public final class RedisErrors {

  /** A server that just restarted and is still reading its dataset. */
  public static final String LOADING = "LOADING Redis is loading the dataset in memory";

  /** A replica after a failover: writes are refused. */
  public static final String READONLY = "READONLY You can't write against a read only replica.";

  /** A server at its memory limit with the noeviction policy. */
  public static final String OOM = "OOM command not allowed when used memory > 'maxmemory'.";

  /** A server running a Lua script past lua-time-limit. */
  public static final String BUSY =
      "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";

  private RedisErrors() {}

  /** {@code message} as a Redis error reply: an upper-case error code first ({@code ERR} if none). */
  static String withCode(String message) {
    String code = message.split(" ", 2)[0];
    boolean hasCode = !code.isEmpty() && code.chars().allMatch(c -> c >= 'A' && c <= 'Z');
    return hasCode ? message : "ERR " + message;
  }
}
