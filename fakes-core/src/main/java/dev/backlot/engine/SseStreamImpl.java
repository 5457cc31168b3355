package dev.backlot.engine;

import dev.backlot.wire.Request;
import dev.backlot.wire.SseStream;
import dev.backlot.fault.FaultDecider;
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
 * ({@code faults().onSse(...)}) may drop, delay or duplicate events, keeping their order, and cut
 * the stream after some events: the cut is an abort in call order, so it lands after the bytes of
 * those events and the client reads them, then a broken chunked body.
 */
final class SseStreamImpl implements SseStream {

  private final HttpServerExchange ex;
  private final Entry entry;
  private final FakeServer<?> fake;
  private final Request request;
  private final FaultDecider plan;
  private final List<StreamTrigger> triggers;
  private final Sequencer sequencer;
  private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
  private final List<Runnable> closeActions = new CopyOnWriteArrayList<>();
  private StreamSinkChannel channel; // IO thread only
  private ByteBuffer current; // IO thread only
  private int written; // IO thread only: events fully written
  private boolean ending;
  private boolean closeRequested;
  private boolean abortRequested;
  private boolean cutByFault;
  private boolean endedByFault;
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
    this.plan = fake.decider();
    this.triggers = plan.hasSseRules() ? plan.armSse(this.request) : List.of();
    this.sequencer = new Sequencer(fake.clock(), null);
    ex.addExchangeCompleteListener(
        (exchange, next) -> {
          finished("stream closed");
          next.proceed();
        });
    for (StreamTrigger t : triggers) {
      fake.recorder().fault(entry, t.description());
      if (t.immediate()) {
        strike(t);
      }
    }
    // Flush the status line and headers now: clients wait for them before reading events.
    ex.getIoThread().execute(this::pump);
  }

  @Override
  public void send(String data) {
    send(null, data);
  }

  @Override
  public void send(String event, String data) {
    write(frame(event, data), event == null ? data : "event: " + event + " " + data, event, data);
  }

  private static String frame(String event, String data) {
    StringBuilder sb = new StringBuilder(data.length() + 16);
    if (event != null) {
      sb.append("event: ").append(event).append('\n');
    }
    for (String line : data.split("\n", -1)) {
      sb.append("data: ").append(line).append('\n');
    }
    return sb.append('\n').toString();
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
      fake.recorder().fault(e, f.description());
      fake.recorder().outcome(e, "dropped by fault: not sent");
      return;
    }
    int copies = f != null && f.duplicate() ? 2 : 1;
    sequencer.submit(
        f == null ? Duration.ZERO : f.delay(),
        () -> {
          for (int i = 0; i < copies; i++) {
            emit(wire, journalText,
                f == null ? null : i == 0 ? f.description() : "(copy) " + f.description());
          }
          for (StreamTrigger t : triggers) {
            if (t.count(true, data, false, event)) {
              strike(t);
            }
          }
        });
  }

  private void emit(String wire, String journalText, String fault) {
    if (!open) {
      return;
    }
    synchronized (queue) {
      if (closeRequested) {
        return; // never sent, so not journalled
      }
      Entry e = fake.record(Entry.Kind.SSE, request, journalText.getBytes(StandardCharsets.UTF_8));
      if (fault != null) {
        fake.recorder().fault(e, fault);
      }
      queue.add(ByteBuffer.wrap(wire.getBytes(StandardCharsets.UTF_8)));
    }
    onIoThread();
  }

  /** A stream fault strikes: one last event and a normal end, or a cut. */
  private void strike(StreamTrigger t) {
    if (t.finalData() == null) {
      cut();
      return;
    }
    String data = t.finalData();
    String event = t.finalEvent();
    emit(frame(event, data), event == null ? data : "event: " + event + " " + data, t.description());
    synchronized (queue) {
      if (closeRequested) {
        return;
      }
      endedByFault = true;
      closeRequested = true;
    }
    onIoThread();
  }

  /** A fault's cut: an abort in call order, after the events already queued. */
  private void cut() {
    synchronized (queue) {
      if (closeRequested) {
        return;
      }
      cutByFault = true;
      closeRequested = true;
      abortRequested = true;
    }
    onIoThread();
  }

  @Override
  public void close() {
    // Through the sequencer, so events a fault held back still go out first.
    sequencer.submit(
        Duration.ZERO,
        () -> {
          synchronized (queue) {
            closeRequested = true;
          }
          onIoThread();
        });
  }

  @Override
  public void abort() {
    // In call order, like every other call: events sent before the abort are written first.
    sequencer.submit(
        Duration.ZERO,
        () -> {
          synchronized (queue) {
            closeRequested = true;
            abortRequested = true;
          }
          onIoThread();
        });
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

  private void onIoThread() {
    try {
      ex.getIoThread().execute(this::pump);
    } catch (RuntimeException rejected) {
      finished("fake closed");
    }
  }

  // IO thread only: writes queued buffers until the socket would block, then waits for it.
  private void pump() {
    if (!open) {
      return;
    }
    try {
      if (channel == null) {
        channel = ex.getResponseChannel();
        channel.getWriteSetter().set(ch -> pump());
      }
      while (true) {
        boolean cut;
        synchronized (queue) {
          if (current == null) {
            current = queue.poll();
            if (current == null && closeRequested && !abortRequested && !ending) {
              ending = true;
              channel.shutdownWrites();
            }
          }
          cut = current == null && abortRequested;
        }
        if (current == null) {
          if (channel.flush()) {
            channel.suspendWrites();
            if (cut) {
              if (cutByFault) {
                fake.recorder().outcome(entry, "stream cut by fault after " + written
                    + (written == 1 ? " event" : " events"));
              }
              finished("stream aborted");
              IoUtils.safeClose(ex.getConnection());
            } else if (ending) {
              if (endedByFault) {
                fake.recorder().outcome(entry, "stream ended by fault after " + written
                    + (written == 1 ? " event" : " events"));
              }
              finished("stream closed");
            }
          } else {
            channel.resumeWrites();
          }
          return;
        }
        channel.write(current);
        if (current.hasRemaining()) {
          channel.resumeWrites();
          return;
        }
        current = null;
        written++;
      }
    } catch (IOException e) {
      finished("client went away");
      IoUtils.safeClose(ex.getConnection());
    }
  }

  private void finished(String how) {
    if (!open) {
      return;
    }
    open = false;
    sequencer.close();
    if (entry.outcome() == null) {
      fake.recorder().outcome(entry, how);
    }
    for (Runnable r : closeActions) {
      r.run();
    }
  }
}
