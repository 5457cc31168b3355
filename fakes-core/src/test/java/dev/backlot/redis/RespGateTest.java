package dev.backlot.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 22, item 5, on the fake alone (no redis-server needed; {@link RedisDifferentialTest}
 * compares the same inputs with one): malformed RESP gets Redis's protocol error and the
 * connection closes, after the replies to the commands before it; inline commands work; huge
 * bulk lengths are refused or buffered only as bytes arrive; blocking timeouts that are not
 * numbers are refused instead of blocking forever; the fake keeps serving.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RespGateTest {

  private RedisFake fake;

  @BeforeAll
  void start() {
    fake = new RedisFake().start();
  }

  @AfterAll
  void stop() {
    fake.close();
  }

  /**
   * Sends {@code raw} on a new connection and asserts the server answers exactly {@code expected}
   * and keeps the connection open.
   */
  private void assertReply(String raw, String expected) throws IOException {
    assertThat(talk(raw, expected.length())).isEqualTo(expected);
  }

  /** Sends {@code raw} on a new connection; what came back until the server closed it. */
  private String exchange(String raw) throws IOException {
    return talk(raw, Integer.MAX_VALUE);
  }

  /**
   * Sends {@code raw} and reads until {@code length} characters came or the server closed
   * (however long a stalled machine takes), then listens a moment longer for anything extra; a
   * close shows as {@code <closed>}.
   */
  private String talk(String raw, int length) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", fake.port()), 30_000);
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      StringBuilder sb = new StringBuilder();
      byte[] buf = new byte[4096];
      try {
        int n;
        while (sb.length() < length && (n = in.read(buf)) >= 0) {
          sb.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
        }
        s.setSoTimeout(300); // anything more, or a close, would show now
        while ((n = in.read(buf)) >= 0) {
          sb.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
        }
        sb.append("<closed>");
      } catch (java.net.SocketTimeoutException e) {
        // still open
      }
      return sb.toString();
    }
  }

  @Test
  void malformedRequestsGetRedisProtocolErrorsAndTheConnectionCloses() throws IOException {
    assertThat(exchange("*abc\r\n"))
        .isEqualTo("-ERR Protocol error: invalid multibulk length\r\n<closed>");
    assertThat(exchange("*1\r\n$-1\r\n"))
        .isEqualTo("-ERR Protocol error: invalid bulk length\r\n<closed>");
    assertThat(exchange("*1\r\n$999999999\r\n"))
        .isEqualTo("-ERR Protocol error: invalid bulk length\r\n<closed>");
    assertThat(exchange("*99999999999\r\n"))
        .isEqualTo("-ERR Protocol error: invalid multibulk length\r\n<closed>");
    assertThat(exchange("*2\r\n$4\r\nPING\r\n+x\r\n"))
        .isEqualTo("-ERR Protocol error: expected '$', got '+'\r\n<closed>");
    assertThat(exchange("SET \"a b\r\n"))
        .isEqualTo("-ERR Protocol error: unbalanced quotes in request\r\n<closed>");
    assertThat(exchange("PING\r\nSET k v\r\n*abc\r\n"))
        .isEqualTo("+PONG\r\n+OK\r\n-ERR Protocol error: invalid multibulk length\r\n<closed>");
    assertThat(exchange("x".repeat(70_000)))
        .isEqualTo("-ERR Protocol error: too big inline request\r\n<closed>");
    assertThat(fake.call("GET", "k")).isEqualTo("v"); // the fake keeps serving
  }

  @Test
  void inlineCommandsWorkAsInRedis() throws IOException {
    assertReply("PING\r\n",
        "+PONG\r\n");
    assertReply("SET \"a b\" \"c\\x41\"\r\nGET \"a b\"\n",
        "+OK\r\n$2\r\ncA\r\n");
    assertReply("$-1\r\n",
        "-ERR unknown command '$-1', with args beginning with: \r\n");
    assertReply("\r\n*0\r\n*-1\r\nPING\r\n",
        "+PONG\r\n");
  }

  @Test
  void aHugeDeclaredBulkIsBufferedOnlyAsItArrives() throws IOException {
    Runtime rt = Runtime.getRuntime();
    rt.gc();
    long before = rt.totalMemory() - rt.freeMemory();
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", fake.port()), 5000);
      s.getOutputStream().write("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$500000000\r\nabc"
          .getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      assertThat(fake.call("PING")).isEqualTo("PONG"); // other connections are served
    }
    long after = rt.totalMemory() - rt.freeMemory();
    assertThat(after - before).as("heap growth").isLessThan(200L * 1024 * 1024);
  }

  @Test
  void aCommandArrivingInPiecesRunsOnceComplete() throws IOException {
    try (Socket s = new Socket()) {
      s.setTcpNoDelay(true);
      s.connect(new InetSocketAddress("127.0.0.1", fake.port()), 5000);
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      String[] pieces = {"*3\r\n$3\r\nSET\r", "\n$6\r\npieces\r\n$1", "1\r\n01234567",
          "89", "0\r", "\n*2\r\n$3\r\nGET\r\n$6\r\npieces\r\n"};
      for (String piece : pieces) {
        out.write(piece.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        assertThat(fake.call("PING")).isEqualTo("PONG"); // the IO thread went round meanwhile
      }
      assertThat(Resp.read(s.getInputStream())).isEqualTo("OK");
      assertThat(Resp.read(s.getInputStream())).isEqualTo("01234567890");
    }
  }

  @Test
  void aLongPipelineGetsEveryReplyInOrder() throws IOException {
    int n = 5_000;
    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < n; i++) {
      all.writeBytes(Resp.encode(java.util.List.of("RPUSH", "pipelined", "v" + i)));
    }
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", fake.port()), 5000);
      s.setSoTimeout(10_000);
      InputStream in = new java.io.BufferedInputStream(s.getInputStream());
      // written from another thread: the replies fill the socket buffers while requests arrive
      Thread writer = new Thread(() -> {
        try {
          s.getOutputStream().write(all.toByteArray());
          s.getOutputStream().flush();
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      writer.start();
      for (int i = 1; i <= n; i++) {
        assertThat(Resp.read(in)).isEqualTo((long) i);
      }
    }
    assertThat(fake.call("LINDEX", "pipelined", "-1")).isEqualTo("v" + (n - 1));
  }

  @Test
  void aBlockedPopOfAClientThatLeftTakesNothing() throws Exception {
    // As in Redis, a client that disconnects is gone: its BRPOP must not take the next push
    // for a reply nobody reads (a worker that stops must not swallow the next test's job).
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", fake.port()), 5000);
    s.getOutputStream().write(Resp.encode(java.util.List.of("BRPOP", "left-queue", "30")));
    s.getOutputStream().flush();
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
        .until(() -> ((String) fake.call("INFO", "clients")).contains("blocked_clients:1\r\n"));
    s.close();
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
        .until(() -> ((String) fake.call("INFO", "clients")).contains("blocked_clients:0\r\n"));
    fake.call("LPUSH", "left-queue", "job");
    assertThat(fake.call("LRANGE", "left-queue", "0", "-1")).isEqualTo(java.util.List.of("job"));
  }

  @Test
  void timeoutsThatAreNotNumbersAreRefusedNotBlockedOn() throws IOException {
    assertReply("BLPOP k NaN\r\n",
        "-ERR timeout is not a float or out of range\r\n");
    assertReply("BLPOP k 1e400\r\nBRPOP k -1\r\n",
        "-ERR timeout is negative\r\n-ERR timeout is negative\r\n");
    assertReply("BLMOVE a b LEFT RIGHT inf\r\n",
        "-ERR timeout is negative\r\n");
    assertReply("PING a b\r\nTTL k k\r\nLPUSH k\r\n",
        
        "-ERR wrong number of arguments for 'ping' command\r\n"
            + "-ERR wrong number of arguments for 'ttl' command\r\n"
            + "-ERR wrong number of arguments for 'lpush' command\r\n");
    assertReply("SPOP k -1\r\nXTRIM k MAXLEN -1\r\nZADD zk 1e400 m\r\nZADD zk inf m\r\n",
        "-ERR value is out of range, must be positive\r\n"
            + "-ERR The MAXLEN argument must be >= 0.\r\n"
            + "-ERR value is not a valid float\r\n:1\r\n");
  }
}
