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
 * Without toxics it reads only when nothing is queued: bytes go from the loop's read buffer
 * straight to the sink, and only what the sink refuses waits, in the pipe's reused spare buffer.
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
  /** Holds what the sink could not take at once, on a pass-through pipe; reused. */
  private ByteBuffer spare;

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
        // a pass-through pipe holds at most one read, in its spare buffer
        && (!stages.isEmpty() || out.isEmpty())
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
    ByteBuffer buf = conn.loop.readBuffer;
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
    if (stages.isEmpty() && out.isEmpty() && !writeBlocked && canWrite()) {
      // Pass-through, no toxic: straight from the loop's read buffer into the sink, no copy.
      int w = sink().write(buf);
      if (w > 0) {
        (direction == Direction.UPSTREAM ? conn.link.bytesUpstream : conn.link.bytesDownstream)
            .add(w);
      }
      if (!buf.hasRemaining()) {
        return;
      }
      // The sink is full: keep the rest in this pipe's own buffer (reused from one stall to the
      // next) and read no more until it is out, as a TCP window would.
      int rest = buf.remaining();
      buffered += rest;
      conn.link.bufferedBytes.add(rest);
      if (spare == null || spare.capacity() < rest) {
        spare = ByteBuffer.allocate(buf.capacity());
      }
      spare.clear();
      spare.put(buf).flip();
      toOut(spare);
      return;
    }
    buffered += n;
    conn.link.bufferedBytes.add(n);
    // Toxics hold data for a while, or data is queued: the pieces need their own bytes.
    ByteBuffer copy = ByteBuffer.allocate(n);
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
    link.bufferedBytes.add(-n);
    (direction == Direction.UPSTREAM ? link.bytesUpstream : link.bytesDownstream).add(n);
  }

  /** A stage dropped {@code n} bytes. */
  void discarded(long n) {
    buffered -= n;
    conn.link.bufferedBytes.add(-n);
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
    conn.link.bufferedBytes.add(-buffered);
    buffered = 0;
    spare = null;
  }
}
