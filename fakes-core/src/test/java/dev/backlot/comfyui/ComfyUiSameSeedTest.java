package dev.backlot.comfyui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlot.time.Clock;
import dev.backlot.wire.Json;
import dev.backlot.time.ManualClock;
import dev.backlot.testing.Journals;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Same seed, same run (issue 13): two runs of one ComfyUI scenario on a ManualClock give journals
 * equal byte for byte, with the ids the fake mints (the WebSocket sid when no clientId is given,
 * the prompt id when none is sent) coming from the seed. The WebSocket is opened by hand with a
 * fixed {@code Sec-WebSocket-Key} (a client library would pick a random one, which the journal
 * records with the upgrade request).
 */
class ComfyUiSameSeedTest {

  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private record Run(String journal, String sid, String promptId, List<String> messages) {}

  /** A bare WebSocket client: fixed key, reads unmasked server frames. */
  private static final class RawSocket implements AutoCloseable {
    final Socket socket;
    final DataInputStream in;

    RawSocket(int port, String path) throws IOException {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      in = new DataInputStream(socket.getInputStream());
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
        head.write(in.readUnsignedByte());
      }
      if (!head.toString(StandardCharsets.US_ASCII).startsWith("HTTP/1.1 101")) {
        throw new IOException("no upgrade: " + head);
      }
    }

    /** The next text frame (binary frames are skipped). */
    String nextText() throws IOException {
      while (true) {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long len = b1 & 0x7f;
        if (len == 126) {
          len = in.readUnsignedShort();
        } else if (len == 127) {
          len = in.readLong();
        }
        byte[] payload = new byte[(int) len];
        in.readFully(payload);
        if ((b0 & 0x0f) == 1) {
          return new String(payload, StandardCharsets.UTF_8);
        }
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private HttpResponse<String> send(ComfyUiFake comfy, String method, String path, String body)
      throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(comfy.baseUri() + path))
        .timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private Run run(long seed, int port) throws Exception {
    ManualClock clock = Clock.manual(START);
    try (ComfyUiFake comfy = ComfyUiFake.builder().seed(seed).clock(clock).port(port).start();
        RawSocket ws = new RawSocket(port, "/ws")) {
      List<String> messages = new ArrayList<>();
      String status = ws.nextText();
      messages.add(status);
      String sid = Json.parse(status.getBytes(StandardCharsets.UTF_8)).at("/data/sid").asText();

      ObjectNode body = Json.object();
      body.set("prompt", Workflows.example());
      body.put("client_id", sid);
      ObjectNode preview = ((ObjectNode) body.get("prompt")).putObject("10");
      preview.put("class_type", "PreviewImage");
      preview.putObject("inputs").putArray("images").add("8").add(0);
      HttpResponse<String> queued = send(comfy, "POST", "/prompt", body.toString());
      assertThat(queued.statusCode()).as(queued.body()).isEqualTo(200);
      String promptId = Json.parse(queued.body().getBytes(StandardCharsets.UTF_8))
          .get("prompt_id").asText();

      clock.advance(Duration.ofSeconds(2));
      while (true) {
        String m = ws.nextText();
        messages.add(m);
        JsonNode j = Json.parse(m.getBytes(StandardCharsets.UTF_8));
        if ("executing".equals(j.path("type").asText()) && j.at("/data/node").isNull()) {
          break;
        }
      }
      HttpResponse<String> history = send(comfy, "GET", "/history/" + promptId, null);
      assertThat(history.body()).contains("ComfyUI_00001_.png").contains("_temp_");
      assertThat(send(comfy, "GET", "/view?filename=ComfyUI_00001_.png&type=output", null)
          .statusCode()).isEqualTo(200);
      return new Run(Journals.canonical(comfy.journal()), sid, promptId, messages);
    }
  }

  @Test
  void twoRunsWithOneSeedGiveByteIdenticalJournals() throws Exception {
    int port;
    try (ComfyUiFake probe = ComfyUiFake.builder().start()) {
      port = probe.port();
    }
    Run a = run(7, port);
    Run b = run(7, port);

    assertThat(a.sid()).matches("[0-9a-f]{32}");
    assertThat(a.promptId()).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    assertThat(a.messages().size()).isGreaterThan(10);
    assertThat(b.messages()).isEqualTo(a.messages());
    assertThat(b.journal()).isEqualTo(a.journal());
    assertThat(a.journal()).contains(a.sid()).contains(a.promptId());

    Run other = run(8, port);
    assertThat(other.sid()).isNotEqualTo(a.sid());
    assertThat(other.promptId()).isNotEqualTo(a.promptId());
  }

  @Test
  void resetRestartsTheIds() throws Exception {
    try (ComfyUiFake comfy = ComfyUiFake.builder().seed(5).clock(Clock.manual(START)).start()) {
      List<String> first = new ArrayList<>();
      List<String> second = new ArrayList<>();
      for (List<String> ids : List.of(first, second)) {
        try (RawSocket ws = new RawSocket(comfy.port(), "/ws")) {
          ids.add(Json.parse(ws.nextText().getBytes(StandardCharsets.UTF_8)).at("/data/sid").asText());
        }
        ObjectNode body = Json.object();
        body.set("prompt", Workflows.example());
        ids.add(Json.parse(send(comfy, "POST", "/prompt", body.toString()).body()
            .getBytes(StandardCharsets.UTF_8)).get("prompt_id").asText());
        comfy.reset();
      }
      assertThat(second).isEqualTo(first);
    }
  }
}
