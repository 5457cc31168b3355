package dev.backlot.engine;

import dev.backlot.fault.FaultPlan;
import dev.backlot.fault.MessageFault;
import dev.backlot.fault.StreamTrigger;
import dev.backlot.journal.Entry;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.xnio.IoUtils;
import org.xnio.channels.StreamSinkChannel;

/**
 * Writes events in order on the exchange's IO thread, one write in flight at a time. Fault rules
 * ({@code faults().onSse(...)}) may drop, delay or duplicate events, in order, and cut the stream
 * after some events: the cut lands after the bytes of those events, so the client reads them and
 * then a broken chunked body.
 */
final class SseStreamImpl implements SseStream {

  /** Queue marker: cut the connection here. */
  private static final ByteBuffer CUT = ByteBuffer.allocate(0);

  private final HttpServerExchange ex;
  private final Entry entry;
  private final FakeServer<?> fake;
  private final Request request;
  private final FaultPlan plan;
  private final List<StreamTrigger> triggers;
  private final Sequencer sequencer;
  private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
  private final List<Runnable> closeActions = new CopyOnWriteArrayList<>();
  private StreamSinkChannel channel;
  private boolean writing;
  private boolean closeRequested;
  private boolean cutRequested;
  private int sent;
  private volatile boolean open = true;

  SseStreamImpl(HttpServerExchange ex, Entry entry, FakeServer<?> fake, Request request) {
    this.ex = ex;
    this.entry = entry;
    this.fake = fake;
    this.request =
        request != null
            ? request
            : Request.of(entry.method(),
                entry.path() + (entry.query().isEmpty() ? "" : "?" + entry.query()),
                java.util.Map.of(), entry.body());
    this.plan = fake.faults();
    this.triggers = plan.hasSseRules() ? plan.armSse(this.request) : List.of();
    this.sequencer = new Sequencer(fake.clock(), null);
    ex.addExchangeCompleteListener(
        (exchange, next) -> {
          finished("stream closed");
          next.proceed();
        });
    for (StreamTrigger t : triggers) {
      entry.fault(t.description());
      if (t.immediate()) {
        cut(t);
      }
    }
  }

  @Override
  public void send(String data) {
    send(null, data);
  }

  @Override
  public void send(String event, String data) {
    StringBuilder sb = new StringBuilder(data.length() + 16);
    if (event != null) {
      sb.append("event: ").append(event).append('\n');
    }
    for (String line : data.split("\n", -1)) {
      sb.append("data: ").append(line).append('\n');
    }
    sb.append('\n');
    write(sb.toString(), event == null ? data : "event: " + event + " " + data, event, data);
  }

  @Override
  public void sendRaw(String text) {
    write(text, text, null, text);
  }

  private void write(String wire, String journalText, String event, String data) {
    if (!open) {
      return;
    }
    MessageFault f = plan.hasSseRules() ? plan.decideSseEvent(request, event, data) : null;
    if (f == null && triggers.isEmpty() && sequencer.idle()) {
      emit(wire, journalText, null);
      return;
    }
    if (f != null && f.drop()) {
      Entry e = fake.record(Entry.Kind.SSE, request, journalText.getBytes(StandardCharsets.UTF_8));
      e.fault(f.description());
      e.outcome("dropped by fault: not sent");
      return;
    }
    int copies = f != null && f.duplicate() ? 2 : 1;
    sequencer.submit(
        f == null ? Duration.ZERO : f.delay(),
        () -> {
          for (int i = 0; i < copies; i++) {
            emit(wire, journalText, f == null ? null : i == 0 ? f.description() : "(copy) " + f.description());
          }
          for (StreamTrigger t : triggers) {
            if (t.count(true, data, false, event)) {
              cut(t);
            }
          }
        });
  }

  private void emit(String wire, String journalText, String fault) {
    if (!open) {
      return;
    }
    synchronized (queue) {
      if (closeRequested || cutRequested) {
        return; // never sent, so not journalled
      }
      Entry e = fake.record(Entry.Kind.SSE, request, journalText.getBytes(StandardCharsets.UTF_8));
      if (fault != null) {
        e.fault(fault);
      }
      queue.add(ByteBuffer.wrap(wire.getBytes(StandardCharsets.UTF_8)));
    }
    onIoThread(this::pump);
  }

  private void cut(StreamTrigger t) {
    synchronized (queue) {
      if (cutRequested || closeRequested) {
        return;
      }
      cutRequested = true;
      queue.add(CUT);
    }
    onIoThread(this::pump);
  }

  @Override
  public void close() {
    // Through the sequencer, so events held back by a fault still go out first.
    sequencer.submit(
        Duration.ZERO,
        () -> {
          synchronized (queue) {
            closeRequested = true;
          }
          onIoThread(this::pump);
        });
  }

  @Override
  public void abort() {
    finished("stream aborted");
    IoUtils.safeClose(ex.getConnection());
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void onClose(Runnable action) {
    closeActions.add(action);
    if (!open) {
      action.run();
    }
  }

  @Override
  public Request request() {
    return request;
  }

  private void onIoThread(Runnable r) {
    try {
      ex.getIoThread().execute(r);
    } catch (RuntimeException rejected) {
      finished("fake closed");
    }
  }

  // IO thread only. Writes go straight to the response channel and are flushed event by event:
  // an event must be on the wire when it is "sent" (a client may be waiting for it, and a cut
  // must land after it), so nothing may sit in a buffer.
  private void pump() {
    while (true) {
      ByteBuffer next;
      boolean end;
      synchronized (queue) {
        if (writing || !open) {
          return;
        }
        next = queue.poll();
        end = next == null && closeRequested;
        if (next == null && !end) {
          return;
        }
        if (next != null && next != CUT) {
          writing = true;
        }
      }
      if (next == CUT) {
        cutNow();
        return;
      }
      if (end) {
        ex.endExchange();
        return;
      }
      if (!writeNow(next)) {
        return; // the channel's write listener carries on
      }
    }
  }

  /** Writes and flushes {@code buf}; false if the rest waits for the channel to be writable. */
  private boolean writeNow(ByteBuffer buf) {
    try {
      if (channel == null) {
        channel = ex.getResponseChannel();
        if (channel == null) {
          throw new IOException("response channel unavailable");
        }
      }
      while (buf.hasRemaining()) {
        if (channel.write(buf) == 0) {
          resumeWhenWritable(buf);
          return false;
        }
      }
      if (!channel.flush()) {
        resumeWhenWritable(buf);
        return false;
      }
      synchronized (queue) {
        writing = false;
        sent++;
      }
      return true;
    } catch (IOException e) {
      synchronized (queue) {
        writing = false;
      }
      finished("client went away");
      IoUtils.safeClose(ex.getConnection());
      return false;
    }
  }

  private void resumeWhenWritable(ByteBuffer buf) {
    channel.getWriteSetter()
        .set(
            c -> {
              c.suspendWrites();
              if (writeNow(buf)) {
                pump();
              }
            });
    channel.resumeWrites();
  }

  // IO thread: every event before the cut is on the wire.
  private void cutNow() {
    int n;
    synchronized (queue) {
      n = sent;
    }
    entry.outcome("stream cut by fault after " + n + (n == 1 ? " event" : " events"));
    if (channel == null) {
      // Nothing sent yet: send the status line and headers first, so the client sees a stream
      // that started and broke, not a missing response. (On an idle loopback socket the flush
      // completes at once; if it did not, the cut would simply come before the headers.)
      writeNow(ByteBuffer.allocate(0));
    }
    abort();
  }

  private void finished(String how) {
    if (!open) {
      return;
    }
    open = false;
    sequencer.close();
    if (entry.outcome() == null) {
      entry.outcome(how);
    }
    for (Runnable r : closeActions) {
      r.run();
    }
  }
}
