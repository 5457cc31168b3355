package dev.backlot.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backlot.wire.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An idle keep-alive connection stays open, so a pooled client can reuse it: closing it as soon
 * as it goes idle made clients fail at random with "received no bytes".
 */
class KeepAliveTest {

  private final HttpFake fake = HttpFake.builder().start();

  @AfterEach
  void close() {
    fake.close();
  }

  private static String exchange(Socket s, String path) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    // The stub answers "ok" with a Content-Length: read headers, then exactly two body bytes.
    InputStream in = s.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed while reading headers: " + head);
      }
      head.write(b);
    }
    byte[] body = in.readNBytes(2);
    return head.toString(StandardCharsets.US_ASCII).lines().findFirst().orElse("") + " " + new String(body, StandardCharsets.US_ASCII);
  }

  @Test
  void anIdleConnectionStaysOpenForTheNextRequest() throws Exception {
    fake.stub("GET", "/a").respond(Response.text(200, "ok"));
    try (Socket s = new Socket("127.0.0.1", fake.port())) {
      assertThat(exchange(s, "/a")).isEqualTo("HTTP/1.1 200 OK ok");

      // Idle for a while: a closed connection would read end-of-stream (-1) here.
      s.setSoTimeout(700);
      assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);

      s.setSoTimeout(20_000);
      assertThat(exchange(s, "/a")).isEqualTo("HTTP/1.1 200 OK ok");
    }
    assertThat(fake.journal().requests()).hasSize(2).allSatisfy(e -> assertThat(e.status()).isEqualTo(200));
  }
}
