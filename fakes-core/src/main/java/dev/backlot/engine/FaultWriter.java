package dev.backlot.engine;

import dev.backlot.fault.HttpFault;
import dev.backlot.journal.Entry;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.xnio.channels.StreamSinkChannel;

/**
 * Writes a response body the way a fault says: at a throttled rate (chunks scheduled on the
 * fake's clock, never a sleeping thread), and/or only up to a number of bytes before closing,
 * resetting or stalling the connection. The status line and headers (announcing the full length)
 * go out first. Everything runs on the exchange's IO thread.
 */
final class FaultWriter {

  /** Chunks per second when throttling: ~100 ms apart, so a rate is visible but smooth. */
  private static final int TICKS_PER_SECOND = 10;

  private final FakeServer<?> fake;
  private final HttpServerExchange ex;
  private final byte[] body;
  private final HttpFault fault;
  private final Entry entry;
  private final int status;
  private final String journalBody;
  private final int limit;
  private final int chunk;
  private final long periodNanos;
  private StreamSinkChannel channel;
  private int written;

  FaultWriter(
      FakeServer<?> fake, HttpServerExchange ex, byte[] body, HttpFault fault, Entry entry,
      int status, String journalBody) {
    this.fake = fake;
    this.ex = ex;
    this.body = body;
    this.fault = fault;
    this.entry = entry;
    this.status = status;
    this.journalBody = journalBody;
    boolean cut =
        fault.effect() != HttpFault.Effect.NONE && fault.trigger() == HttpFault.Trigger.AFTER_BYTES;
    this.limit = cut ? (int) Math.min(fault.cutAfterBytes(), body.length) : body.length;
    long rate = fault.throttleBytesPerSecond();
    if (rate > 0) {
      this.chunk = (int) Math.max(1, Math.min(Integer.MAX_VALUE, rate / TICKS_PER_SECOND));
      this.periodNanos = Math.max(1, chunk * 1_000_000_000L / rate);
    } else {
      this.chunk = Math.max(1, limit);
      this.periodNanos = 0;
    }
  }

  /** Starts writing; IO thread only. */
  void start() {
    channel = ex.getResponseChannel();
    if (channel == null) {
      return;
    }
    // Headers first, on their own, so a stalled or throttled body is visibly "after headers".
    write(ByteBuffer.allocate(0), this::next);
  }

  private void next() {
    if (written >= limit) {
      finish();
      return;
    }
    if (periodNanos > 0) {
      fake.clock()
          .schedule(
              Duration.ofNanos(periodNanos),
              () -> onIoThread(this::writeChunk));
    } else {
      writeChunk();
    }
  }

  private void writeChunk() {
    if (!ex.getConnection().isOpen()) {
      clientGone();
      return;
    }
    int n = Math.min(chunk, limit - written);
    ByteBuffer buf = ByteBuffer.wrap(body, written, n);
    write(
        buf,
        () -> {
          written += n;
          next();
        });
  }

  private void finish() {
    fake.recorder().complete(entry, status, journalBody);
    if (written < body.length) {
      String how =
          switch (fault.effect()) {
            case CLOSE -> "closed";
            case RESET -> "reset";
            case STALL -> "stalled";
            case NONE -> "ended";
          };
      fake.recorder().outcome(entry, how + " by fault after " + written + " of " + body.length + " body bytes");
      fake.writer().breakConnection(ex, fault.effect());
      return;
    }
    // The whole body went out (throttled): end the response normally.
    ex.endExchange();
  }

  /** Writes all of {@code buf} and flushes, resuming on writability; then runs {@code then}. */
  private void write(ByteBuffer buf, Runnable then) {
    try {
      while (buf.hasRemaining()) {
        if (channel.write(buf) == 0) {
          waitWritable(() -> write(buf, then));
          return;
        }
      }
      if (!channel.flush()) {
        waitWritable(() -> write(buf, then));
        return;
      }
      then.run();
    } catch (IOException e) {
      clientGone();
    }
  }

  private void waitWritable(Runnable retry) {
    channel.getWriteSetter()
        .set(
            c -> {
              c.suspendWrites();
              retry.run();
            });
    channel.resumeWrites();
  }

  private void clientGone() {
    if (entry.outcome() == null) {
      fake.recorder().outcome(entry, "client went away after " + written + " of " + body.length + " body bytes");
    }
    org.xnio.IoUtils.safeClose(ex.getConnection());
  }

  private void onIoThread(Runnable r) {
    try {
      ex.getIoThread().execute(r);
    } catch (RuntimeException rejected) {
      // the fake was closed meanwhile: its connections are gone
    }
  }
}
