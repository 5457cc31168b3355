package dev.backlot.redis;

import com.github.fppt.jedismock.RedisClient;
import com.github.fppt.jedismock.RedisServer;
import com.github.fppt.jedismock.commands.RedisCommand;
import com.github.fppt.jedismock.datastructures.Slice;
import com.github.fppt.jedismock.server.RedisOperationExecutor;
import com.github.fppt.jedismock.server.Response;
import com.github.fppt.jedismock.storage.OperationExecutorState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The fake's listening port and wire: reads each client's bytes as Redis 7.0's networking layer
 * does, runs each well-formed command through jedis-mock's executor (and so the fake's
 * interceptor), and writes the replies. jedis-mock's own server reads a byte per system call and
 * answers on a thread per connection; here one non-blocking IO thread serves every connection,
 * as redis-server's event loop does, and a pipeline's replies leave in one write.
 *
 * <p>Redis's reader: multibulk requests and inline commands ({@code PING\r\n}, {@code SET "a b"
 * c\r\n}) are both accepted, and malformed input gets Redis's {@code -ERR Protocol error: ...}
 * after the replies to the commands before it, then the connection is closed, as Redis does.
 * Nothing is allocated ahead of the bytes: a {@code $500000000} header buffers only what arrives;
 * lengths past Redis's limits (512 MB bulk, 2^31-1 arguments, 64 KB inline) are refused at once.
 *
 * <p>A command that may wait (a blocking pop, XREAD(GROUP) BLOCK, a script, EXEC, anything while
 * a fault rule is armed, see {@link Host#mayWait}) runs on a worker thread instead, and its
 * connection reads nothing more until it is answered; the IO thread goes on serving the others.
 * Pub/sub messages reach a subscriber from whichever thread published them.
 *
 * <p>Threads: {@code backlot-redis-accept-<port>} accepts (blocking, so {@link #stop()} can wait
 * for it to let go of the port), {@code backlot-redis-io-<port>} serves, {@code
 * backlot-redis-worker} threads run waiting commands. {@link #stop()} ends the first two and cuts
 * what the workers run; {@link #close()} ends the workers too.
 */
final class RespGate {

  /** The command the gate sends in place of malformed input; answered by the fake, see below. */
  static final String PROTOCOL_ERROR = "backlot-protocol-error";
  /** Sent before a command Redis does not know, so its error spells the name as the client did. */
  static final String UNKNOWN_COMMAND = "backlot-unknown-command";

  /** Commands of later Redis versions that jedis-mock has: kept (Redis 7.0 would not know them). */
  private static final Set<String> NEWER = Set.of("hexpire", "hexpireat", "hexpiretime",
      "hpexpire", "hpexpireat", "hpexpiretime", "hpttl", "httl", "hpersist", "waitaof");

  /** A connection whose replies pile up past this (it does not read them) is not read from. */
  private static final int OUTPUT_HIGH_WATER = 1024 * 1024;
  /** Bytes a connection may send while one of its commands waits on a worker. */
  private static final int INPUT_WHILE_BUSY = 64 * 1024;
  private static final byte[] NO_BYTES = new byte[0];

  /** What the gate asks of its fake. */
  interface Host {
    /**
     * Whether running {@code name} (lower case) may wait: blocking commands, scripts (another
     * client may need to send SCRIPT KILL), delayed faults. Such commands run on a worker.
     */
    boolean mayWait(String name, OperationExecutorState state);
  }

  private final RedisServer jedis;
  private final Host host;
  private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "backlot-redis-worker");
    t.setDaemon(true);
    return t;
  });
  private final List<RedisClient> clients = new CopyOnWriteArrayList<>();
  private volatile ServerSocketChannel server;
  private Thread acceptor;
  private IoLoop loop;
  private int port;
  private boolean closed;

  /** {@code jedis}: jedis-mock's server, never started: it holds the data, options and clock. */
  RespGate(RedisServer jedis, Host host) {
    this.jedis = jedis;
    this.host = host;
  }

  /** Listens on {@code wanted} (0: a random port, then kept for every later {@link #listen}). */
  synchronized int listen(int wanted) {
    if (closed) {
      throw new IllegalStateException("the redis gate is closed");
    }
    int p = port != 0 ? port : wanted;
    ServerSocketChannel s = null;
    IoLoop l;
    try {
      s = ServerSocketChannel.open();
      s.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), p), 128);
      port = ((InetSocketAddress) s.getLocalAddress()).getPort();
      l = new IoLoop(this, "backlot-redis-io-" + port);
    } catch (IOException e) {
      if (s != null) {
        closeQuietly(s);
      }
      throw new UncheckedIOException("redis fake could not bind 127.0.0.1:"
          + (p == 0 ? "(random)" : p) + " (port in use?)", e);
    }
    server = s;
    loop = l;
    l.thread.start();
    ServerSocketChannel listening = s;
    acceptor = new Thread(() -> acceptLoop(listening, l), "backlot-redis-accept-" + port);
    acceptor.setDaemon(true);
    acceptor.start();
    return port;
  }

  int port() {
    return port;
  }

  /** The jedis-mock clients of the open connections (for INFO and CLIENT LIST). */
  List<RedisClient> clients() {
    return clients;
  }

  /** Whether the calling thread is the IO thread (which must never wait for a reply of its own). */
  boolean onIoThread() {
    IoLoop l = loop;
    return l != null && Thread.currentThread() == l.thread;
  }

  /**
   * Stops listening, cuts every client connection and the commands running for them; returns once
   * the port refuses connections and the IO thread has ended.
   */
  synchronized void stop() {
    ServerSocketChannel s = server;
    server = null;
    if (s != null) {
      closeQuietly(s);
      awaitAcceptorExit();
    }
    IoLoop l = loop;
    loop = null;
    if (l != null) {
      l.stopAndJoin();
    }
  }

  /**
   * Waits for the accept thread to leave {@code accept()}. Closing a listening socket that a thread
   * is blocked on only signals that thread: the kernel keeps the socket listening (and completes
   * handshakes into its backlog) until the thread wakes and its poll lets go of the socket. On a
   * busy machine that took long enough for a client to connect after stop() had returned, so
   * "stopped refuses connections" held only once the acceptor is gone.
   */
  private void awaitAcceptorExit() {
    Thread t = acceptor;
    acceptor = null;
    if (t == null || t == Thread.currentThread()) {
      return;
    }
    boolean interrupted = false;
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (t.isAlive() && System.nanoTime() < deadline) {
      try {
        t.join(100);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  synchronized void close() {
    stop();
    closed = true;
    workers.shutdownNow();
  }

  private void acceptLoop(ServerSocketChannel s, IoLoop l) {
    while (true) {
      SocketChannel ch;
      try {
        ch = s.accept();
      } catch (IOException e) {
        return; // closed by stop()
      }
      try {
        ch.configureBlocking(false);
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      } catch (IOException e) {
        closeQuietly(ch);
        continue;
      }
      if (!l.adopt(ch)) {
        closeQuietly(ch);
      }
    }
  }

  /** A connection the IO thread took: its jedis-mock client is listed for INFO and CLIENT LIST. */
  void opened(Conn c) {
    clients.add(c.client);
  }

  static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  // --------------------------------------------------------------------------------- connection

  /** One client connection, with its own jedis-mock client (its database, MULTI, name...). */
  final class Conn {
    final IoLoop loop;
    final SocketChannel ch;
    final RedisClient client;
    final RedisOperationExecutor executor;
    final OperationExecutorState state;
    final SocketAddress remote;
    SelectionKey key;
    // input, IO thread only
    private final RespReader parser = new RespReader();
    private byte[] in = new byte[4096];
    private int inPos;
    private int inEnd;
    private boolean eof;
    /** A command of this connection runs on a worker: nothing else is parsed until it is done. */
    private boolean busy;
    boolean dirtyQueued;
    // set from any thread
    /** Close once the replies written so far are out (QUIT, a fault, a protocol error, EOF). */
    volatile boolean closing;
    /** The client went away (or the fake stopped): blocking commands stop waiting. */
    volatile boolean gone;
    volatile boolean closed;
    private volatile Future<?> running;
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    // output, guarded by this
    private byte[] out = NO_BYTES;
    private int outStart;
    private int outEnd;

    Conn(IoLoop loop, SocketChannel ch) throws IOException {
      this.loop = loop;
      this.ch = ch;
      this.remote = ch.getRemoteAddress();
      this.client = JedisMockAccess.newClient(jedis, new ConnSocket(this), this::clientClosed);
      this.executor = JedisMockAccess.executorOf(client);
      this.state = JedisMockAccess.stateOf(executor);
    }

    private void clientClosed(RedisClient c) {
      clients.remove(c);
    }

    // ---------------------------------------------------------------------------- IO thread

    void onReady(int ops) {
      try {
        if ((ops & SelectionKey.OP_WRITE) != 0) {
          flush();
        }
        if (!closed && (ops & SelectionKey.OP_READ) != 0) {
          read();
          process();
        }
      } catch (IOException e) {
        abort();
        return;
      }
      afterRound();
    }

    private void read() throws IOException {
      ByteBuffer buf = loop.io;
      buf.clear();
      int n = ch.read(buf);
      if (n < 0) {
        // The client is gone, as Redis frees it: a blocked command of its stops waiting (and
        // pops nothing) instead of taking the next push for a reply nobody reads.
        eof = true;
        gone = true;
        return;
      }
      if (n == 0) {
        return;
      }
      buf.flip();
      if (inPos == inEnd) {
        inPos = 0;
        inEnd = 0;
        if (in.length > 64 * 1024) {
          in = new byte[4096]; // a big request is done: give its memory back
        }
      }
      if (in.length - inEnd < n) {
        if (inPos > 0) {
          System.arraycopy(in, inPos, in, 0, inEnd - inPos);
          parser.shifted(inPos);
          inEnd -= inPos;
          inPos = 0;
        }
        if (in.length - inEnd < n) {
          in = Arrays.copyOf(in, Math.max(in.length * 2, inEnd + n));
        }
      }
      buf.get(in, inEnd, n);
      inEnd += n;
    }

    /** Runs every complete command buffered, until one must wait or the connection ends. */
    void process() {
      while (!busy && !closing && !closed) {
        List<byte[]> command;
        try {
          command = parser.next(in, inPos, inEnd, eof);
        } catch (RespReader.ProtocolError e) {
          inPos = inEnd;
          run(List.of(PROTOCOL_ERROR.getBytes(StandardCharsets.US_ASCII),
              e.getMessage().getBytes(StandardCharsets.UTF_8)));
          closing = true;
          break;
        }
        if (command == null) {
          if (eof) {
            inPos = inEnd;
            closing = true;
          }
          break;
        }
        inPos = parser.pos;
        if (command.isEmpty()) {
          continue;
        }
        String name = new String(command.get(0), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
        if (!CommandTable.knows(name) && !NEWER.contains(name)) {
          command.add(0, UNKNOWN_COMMAND.getBytes(StandardCharsets.US_ASCII));
        } else if (host.mayWait(name, state)) {
          runOnWorker(command);
          break;
        }
        run(command);
      }
    }

    /** Interest and closing, after anything happened to this connection (IO thread). */
    void afterRound() {
      if (closed) {
        return;
      }
      boolean pending;
      synchronized (this) {
        pending = outEnd > outStart;
      }
      if (closing && !busy && !pending) {
        finish();
        return;
      }
      int ops = 0;
      // While a command waits on a worker, reading goes on (up to a limit) so that a client
      // leaving is seen at once, as Redis sees it; what it sent meanwhile runs afterwards.
      if (!closing && !eof && outEnd - outStart < OUTPUT_HIGH_WATER
          && (!busy || inEnd - inPos < INPUT_WHILE_BUSY)) {
        ops |= SelectionKey.OP_READ;
      }
      if (pending) {
        ops |= SelectionKey.OP_WRITE;
      }
      try {
        if (key.interestOps() != ops) {
          key.interestOps(ops);
        }
      } catch (RuntimeException e) {
        abort();
      }
    }

    private void runOnWorker(List<byte[]> command) {
      busy = true;
      try {
        running = workers.submit(() -> {
          try {
            run(command);
          } finally {
            loop.execute(this::workerDone);
          }
        });
      } catch (RejectedExecutionException e) {
        abort(); // closing down
      }
    }

    private void workerDone() {
      running = null;
      busy = false;
      if (closed) {
        return;
      }
      process();
      flush();
      afterRound();
    }

    /** Writes what it can; the rest waits for OP_WRITE. IO thread only. */
    void flush() {
      if (closed) {
        return;
      }
      ByteBuffer buf = loop.io;
      try {
        synchronized (this) {
          while (outEnd > outStart) {
            buf.clear();
            int n = Math.min(outEnd - outStart, buf.capacity());
            buf.put(out, outStart, n).flip();
            int w = ch.write(buf);
            outStart += w;
            if (w < n) {
              break;
            }
          }
          if (outStart == outEnd) {
            outStart = 0;
            outEnd = 0;
            if (out.length > 64 * 1024) {
              out = NO_BYTES; // a big reply is out: give its memory back
            }
          }
        }
      } catch (IOException e) {
        abort();
        return;
      }
      afterRound();
    }

    /** The end of a connection whose replies are out: FIN, and jedis-mock forgets the client. */
    private void finish() {
      if (closed) {
        return;
      }
      closed = true;
      gone = true;
      key.cancel();
      closeQuietly(ch);
      loop.removed(this);
      client.close();
    }

    /** Cuts the connection at once (an IO error, or the fake stopping), and what runs for it. */
    void abort() {
      if (closed) {
        return;
      }
      closed = true;
      gone = true;
      Future<?> f = running;
      if (f != null) {
        f.cancel(true);
      }
      if (key != null) {
        key.cancel();
      }
      closeQuietly(ch);
      loop.removed(this);
      client.close();
    }

    // ----------------------------------------------------------------------------- any thread

    /** Runs one command through jedis-mock (and the fake's interceptor) and queues its reply. */
    private void run(List<byte[]> args) {
      RedisCommand command = RedisCommand.create();
      List<Slice> params = command.parameters();
      for (byte[] a : args) {
        params.add(Slice.create(a));
      }
      Slice reply;
      try {
        reply = executor.execCommand(command);
      } catch (RuntimeException e) {
        reply = Response.error("ERR the redis fake failed: " + e);
      }
      if (reply != null && !reply.equals(Response.SKIP)) {
        write(reply.data(), 0, reply.data().length);
      }
    }

    /** Queues bytes for the client: a reply, or a pub/sub message from another connection. */
    void write(byte[] b, int off, int len) {
      if (closed || len == 0) {
        return;
      }
      synchronized (this) {
        if (out.length - outEnd < len) {
          int live = outEnd - outStart;
          if (outStart > 0 && out.length - live >= len) {
            System.arraycopy(out, outStart, out, 0, live);
          } else {
            byte[] bigger = new byte[Math.max(Math.max(out.length * 2, 1024), live + len)];
            System.arraycopy(out, outStart, bigger, 0, live);
            out = bigger;
          }
          outStart = 0;
          outEnd = live;
        }
        System.arraycopy(b, off, out, outEnd, len);
        outEnd += len;
      }
      if (Thread.currentThread() == loop.thread) {
        loop.dirty(this);
      } else {
        scheduleFlush();
      }
    }

    private void scheduleFlush() {
      if (flushScheduled.compareAndSet(false, true)) {
        loop.execute(() -> {
          flushScheduled.set(false);
          flush();
        });
      }
    }

    /** jedis-mock closed its client (QUIT, a fault's closed connection, SHUTDOWN). */
    void closeRequested() {
      if (closing || closed) {
        return;
      }
      closing = true;
      if (Thread.currentThread() != loop.thread) {
        loop.execute(() -> {
          if (!closed) {
            flush();
            afterRound();
          }
        });
      }
    }
  }

}
