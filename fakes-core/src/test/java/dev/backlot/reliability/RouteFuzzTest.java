package dev.backlot.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backlot.cablecast.CablecastFake;
import dev.backlot.comfyui.ComfyUiFake;
import dev.backlot.gradio.GradioFake;
import dev.backlot.minimax.MiniMaxFake;
import dev.backlot.runway.RunwayFake;
import dev.backlot.veo.VeoFake;
import dev.backlot.engine.FakeServer;
import dev.backlot.engine.Route;
import dev.backlot.gcs.GcsFake;
import dev.backlot.http.HttpFake;
import dev.backlot.openai.OpenAiFake;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded fuzzing of every route of every HTTP fake: odd methods, mangled path variables
 * (malformed escapes, traversal, huge numbers, 3,000-character names), broken and hostile bodies
 * (malformed, deeply nested or gzip-lying JSON, random bytes), and hostile headers (reversed and
 * overflowing ranges and content ranges).
 *
 * <p>What must hold: no 5xx that the real backend would not give (the faithful ones are listed per
 * fake, and counted), no hang (a status line within 30 s), and afterwards the fake still serves
 * and the state stored before the run is unchanged. The seed is printed with every failure;
 * replay one with {@code -Dbacklot.fuzz.seed=N}. Figures go to {@code target/reliability/}.
 */
class RouteFuzzTest {

  private static final long SEED = Long.getLong("backlot.fuzz.seed", 20261204L);
  private static final int REQUESTS = Integer.getInteger("backlot.fuzz.requests", 400);
  private static final byte[] KEPT = "kept bytes that fuzzing must not change".getBytes(StandardCharsets.UTF_8);

  /** One fake under fuzz: how to build it, which 5xx are faithful, and how to check it after. */
  record Target(
      String name,
      Supplier<FakeServer<?>> fake,
      Predicate<Sent> faithful5xx,
      java.util.function.Consumer<FakeServer<?>> stillServes,
      java.util.function.Function<FakeServer<?>, String[]> livePath,
      Map<String, String> credentials) {
    Target(String name, Supplier<FakeServer<?>> fake, Predicate<Sent> faithful5xx,
        java.util.function.Consumer<FakeServer<?>> stillServes) {
      this(name, fake, faithful5xx, stillServes, f -> null, Map.of());
    }

    /** The same target, sending {@code credentials} with three requests in four. */
    Target withCredentials(Map<String, String> credentials) {
      return new Target(name, fake, faithful5xx, stillServes, livePath, credentials);
    }

    Target withLivePath(java.util.function.Function<FakeServer<?>, String[]> livePath) {
      return new Target(name, fake, faithful5xx, stillServes, livePath, credentials);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** The api_names of the Gradio fake's default app (Wan2GP). */
  private static final java.util.Set<String> GRADIO_API_NAMES = dev.backlot.gradio.Presets.wan2gp()
      .endpoints().stream().map(dev.backlot.gradio.Endpoint::apiName).collect(java.util.stream.Collectors.toSet());

  /** A request as sent, for the failure message (and replay). */
  record Sent(String method, String path, Map<String, String> headers, String bodyKind, int status) {}

  static Stream<Arguments> targets() {
    return Stream.of(
        Arguments.of(new Target("http",
            () -> HttpFake.builder()
                .setup(f -> f.stub("GET", "/kept").respond(dev.backlot.wire.Response.text(200, "kept")))
                .start(),
            s -> false,
            f -> assertThat(get(f, "/kept")).startsWith("HTTP/1.1 200"))),
        Arguments.of(new Target("comfyui",
            () -> ComfyUiFake.builder().start(),
            // ComfyUI calls request.json() unguarded on these: aiohttp answers 500 (faithful)
            s -> s.method().equals("POST")
                && s.path().replaceFirst("\\?.*", "").replaceFirst("^/api", "")
                    .matches("/(prompt|history|free|queue|interrupt)")
                && !s.bodyKind().startsWith("json-object") && !s.bodyKind().equals("huge-number"),
            f -> assertThat(get(f, "/system_stats")).startsWith("HTTP/1.1 200"))),
        Arguments.of(new Target("openai",
            () -> OpenAiFake.builder().start(),
            s -> false,
            f -> assertThat(get(f, "/v1/models")).startsWith("HTTP/1.1 200"))),
        Arguments.of(new Target("gcs",
            () -> GcsFake.builder().object("kept-bucket", "kept/object.bin", KEPT).start(),
            s -> false,
            f -> assertThat(((GcsFake) f).object("kept-bucket", "kept/object.bin").bytes()).isEqualTo(KEPT))
            .withLivePath(RouteFuzzTest::gcsUploadSession)),
        Arguments.of(new Target("runway",
            () -> RunwayFake.builder().start(),
            s -> false,
            f -> assertThat(get(f, "/v1/tasks/nope")).startsWith("HTTP/1.1 401"))
            .withCredentials(Map.of("Authorization", "Bearer key_fuzz", "X-Runway-Version", "2024-11-06"))),
        Arguments.of(new Target("veo",
            () -> VeoFake.builder().start(),
            s -> false,
            f -> assertThat(get(f, "/v1beta/models/veo-3.0-generate-001/operations/x?key=k"))
                .startsWith("HTTP/1.1 404"))
            .withCredentials(Map.of("x-goog-api-key", "fuzz"))),
        Arguments.of(new Target("minimax",
            () -> MiniMaxFake.builder().start(),
            s -> false,
            f -> assertThat(get(f, "/v1/query/video_generation?task_id=1")).startsWith("HTTP/1.1 200"))
            .withCredentials(Map.of("Authorization", "Bearer fuzz"))),
        Arguments.of(new Target("gradio",
            () -> GradioFake.builder().start(),
            // Gradio's own 500 "Internal Server Error" for an api_name the app does not have
            // (FnIndexInferError; see the gradio package docs); a known name never 500s here
            s -> s.method().equals("POST")
                && s.path().replaceFirst("\\?.*", "").matches("(/gradio_api)?/(call|run|api)/[^/]*")
                && !GRADIO_API_NAMES.contains(s.path().replaceFirst("\\?.*", "").replaceFirst(".*/", "")),
            f -> assertThat(get(f, "/config")).startsWith("HTTP/1.1 200"))
            .withLivePath(RouteFuzzTest::gradioCall)),
        Arguments.of(new Target("cablecast",
            () -> CablecastFake.builder().start(),
            s -> false,
            f -> assertThat(get(f, "/cablecastapi/v1/shows")).startsWith("HTTP/1.1 200"))
            .withCredentials(Map.of("Authorization", "Basic YWRtaW46YWRtaW4="))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void noUnfaithful5xxNoHangAndNothingStoredChanges(Target target) throws Exception {
    long seed = SEED ^ target.name().hashCode();
    Random random = new Random(seed);
    Map<String, Integer> byClass = new TreeMap<>();
    List<Sent> unfaithful = new ArrayList<>();
    List<Sent> faithful = new ArrayList<>();
    List<String> hangs = new ArrayList<>();
    FakeServer<?> fake = target.fake().get();
    try {
      List<String[]> routes = new ArrayList<>();
      for (Route r : fake.routes()) {
        routes.add(new String[] {r.method(), r.template().toString()});
      }
      if (routes.isEmpty()) { // the plain fake: its stubs, and paths nobody declared
        routes.add(new String[] {"GET", "/kept"});
        routes.add(new String[] {"*", "/{anything*}"});
      }
      for (int i = 0; i < REQUESTS; i++) {
        // a live path (a fresh real session) a quarter of the time: it reaches the deepest parsers
        String[] live = random.nextInt(4) == 0 ? target.livePath().apply(fake) : null;
        String[] route = live != null ? live : routes.get(random.nextInt(routes.size()));
        String method = random.nextInt(6) == 0 ? pick(random, METHODS) : route[0];
        if (method.equals("*")) {
          method = pick(random, METHODS);
        }
        String path = fill(route[1], random);
        Map<String, String> headers = new TreeMap<>();
        if (random.nextInt(4) != 0) {
          headers.putAll(target.credentials());
        }
        String bodyKind = pick(random, BODY_KINDS);
        byte[] body = body(bodyKind, random);
        if (!bodyKind.equals("none")) {
          headers.put("Content-Type", pick(random, TYPES));
        }
        if (bodyKind.equals("gzip-lie")) {
          headers.put("Content-Encoding", "gzip");
        } else if (bodyKind.equals("gzip-json")) {
          headers.put("Content-Encoding", "gzip");
          headers.put("Content-Type", "application/json");
        }
        if (random.nextInt(5) == 0) {
          headers.put("Range", pick(random, RANGES));
        }
        if (random.nextInt(live != null ? 2 : 6) == 0) {
          headers.put("Content-Range", pick(random, CONTENT_RANGES));
        }
        String head;
        try {
          head = send(fake, method, path, headers, body);
        } catch (SocketTimeoutException e) {
          hangs.add(method + " " + path + " " + headers + " body=" + bodyKind);
          continue;
        }
        int status = head.length() >= 12 ? Integer.parseInt(head.substring(9, 12)) : 0;
        byClass.merge(status == 0 ? "closed" : (status / 100) + "xx", 1, Integer::sum);
        Sent sent = new Sent(method, path, headers, bodyKind, status);
        if (status >= 500) {
          (target.faithful5xx().test(sent) ? faithful : unfaithful).add(sent);
        }
      }
      report(target.name(), seed, byClass, faithful, unfaithful, hangs);

      assertThat(hangs).as("requests with no status line in 30 s (seed %d)", seed).isEmpty();
      assertThat(unfaithful)
          .as("5xx the real backend would not give (seed %d; replay with -Dbacklot.fuzz.seed=%d)", seed, SEED)
          .isEmpty();
      assertThat(fake.isRunning()).isTrue();
      target.stillServes().accept(fake);
    } finally {
      fake.close();
    }
  }

  // ------------------------------------------------------------------ generators

  private static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS");
  private static final List<String> BODY_KINDS = List.of(
      "none", "none", "json-object", "json-object", "malformed", "deep", "huge-number", "random-bytes",
      "gzip-lie", "gzip-json", "empty", "json-array", "json-string");
  private static final List<String> TYPES = List.of(
      "application/json", "application/json", "text/plain", "multipart/form-data; boundary=x",
      "multipart/related; boundary=y", "application/x-www-form-urlencoded", "application/octet-stream");
  private static final List<String> RANGES = List.of(
      "bytes=5-2", "bytes=abc", "bytes=0-99999999999999999999", "bytes=-0", "bytes=99999999999-",
      "bytes=0-0,5-", "items=0-1", "bytes=");
  private static final List<String> CONTENT_RANGES = List.of(
      "bytes 0-99999999999999999999/*", "bytes */99999999999999999999", "bytes 0-0/99999999999999999999",
      "bytes 0-*/*", "bytes 5-1/10", "bytes */*", "garbage", "bytes 0-9/5");
  private static final List<String> VALUES = List.of(
      "test", "b", "kept-bucket", "default", "1", "0", "-1", "99999999999999999999", "%zz", "%",
      "..%2F..%2Fetc%2Fpasswd", "../../etc/passwd", "a%00b", "", "%F0%9F%92%A5", "null", "gpt-4o-mini",
      "o%2Fname", "x".repeat(3000), "1e400", "NaN", "[]", "%2e%2e",
      // names the fakes know, so requests get past the first lookup
      "shows", "vods", "scheduleitems", "channels", "veo-3.0-generate-001", "models/veo-2.0-generate-001",
      "gen4_turbo", "kept/object.bin", "system_stats", "cablecastapi", "v1", "v1beta");

  private static String pick(Random r, List<String> from) {
    return from.get(r.nextInt(from.size()));
  }

  /** The template with every {var} and {var*} replaced by a chosen hostile or ordinary value. */
  static String fill(String template, Random r) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < template.length()) {
      int open = template.indexOf('{', i);
      if (open < 0) {
        out.append(template, i, template.length());
        break;
      }
      int close = template.indexOf('}', open);
      out.append(template, i, open);
      String value = pick(r, VALUES);
      if (template.charAt(close - 1) == '*' && r.nextBoolean()) {
        value = value + "/" + pick(r, VALUES);
      }
      out.append(value.isEmpty() && r.nextBoolean() ? "x" : value);
      i = close + 1;
    }
    String path = out.toString();
    if (r.nextInt(8) == 0) {
      path += "?" + pick(r, List.of("alt=media", "uploadType=resumable", "limit=-5", "maxResults=1e400",
          "preview=jpeg;99999999999", "page_size=-99", "fn_index=abc", "key=%zz", "a=%"));
    }
    return path;
  }

  static byte[] body(String kind, Random r) throws IOException {
    return switch (kind) {
      case "none", "empty" -> new byte[0];
      case "json-object" -> ("{\"model\":\"gpt-4o-mini\",\"name\":\"" + pick(r, VALUES).replace("\"", "")
          + "\",\"prompt\":{\"1\":{\"class_type\":\"Nope\",\"inputs\":{}}},\"messages\":[{\"role\":\"tool\"}],"
          + "\"n\":" + pick(r, List.of("1", "-1", "1e400", "99999999999999999999", "null", "\"x\"")) + "}")
          .getBytes(StandardCharsets.UTF_8);
      case "json-array" -> "[1,2,{\"a\":null}]".getBytes(StandardCharsets.UTF_8);
      case "json-string" -> "\"just a string\"".getBytes(StandardCharsets.UTF_8);
      case "malformed" -> "{\"a\": [1, 2,, }".getBytes(StandardCharsets.UTF_8);
      case "deep" -> ("[".repeat(5000) + "]".repeat(5000)).getBytes(StandardCharsets.UTF_8);
      case "huge-number" -> ("{\"n\": 1" + "0".repeat(2000) + "}").getBytes(StandardCharsets.UTF_8);
      case "random-bytes" -> {
        byte[] b = new byte[1 + r.nextInt(2048)];
        r.nextBytes(b);
        yield b;
      }
      case "gzip-lie" -> "this is not gzip".getBytes(StandardCharsets.UTF_8);
      case "gzip-json" -> {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
          gz.write("{\"name\":\"gz\",\"model\":\"gpt-4o-mini\"}".getBytes(StandardCharsets.UTF_8));
        }
        yield bytes.toByteArray();
      }
      default -> throw new IllegalArgumentException(kind);
    };
  }

  // ------------------------------------------------------------------ wire

  /** Sends one request on a fresh connection; returns the status line (or "" if closed first). */
  static String send(FakeServer<?> fake, String method, String path, Map<String, String> headers, byte[] body)
      throws IOException {
    try (Socket s = new Socket("127.0.0.1", fake.port())) {
      s.setSoTimeout(30_000);
      StringBuilder req = new StringBuilder()
          .append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
          .append("Host: 127.0.0.1:").append(fake.port()).append("\r\n")
          .append("Connection: close\r\n");
      headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
      if (body.length > 0 || !method.equals("GET")) {
        req.append("Content-Length: ").append(body.length).append("\r\n");
      }
      req.append("\r\n");
      OutputStream out = s.getOutputStream();
      out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      int c;
      while ((c = in.read()) >= 0 && c != '\n') {
        line.write(c);
      }
      return line.toString(StandardCharsets.ISO_8859_1).trim();
    } catch (SocketTimeoutException e) {
      throw e;
    } catch (IOException e) {
      return ""; // connection refused or reset: counted as "closed"
    }
  }

  /** A fresh resumable session, so chunk PUTs reach the Content-Range parser. */
  private static String[] gcsUploadSession(FakeServer<?> fake) {
    {
      int i = 0;
      try (Socket s = new Socket("127.0.0.1", fake.port())) {
        s.setSoTimeout(30_000);
        String req = "POST /upload/storage/v1/b/kept-bucket/o?uploadType=resumable&name=fuzz" + i
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
            + "Connection: close\r\n\r\n{}";
        s.getOutputStream().write(req.getBytes(StandardCharsets.ISO_8859_1));
        String head = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        String location = head.lines().filter(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith("location:"))
            .findFirst().orElseThrow(() -> new AssertionError("no resumable session: " + head)).substring(9).trim();
        java.net.URI u = java.net.URI.create(location);
        return new String[] {"PUT", u.getRawPath() + "?" + u.getRawQuery()};
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }
  }

  private static final java.util.concurrent.atomic.AtomicInteger GRADIO_LIVE =
      new java.util.concurrent.atomic.AtomicInteger();

  /** A real endpoint's call routes, so fuzzed bodies reach its input checks past the name lookup. */
  private static String[] gradioCall(FakeServer<?> fake) {
    return switch (GRADIO_LIVE.getAndIncrement() % 3) {
      case 0 -> new String[] {"POST", "/gradio_api/call/generate_video"};
      case 1 -> new String[] {"POST", "/gradio_api/run/generate_video"};
      default -> new String[] {"POST", "/gradio_api/queue/join"};
    };
  }

  private static String get(FakeServer<?> fake, String path) {
    try {
      return send(fake, "GET", path, Map.of(), new byte[0]);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static void report(String fake, long seed, Map<String, Integer> byClass, List<Sent> faithful,
      List<Sent> unfaithful, List<String> hangs) throws IOException {
    Path dir = Path.of("target", "reliability");
    Files.createDirectories(dir);
    var json = dev.backlot.wire.Json.object();
    json.put("fake", fake).put("seed", seed).put("requests", REQUESTS);
    json.set("byStatusClass", dev.backlot.wire.Json.mapper().valueToTree(byClass));
    json.put("faithful5xx", faithful.size());
    json.put("unfaithful5xx", unfaithful.size());
    json.put("hangs", hangs.size());
    json.set("faithful5xxExamples", dev.backlot.wire.Json.mapper().valueToTree(
        faithful.stream().limit(5).map(Sent::toString).toList()));
    json.set("unfaithful5xxExamples", dev.backlot.wire.Json.mapper().valueToTree(
        unfaithful.stream().limit(20).map(Sent::toString).toList()));
    Files.writeString(dir.resolve("fuzz-" + fake + ".json"), json.toPrettyString());
  }
}
