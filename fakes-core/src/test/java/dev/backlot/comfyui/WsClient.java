package dev.backlot.comfyui;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.wire.Json;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;

/**
 * A ComfyUI WebSocket client on Java-WebSocket (an independent implementation): every frame is
 * queued; text frames parsed as JSON, binary frames kept as bytes.
 */
final class WsClient extends WebSocketClient {

  /** One received frame: a JSON message or binary bytes. */
  record Frame(JsonNode json, byte[] binary) {
    String type() {
      return json == null ? "(binary)" : json.path("type").asText();
    }

    JsonNode data() {
      return json == null ? null : json.get("data");
    }

    boolean isExecutingNull(String promptId) {
      return json != null && "executing".equals(type()) && data().get("node").isNull()
          && promptId.equals(data().path("prompt_id").asText());
    }

    @Override
    public String toString() {
      return json == null ? "binary(" + binary.length + ")" : json.toString();
    }
  }

  private static final Duration WAIT = Duration.ofSeconds(20);

  final LinkedBlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
  final List<Frame> all = java.util.Collections.synchronizedList(new ArrayList<>());
  final CountDownLatch closed = new CountDownLatch(1);
  volatile int closeCode = -1;

  private WsClient(URI uri) {
    super(uri);
  }

  /** Connects to {@code ws://.../ws?clientId=id} (no clientId if null) and waits for the open. */
  static WsClient connect(URI wsBase, String path, String clientId) throws InterruptedException {
    String q = clientId == null ? "" : "?clientId=" + clientId;
    WsClient c = new WsClient(URI.create(wsBase + path + q));
    if (!c.connectBlocking(WAIT.toSeconds(), TimeUnit.SECONDS)) {
      throw new AssertionError("WebSocket did not open: " + wsBase + path + q);
    }
    return c;
  }

  static WsClient connect(URI wsBase, String clientId) throws InterruptedException {
    return connect(wsBase, "/ws", clientId);
  }

  @Override
  public void onOpen(ServerHandshake handshake) {}

  @Override
  public void onMessage(String message) {
    Frame f = new Frame(Json.parse(message), null);
    all.add(f);
    frames.add(f);
  }

  @Override
  public void onMessage(ByteBuffer bytes) {
    byte[] b = new byte[bytes.remaining()];
    bytes.get(b);
    Frame f = new Frame(null, b);
    all.add(f);
    frames.add(f);
  }

  @Override
  public void onClose(int code, String reason, boolean remote) {
    closeCode = code;
    closed.countDown();
  }

  @Override
  public void onError(Exception ex) {}

  /** The next frame, failing after a generous wait. */
  Frame next() throws InterruptedException {
    Frame f = frames.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    if (f == null) {
      throw new AssertionError("no WebSocket frame within " + WAIT + "; received so far: " + all);
    }
    return f;
  }

  /** Frames up to and including the first that matches. */
  List<Frame> until(Predicate<Frame> stop) throws InterruptedException {
    List<Frame> out = new ArrayList<>();
    while (true) {
      Frame f = next();
      out.add(f);
      if (stop.test(f)) {
        return out;
      }
    }
  }

  /** Frames up to {@code executing} with node null for the prompt (what the example waits for). */
  List<Frame> untilDone(String promptId) throws InterruptedException {
    return until(f -> f.isExecutingNull(promptId));
  }

  /** The next text message of {@code type}, skipping others. */
  Frame nextOfType(String type) throws InterruptedException {
    List<Frame> l = until(f -> type.equals(f.type()));
    return l.get(l.size() - 1);
  }

  /** Whether nothing more arrived (for "no message was sent" checks after a known event). */
  boolean quiet() {
    return frames.isEmpty();
  }

  static List<String> types(List<Frame> frames) {
    List<String> out = new ArrayList<>();
    for (Frame f : frames) {
      out.add(f.type());
    }
    return out;
  }
}
