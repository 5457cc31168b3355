package dev.backlot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A web page the developer visits must not be able to drive the admin API. */
class AdminSecurityTest {

  private Launcher.Running start(String... args) {
    return Launcher.start(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }

  /** Sends a raw request (the JDK client will not send a forged Host) and returns the status. */
  private static String send(String admin, String request) throws Exception {
    URI u = URI.create(admin);
    try (Socket s = new Socket(u.getHost(), u.getPort())) {
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buf = new byte[4096];
      int n;
      while ((n = in.read(buf)) > 0) {
        got.write(buf, 0, n);
        if (got.toString(StandardCharsets.UTF_8).contains("\r\n\r\n")) {
          break;
        }
      }
      return got.toString(StandardCharsets.UTF_8);
    }
  }

  private static String post(String path, String host, String origin, String type, String body, String auth) {
    return "POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\n"
        + (origin != null ? "Origin: " + origin + "\r\n" : "")
        + (type != null ? "Content-Type: " + type + "\r\n" : "")
        + (auth != null ? "Authorization: " + auth + "\r\n" : "")
        + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body;
  }

  private static final String STUB = "{\"method\":\"GET\",\"path\":\"/planted\",\"status\":200}";

  @Test
  void aCrossOriginTextPlainPostCannotPlantAStub() throws Exception {
    try (Launcher.Running r = start("--fakes", "http")) {
      String admin = r.endpoints().get("admin");
      String hostHeader = URI.create(admin).getAuthority();

      assertThat(send(admin, post("/fakes/http/stubs", hostHeader, "https://evil.example", "text/plain", STUB, null)))
          .startsWith("HTTP/1.1 403");
      assertThat(send(admin, post("/fakes/http/stubs", hostHeader, null, "text/plain", STUB, null)))
          .startsWith("HTTP/1.1 415");
      assertThat(send(admin, post("/fakes/http/stubs", hostHeader, "null", "application/json", STUB, null)))
          .startsWith("HTTP/1.1 403");
      assertThat(((dev.backlot.engine.FakeServer<?>) r.fakes().fakes().get(0)).stubs()).isEmpty();

      assertThat(send(admin, post("/fakes/http/stubs", hostHeader, "http://localhost:3000", "application/json", STUB, null)))
          .as("a local tool's page may use it").startsWith("HTTP/1.1 201");
    }
  }

  @Test
  void aRebindingHostNameIsRefused() throws Exception {
    try (Launcher.Running r = start("--fakes", "http")) {
      String admin = r.endpoints().get("admin");
      int port = URI.create(admin).getPort();
      String get = "GET /fakes HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n";

      assertThat(send(admin, get.formatted("attacker.example:" + port))).startsWith("HTTP/1.1 403");
      assertThat(send(admin, get.formatted("127.0.0.1.nip.io:" + port))).startsWith("HTTP/1.1 403");
      assertThat(send(admin, get.formatted("localhost:" + port))).startsWith("HTTP/1.1 200");
      assertThat(send(admin, get.formatted("127.0.0.1:" + port))).startsWith("HTTP/1.1 200");
      assertThat(send(admin, get.formatted("[::1]:" + port))).startsWith("HTTP/1.1 200");
    }
  }

  @Test
  void withATokenEveryRequestMustCarryIt() throws Exception {
    try (Launcher.Running r = start("--fakes", "http", "--admin-token", "s3cret")) {
      String admin = r.endpoints().get("admin");
      String host = URI.create(admin).getAuthority();

      assertThat(send(admin, post("/fakes/http/reset", host, null, null, "", null))).startsWith("HTTP/1.1 401");
      assertThat(send(admin, post("/fakes/http/reset", host, null, null, "", "Bearer wrong"))).startsWith("HTTP/1.1 401");
      assertThat(send(admin, post("/fakes/http/reset", host, null, null, "", "Bearer s3cret"))).startsWith("HTTP/1.1 204");
    }
  }

  @Test
  void loopbackNamesAreRecognised() {
    assertThat(AdminGuard.isLoopback("127.0.0.1")).isTrue();
    assertThat(AdminGuard.isLoopback("127.255.0.9")).isTrue();
    assertThat(AdminGuard.isLoopback("LOCALHOST")).isTrue();
    assertThat(AdminGuard.isLoopback("[::1]")).isTrue();
    assertThat(AdminGuard.isLoopback("127.0.0.256")).isFalse();
    assertThat(AdminGuard.isLoopback("128.0.0.1")).isFalse();
    assertThat(AdminGuard.isLoopback("127.0.0")).isFalse();
    assertThat(AdminGuard.isLoopback("localhost.evil.example")).isFalse();
  }
}
