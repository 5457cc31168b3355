package dev.backlot.engine;

import dev.backlot.journal.Entry;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.xnio.IoUtils;
import org.xnio.channels.StreamSinkChannel;

/** Writes events in order on the exchange's IO thread, one write in flight at a time. */
final class SseStreamImpl implements SseStream {

  private final HttpServerExchange ex;
  private final Entry entry;
  private final FakeServer<?> fake;
  private final Request request;
  private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
  private final List<Runnable> closeActions = new CopyOnWriteArrayList<>();
  private StreamSinkChannel channel; // IO thread only
  private ByteBuffer current; // IO thread only
  private boolean ending;
  private boolean closeRequested;
  private boolean abortRequested;
  private volatile boolean open = true;

  SseStreamImpl(HttpServerExchange ex, Entry entry, FakeServer<?> fake) {
    this.ex = ex;
    this.entry = entry;
    this.fake = fake;
    this.request =
        Request.of(entry.method(), entry.path() + (entry.query().isEmpty() ? "" : "?" + entry.query()),
            java.util.Map.of(), entry.body());
    ex.addExchangeCompleteListener(
        (exchange, next) -> {
          finished("stream closed");
          next.proceed();
        });
    // Flush the status line and headers now: clients wait for them before reading events.
    ex.getIoThread().execute(this::pump);
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
    write(sb.toString(), event == null ? data : "event: " + event + " " + data);
  }

  @Override
  public void sendRaw(String text) {
    write(text, text);
  }

  private void write(String wire, String journalText) {
    if (!open) {
      return;
    }
    fake.record(Entry.Kind.SSE, request, journalText.getBytes(StandardCharsets.UTF_8));
    synchronized (queue) {
      if (closeRequested) {
        return;
      }
      queue.add(ByteBuffer.wrap(wire.getBytes(StandardCharsets.UTF_8)));
    }
    ex.getIoThread().execute(this::pump);
  }

  @Override
  public void close() {
    synchronized (queue) {
      closeRequested = true;
    }
    ex.getIoThread().execute(this::pump);
  }

  @Override
  public void abort() {
    // In call order, like every other call: events sent before the abort are written first.
    synchronized (queue) {
      closeRequested = true;
      abortRequested = true;
    }
    ex.getIoThread().execute(this::pump);
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
              finished("stream aborted");
              IoUtils.safeClose(ex.getConnection());
            } else if (ending) {
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
    if (entry.outcome() == null) {
      entry.outcome(how);
    }
    for (Runnable r : closeActions) {
      r.run();
    }
  }
}
