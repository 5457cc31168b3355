package dev.backlot.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.backlot.time.Clock;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The commands Backlot adds to jedis-mock, byte for byte against a real {@code redis-server}:
 * each script runs on one raw connection to each server and every reply must be identical (RESP2
 * bytes), errors included. A line starting with {@code ~} has an idle time (milliseconds since
 * delivery) in its reply, which differs between the fake's manual clock and real time: those
 * integers are compared as "present", everything else exactly. Skipped, visibly, without a
 * {@code redis-server} on the PATH.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisWireFidelityTest {

  private RedisFake fake;
  private RealRedis real;

  @BeforeAll
  void start() {
    real = RealRedis.startIfAvailable();
    fake = RedisFake.builder().clock(Clock.manual(Instant.parse("2026-03-01T00:00:00Z"))).start();
  }

  @AfterAll
  void stop() {
    fake.close();
    if (real != null) {
      real.close();
    }
  }

  /** A list long enough to be kept in a RingList: every list command on it, both ends. */
  private static String longList() {
    StringBuilder rpush = new StringBuilder("rpush l");
    StringBuilder lpush = new StringBuilder("lpush l");
    for (int i = 0; i < 120; i++) {
      rpush.append(" v").append(i);
      lpush.append(" w").append(i % 40);
    }
    return rpush + "\n" + lpush + "\n" + """
        llen l
        lrange l 0 -1
        lindex l 150
        lindex l -3
        lset l 100 x
        linsert l BEFORE x y
        linsert l AFTER v3 z
        lrem l 2 w7
        lrem l -1 w9
        lrem l 0 w11
        lpos l v10
        lpos l w5 RANK -1
        ltrim l 4 200
        lpop l 5
        rpop l 3
        rpoplpush l l2
        lmove l l2 LEFT RIGHT
        lmove l l LEFT RIGHT
        lpush l2 a b c
        lrange l2 0 -1
        sort l ALPHA LIMIT 0 10
        lrange l 0 -1
        llen l
        """;
  }

  static Stream<Arguments> scripts() {
    return Stream.of(
        Arguments.of("long list", longList()),
        Arguments.of("lmove", """
            lmove nokey dst LEFT RIGHT
            rpush src a b c
            lmove src dst LEFT RIGHT
            lmove src dst right left
            lrange dst 0 -1
            lmove src dst left up
            lmove src
            lmove src dst LEFT
            set str x
            lmove src str LEFT RIGHT
            lmove str dst LEFT RIGHT
            lmove nokey str LEFT RIGHT
            lmove src src RIGHT LEFT
            lmove src dst LEFT LEFT
            exists src
            lrange dst 0 -1
            """),
        Arguments.of("blmove", """
            blmove nokey dst LEFT RIGHT 0.05
            blmove nokey dst LEFT RIGHT -1
            blmove nokey dst LEFT RIGHT abc
            blmove a b LEFT up abc
            blmove a b LEFT RIGHT
            rpush q job
            blmove q processing LEFT RIGHT 0
            lrange processing 0 -1
            multi
            blmove nokey dst LEFT RIGHT 0
            lmove processing q RIGHT LEFT
            lmove a
            exec
            multi
            blmove nokey dst LEFT RIGHT 0
            lmove processing q RIGHT LEFT
            lmove processing q up down
            exec
            lrange q 0 -1
            """),
        Arguments.of("xgroup", """
            xgroup
            xgroup create s
            xgroup create s g
            xgroup foo s g
            xgroup create s g $
            xgroup destroy nokey g
            xgroup createconsumer nokey g c
            xgroup create s g $ MKSTREAM
            xgroup create s g $ MKSTREAM
            type s
            xlen s
            xgroup create s g2 0
            xgroup create s g3 bad
            xgroup create s g3 -
            xgroup create s g3 $ FOO
            xgroup create s g3 $ MKSTREAM ENTRIESREAD 1 extra
            xgroup create s g3 1 ENTRIESREAD 5
            xgroup destroy s nog
            xgroup destroy s g extra
            xgroup createconsumer s g alice
            xgroup createconsumer s g alice
            xgroup createconsumer s nog alice
            xgroup setid s nog 0
            xgroup setid s g 0 MKSTREAM
            xgroup setid s g (0
            xgroup setid s g -
            xgroup setid s g $
            xgroup delconsumer s g alice
            xgroup delconsumer s g nobody
            xgroup destroy s g
            xgroup destroy s g
            set str x
            xgroup create str g $
            """),
        Arguments.of("xreadgroup", """
            xadd s 1-0 f v
            xadd s 2-0 f v2 g h
            xadd s 3-0 f v3
            xgroup create s g 0
            xreadgroup GROUP g alice COUNT 1 STREAMS s >
            xreadgroup GROUP g bob STREAMS s >
            xreadgroup GROUP g bob STREAMS s >
            xreadgroup GROUP g bob BLOCK 50 STREAMS s >
            xreadgroup GROUP nog bob STREAMS s >
            xreadgroup GROUP g bob STREAMS s nokey > >
            xreadgroup GROUP g bob STREAMS s 0
            xreadgroup GROUP g alice STREAMS s 0
            xreadgroup GROUP g carol STREAMS s 0
            xreadgroup GROUP g alice STREAMS s 5
            xreadgroup GROUP g alice COUNT 1 STREAMS s 0
            xdel s 2-0
            xreadgroup GROUP g bob STREAMS s 0
            xreadgroup GROUP g c STREAMS s
            xreadgroup GROUP g c STREAMS s t >
            xreadgroup GROUP g c COUNT x STREAMS s >
            xreadgroup GROUP g c BLOCK -1 STREAMS s >
            xreadgroup GROUP g c BLOCK x STREAMS s >
            xreadgroup GROUP g STREAMS s >
            xreadgroup g c STREAMS s >
            xreadgroup GROUP g c FOO STREAMS s >
            xreadgroup GROUP g c STREAMS s $
            xreadgroup GROUP g c STREAMS s xyz
            xreadgroup GROUP g c STREAMS s (0
            xreadgroup GROUP g c COUNT -5 STREAMS s 0
            xadd b 1-0 f 1
            xgroup create b g $
            xreadgroup GROUP g c STREAMS s b > >
            xadd b 2-0 f 2
            xreadgroup GROUP g c NOACK STREAMS b >
            xpending b g
            xadd s 4-0 f v4
            xadd b 3-0 f 3
            xreadgroup GROUP g c COUNT 1 STREAMS s b > >
            xreadgroup GROUP g c COUNT 1 STREAMS s b 0 0
            xgroup setid s g 0
            xreadgroup GROUP g dan STREAMS s >
            xpending s g
            set str x
            xreadgroup GROUP g c STREAMS str >
            multi
            xreadgroup GROUP g c BLOCK 0 STREAMS s >
            exec
            """),
        Arguments.of("xack-xpending", """
            xadd s 1-0 f v
            xadd s 2-0 f v
            xadd s 3-0 f v
            xgroup create s g 0
            xpending s g
            xreadgroup GROUP g alice COUNT 1 STREAMS s >
            xreadgroup GROUP g bob STREAMS s >
            xpending s g
            xpending s nog
            xpending nokey g
            ~xpending s g - + 10
            ~xpending s g - + 10 bob
            ~xpending s g - + 2
            ~xpending s g (1-0 + 10
            ~xpending s g - (3 10
            ~xpending s g - 1 10
            xpending s g - + 0
            xpending s g - + -1
            xpending s g IDLE 100000 - + 10
            xpending s g - + 10 nobody
            ~xpending s g - + 10 bob extra
            xpending s g IDLE x - + 10
            xpending s g IDLE 0 - +
            xpending s g - +
            xpending s g - + x
            xpending s g bad + 10
            xpending s g ( + 10
            xpending s g - + 10 a b c
            xack s g 1-0 9-0
            xack s g 1-0
            xack s nog 1-0
            xack nokey g 1-0
            xack s g abc
            xack s g 2
            xack s g
            xpending s g
            set str x
            xpending str g
            xack str g 1-0
            """),
        Arguments.of("xclaim", """
            xadd a 1-0 f 1
            xadd a 2-0 f 2
            xgroup create a g $
            xclaim a nog c 0 1-0
            xclaim nokey g c 0 1-0
            xclaim a g c x 1-0
            xclaim a g c 0 bad
            xclaim a g c 0
            xclaim a g c 0 1-0
            xclaim a g c 0 1-0 FORCE
            xclaim a g c 0 1-0 FORCE JUSTID
            xadd a 3-0 f 3
            xclaim a g d 0 3-0 FORCE
            ~xpending a g - + 10
            xclaim a g e 0 3-0 RETRYCOUNT 7 IDLE 5000
            ~xpending a g - + 10
            xclaim a g e 0 3-0 JUSTID
            ~xpending a g - + 10
            xclaim a g f 100000 3-0
            xclaim a g e 0 1-0 LASTID 5-0
            xreadgroup GROUP g e STREAMS a >
            xclaim a g e 0 1-0 BOGUS
            xclaim a g e 0 1-0 IDLE x
            xclaim a g e 0 1-0 IDLE
            xclaim a g e 0 1-0 RETRYCOUNT x
            xclaim a g e 0 1-0 LASTID bad
            xclaim a g e 0 1-0 TIME x
            xdel a 1-0
            xclaim a g z 0 1-0 3-0 JUSTID
            xpending a g
            xclaim a g z 0 1-0 FORCE
            """),
        Arguments.of("xautoclaim", """
            xadd a 1-0 f 1
            xadd a 2-0 f 2
            xadd a 3-0 f 3
            xadd a 4-0 f 4
            xgroup create a g 0
            xreadgroup GROUP g c STREAMS a >
            xautoclaim a g e x 0
            xautoclaim a g e 0 bad
            xautoclaim a g e 0 0 COUNT 0
            xautoclaim a g e 0 0 COUNT x
            xautoclaim a g e 0 0 COUNT
            xautoclaim a g e 0 0 BOGUS
            xautoclaim nokey g e 0 0
            xautoclaim a nog e 0 0
            xautoclaim a g e 0
            xautoclaim a g e 100000 0
            xautoclaim a g e 0 0 COUNT 1
            xautoclaim a g e 0 2-0 COUNT 2 JUSTID
            xautoclaim a g e 0 (2-0 COUNT 1
            xautoclaim a g e 0 - JUSTID
            xdel a 1-0 3-0
            xautoclaim a g f 0 0 COUNT 1
            xautoclaim a g f 0 0 COUNT 1
            xautoclaim a g f 0 0
            xpending a g
            ~xpending a g - + 10
            set str x
            xautoclaim str g e 0 0
            """),
        Arguments.of("jedis-mock replies set right", """
            ping
            ping hello
            discard
            multi
            discard
            select 99
            select -1
            select 15
            set k v
            select 0
            zadd z 1 a
            zincrby z 3 a
            zincrby z 0.5 a
            xadd s 1-0 f v
            type s
            type nokey
            """),
        Arguments.of("lex ranges", """
            zlexcount nokey a b
            zremrangebylex nokey a b
            zrangebylex nokey a b
            zrevrangebylex nokey a b
            set str x
            zrangebylex str a b
            zremrangebylex str [a [b
            zlexcount str - +
            zadd z 0 a 0 b 0 c 0 d
            zremrangebylex z a b
            zremrangebylex z [a b
            zremrangebylex z - ++
            zremrangebylex z +x -
            zremrangebylex z ( [
            zrangebylex z a [c
            zrangebylex z [a c
            zrangebylex z - +
            zrangebylex z [a (c LIMIT 0 1
            zrangebylex z a c LIMIT 0 1
            zrangebylex z a c limit x 1
            zrangebylex z a c LIMIT 0
            zrangebylex z a c BOGUS
            zrangebylex z a c LIMIT 0 1 BOGUS
            zrangebylex z a c LIMIT 0 1 LIMIT 0 2
            zrevrangebylex z c a
            zrevrangebylex z + c
            zrevrangebylex z + - LIMIT 1 2
            zlexcount z a c
            zlexcount z -- +
            zlexcount z - +
            zlexcount z [b (d
            zremrangebylex z [b (d
            zrangebylex z [a [c WITHSCORES
            zrangebylex z a c WITHSCORES
            zrangebylex z [a [c LIMIT 0 1 withscores
            zrange z 0 -1
            """),
        Arguments.of("unknown command", """
            foo
            foo bar baz
            """));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scripts")
  void repliesMatchRealRedis(String name, String script) throws IOException {
    assumeTrue(real != null, RealRedis.MISSING);
    fake.reset();
    real.flushAll();
    List<String> differences = new ArrayList<>();
    try (Session f = new Session(fake.port()); Session r = new Session(real.port())) {
      for (String line : script.strip().split("\n")) {
        boolean idle = line.startsWith("~");
        String[] args = (idle ? line.substring(1) : line).strip().split(" ");
        byte[] a = f.send(args);
        byte[] b = r.send(args);
        String fakeReply = show(idle ? maskIdle(a) : a);
        String realReply = show(idle ? maskIdle(b) : b);
        if (!fakeReply.equals(realReply)) {
          differences.add(line + "\n      fake: " + fakeReply + "\n      real: " + realReply);
        }
      }
    }
    assertThat(differences).as("replies that differ from redis-server").isEmpty();
  }

  private static String show(byte[] reply) {
    return new String(reply, StandardCharsets.UTF_8).replace("\r\n", "\\r\\n");
  }

  /** Rewrites the idle time of each XPENDING entry ([id, consumer, idle, count]) as ":IDLE". */
  private static byte[] maskIdle(byte[] reply) throws IOException {
    Object parsed = Resp.read(new ByteArrayInputStream(reply));
    if (!(parsed instanceof List<?> list)) {
      return reply;
    }
    StringBuilder sb = new StringBuilder("*").append(list.size()).append("\r\n");
    for (Object e : list) {
      List<?> entry = (List<?>) e;
      sb.append("*4\r\n$").append(((String) entry.get(0)).length()).append("\r\n")
          .append(entry.get(0)).append("\r\n$").append(((String) entry.get(1)).length())
          .append("\r\n").append(entry.get(1)).append("\r\n:IDLE\r\n:").append(entry.get(3))
          .append("\r\n");
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** One raw connection: sends a command and returns the exact bytes of its reply. */
  private static final class Session implements AutoCloseable {
    private final Socket socket = new Socket();
    private final InputStream in;
    private final OutputStream out;

    Session(int port) throws IOException {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      socket.setSoTimeout(20_000);
      in = new BufferedInputStream(socket.getInputStream());
      out = socket.getOutputStream();
    }

    byte[] send(String... args) throws IOException {
      Resp.write(out, Arrays.asList(args));
      ByteArrayOutputStream raw = new ByteArrayOutputStream();
      copyReply(raw);
      return raw.toByteArray();
    }

    private void copyReply(ByteArrayOutputStream raw) throws IOException {
      String line = readLine();
      raw.writeBytes((line + "\r\n").getBytes(StandardCharsets.UTF_8));
      char type = line.charAt(0);
      if (type == '$') {
        int n = Integer.parseInt(line.substring(1));
        if (n >= 0) {
          raw.writeBytes(in.readNBytes(n + 2));
        }
      } else if (type == '*') {
        int n = Integer.parseInt(line.substring(1));
        for (int i = 0; i < n; i++) {
          copyReply(raw);
        }
      }
    }

    private String readLine() throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      int c;
      while ((c = in.read()) != '\r') {
        if (c < 0) {
          throw new IOException("connection closed");
        }
        b.write(c);
      }
      in.read(); // \n
      return b.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
