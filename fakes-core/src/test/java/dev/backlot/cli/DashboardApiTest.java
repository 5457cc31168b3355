package dev.backlot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.wire.Json;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The dashboard's routes without a browser: the guard on each, the event stream, the toggles. */
class DashboardApiTest {

  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private Launcher.Running start(String... args) {
    return Launcher.start(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }

  private HttpResponse<String> call(String method, String url, String json, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      b.header("Content-Type", "application/json");
    }
    if (headers.length > 0) {
      b.headers(headers);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A raw request (the JDK client will not forge Host); returns the status line. */
  private static String raw(String admin, String request) throws Exception {
    URI u = URI.create(admin);
    try (Socket s = new Socket(u.getHost(), u.getPort())) {
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.UTF_8));
      out.flush();
      return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
    }
  }

  @Test
  void everyDashboardRoutePassesTheAdminGuard() throws Exception {
    try (Launcher.Running r = start("--fakes", "http", "--admin-token", "s3cret")) {
      String admin = r.endpoints().get("admin");
      String host = URI.create(admin).getAuthority();
      List<String> gets = List.of("/events", "/state", "/fakes/http/journal/1", "/fakes/http/jobs");
      List<String> posts = List.of("/fakes/http/faults/0/enabled", "/fakes/http/stop", "/fakes/http/start", "/reset");
      for (String p : gets) {
        assertThat(raw(admin, "GET " + p + " HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")).as(p).contains(" 403 ");
        assertThat(raw(admin, "GET " + p + " HTTP/1.1\r\nHost: " + host + "\r\nOrigin: https://evil.example\r\nConnection: close\r\n\r\n"))
            .as(p).contains(" 403 ");
        assertThat(raw(admin, "GET " + p + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")).as(p + " without the token").contains(" 401 ");
      }
      for (String p : posts) {
        String body = "{\"enabled\":false}";
        assertThat(raw(admin, "POST " + p + " HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: Bearer s3cret\r\n"
            + "Content-Type: text/plain\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body))
            .as(p + " as text/plain").contains(" 415 ");
        assertThat(raw(admin, "POST " + p + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\n"
            + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body)).as(p + " without the token").contains(" 401 ");
      }
      assertThat(r.fakes().fakes().get(0).isRunning()).as("no refused call reached the fake").isTrue();
      // the page itself needs no token (a browser's navigation cannot send one) but the same Host/Origin checks
      assertThat(raw(admin, "GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")).contains(" 200 ");
      assertThat(raw(admin, "GET / HTTP/1.1\r\nHost: rebound.example:80\r\nConnection: close\r\n\r\n")).contains(" 403 ");
      assertThat(raw(admin, "GET /dashboard/app.js HTTP/1.1\r\nHost: " + host + "\r\nOrigin: https://evil.example\r\nConnection: close\r\n\r\n"))
          .contains(" 403 ");
      HttpResponse<String> state = call("GET", admin + "/state", null, "Authorization", "Bearer s3cret");
      assertThat(state.statusCode()).isEqualTo(200);
      assertThat(Json.parse(state.body()).at("/fakes/0/name").asText()).isEqualTo("http");
    }
  }

  @Test
  void thePageIsServedFromTheJarWithAStrictContentSecurityPolicy() throws Exception {
    try (Launcher.Running r = start("--fakes", "http")) {
      String admin = r.endpoints().get("admin");
      HttpResponse<String> page = call("GET", admin + "/", null);
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
      assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("default-src 'self'");
      assertThat(page.body()).contains("<script src=\"dashboard/app.js\"></script>").doesNotContain("http://").doesNotContain("https://");
      assertThat(call("GET", admin + "/dashboard/app.js", null).body()).contains("BACKLOT_STATS").doesNotContain("https://");
      assertThat(call("GET", admin + "/dashboard/app.css", null).headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");
    }
  }

  @Test
  void theEventStreamSendsStateThenEntriesThenNewOnesAndResets() throws Exception {
    try (Launcher.Running r = start("--fakes", "http")) {
      String admin = r.endpoints().get("admin");
      String http = r.endpoints().get("http");
      call("GET", http + "/before", null);
      HttpResponse<InputStream> stream = client.send(HttpRequest.newBuilder(URI.create(admin + "/events")).build(),
          HttpResponse.BodyHandlers.ofInputStream());
      assertThat(stream.headers().firstValue("Content-Type")).hasValue("text/event-stream");
      try (BufferedReader events = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
        assertThat(next(events, "state").at("/fakes/0/url").asText()).isEqualTo(http);
        assertThat(next(events, "entries").get(0).get("path").asText()).isEqualTo("/before");
        next(events, "ready");
        call("GET", http + "/after?x=1", null);
        JsonNode after = next(events, "entries").get(0);
        assertThat(after.get("path").asText()).isEqualTo("/after");
        assertThat(after.get("query").asText()).isEqualTo("x=1");
        assertThat(after.get("fake").asText()).isEqualTo("http");
        call("POST", admin + "/fakes/http/reset", null);
        assertThat(next(events, "reset").get("fake").asText()).isEqualTo("http");
      }
    }
  }

  /** The data of the next event named {@code name} (earlier events of other names skipped). */
  private static JsonNode next(BufferedReader in, String name) throws Exception {
    String event = null;
    List<String> data = new ArrayList<>();
    for (String line; (line = in.readLine()) != null; ) {
      if (line.startsWith("event:")) {
        event = line.substring(6).trim();
      } else if (line.startsWith("data:")) {
        data.add(line.substring(5).trim());
      } else if (line.isEmpty() && !data.isEmpty()) {
        if (name.equals(event)) {
          return Json.parse(String.join("\n", data));
        }
        event = null;
        data.clear();
      }
    }
    throw new AssertionError("stream ended before a '" + name + "' event");
  }

  @Test
  void faultRulesToggleAndEntriesShowInDetail() throws Exception {
    try (Launcher.Running r = start("--fakes", "http,comfyui")) {
      String admin = r.endpoints().get("admin");
      String http = r.endpoints().get("http");
      call("POST", admin + "/fakes/http/faults", "{\"path\":\"/x\",\"action\":\"status\",\"status\":503}");
      assertThat(call("GET", http + "/x", null).statusCode()).isEqualTo(503);
      HttpResponse<String> off = call("POST", admin + "/fakes/http/faults/0/enabled", "{\"enabled\":false}");
      assertThat(Json.parse(off.body()).get("enabled").asBoolean()).isFalse();
      assertThat(call("GET", http + "/x", null).statusCode()).isEqualTo(404);
      JsonNode rule = Json.parse(call("GET", admin + "/state", null).body()).at("/fakes/0/faults/rules/0");
      assertThat(rule.get("enabled").asBoolean()).isFalse();
      assertThat(rule.get("fired").asInt()).isEqualTo(1);
      assertThat(call("POST", admin + "/fakes/http/faults/1/enabled", "{\"enabled\":false}").statusCode()).isEqualTo(404);
      assertThat(call("POST", admin + "/fakes/http/faults/0/enabled", "{\"enabled\":\"no\"}").statusCode()).isEqualTo(400);

      JsonNode detail = Json.parse(call("GET", admin + "/fakes/http/journal/1", null).body());
      assertThat(detail.get("status").asInt()).isEqualTo(503);
      assertThat(detail.get("fault").asText()).contains("#1");
      assertThat(detail.get("headers").has("Host")).isTrue();
      assertThat(call("GET", admin + "/fakes/http/journal/99", null).statusCode()).isEqualTo(404);
      assertThat(call("GET", admin + "/fakes/http/journal/x", null).statusCode()).isEqualTo(400);
      assertThat(call("GET", admin + "/fakes/http/jobs", null).statusCode()).isEqualTo(404);
      assertThat(call("GET", admin + "/fakes/comfyui/jobs", null).body()).isEqualTo("[]");
      assertThat(call("GET", admin + "/fakes/nope/jobs", null).statusCode()).isEqualTo(404);
    }
  }

  @Test
  void aFakeBehindALinkShowsTheLinkAndItsToxics(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path config = dir.resolve("c.json");
    java.nio.file.Files.writeString(config, "{\"fakes\": {\"http\": {\"behindLink\": true}}}");
    try (Launcher.Running r = start("--fakes", "http", "--config", config.toString())) {
      String admin = r.endpoints().get("admin");
      var http = (dev.backlot.http.HttpFake) r.fakes().fakes().get(0);
      http.link().toxics().latency(dev.backlot.net.Direction.DOWNSTREAM, java.time.Duration.ofMillis(300));
      JsonNode link = Json.parse(call("GET", admin + "/state", null).body()).at("/fakes/0/link");
      assertThat(link.get("up").asBoolean()).isTrue();
      assertThat(link.get("partitioned").asBoolean()).isFalse();
      assertThat(link.get("toxics").get(0).asText()).contains("latency");
      http.link().partition();
      assertThat(Json.parse(call("GET", admin + "/state", null).body()).at("/fakes/0/link/partitioned").asBoolean()).isTrue();
      http.link().heal();
    }
  }
}
