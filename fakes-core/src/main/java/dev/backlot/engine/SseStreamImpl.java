package dev.backlot.engine;

import dev.backlot.journal.Entry;
import io.undertow.io.IoCallback;
import io.undertow.io.Sender;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.xnio.IoUtils;

/** Writes events in order on the exchange's IO thread, one write in flight at a time. */
final class SseStreamImpl implements SseStream {

  private final HttpServerExchange ex;
  private final Entry entry;
  private final FakeServer<?> fake;
  private final Request request;
  private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
  private final List<Runnable> closeActions = new CopyOnWriteArrayList<>();
  private boolean writing;
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
    // In call order, like every other call: events sent before the abort still go out first.
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

  // IO thread only.
  private void pump() {
    ByteBuffer next;
    boolean end;
    boolean cut;
    synchronized (queue) {
      if (writing || !open) {
        return;
      }
      next = queue.poll();
      end = next == null && closeRequested;
      cut = end && abortRequested;
      if (next != null) {
        writing = true;
      }
    }
    if (cut) {
      finished("stream aborted");
      IoUtils.safeClose(ex.getConnection());
      return;
    }
    Sender sender = ex.getResponseSender();
    if (end) {
      ex.endExchange();
      return;
    }
    if (next == null) {
      return;
    }
    sender.send(
        next,
        new IoCallback() {
          @Override
          public void onComplete(HttpServerExchange exchange, Sender s) {
            synchronized (queue) {
              writing = false;
            }
            pump();
          }

          @Override
          public void onException(HttpServerExchange exchange, Sender s, IOException e) {
            synchronized (queue) {
              writing = false;
            }
            finished("client went away");
            IoUtils.safeClose(exchange.getConnection());
          }
        });
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
