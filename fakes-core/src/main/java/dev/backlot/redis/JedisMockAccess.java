package dev.backlot.redis;

import com.github.fppt.jedismock.RedisClient;
import com.github.fppt.jedismock.RedisServer;
import dev.backlot.time.Clock;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

/**
 * jedis-mock internals reached by reflection (checked by the lifecycle tests): the databases (for
 * a FLUSHALL without a connection), the service's clients (for a clean stop, CLIENT LIST) and a
 * client's socket (its address); and the bridge that makes jedis-mock read the fake's clock.
 */
final class JedisMockAccess {

  private JedisMockAccess() {}

  static final Method GET_BASES = basesAccessor();
  static final Field SERVICE = field("com.github.fppt.jedismock.RedisServer", "service");
  static final Field CLIENTS =
      field("com.github.fppt.jedismock.RedisServer$RedisServiceJob", "clients");
  static final Field SOCKET = field("com.github.fppt.jedismock.RedisClient", "socket");

  /** The live client list of jedis-mock's running service, or null if it cannot be reached. */
  @SuppressWarnings("unchecked")
  static List<RedisClient> clientsOf(RedisServer s) {
    if (SERVICE == null || CLIENTS == null) {
      return null;
    }
    try {
      Object service = SERVICE.get(s);
      return service == null ? null : (List<RedisClient>) CLIENTS.get(service);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  static Field field(String className, String name) {
    try {
      Field f = Class.forName(className).getDeclaredField(name);
      f.setAccessible(true);
      return f;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  static Method basesAccessor() {
    try {
      Method m = RedisServer.class.getDeclaredMethod("getRedisBases");
      m.setAccessible(true);
      return m;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  static String remoteAddress(RedisClient c) {
    try {
      if (SOCKET != null) {
        java.net.SocketAddress a = ((Socket) SOCKET.get(c)).getRemoteSocketAddress();
        if (a instanceof InetSocketAddress i) {
          return i.getAddress().getHostAddress() + ":" + i.getPort();
        }
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      // fall through
    }
    return "127.0.0.1:0";
  }

  /** jedis-mock reads a java.time.Clock: this one reads the fake's. */
  static final class JavaClock extends java.time.Clock {
    private final Clock clock;

    JavaClock(Clock clock) {
      this.clock = clock;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public java.time.Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return clock.instant();
    }

    @Override
    public long millis() {
      return clock.millis();
    }
  }
}
