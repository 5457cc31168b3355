package dev.backlot.net;

import dev.backlot.time.Clock.Cancellable;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.SplittableRandom;

/**
 * One toxic acting on one direction of one connection. Items are {@link ByteBuffer}s of data or
 * {@link Pipe.Signal}s, in stream order; a stage hands what it lets through to the next stage
 * with {@link #pass}. Everything here runs on the link thread; timers go through the link's clock
 * and come back to the link thread.
 */
abstract class Stage {

  final Toxic toxic;
  final Pipe pipe;
  boolean detached;

  Stage(Toxic toxic, Pipe pipe) {
    this.toxic = toxic;
    this.pipe = pipe;
  }

  /** Called once, right after the stage joined its pipe. */
  void start() {}

  /** Takes the next item of the stream. */
  abstract void offer(Object item);

  /** The toxic was removed: cancel timers and pass on everything held, in order. */
  void release() {}

  /** The connection closed: cancel timers and forget what is held. */
  void stop() {}

  final void pass(Object item) {
    if (!detached && !pipe.conn.closed) {
      pipe.forward(this, item);
    }
  }

  final void discard(Object item) {
    if (item instanceof ByteBuffer b) {
      pipe.discarded(b.remaining());
    }
  }

  final long now() {
    return pipe.conn.link.nowNanos();
  }

  /** Runs {@code task} on the link thread after {@code delayNanos}, unless this stage is gone. */
  final Cancellable schedule(long delayNanos, Runnable task) {
    return pipe.conn.loop.schedule(
        delayNanos,
        () -> {
          if (!detached && !pipe.conn.closed) {
            task.run();
          }
        });
  }

  /**
   * A stage that releases each item at a due time, never out of order: a later item is never due
   * before an earlier one. One clock timer at a time, for the head of the queue.
   */
  abstract static class Timed extends Stage {
    private record Entry(long due, Object item) {}

    private final ArrayDeque<Entry> queue = new ArrayDeque<>();
    private long lastDue = Long.MIN_VALUE;
    private Cancellable timer;

    Timed(Toxic toxic, Pipe pipe) {
      super(toxic, pipe);
    }

    /** The due time of the item released last, or of the one queued last. */
    final long lastDue() {
      return lastDue;
    }

    final boolean hasHistory() {
      return lastDue != Long.MIN_VALUE;
    }

    final void enqueue(long due, Object item) {
      if (due < lastDue) {
        due = lastDue;
      }
      lastDue = due;
      if (queue.isEmpty() && due <= now()) {
        pass(item);
        return;
      }
      queue.addLast(new Entry(due, item));
      if (timer == null) {
        arm();
      }
    }

    private void arm() {
      long due = queue.peekFirst().due;
      if (due == Long.MAX_VALUE) {
        return; // held until the toxic is removed
      }
      timer = schedule(due - now(), () -> fire(due));
    }

    private void fire(long target) {
      timer = null;
      // A timer never fires before its delay, even if the clock reads a hair earlier.
      long now = Math.max(now(), target);
      while (!queue.isEmpty() && queue.peekFirst().due <= now) {
        pass(queue.pollFirst().item);
        if (detached || pipe.conn.closed) {
          return;
        }
      }
      if (!queue.isEmpty()) {
        arm();
      }
    }

    @Override
    final void release() {
      cancel();
      while (!queue.isEmpty() && !pipe.conn.closed) {
        pass(queue.pollFirst().item);
      }
    }

    @Override
    final void stop() {
      cancel();
      queue.clear();
    }

    private void cancel() {
      if (timer != null) {
        timer.cancel();
        timer = null;
      }
    }
  }

  static final class LatencyStage extends Timed {
    private final Toxic.Latency latency;
    private final SplittableRandom random;

    LatencyStage(Toxic.Latency toxic, Pipe pipe, SplittableRandom random) {
      super(toxic, pipe);
      this.latency = toxic;
      this.random = random;
    }

    @Override
    void offer(Object item) {
      long delay = latency.latencyNanos;
      long jitter = latency.jitterNanos;
      if (jitter > 0) {
        delay += random.nextLong(-jitter, jitter + 1);
      }
      enqueue(now() + Math.max(0, delay), item);
    }
  }

  static final class BandwidthStage extends Timed {
    private final long rate;
    private final int slice;

    BandwidthStage(Toxic.Bandwidth toxic, Pipe pipe) {
      super(toxic, pipe);
      this.rate = toxic.bytesPerSecond;
      // 50 ms worth of data per write keeps the flow smooth without a timer per byte.
      this.slice = (int) Math.max(1, Math.min(64 * 1024, rate / 20));
    }

    @Override
    void offer(Object item) {
      if (rate == 0) {
        enqueue(Long.MAX_VALUE, item);
        return;
      }
      long now = now();
      if (!(item instanceof ByteBuffer b)) {
        enqueue(now, item);
        return;
      }
      // Each slice leaves when its last byte has "gone over the wire" at the given rate, starting
      // when the wire is free: after the previous slice, or now if the stage was idle.
      long t = Math.max(now, lastDue());
      while (b.hasRemaining()) {
        int n = Math.min(slice, b.remaining());
        ByteBuffer piece = b.slice(b.position(), n);
        b.position(b.position() + n);
        t += n * 1_000_000_000L / rate;
        enqueue(t, piece);
      }
    }
  }

  static final class SlicerStage extends Timed {
    private final Toxic.Slicer slicer;
    private final SplittableRandom random;

    SlicerStage(Toxic.Slicer toxic, Pipe pipe, SplittableRandom random) {
      super(toxic, pipe);
      this.slicer = toxic;
      this.random = random;
    }

    @Override
    void offer(Object item) {
      long now = now();
      long delay = slicer.delayNanos;
      if (!(item instanceof ByteBuffer b)) {
        enqueue(now, item);
        return;
      }
      int variation = slicer.sizeVariation;
      while (b.hasRemaining()) {
        int size = slicer.averageSize;
        if (variation > 0) {
          size += random.nextInt(-variation, variation + 1);
        }
        int n = Math.max(1, Math.min(size, b.remaining()));
        ByteBuffer piece = b.slice(b.position(), n);
        b.position(b.position() + n);
        enqueue(hasHistory() ? Math.max(now, lastDue() + delay) : now, piece);
      }
    }
  }

  static final class PacketLossStage extends Timed {
    private final Toxic.PacketLoss loss;
    private final SplittableRandom random;

    PacketLossStage(Toxic.PacketLoss toxic, Pipe pipe, SplittableRandom random) {
      super(toxic, pipe);
      this.loss = toxic;
      this.random = random;
    }

    @Override
    void offer(Object item) {
      long now = now();
      if (!(item instanceof ByteBuffer b)) {
        enqueue(now, item);
        return;
      }
      // Segments are retransmitted independently (SACK), so the piece is as late as its
      // unluckiest segment; later data waits behind it (head-of-line blocking).
      long extra = 0;
      int segments = Math.max(1, (b.remaining() + Toxic.PacketLoss.SEGMENT - 1) / Toxic.PacketLoss.SEGMENT);
      for (int s = 0; s < segments; s++) {
        long rto = loss.rtoNanos;
        long late = 0;
        for (int k = 0; k < Toxic.PacketLoss.MAX_RETRANSMITS && random.nextDouble() < loss.probability; k++) {
          late += rto;
          rto *= 2;
        }
        extra = Math.max(extra, late);
      }
      enqueue(now + extra, b);
    }
  }

  static final class SlowCloseStage extends Timed {
    private final long delay;

    SlowCloseStage(Toxic.SlowClose toxic, Pipe pipe) {
      super(toxic, pipe);
      this.delay = toxic.delayNanos;
    }

    @Override
    void offer(Object item) {
      long now = now();
      enqueue(item instanceof ByteBuffer ? now : now + delay, item);
    }
  }

  static final class TimeoutStage extends Stage {
    private final long timeout;
    private final ArrayDeque<Object> held = new ArrayDeque<>();
    private Cancellable timer;

    TimeoutStage(Toxic.Timeout toxic, Pipe pipe) {
      super(toxic, pipe);
      this.timeout = toxic.timeoutNanos;
    }

    @Override
    void start() {
      if (timeout > 0) {
        timer = schedule(timeout, () -> pipe.conn.close());
      }
    }

    @Override
    void offer(Object item) {
      held.addLast(item);
    }

    @Override
    void release() {
      cancel();
      while (!held.isEmpty() && !pipe.conn.closed) {
        pass(held.pollFirst());
      }
    }

    @Override
    void stop() {
      cancel();
      held.clear();
    }

    private void cancel() {
      if (timer != null) {
        timer.cancel();
        timer = null;
      }
    }
  }

  static final class ResetPeerStage extends Stage {
    private final long after;
    private Cancellable timer;

    ResetPeerStage(Toxic.ResetPeer toxic, Pipe pipe) {
      super(toxic, pipe);
      this.after = toxic.afterNanos;
    }

    @Override
    void offer(Object item) {
      // As Toxiproxy: the first item in this direction arms the reset; from then on data is
      // dropped, so the peer sees a reset rather than a graceful end.
      discard(item);
      if (timer == null) {
        timer = schedule(after, () -> pipe.conn.reset());
      }
    }

    @Override
    void release() {
      stop();
    }

    @Override
    void stop() {
      if (timer != null) {
        timer.cancel();
      }
    }
  }

  static final class LimitDataStage extends Stage {
    private long remaining;
    private boolean done;

    LimitDataStage(Toxic.LimitData toxic, Pipe pipe) {
      super(toxic, pipe);
      this.remaining = toxic.bytes;
    }

    @Override
    void offer(Object item) {
      if (done) {
        discard(item);
        return;
      }
      if (item instanceof ByteBuffer b) {
        if (b.remaining() > remaining) {
          int keep = (int) remaining;
          pipe.discarded(b.remaining() - keep);
          b.limit(b.position() + keep);
        }
        remaining -= b.remaining();
        if (b.hasRemaining()) {
          pass(b);
        }
        if (remaining == 0) {
          done = true;
          pass(Pipe.Signal.CLOSE);
        }
      } else {
        pass(item);
      }
    }
  }
}
