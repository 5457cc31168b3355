package dev.backlot.redis;

import com.github.fppt.jedismock.RedisClient;
import com.github.fppt.jedismock.RedisServer;
import com.github.fppt.jedismock.datastructures.RMList;
import com.github.fppt.jedismock.datastructures.Slice;
import com.github.fppt.jedismock.server.RedisOperationExecutor;
import com.github.fppt.jedismock.storage.OperationExecutorState;
import dev.backlot.time.Clock;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Consumer;

/**
 * jedis-mock internals reached by reflection (checked by the lifecycle tests): the databases (for
 * a FLUSHALL without a connection), a client made over the gate's connection with its executor and
 * state (the gate runs commands itself), a client's socket (its address); and the bridge that
 * makes jedis-mock read the fake's clock.
 */
final class JedisMockAccess {

  private JedisMockAccess() {}

  static final Method GET_BASES = basesAccessor();
  static final Field SOCKET = field("com.github.fppt.jedismock.RedisClient", "socket");
  private static final Constructor<RedisClient> NEW_CLIENT = clientConstructor();
  private static final Field LIST_DATA =
      field("com.github.fppt.jedismock.datastructures.RMList", "storedData");
  private static final Field EXECUTOR = field("com.github.fppt.jedismock.RedisClient", "executor");
  private static final Field STATE =
      field("com.github.fppt.jedismock.server.RedisOperationExecutor", "state");

  /**
   * A jedis-mock client of {@code server} over {@code socket}, whose {@code run()} is never called:
   * the caller reads the commands and hands them to its executor.
   */
  static RedisClient newClient(RedisServer server, Socket socket, Consumer<RedisClient> onClose) {
    if (NEW_CLIENT == null) {
      throw new IllegalStateException("this jedis-mock has no RedisClient(RedisServer, Socket,"
          + " Consumer) constructor: Backlot needs jedis-mock 1.1.18");
    }
    try {
      return NEW_CLIENT.newInstance(server, socket, onClose);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException("jedis-mock could not make a client", e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("jedis-mock could not make a client", e);
    }
  }

  /**
   * Puts {@code list}'s elements in a {@link RingList} once it has {@code min} of them; without
   * the field (another jedis-mock) the list stays as it is, only slower.
   */
  static void useRingList(RMList list, int min) {
    List<Slice> data = list.getStoredData();
    if (LIST_DATA == null || data instanceof RingList || data.size() < min) {
      return;
    }
    try {
      LIST_DATA.set(list, new RingList<>(data));
    } catch (IllegalAccessException | RuntimeException e) {
      // keep jedis-mock's own list
    }
  }

  /** The executor a client runs its commands through (its database, MULTI, name...). */
  static RedisOperationExecutor executorOf(RedisClient client) {
    return (RedisOperationExecutor) get(EXECUTOR, client, "RedisClient.executor");
  }

  /** The per-connection state behind an executor. */
  static OperationExecutorState stateOf(RedisOperationExecutor executor) {
    return (OperationExecutorState) get(STATE, executor, "RedisOperationExecutor.state");
  }

  private static Object get(Field f, Object o, String what) {
    if (f == null) {
      throw new IllegalStateException("jedis-mock has no " + what + ": Backlot needs 1.1.18");
    }
    try {
      return f.get(o);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot read jedis-mock's " + what, e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Constructor<RedisClient> clientConstructor() {
    try {
      Constructor<RedisClient> c = RedisClient.class.getDeclaredConstructor(
          RedisServer.class, Socket.class, Consumer.class);
      c.setAccessible(true);
      return c;
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
