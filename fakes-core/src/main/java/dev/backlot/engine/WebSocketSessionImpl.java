package dev.backlot.engine;

import dev.backlot.journal.Entry;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedBinaryMessage;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.CloseMessage;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.xnio.IoUtils;
import org.xnio.Pooled;

/** A WebSocket session over Undertow's channel: ordered sends, journalled frames. */
final class WebSocketSessionImpl implements WebSocketSession {

  private final FakeServer<?> fake;
  private final String id;
  private final Request request;
  private final WebSocketChannel channel;
  private final WebSocketHandler handler;
  private final AtomicBoolean closeReported = new AtomicBoolean();

  WebSocketSessionImpl(
      FakeServer<?> fake, String id, Request request, WebSocketChannel channel,
      WebSocketHandler handler) {
    this.fake = fake;
    this.id = id;
    this.request = request;
    this.channel = channel;
    this.handler = handler;
  }

  void open() {
    fake.record(Entry.Kind.WS_OPEN, request, new byte[0]);
    channel.getReceiveSetter()
        .set(
            new AbstractReceiveListener() {
              @Override
              protected void onFullTextMessage(WebSocketChannel ch, BufferedTextMessage m) {
                String text = m.getData();
                fake.record(Entry.Kind.WS_IN, request, text.getBytes(StandardCharsets.UTF_8));
                guard(() -> handler.onText(WebSocketSessionImpl.this, text));
              }

              @Override
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
                  fake.record(Entry.Kind.WS_IN, request, bytes);
                  guard(() -> handler.onBinary(WebSocketSessionImpl.this, bytes));
                } finally {
                  data.free();
                }
              }

              @Override
              protected void onCloseMessage(CloseMessage cm, WebSocketChannel ch) {
                reportClose(cm.getCode(), cm.getReason());
              }
            });
    channel.addCloseTask(ch -> reportClose(1006, "connection lost"));
    channel.resumeReceives();
    guard(() -> handler.onOpen(this));
  }

  /** A failing callback closes this session with 1011, as a real server's internal error would. */
  private void guard(Runnable callback) {
    try {
      callback.run();
    } catch (RuntimeException e) {
      close(1011, "fake failed: " + e);
    }
  }

  private void reportClose(int code, String reason) {
    if (closeReported.compareAndSet(false, true)) {
      Entry e = fake.record(Entry.Kind.WS_CLOSE, request, reason.getBytes(StandardCharsets.UTF_8));
      e.complete(code, null);
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
    if (!isOpen()) {
      return;
    }
    fake.record(Entry.Kind.WS_OUT, request, text.getBytes(StandardCharsets.UTF_8));
    WebSockets.sendText(text, channel, null);
  }

  @Override
  public synchronized void sendBinary(byte[] data) {
    if (!isOpen()) {
      return;
    }
    fake.record(Entry.Kind.WS_OUT, request, data);
    WebSockets.sendBinary(ByteBuffer.wrap(data), channel, null);
  }

  @Override
  public synchronized void close(int code, String reason) {
    if (!isOpen()) {
      return;
    }
    reportClose(code, reason);
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
