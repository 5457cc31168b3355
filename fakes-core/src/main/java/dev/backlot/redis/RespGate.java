package dev.backlot.redis;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fake's listening port: reads each client's bytes as Redis 7.0's networking layer does and
 * hands jedis-mock only well-formed commands. jedis-mock's own reader skips what it cannot parse
 * and waits (so {@code *abc} or {@code PING\r\n} got silence); here multibulk requests and inline
 * commands ({@code PING\r\n}, {@code SET "a b" c\r\n}) are both accepted, and malformed input gets
 * Redis's {@code -ERR Protocol error: ...} after the replies to the commands before it, then the
 * connection is closed, as Redis does. Nothing is allocated ahead of the bytes: a {@code
 * $500000000} header buffers only what arrives; lengths past Redis's limits (512 MB bulk, 2^31-1
 * arguments, 64 KB inline) are refused at once.
 *
 * <p>Each client connection is relayed to jedis-mock on a connection of its own (one reader thread
 * per direction), so pub/sub pushes and blocking replies flow as they come.
 */
final class RespGate {

  /** The command the gate sends in place of malformed input; answered by the fake, see below. */
  static final String PROTOCOL_ERROR = "backlot-protocol-error";
  /** Sent before a command Redis does not know, so its error spells the name as the client did. */
  static final String UNKNOWN_COMMAND = "backlot-unknown-command";

  /** Commands of later Redis versions that jedis-mock has: kept (Redis 7.0 would not know them). */
  private static final Set<String> NEWER = Set.of("hexpire", "hexpireat", "hexpiretime",
      "hpexpire", "hpexpireat", "hpexpiretime", "hpttl", "httl", "hpersist", "waitaof");

  private static final int INLINE_MAX = 64 * 1024;
  private static final long BULK_MAX = 512L * 1024 * 1024;

  private final int backendPort;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "backlot-redis-gate");
    t.setDaemon(true);
    return t;
  });
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger accepted = new AtomicInteger();
  private volatile ServerSocket server;
  private Future<?> acceptor;
  private int port;

  RespGate(int backendPort) {
    this.backendPort = backendPort;
  }

  /** Listens on {@code wanted} (0: a random port, then kept for every later {@link #listen}). */
  synchronized int listen(int wanted) {
    int p = port != 0 ? port : wanted;
    try {
      ServerSocket s = new ServerSocket();
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), p), 128);
      server = s;
      port = s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("redis fake could not bind 127.0.0.1:"
          + (p == 0 ? "(random)" : p) + " (port in use?)", e);
    }
    ServerSocket s = server;
    acceptor = threads.submit(() -> acceptLoop(s));
    return port;
  }

  int port() {
    return port;
  }

  /** Stops listening and cuts every client connection (and its relay to jedis-mock). */
  synchronized void stop() {
    ServerSocket s = server;
    server = null;
    if (s != null) {
      closeQuietly(s);
      awaitAcceptorExit();
    }
    for (Socket c : open) {
      closeQuietly(c);
    }
    open.clear();
  }

  /**
   * Waits for the accept thread to leave {@code accept()}. Closing a listening socket that a thread
   * is blocked on only signals that thread: the kernel keeps the socket listening (and completes
   * handshakes into its backlog) until the thread wakes and its poll lets go of the socket. On a
   * busy machine that took long enough for a client to connect after stop() had returned, so
   * "stopped refuses connections" held only once the acceptor is gone.
   */
  private void awaitAcceptorExit() {
    Future<?> f = acceptor;
    acceptor = null;
    if (f == null) {
      return;
    }
    try {
      f.get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // the loop ends on the closed socket; a slow exit only delays the refusal, never hangs stop
    }
  }

  void close() {
    stop();
    threads.shutdownNow();
  }

  private void acceptLoop(ServerSocket s) {
    while (!s.isClosed()) {
      Socket client;
      try {
        client = s.accept();
      } catch (IOException e) {
        return;
      }
      accepted.incrementAndGet();
      Socket backend = new Socket();
      try {
        client.setTcpNoDelay(true);
        backend.setTcpNoDelay(true);
        backend.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), backendPort),
            10_000);
      } catch (IOException e) {
        closeQuietly(client);
        closeQuietly(backend);
        continue;
      }
      open.add(client);
      open.add(backend);
      if (server != s) { // stopped meanwhile
        closeQuietly(client);
        closeQuietly(backend);
        continue;
      }
      threads.execute(() -> pump(backend, client));
      threads.execute(() -> read(client, backend));
    }
  }

  /** jedis-mock's replies to the client, as they come. */
  private void pump(Socket backend, Socket client) {
    try (InputStream in = backend.getInputStream()) {
      OutputStream out = client.getOutputStream();
      byte[] buf = new byte[16 * 1024];
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // either side went away
    } finally {
      closeQuietly(client);
      closeQuietly(backend);
      open.remove(client);
      open.remove(backend);
    }
  }

  /** The client's commands to jedis-mock, each re-encoded as a multibulk request. */
  private void read(Socket client, Socket backend) {
    try {
      Reader in = new Reader(client.getInputStream());
      OutputStream out = backend.getOutputStream();
      while (true) {
        List<byte[]> command;
        try {
          command = in.next();
        } catch (ProtocolError e) {
          write(out, List.of(PROTOCOL_ERROR.getBytes(StandardCharsets.US_ASCII),
              e.getMessage().getBytes(StandardCharsets.UTF_8)));
          backend.shutdownOutput(); // jedis-mock answers, then sees the end and closes
          return;
        }
        if (command == null) {
          backend.shutdownOutput();
          return;
        }
        if (!command.isEmpty()) {
          String name = new String(command.get(0), StandardCharsets.UTF_8).toLowerCase(
              java.util.Locale.ROOT);
          if (!CommandTable.knows(name) && !NEWER.contains(name)) {
            command.add(0, UNKNOWN_COMMAND.getBytes(StandardCharsets.US_ASCII));
          }
          write(out, command);
        }
      }
    } catch (IOException e) {
      closeQuietly(client);
      closeQuietly(backend);
    }
  }

  private static void write(OutputStream out, List<byte[]> args) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream(64);
    b.writeBytes(("*" + args.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
    for (byte[] a : args) {
      b.writeBytes(("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      b.writeBytes(a);
      b.writeBytes(new byte[] {'\r', '\n'});
    }
    b.writeTo(out);
    out.flush();
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  /** Malformed input: the message is Redis's, after "Protocol error: ". */
  static final class ProtocolError extends Exception {
    private static final long serialVersionUID = 1L;

    ProtocolError(String message) {
      super(message, null, false, false);
    }
  }

  /** Redis's request reader (processMultibulkBuffer and processInlineBuffer). */
  static final class Reader {
    private final InputStream in;
    private final byte[] buf = new byte[16 * 1024];
    private int pos;
    private int end;

    Reader(InputStream in) {
      this.in = in;
    }

    private boolean fill() throws IOException {
      if (pos < end) {
        return true;
      }
      int n = in.read(buf, 0, buf.length);
      if (n <= 0) {
        return false;
      }
      pos = 0;
      end = n;
      return true;
    }

    /** The next command's arguments (empty: nothing to run), or null at the end of input. */
    List<byte[]> next() throws IOException, ProtocolError {
      if (!fill()) {
        return null;
      }
      if (buf[pos] == '*') {
        pos++;
        return multibulk();
      }
      return inline();
    }

    /** A line up to CRLF (or LF for inline), at most {@code max} bytes; null at end of input. */
    private byte[] line(int max, String tooBig, boolean lfOnly) throws IOException, ProtocolError {
      ByteArrayOutputStream b = new ByteArrayOutputStream(32);
      while (true) {
        if (!fill()) {
          return null;
        }
        byte c = buf[pos++];
        if (c == '\n') {
          byte[] l = b.toByteArray();
          if (l.length > 0 && l[l.length - 1] == '\r') {
            return java.util.Arrays.copyOf(l, l.length - 1);
          }
          if (lfOnly) {
            return l;
          }
          b.write(c);
          continue;
        }
        b.write(c);
        if (b.size() > max) {
          throw new ProtocolError(tooBig);
        }
      }
    }

    private List<byte[]> multibulk() throws IOException, ProtocolError {
      byte[] countLine = line(INLINE_MAX, "too big mbulk count string", false);
      if (countLine == null) {
        return null;
      }
      Long count = parseLong(countLine);
      if (count == null || count > Integer.MAX_VALUE) {
        throw new ProtocolError("invalid multibulk length");
      }
      if (count <= 0) {
        return List.of();
      }
      List<byte[]> args = new ArrayList<>((int) Math.min(count, 1024));
      for (long i = 0; i < count; i++) {
        if (!fill()) {
          return null;
        }
        byte type = buf[pos];
        if (type != '$') {
          throw new ProtocolError("expected '$', got '" + (char) (type & 0xff) + "'");
        }
        pos++;
        byte[] lenLine = line(INLINE_MAX, "too big bulk count string", false);
        if (lenLine == null) {
          return null;
        }
        Long len = parseLong(lenLine);
        if (len == null || len < 0 || len > BULK_MAX) {
          throw new ProtocolError("invalid bulk length");
        }
        byte[] arg = bulk(len.intValue());
        if (arg == null) {
          return null;
        }
        args.add(arg);
      }
      return args;
    }

    /** {@code len} bytes, then the two bytes Redis skips (it does not check they are CRLF). */
    private byte[] bulk(int len) throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream(Math.min(len, 16 * 1024));
      int left = len;
      while (left > 0) {
        if (!fill()) {
          return null;
        }
        int n = Math.min(left, end - pos);
        b.write(buf, pos, n);
        pos += n;
        left -= n;
      }
      for (int i = 0; i < 2; i++) {
        if (!fill()) {
          return b.toByteArray(); // Redis runs the command once the bulk is complete
        }
        pos++;
      }
      return b.toByteArray();
    }

    private List<byte[]> inline() throws IOException, ProtocolError {
      byte[] l = line(INLINE_MAX, "too big inline request", true);
      if (l == null) {
        return null;
      }
      List<byte[]> args = splitArgs(l);
      if (args == null) {
        throw new ProtocolError("unbalanced quotes in request");
      }
      return args;
    }

    /** Redis's string2ll: optional minus, digits, no spaces or plus sign, fits a long. */
    static Long parseLong(byte[] s) {
      if (s.length == 0 || s.length > 20) {
        return null;
      }
      int i = 0;
      boolean neg = false;
      if (s[0] == '-') {
        neg = true;
        i = 1;
        if (s.length == 1) {
          return null;
        }
      }
      if (s.length - i > 1 && s[i] == '0') {
        return null;
      }
      long v = 0;
      for (; i < s.length; i++) {
        if (s[i] < '0' || s[i] > '9') {
          return null;
        }
        try {
          v = Math.addExact(Math.multiplyExact(v, 10), s[i] - '0');
        } catch (ArithmeticException e) {
          return null;
        }
      }
      return neg ? -v : v;
    }

    /** Redis's sdssplitargs: spaces separate, "..." with escapes and '...' quote; null if unbalanced. */
    static List<byte[]> splitArgs(byte[] line) {
      List<byte[]> out = new ArrayList<>();
      int i = 0;
      int n = line.length;
      while (true) {
        while (i < n && isSpace(line[i])) {
          i++;
        }
        if (i >= n) {
          return out;
        }
        ByteArrayOutputStream cur = new ByteArrayOutputStream();
        boolean inq = false;
        boolean insq = false;
        boolean done = false;
        while (!done) {
          if (inq) {
            if (i >= n) {
              return null;
            }
            if (line[i] == '\\' && i + 3 < n && line[i + 1] == 'x' && isHex(line[i + 2])
                && isHex(line[i + 3])) {
              cur.write(Character.digit(line[i + 2], 16) * 16 + Character.digit(line[i + 3], 16));
              i += 3;
            } else if (line[i] == '\\' && i + 1 < n) {
              i++;
              byte c = line[i];
              cur.write(switch (c) {
                case 'n' -> '\n';
                case 'r' -> '\r';
                case 't' -> '\t';
                case 'b' -> '\b';
                case 'a' -> 7;
                default -> c;
              });
            } else if (line[i] == '"') {
              if (i + 1 < n && !isSpace(line[i + 1])) {
                return null;
              }
              done = true;
            } else {
              cur.write(line[i]);
            }
          } else if (insq) {
            if (i >= n) {
              return null;
            }
            if (line[i] == '\\' && i + 1 < n && line[i + 1] == '\'') {
              i++;
              cur.write('\'');
            } else if (line[i] == '\'') {
              if (i + 1 < n && !isSpace(line[i + 1])) {
                return null;
              }
              done = true;
            } else {
              cur.write(line[i]);
            }
          } else {
            if (i >= n) {
              done = true;
              continue;
            }
            switch (line[i]) {
              case ' ', '\n', '\r', '\t', 0 -> done = true;
              case '"' -> inq = true;
              case '\'' -> insq = true;
              default -> cur.write(line[i]);
            }
          }
          if (i < n) {
            i++;
          }
        }
        out.add(cur.toByteArray());
      }
    }

    private static boolean isSpace(byte c) {
      return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == 0x0b || c == '\f';
    }

    private static boolean isHex(byte c) {
      return Character.digit(c, 16) >= 0;
    }
  }
}
