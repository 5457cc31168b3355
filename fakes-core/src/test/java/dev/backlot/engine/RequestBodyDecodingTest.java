package dev.backlot.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backlot.http.HttpFake;
import dev.backlot.journal.Entry;
import dev.backlot.wire.Response;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Request bodies: gzip/deflate decoded before the journal and the handler, caps on decoded bytes. */
class RequestBodyDecodingTest {

  private final HttpFake fake = HttpFake.builder().maxBodyBytes(1024)
      .setup(f -> f.stub("POST", "/echo").respondWith(req -> Response.text(200, req.bodyText())))
      .start();
  private final HttpClient client = HttpClient.newHttpClient();

  @AfterEach
  void close() {
    fake.close();
  }

  private HttpResponse<String> post(byte[] body, String encoding) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(fake.baseUri() + "/echo"))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (encoding != null) {
      b.header("Content-Encoding", encoding);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static byte[] gzip(byte[] data) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(data);
    }
    return out.toByteArray();
  }

  @Test
  void aGzipBodyReachesTheHandlerAndTheJournalDecoded() throws Exception {
    HttpResponse<String> r = post(gzip(utf8("{\"hello\":\"world\"}")), "gzip");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"hello\":\"world\"}");
    Entry e = fake.journal().last().orElseThrow();
    assertThat(e.bodyText()).isEqualTo("{\"hello\":\"world\"}");
    assertThat(e.header("Content-Encoding")).isEqualTo("gzip");
  }

  @Test
  void aDeflateBodyIsDecodedZlibWrappedOrRaw() throws Exception {
    ByteArrayOutputStream zlib = new ByteArrayOutputStream();
    try (DeflaterOutputStream z = new DeflaterOutputStream(zlib)) {
      z.write(utf8("zlib body"));
    }
    assertThat(post(zlib.toByteArray(), "deflate").body()).isEqualTo("zlib body");

    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    Deflater nowrap = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    try (DeflaterOutputStream z = new DeflaterOutputStream(raw, nowrap)) {
      z.write(utf8("raw body"));
    }
    nowrap.end();
    assertThat(post(raw.toByteArray(), "deflate").body()).isEqualTo("raw body");
  }

  @Test
  void aSmallGzipThatInflatesPastTheCapIsA413AndTheFakeKeepsServing() throws Exception {
    byte[] bomb = gzip(new byte[10 * 1024 * 1024]); // 10 MiB of zeros: about 10 KB compressed
    assertThat(bomb.length).isLessThan(64 * 1024);

    HttpResponse<String> r = post(bomb, "gzip");

    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(r.body()).contains("exceeds the configured limit of 1024 bytes");
    Entry e = fake.journal().last().orElseThrow();
    assertThat(e.status()).isEqualTo(413);
    assertThat(e.bodySize()).isZero(); // nothing of the inflated bytes kept
    assertThat(post(gzip(utf8("small")), "gzip").body()).isEqualTo("small");
  }

  @Test
  void aBodyThatIsNotValidGzipIsA400() throws Exception {
    HttpResponse<String> r = post(utf8("not gzip at all"), "gzip");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("not valid gzip");
    assertThat(post(utf8("plain"), null).body()).isEqualTo("plain");
  }

  @Test
  void otherEncodingsPassThroughUntouched() throws Exception {
    assertThat(post(utf8("as sent"), "br").body()).isEqualTo("as sent");
  }

  @Test
  void anOversizedChunkedBodyIsAnswered413NotReset() throws Exception {
    try (Socket s = new Socket("127.0.0.1", fake.port())) {
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      StringBuilder req = new StringBuilder("POST /echo HTTP/1.1\r\nHost: x\r\n"
          + "Transfer-Encoding: chunked\r\n\r\n");
      for (int i = 0; i < 4; i++) {
        req.append("400\r\n").append("x".repeat(1024)).append("\r\n");
      }
      req.append("0\r\n\r\n");
      out.write(utf8(req.toString()));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] head = in.readNBytes(12);
      assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 413");
    }
    assertThat(fake.journal().last().orElseThrow().status()).isEqualTo(413);
    assertThat(post(utf8("after"), null).body()).isEqualTo("after");
  }

  @Test
  void aChunkedBodyUnderTheCapIsServed() throws Exception {
    try (Socket s = new Socket("127.0.0.1", fake.port())) {
      s.setSoTimeout(30_000);
      s.getOutputStream().write(utf8("POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
          + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"));
      String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 200").endsWith("hello world");
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
