package dev.backlot.examples.archive;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A browser tab on the archive's live feed, with the JDK's WebSocket client: connects, waits for
 * the feed's hello (from then on it is subscribed), and hands out the events it received.
 */
final class FeedClient implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
  private final WebSocket socket;

  private FeedClient(URI uri) throws Exception {
    this.socket = HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(uri, new WebSocket.Listener() {
          private final StringBuilder text = new StringBuilder();

          @Override
          public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
              try {
                events.add(JSON.readTree(text.toString()));
              } catch (IOException e) {
                throw new IllegalStateException("not JSON: " + text, e);
              }
              text.setLength(0);
            }
            ws.request(1);
            return null;
          }
        }).get(30, TimeUnit.SECONDS);
  }

  /** Connects and waits (up to 30 s) for the hello. */
  static FeedClient connect(URI uri) throws Exception {
    FeedClient c = new FeedClient(uri);
    assertThat(c.next().path("type").asText()).isEqualTo("hello");
    return c;
  }

  /** The next event, waiting up to 30 s for it. */
  JsonNode next() throws InterruptedException {
    JsonNode e = events.poll(30, TimeUnit.SECONDS);
    assertThat(e).as("an event within 30 s").isNotNull();
    return e;
  }

  /** Events until (and with) the first of {@code type}, waiting up to 30 s for each. */
  List<JsonNode> until(String type) throws InterruptedException {
    List<JsonNode> out = new ArrayList<>();
    JsonNode e;
    do {
      e = next();
      out.add(e);
    } while (!type.equals(e.path("type").asText()));
    return out;
  }

  /** The types of {@code events}, in order. */
  static List<String> types(List<JsonNode> events) {
    return events.stream().map(e -> e.path("type").asText()).toList();
  }

  @Override
  public void close() {
    socket.abort();
  }
}
