package dev.backlot.examples.archive;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.undertow.Undertow;
import io.undertow.Handlers;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The archive's live feed: a small WebSocket server (Undertow, on 127.0.0.1 and a free port) at
 * {@code /updates} that pushes every event of the archive to every connected client as JSON
 * ({@code {"seq": 4, "type": "show.linked", ...}}). A client first receives {@code {"type":
 * "hello"}}: from then on it is subscribed. Events carry a sequence number, so a client can tell
 * a gap from a quiet period.
 *
 * <pre>{@code
 * try (LiveUpdates live = LiveUpdates.start()) {
 *   URI ws = live.uri();                 // ws://127.0.0.1:PORT/updates
 *   live.publish(event("vod.created").put("vod", 3));
 * }
 * }</pre>
 */
public final class LiveUpdates implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Set<WebSocketChannel> clients = ConcurrentHashMap.newKeySet();
  private final AtomicLong seq = new AtomicLong();
  private final Undertow server;
  private final int port;

  private LiveUpdates() {
    this.server = Undertow.builder()
        .addHttpListener(0, "127.0.0.1")
        .setIoThreads(1)
        .setWorkerThreads(2)
        .setHandler(Handlers.path().addExactPath("/updates", Handlers.websocket((exchange, channel) -> {
          channel.getReceiveSetter().set(new AbstractReceiveListener() {
            @Override
            protected void onCloseMessage(io.undertow.websockets.core.CloseMessage cm,
                WebSocketChannel ch) {
              clients.remove(ch);
            }
          });
          channel.addCloseTask(clients::remove);
          channel.resumeReceives();
          synchronized (this) { // a hello, then events: in this order for every client
            clients.add(channel);
            WebSockets.sendText(event("hello").put("seq", seq.get()).toString(), channel, null);
          }
        })))
        .build();
    server.start();
    this.port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
  }

  /** Starts the feed on a free loopback port. */
  public static LiveUpdates start() {
    return new LiveUpdates();
  }

  /** {@code ws://127.0.0.1:PORT/updates}. */
  public URI uri() {
    return URI.create("ws://127.0.0.1:" + port + "/updates");
  }

  /** An event of {@code type}, to fill and {@link #publish}. */
  public static ObjectNode event(String type) {
    return JSON.createObjectNode().put("type", type);
  }

  /** Numbers the event and sends it to every connected client, in publish order. */
  public synchronized void publish(ObjectNode event) {
    ObjectNode e = JSON.createObjectNode().put("seq", seq.incrementAndGet());
    e.setAll(event);
    String text = e.toString();
    for (WebSocketChannel c : clients) {
      if (c.isOpen()) {
        WebSockets.sendText(text, c, null);
      } else {
        clients.remove(c);
      }
    }
  }

  /** Events published so far. */
  public long published() {
    return seq.get();
  }

  /** Clients connected now. */
  public int clients() {
    return clients.size();
  }

  @Override
  public void close() {
    for (WebSocketChannel c : clients) {
      try {
        c.sendClose();
        c.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    server.stop();
  }
}
