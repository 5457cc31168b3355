package dev.backlot.redis;

import com.github.fppt.jedismock.RedisClient;
import com.github.fppt.jedismock.RedisServer;
import com.github.fppt.jedismock.commands.RedisCommand;
import com.github.fppt.jedismock.datastructures.Slice;
import com.github.fppt.jedismock.server.RedisOperationExecutor;
import com.github.fppt.jedismock.server.Response;
import com.github.fppt.jedismock.storage.OperationExecutorState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
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

  private static final int INLINE_MAX = 64 * 1024;
  private static final long BULK_MAX = 512L * 1024 * 1024;
  /** A connection whose replies pile up past this (it does not read them) is not read from. */
  private static final int OUTPUT_HIGH_WATER = 1024 * 1024;
  /** Bytes a connection may send while one of its commands waits on a worker. */
  private static final int INPUT_WHILE_BUSY = 64 * 1024;
  private static final byte[] NO_BYTES = new byte[0];
  private static final System.Logger LOG = System.getLogger(RespGate.class.getName());

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
      l = new IoLoop("backlot-redis-io-" + port);
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

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  // ------------------------------------------------------------------------------- the IO thread

  /** The selector thread: reads, parses, runs what never waits, writes. */
  private final class IoLoop implements Runnable {
    final Thread thread;
    final Selector selector;
    /** Reads land here first; writes leave from here. */
    final ByteBuffer io = ByteBuffer.allocateDirect(64 * 1024);
    private final ConcurrentLinkedQueue<SocketChannel> accepted = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final ArrayDeque<Conn> dirty = new ArrayDeque<>();
    private final Set<Conn> conns = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;
    private volatile boolean terminated;

    IoLoop(String name) throws IOException {
      this.selector = Selector.open();
      this.thread = new Thread(this, name);
      thread.setDaemon(true);
    }

    /** Takes an accepted connection; false if this loop has ended. */
    boolean adopt(SocketChannel ch) {
      if (stopping) {
        return false;
      }
      accepted.add(ch);
      wake();
      return true;
    }

    void execute(Runnable task) {
      if (terminated) {
        return;
      }
      tasks.add(task);
      wake();
    }

    private void wake() {
      if (wakeupPending.compareAndSet(false, true)) {
        selector.wakeup();
      }
    }

    void stopAndJoin() {
      stopping = true;
      selector.wakeup();
      if (Thread.currentThread() == thread) {
        return;
      }
      boolean interrupted = false;
      while (thread.isAlive()) {
        try {
          thread.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void run() {
      try {
        while (!stopping) {
          wakeupPending.set(false);
          if (tasks.isEmpty() && accepted.isEmpty()) {
            selector.select();
          } else {
            selector.selectNow();
          }
          if (stopping) {
            break;
          }
          SocketChannel ch;
          while ((ch = accepted.poll()) != null) {
            register(ch);
          }
          Set<SelectionKey> keys = selector.selectedKeys();
          if (!keys.isEmpty()) {
            for (SelectionKey key : keys) {
              if (key.isValid() && key.attachment() instanceof Conn c) {
                try {
                  c.onReady(key.readyOps());
                } catch (RuntimeException e) {
                  // one connection's failure must not end the thread that serves them all
                  LOG.log(System.Logger.Level.WARNING, "redis fake connection failed", e);
                  c.abort();
                }
              }
            }
            keys.clear();
          }
          Runnable task;
          while ((task = tasks.poll()) != null) {
            try {
              task.run();
            } catch (RuntimeException e) {
              LOG.log(System.Logger.Level.WARNING, "redis fake IO task failed", e);
            }
          }
          flushDirty();
        }
      } catch (IOException | RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "redis fake IO thread failed", e);
      } finally {
        stopping = true;
        terminated = true;
        SocketChannel ch;
        while ((ch = accepted.poll()) != null) {
          closeQuietly(ch);
        }
        for (Conn c : conns) {
          c.abort();
        }
        tasks.clear();
        try {
          selector.close(); // deregisters every key: the sockets are really closed
        } catch (IOException e) {
          LOG.log(System.Logger.Level.DEBUG, "closing selector", e);
        }
      }
    }

    private void register(SocketChannel ch) {
      Conn c;
      try {
        c = new Conn(this, ch);
        c.key = ch.register(selector, SelectionKey.OP_READ, c);
      } catch (IOException | RuntimeException e) {
        LOG.log(System.Logger.Level.DEBUG, "redis fake could not take a connection", e);
        closeQuietly(ch);
        return;
      }
      conns.add(c);
      clients.add(c.client);
    }

    /** Marks {@code c} to be flushed at the end of this round (IO thread only). */
    void dirty(Conn c) {
      if (!c.dirtyQueued) {
        c.dirtyQueued = true;
        dirty.add(c);
      }
    }

    private void flushDirty() {
      Conn c;
      while ((c = dirty.poll()) != null) {
        c.dirtyQueued = false;
        c.flush();
      }
    }

    void removed(Conn c) {
      conns.remove(c);
    }
  }

  // --------------------------------------------------------------------------------- connection

  /** One client connection, with its own jedis-mock client (its database, MULTI, name...). */
  private final class Conn {
    final IoLoop loop;
    final SocketChannel ch;
    final RedisClient client;
    final RedisOperationExecutor executor;
    final OperationExecutorState state;
    final SocketAddress remote;
    SelectionKey key;
    // input, IO thread only
    private final Reader parser = new Reader();
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
        } catch (ProtocolError e) {
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

  /**
   * What jedis-mock's client sees as its socket: writes go to the connection's output, close asks
   * for a graceful close after the replies so far, and "is the client still there" (asked by
   * blocking commands) is answered from the connection's state.
   */
  private static final class ConnSocket extends java.net.Socket {
    private final Conn conn;
    private final OutputStream output;

    ConnSocket(Conn conn) {
      this.conn = conn;
      this.output = new OutputStream() {
        @Override
        public void write(int b) {
          conn.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
          conn.write(b, off, len);
        }
      };
    }

    @Override
    public InputStream getInputStream() {
      return InputStream.nullInputStream(); // the gate reads; jedis-mock's reader never runs
    }

    @Override
    public OutputStream getOutputStream() {
      return output;
    }

    @Override
    public synchronized void close() {
      conn.closeRequested();
    }

    @Override
    public boolean isClosed() {
      return conn.closed || conn.gone;
    }

    @Override
    public boolean isConnected() {
      return true;
    }

    @Override
    public void sendUrgentData(int data) throws IOException {
      // jedis-mock's "is the client still connected?" probe, polled by blocking commands
      if (conn.gone || conn.closed || conn.closing) {
        throw new IOException("the client has gone");
      }
    }

    @Override
    public int getLocalPort() {
      try {
        return ((InetSocketAddress) conn.ch.getLocalAddress()).getPort();
      } catch (IOException | RuntimeException e) {
        return -1;
      }
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
      return conn.remote;
    }

    @Override
    public InetAddress getInetAddress() {
      return conn.remote instanceof InetSocketAddress i ? i.getAddress() : null;
    }

    @Override
    public int getPort() {
      return conn.remote instanceof InetSocketAddress i ? i.getPort() : 0;
    }

    @Override
    public String toString() {
      return "RespGate connection from " + conn.remote;
    }
  }

  // ------------------------------------------------------------------------------------ reading

  /** Malformed input: the message is Redis's, after "Protocol error: ". */
  static final class ProtocolError extends Exception {
    private static final long serialVersionUID = 1L;

    ProtocolError(String message) {
      super(message, null, false, false);
    }
  }

  /** Not enough bytes yet for the command being read. */
  private static final class Incomplete extends Exception {
    private static final long serialVersionUID = 1L;
    static final Incomplete INSTANCE = new Incomplete();

    private Incomplete() {
      super(null, null, false, false);
    }
  }

  /**
   * Redis's request reader (processMultibulkBuffer and processInlineBuffer) over the bytes
   * buffered so far. A command that is not complete yet is read again when more bytes came,
   * except that a multibulk request resumes after its last complete argument, so a request of a
   * million arguments arriving in pieces is read once.
   */
  static final class Reader {
    private byte[] buf;
    /** After a successful {@link #next}: where the next command starts. */
    int pos;
    private int end;
    private boolean eof;
    // a multibulk request cut short: its arguments so far, and where the next one starts
    private List<byte[]> partial;
    private long partialCount;
    private int partialPos;

    /**
     * The next command in {@code buf[from, to)} (empty: nothing to run), or null when it is not
     * complete yet; at the end of input ({@code eof}) an incomplete command is dropped, except
     * that one whose last bulk lacks only its CRLF still runs, as in Redis.
     */
    List<byte[]> next(byte[] buf, int from, int to, boolean eof) throws ProtocolError {
      this.buf = buf;
      this.end = to;
      this.eof = eof;
      try {
        if (partial != null) {
          pos = partialPos;
          return multibulk();
        }
        pos = from;
        if (pos >= end) {
          return null;
        }
        if (buf[pos] == '*') {
          pos++;
          return multibulk();
        }
        return inline();
      } catch (Incomplete e) {
        return null;
      } catch (ProtocolError e) {
        partial = null;
        throw e;
      }
    }

    /** The buffer's bytes moved {@code by} to the left. */
    void shifted(int by) {
      if (partial != null) {
        partialPos -= by;
      }
    }

    private boolean more() throws Incomplete {
      if (pos < end) {
        return true;
      }
      if (eof) {
        return false;
      }
      throw Incomplete.INSTANCE;
    }

    /** A line up to CRLF (or LF for inline), at most {@code max} bytes; null at end of input. */
    private byte[] line(int max, String tooBig, boolean lfOnly) throws Incomplete, ProtocolError {
      int start = pos;
      int i = pos;
      while (true) {
        if (i >= end) {
          if (eof) {
            return null;
          }
          throw Incomplete.INSTANCE;
        }
        byte c = buf[i++];
        if (c == '\n') {
          int len = i - 1 - start;
          if (len > 0 && buf[i - 2] == '\r') {
            pos = i;
            return Arrays.copyOfRange(buf, start, i - 2);
          }
          if (lfOnly) {
            pos = i;
            return Arrays.copyOfRange(buf, start, i - 1);
          }
          continue; // a bare LF belongs to the line (Redis looks for CR)
        }
        if (i - start > max) {
          throw new ProtocolError(tooBig);
        }
      }
    }

    private List<byte[]> multibulk() throws Incomplete, ProtocolError {
      List<byte[]> args;
      long count;
      if (partial != null) {
        args = partial;
        count = partialCount;
        partial = null;
      } else {
        byte[] countLine = line(INLINE_MAX, "too big mbulk count string", false);
        if (countLine == null) {
          return null;
        }
        Long c = parseLong(countLine);
        if (c == null || c > Integer.MAX_VALUE) {
          throw new ProtocolError("invalid multibulk length");
        }
        if (c <= 0) {
          return new ArrayList<>(0);
        }
        count = c;
        args = new ArrayList<>((int) Math.min(count, 1024));
      }
      while (args.size() < count) {
        int argStart = pos;
        try {
          if (!more()) {
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
        } catch (Incomplete e) {
          partial = args;
          partialCount = count;
          partialPos = argStart;
          throw e;
        }
      }
      return args;
    }

    /** {@code len} bytes, then the two bytes Redis skips (it does not check they are CRLF). */
    private byte[] bulk(int len) throws Incomplete {
      if (end - pos < len) {
        if (eof) {
          return null;
        }
        throw Incomplete.INSTANCE;
      }
      int after = pos + len;
      if (end - after >= 2) {
        byte[] arg = Arrays.copyOfRange(buf, pos, after);
        pos = after + 2;
        return arg;
      }
      if (eof) {
        byte[] arg = Arrays.copyOfRange(buf, pos, after);
        pos = end;
        return arg; // Redis runs the command once the bulk is complete
      }
      throw Incomplete.INSTANCE;
    }

    private List<byte[]> inline() throws Incomplete, ProtocolError {
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

    // --------------------------------------------------------------------- Redis's helpers

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
