package dev.backlot.engine;

import dev.backlot.wire.Request;
import dev.backlot.fault.FaultDecider;
import dev.backlot.fault.MessageFault;
import dev.backlot.fault.StreamTrigger;
import dev.backlot.journal.Entry;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedBinaryMessage;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.CloseMessage;
import io.undertow.websockets.core.WebSocketCallback;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.xnio.IoUtils;
import org.xnio.Pooled;

/**
 * A WebSocket session over Undertow's channel: ordered sends, journalled frames. Fault rules
 * ({@code faults().onWebSocket(...)}) may drop, delay or duplicate messages either way, keeping
 * each direction's order, and close or cut the connection after some messages.
 */
final class WebSocketSessionImpl implements WebSocketSession {

  private final FakeServer<?> fake;
  private final String id;
  private final Request request;
  private final WebSocketChannel channel;
  private final WebSocketHandler handler;
  private final AtomicBoolean closeReported = new AtomicBoolean();
  private final FaultDecider plan;
  private final Sequencer out;
  private final Sequencer in;
  private List<StreamTrigger> triggers = List.of();
  private volatile String closedByFault;

  WebSocketSessionImpl(
      FakeServer<?> fake, String id, Request request, WebSocketChannel channel,
      WebSocketHandler handler) {
    this.fake = fake;
    this.id = id;
    this.request = request;
    this.channel = channel;
    this.handler = handler;
    this.plan = fake.decider();
    this.out = new Sequencer(fake.clock(), null);
    // Incoming messages that a fault held back reach the handler on the IO thread, as all do.
    this.in = new Sequencer(fake.clock(), r -> channel.getIoThread().execute(r));
  }

  void open() {
    Entry opened = fake.record(Entry.Kind.WS_OPEN, request, new byte[0]);
    if (plan.hasWebSocketRules()) {
      triggers = plan.armWebSocket(request);
      for (StreamTrigger t : triggers) {
        fake.recorder().fault(opened, t.description());
      }
    }
    channel.getReceiveSetter()
        .set(
            new AbstractReceiveListener() {
              @Override
              protected void onFullTextMessage(WebSocketChannel ch, BufferedTextMessage m) {
                String text = m.getData();
                receive(text, null);
              }

              @Override
              @SuppressWarnings("deprecation") // getData(), Undertow's one way to read the
              // message, returns xnio's deprecated Pooled
              protected void onFullBinaryMessage(WebSocketChannel ch, BufferedBinaryMessage m) {
                Pooled<ByteBuffer[]> data = m.getData();
                try {
                  ByteBuffer[] bufs = data.getResource();
                  int n = 0;
                  for (ByteBuffer b : bufs) {
                    n += b.remaining();
                  }
                  byte[] bytes = new byte[n];
                  int off = 0;
                  for (ByteBuffer b : bufs) {
                    int r = b.remaining();
                    b.get(bytes, off, r);
                    off += r;
                  }
                  receive(null, bytes);
                } finally {
                  data.free();
                }
              }

              @Override
              protected void onCloseMessage(CloseMessage cm, WebSocketChannel ch) {
                reportClose(cm.getCode(), cm.getReason(), null);
              }
            });
    channel.addCloseTask(
        ch -> {
          out.close();
          in.close();
          reportClose(1006, "connection lost", closedByFault);
        });
    channel.resumeReceives();
    guard(() -> handler.onOpen(this));
    for (StreamTrigger t : triggers) {
      if (t.immediate()) {
        fire(t);
      }
    }
  }

  /** A message from the client (IO thread): journal it, apply faults, hand it to the handler. */
  private void receive(String text, byte[] binary) {
    byte[] payload = text != null ? text.getBytes(StandardCharsets.UTF_8) : binary;
    Entry e = fake.record(Entry.Kind.WS_IN, request, payload);
    MessageFault f =
        plan.hasWebSocketRules()
            ? plan.decideWebSocketMessage(request, false, text, binary != null)
            : null;
    if (f == null && triggers.isEmpty() && in.idle()) {
      deliver(text, binary);
      return;
    }
    if (f != null) {
      fake.recorder().fault(e, f.description());
      if (f.drop()) {
        fake.recorder().outcome(e, "dropped by fault: not delivered to the fake");
        return;
      }
    }
    int copies = f != null && f.duplicate() ? 2 : 1;
    in.submit(
        f == null ? Duration.ZERO : f.delay(),
        () -> {
          for (int i = 0; i < copies && channel.isOpen(); i++) {
            deliver(text, binary);
          }
          count(false, text, binary != null);
        });
  }

  private void deliver(String text, byte[] binary) {
    if (text != null) {
      guard(() -> handler.onText(this, text));
    } else {
      guard(() -> handler.onBinary(this, binary));
    }
  }

  /** A failing callback closes this session with 1011, as a real server's internal error would. */
  private void guard(Runnable callback) {
    try {
      callback.run();
    } catch (RuntimeException e) {
      close(1011, "fake failed: " + e);
    }
  }

  private void reportClose(int code, String reason, String fault) {
    if (closeReported.compareAndSet(false, true)) {
      Entry e = fake.record(Entry.Kind.WS_CLOSE, request, reason.getBytes(StandardCharsets.UTF_8));
      fake.recorder().complete(e, code, null);
      if (fault != null) {
        fake.recorder().fault(e, fault);
      }
      try {
        handler.onClose(this, code, reason);
      } catch (RuntimeException ignored) {
        // the session is gone either way
      }
    }
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public Request request() {
    return request;
  }

  @Override
  public synchronized void sendText(String text) {
    send(text, null);
  }

  @Override
  public synchronized void sendBinary(byte[] data) {
    send(null, data);
  }

  private void send(String text, byte[] binary) {
    if (!isOpen()) {
      return;
    }
    MessageFault f =
        plan.hasWebSocketRules()
            ? plan.decideWebSocketMessage(request, true, text, binary != null)
            : null;
    if (f == null && triggers.isEmpty() && out.idle()) {
      write(text, binary, null, null);
      return;
    }
    if (f != null && f.drop()) {
      Entry e = fake.record(Entry.Kind.WS_OUT, request, payload(text, binary));
      fake.recorder().fault(e, f.description());
      fake.recorder().outcome(e, "dropped by fault: not sent");
      return;
    }
    int copies = f != null && f.duplicate() ? 2 : 1;
    out.submit(
        f == null ? Duration.ZERO : f.delay(),
        () -> {
          StreamTrigger due = countTrigger(true, text, binary != null);
          for (int i = 0; i < copies; i++) {
            String note = f == null ? null : i == 0 ? f.description() : "(copy) " + f.description();
            // An abort must wait until the last frame before it is on the wire.
            Runnable after = i == copies - 1 && due != null ? () -> fire(due) : null;
            write(text, binary, note, after);
          }
        });
  }

  private static byte[] payload(String text, byte[] binary) {
    return text != null ? text.getBytes(StandardCharsets.UTF_8) : binary;
  }

  private void write(String text, byte[] binary, String fault, Runnable then) {
    if (!isOpen()) {
      return;
    }
    Entry e = fake.record(Entry.Kind.WS_OUT, request, payload(text, binary));
    if (fault != null) {
      fake.recorder().fault(e, fault);
    }
    WebSocketCallback<Void> cb = then == null ? null : new WebSocketCallback<>() {
      @Override
      public void complete(WebSocketChannel ch, Void context) {
        then.run();
      }

      @Override
      public void onError(WebSocketChannel ch, Void context, Throwable t) {
        then.run();
      }
    };
    if (text != null) {
      WebSockets.sendText(text, channel, cb);
    } else {
      WebSockets.sendBinary(ByteBuffer.wrap(binary), channel, cb);
    }
  }

  /** Counts a message for the armed triggers; fires the first that is due. */
  private void count(boolean outgoing, String text, boolean binary) {
    StreamTrigger due = countTrigger(outgoing, text, binary);
    if (due != null) {
      fire(due);
    }
  }

  private StreamTrigger countTrigger(boolean outgoing, String text, boolean binary) {
    StreamTrigger due = null;
    for (StreamTrigger t : triggers) {
      if (t.count(outgoing, text, binary, null) && due == null) {
        due = t;
      }
    }
    return due;
  }

  /** Closes with the trigger's code, or cuts the connection (1006) when it has none. */
  private void fire(StreamTrigger t) {
    closedByFault = t.description();
    if (t.closeCode() == 0) {
      abort();
      return;
    }
    synchronized (this) {
      if (!isOpen()) {
        return;
      }
      reportClose(t.closeCode(), t.reason(), t.description());
      WebSockets.sendClose(t.closeCode(), t.reason(), channel, null);
    }
  }

  @Override
  public synchronized void close(int code, String reason) {
    if (!isOpen()) {
      return;
    }
    if (!out.idle()) {
      // Messages held back by a fault go out before the close frame.
      out.submit(Duration.ZERO, () -> closeNow(code, reason));
      return;
    }
    closeNow(code, reason);
  }

  private synchronized void closeNow(int code, String reason) {
    if (!isOpen()) {
      return;
    }
    reportClose(code, reason, null);
    WebSockets.sendClose(code, reason, channel, null);
  }

  @Override
  public void abort() {
    // Closing the framed channel cuts the TCP connection without a close frame.
    IoUtils.safeClose(channel);
  }

  @Override
  public boolean isOpen() {
    return channel.isOpen() && !channel.isCloseFrameSent();
  }

  @Override
  public String toString() {
    return "WebSocket#" + id + " " + request.target();
  }
}
