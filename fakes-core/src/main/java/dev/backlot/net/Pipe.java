package dev.backlot.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One direction of a proxied connection: read from the source socket, through the toxics'
 * stages in order, into a write queue drained into the sink socket. Link thread only.
 *
 * <p>Back-pressure: the pipe stops reading once {@link NetworkLink#HIGH_WATER} bytes are read but
 * not yet written (held by toxics, by a partition, or by a slow reader), as a TCP window would.
 */
final class Pipe {

  /** Control items that travel in stream order behind the data. */
  enum Signal {
    /** The source ended its stream: shut down the sink's output (FIN) once the data is out. */
    EOF,
    /** Close the whole connection once the data before it is out (limit_data). */
    CLOSE
  }

  final Connection conn;
  final Direction direction;
  final List<Stage> stages = new ArrayList<>(2);
  private final ArrayDeque<Object> out = new ArrayDeque<>();
  /** Bytes read from the source and not yet written to the sink nor dropped. */
  long buffered;
  boolean eofRead;
  boolean outputShut;
  boolean writeBlocked;

  Pipe(Connection conn, Direction direction) {
    this.conn = conn;
    this.direction = direction;
  }

  private SocketChannel source() {
    return direction == Direction.UPSTREAM ? conn.client : conn.server;
  }

  private SocketChannel sink() {
    return direction == Direction.UPSTREAM ? conn.server : conn.client;
  }

  private boolean sinkReady() {
    return direction == Direction.DOWNSTREAM || conn.connected;
  }

  boolean wantsRead() {
    return !eofRead
        && !conn.closed
        && !conn.link.partitioned
        && buffered < NetworkLink.HIGH_WATER
        && (direction == Direction.UPSTREAM || conn.connected);
  }

  boolean wantsWrite() {
    return writeBlocked && !conn.link.partitioned;
  }

  private boolean canWrite() {
    return sinkReady() && !conn.closed && !conn.link.partitioned && !outputShut;
  }

  /** The source is readable. */
  void read() throws IOException {
    if (eofRead || conn.closed || conn.link.partitioned) {
      return;
    }
    ByteBuffer buf = conn.link.readBuffer;
    buf.clear();
    int n = source().read(buf);
    if (n < 0) {
      eofRead = true;
      enter(Signal.EOF);
      return;
    }
    if (n == 0) {
      return;
    }
    buf.flip();
    buffered += n;
    conn.link.bufferedBytes.addAndGet(n);
    if (stages.isEmpty() && out.isEmpty() && !writeBlocked && canWrite()) {
      // Fast path, no toxics: straight from the read buffer into the sink.
      delivered(sink().write(buf));
      if (!buf.hasRemaining()) {
        return;
      }
    }
    ByteBuffer copy = ByteBuffer.allocate(buf.remaining());
    copy.put(buf).flip();
    enter(copy);
  }

  private void enter(Object item) {
    if (stages.isEmpty()) {
      toOut(item);
    } else {
      stages.get(0).offer(item);
    }
  }

  /** Hands an item from {@code from} to the stage after it, or to the write queue. */
  void forward(Stage from, Object item) {
    int i = stages.indexOf(from);
    if (i < 0) {
      return;
    }
    if (i + 1 < stages.size()) {
      stages.get(i + 1).offer(item);
    } else {
      toOut(item);
    }
  }

  private void toOut(Object item) {
    out.addLast(item);
    flush();
  }

  /** Writes what it can of the queue; never blocks. */
  void flush() {
    if (!canWrite()) {
      return;
    }
    try {
      SocketChannel sink = sink();
      while (!out.isEmpty()) {
        Object item = out.peekFirst();
        if (item instanceof ByteBuffer b) {
          delivered(sink.write(b));
          if (b.hasRemaining()) {
            writeBlocked = true;
            conn.updateInterest();
            return;
          }
          out.pollFirst();
        } else if (item == Signal.EOF) {
          out.pollFirst();
          outputShut = true;
          writeBlocked = false;
          sink.shutdownOutput();
          conn.pipeFinished();
          conn.updateInterest();
          return;
        } else {
          out.clear();
          conn.close();
          return;
        }
      }
      writeBlocked = false;
      conn.updateInterest();
    } catch (IOException e) {
      conn.reset();
    }
  }

  private void delivered(int n) {
    if (n <= 0) {
      return;
    }
    buffered -= n;
    NetworkLink link = conn.link;
    link.bufferedBytes.addAndGet(-n);
    (direction == Direction.UPSTREAM ? link.bytesUpstream : link.bytesDownstream).addAndGet(n);
  }

  /** A stage dropped {@code n} bytes. */
  void discarded(long n) {
    buffered -= n;
    conn.link.bufferedBytes.addAndGet(-n);
    conn.updateInterest();
  }

  /** Attaches a toxic's stage at the end of the chain. */
  void attach(Toxic toxic) {
    Stage stage =
        toxic.newStage(
            this, Seeds.random(conn.link.seed(), toxic.name(), conn.index, direction));
    stages.add(stage);
    stage.start();
  }

  /** Detaches a toxic's stage, first passing on what it holds. */
  void detach(Toxic toxic) {
    for (Stage stage : stages) {
      if (stage.toxic == toxic) {
        stage.release();
        stage.detached = true;
        stages.remove(stage);
        return;
      }
    }
  }

  boolean has(Toxic toxic) {
    for (Stage stage : stages) {
      if (stage.toxic == toxic) {
        return true;
      }
    }
    return false;
  }

  /** The connection closed: stop every stage and forget the queue. */
  void stop() {
    for (Stage stage : stages) {
      stage.stop();
      stage.detached = true;
    }
    stages.clear();
    out.clear();
    conn.link.bufferedBytes.addAndGet(-buffered);
    buffered = 0;
  }
}
