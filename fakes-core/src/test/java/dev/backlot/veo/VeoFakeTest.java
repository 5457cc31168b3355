package dev.backlot.veo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.cli.Launcher;
import dev.backlot.time.Clock;
import dev.backlot.wire.Json;
import dev.backlot.time.ManualClock;
import dev.backlot.jobs.JobState;
import dev.backlot.jobs.LongRunningOperations;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Veo fake over plain HTTP: bad input, auth, timing, scripts, files, faults, reset. */
class VeoFakeTest {

  static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build();
  static final String KEY = "k-1";
  static final String CREATE = "/v1beta/models/%s:predictLongRunning";
  static final String VERTEX = "/v1/projects/p1/locations/us-central1/publishers/google/models/%s";

  final ManualClock clock = Clock.manual();
  VeoFake veo;

  @BeforeEach
  void start() {
    veo = VeoFake.builder().clock(clock).apiKeys(KEY).accessTokens("tok").start();
  }

  @AfterEach
  void stop() {
    veo.close();
  }

  record Reply(int status, JsonNode json, byte[] bytes, HttpResponse<byte[]> raw) {
    JsonNode error() {
      return json.path("error");
    }
  }

  Reply call(String method, String path, String body, Map<String, String> headers) throws Exception {
    return call(veo, method, path, body, headers);
  }

  static Reply call(VeoFake target, String method, String path, String body, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(target.baseUri().toString().replaceAll("/$", "") + path))
        .timeout(Duration.ofSeconds(60))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    String type = r.headers().firstValue("Content-Type").orElse("");
    JsonNode json = type.contains("json") ? Json.parse(r.body()) : Json.object();
    return new Reply(r.statusCode(), json, r.body(), r);
  }

  Reply gemini(String model, String body) throws Exception {
    return call("POST", String.format(CREATE, model), body, Map.of("x-goog-api-key", KEY));
  }

  Reply get(String path) throws Exception {
    return call("GET", path, null, Map.of("x-goog-api-key", KEY));
  }

  static String body(String params) {
    return "{\"instances\":[{\"prompt\":\"a fox\"}],\"parameters\":{" + params + "}}";
  }

  static void assertGoogleError(Reply r, int code, String status) {
    assertThat(r.status()).as(r.json().toString()).isEqualTo(code);
    assertThat(r.error().path("code").asInt()).isEqualTo(code);
    assertThat(r.error().path("status").asText()).isEqualTo(status);
    assertThat(r.error().path("message").asText()).isNotBlank();
    assertThat(r.raw().headers().firstValue("Content-Type")).hasValueSatisfying(
        t -> assertThat(t).startsWith("application/json"));
  }

  @Nested
  class BadInput {

    @Test
    void malformedJsonIsInvalidArgument() throws Exception {
      Reply r = gemini("veo-3.0-generate-001", "{\"instances\": [");
      assertGoogleError(r, 400, "INVALID_ARGUMENT");
      assertThat(r.error().path("message").asText()).startsWith("Invalid JSON payload received.");
      assertGoogleError(gemini("veo-3.0-generate-001", ""), 400, "INVALID_ARGUMENT");
    }

    @Test
    void unknownModelIsNotFoundInGooglesShape() throws Exception {
      Reply r = gemini("veo-1.0-imaginary", body(""));
      assertGoogleError(r, 404, "NOT_FOUND");
      assertThat(r.error().path("message").asText()).isEqualTo("models/veo-1.0-imaginary is not found for"
          + " API version v1beta, or is not supported for predictLongRunning. Call ListModels to see"
          + " the list of available models and their supported methods.");
      assertThat(r.json().fieldNames()).toIterable().containsExactly("error");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "veo-3.0-generate-001 | \"aspectRatio\":\"1:1\"                      | aspect ratio",
        "veo-3.0-generate-001 | \"aspectRatio\":16                          | aspectRatio",
        "veo-3.0-generate-001 | \"durationSeconds\":5                        | durationSeconds 5",
        "veo-3.1-generate-preview | \"durationSeconds\":10                   | durationSeconds 10",
        "veo-2.0-generate-001 | \"durationSeconds\":9                        | durationSeconds 9",
        "veo-2.0-generate-001 | \"durationSeconds\":4                        | durationSeconds 4",
        "veo-3.0-generate-001 | \"durationSeconds\":\"eight\"                | TYPE_INT32",
        "veo-3.0-generate-001 | \"durationSeconds\":6.5                      | TYPE_INT32",
        "veo-3.0-generate-001 | \"resolution\":\"1080p\",\"durationSeconds\":4 | requires durationSeconds 8",
        "veo-2.0-generate-001 | \"resolution\":\"1080p\"                     | resolution",
        "veo-3.0-generate-001 | \"resolution\":\"4k\"                        | resolution",
        "veo-3.0-generate-001 | \"sampleCount\":5                            | sampleCount",
        "veo-3.0-generate-001 | \"sampleCount\":0                            | sampleCount",
        "veo-3.0-generate-001 | \"storageUri\":\"gs://b/p/\"                  | Vertex AI parameter",
        "veo-3.0-generate-001 | \"seed\":7                                   | Vertex AI parameter",
        "veo-3.0-generate-001 | \"enhancePrompt\":\"yes\"                     | TYPE_BOOL",
    })
    void badParametersAreInvalidArgument(String model, String params, String mention) throws Exception {
      Reply r = gemini(model, body(params));
      assertGoogleError(r, 400, "INVALID_ARGUMENT");
      assertThat(r.error().path("message").asText()).contains(mention);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"instances\":[]}                                       | exactly one instance",
        "{\"instances\":[{\"prompt\":\"a\"},{\"prompt\":\"b\"}]}  | exactly one instance",
        "{\"parameters\":{}}                                      | exactly one instance",
        "[1,2]                                                    | Expected an object",
        "{\"instances\":[{}]}                                     | prompt is required",
        "{\"instances\":[{\"prompt\":\"  \"}]}                    | prompt is required",
        "{\"instances\":[{\"prompt\":\"a\"}],\"params\":{}}       | Unknown name \"params\"",
        "{\"instances\":[{\"image\":{\"gcsUri\":\"gs://b/i.png\"}}]} | gcsUri",
        "{\"instances\":[{\"image\":{\"bytesBase64Encoded\":\"!!!\"}}]} | base64",
        "{\"instances\":[{\"prompt\":7}]}                         | TYPE_STRING",
    })
    void badBodiesAreInvalidArgument(String json, String mention) throws Exception {
      Reply r = gemini("veo-3.0-generate-001", json);
      assertGoogleError(r, 400, "INVALID_ARGUMENT");
      assertThat(r.error().path("message").asText()).contains(mention);
    }

    @Test
    void anUnknownTopLevelFieldCarriesAFieldViolation() throws Exception {
      Reply r = gemini("veo-3.0-generate-001", "{\"instances\":[{\"prompt\":\"a\"}],\"extra\":1}");
      assertThat(r.error().at("/details/0/@type").asText()).isEqualTo("type.googleapis.com/google.rpc.BadRequest");
      assertThat(r.error().at("/details/0/fieldViolations/0/description").asText()).contains("Unknown name \"extra\"");
    }

    @Test
    void badInputStoresNothingMintsNothingAndTheFakeKeepsServing() throws Exception {
      gemini("veo-3.0-generate-001", "{");
      gemini("veo-9", body(""));
      gemini("veo-3.0-generate-001", body("\"aspectRatio\":\"4:3\""));
      call("POST", String.format(CREATE, "veo-3.0-generate-001"), body(""), Map.of());
      assertThat(veo.jobs().submittedCount()).isZero();

      Reply ok = gemini("veo-3.0-generate-001", body(""));
      assertThat(ok.status()).isEqualTo(200);
      try (VeoFake fresh = VeoFake.builder().clock(clock).start()) {
        Reply first = call(fresh, "POST", String.format(CREATE, "veo-3.0-generate-001"), body(""),
            Map.of("x-goog-api-key", "any"));
        assertThat(ok.json().path("name").asText())
            .as("bad requests consumed no ids")
            .isEqualTo(first.json().path("name").asText());
      }
    }
  }

  @Nested
  class Auth {

    @Test
    void noKeyIsPermissionDenied() throws Exception {
      Reply r = call("POST", String.format(CREATE, "veo-3.0-generate-001"), body(""), Map.of());
      assertGoogleError(r, 403, "PERMISSION_DENIED");
      assertThat(r.error().path("message").asText()).startsWith("Method doesn't allow unregistered callers");
    }

    @Test
    void aWrongKeyIsApiKeyInvalid() throws Exception {
      Reply r = call("POST", String.format(CREATE, "veo-3.0-generate-001"), body(""),
          Map.of("x-goog-api-key", "nope"));
      assertGoogleError(r, 400, "INVALID_ARGUMENT");
      assertThat(r.error().path("message").asText()).isEqualTo("API key not valid. Please pass a valid API key.");
      assertThat(r.error().at("/details/0/reason").asText()).isEqualTo("API_KEY_INVALID");
      assertThat(r.error().at("/details/0/metadata/service").asText()).isEqualTo("generativelanguage.googleapis.com");
    }

    @Test
    void theKeyMayComeAsAQueryParameter() throws Exception {
      Reply r = call("POST", String.format(CREATE, "veo-3.0-generate-001") + "?key=" + KEY, body(""), Map.of());
      assertThat(r.status()).isEqualTo(200);
      assertThat(call("GET", "/v1beta/" + r.json().path("name").asText() + "?key=" + KEY, null, Map.of()).status())
          .isEqualTo(200);
      assertThat(call("GET", "/v1beta/" + r.json().path("name").asText(), null, Map.of()).status())
          .isEqualTo(403);
    }

    @Test
    void vertexWantsABearerToken() throws Exception {
      String path = String.format(VERTEX, "veo-3.0-generate-001") + ":predictLongRunning";
      Reply none = call("POST", path, body(""), Map.of());
      assertGoogleError(none, 401, "UNAUTHENTICATED");
      assertThat(none.error().at("/details/0/reason").asText()).isEqualTo("CREDENTIALS_MISSING");
      assertGoogleError(call("POST", path, body(""), Map.of("Authorization", "Bearer wrong")), 401, "UNAUTHENTICATED");
      assertThat(call("POST", path, body(""), Map.of("Authorization", "Bearer tok")).status()).isEqualTo(200);
      assertThat(call("POST", path, body(""), Map.of("x-goog-api-key", KEY)).status()).as("express key").isEqualTo(200);
    }
  }

  @Nested
  class VertexRoutes {

    final Map<String, String> auth = Map.of("Authorization", "Bearer tok");

    @Test
    void unknownPublisherModelIsNotFound() throws Exception {
      Reply r = call("POST", String.format(VERTEX, "veo-x") + ":predictLongRunning", body(""), auth);
      assertGoogleError(r, 404, "NOT_FOUND");
      assertThat(r.error().path("message").asText()).startsWith(
          "Publisher Model `projects/p1/locations/us-central1/publishers/google/models/veo-x` was not found");
    }

    @Test
    void fetchPredictOperationChecksTheNameAndFindsTheOperation() throws Exception {
      Reply created = call("POST", String.format(VERTEX, "veo-3.0-generate-001") + ":predictLongRunning",
          body("\"durationSeconds\":4"), auth);
      String name = created.json().path("name").asText();
      String fetch = String.format(VERTEX, "veo-3.0-generate-001") + ":fetchPredictOperation";
      Reply pending = call("POST", fetch, "{\"operationName\":\"" + name + "\"}", auth);
      assertThat(pending.json()).isEqualTo(Json.object().put("name", name));

      String other = String.format(VERTEX, "veo-2.0-generate-001") + ":fetchPredictOperation";
      assertGoogleError(call("POST", other, "{\"operationName\":\"" + name + "\"}", auth), 400, "INVALID_ARGUMENT");
      assertGoogleError(call("POST", fetch, "{}", auth), 400, "INVALID_ARGUMENT");
      assertGoogleError(call("POST", fetch, "{\"operationName\":\"" + name + "0\"}", auth), 404, "NOT_FOUND");

      clock.advance(VeoFake.DEFAULT_DURATION);
      Reply done = call("GET", "/v1beta1/" + name, null, auth);
      assertThat(done.json().path("done").asBoolean()).isTrue();
      assertThat(done.json().at("/response/@type").asText())
          .isEqualTo("type.googleapis.com/cloud.ai.large_models.vision.GenerateVideoResponse");
      assertThat(done.json().at("/response/videos/0/mimeType").asText()).isEqualTo("video/mp4");
      assertThat(done.json().at("/response/videos/0/bytesBase64Encoded").asText()).isNotEmpty();
    }

    @Test
    void aBadStorageUriIsInvalidArgument() throws Exception {
      Reply r = call("POST", String.format(VERTEX, "veo-3.0-generate-001") + ":predictLongRunning",
          body("\"storageUri\":\"s3://bucket/x\""), auth);
      assertGoogleError(r, 400, "INVALID_ARGUMENT");
    }
  }

  @Nested
  class Operations {

    @Test
    void pollingShowsNotDoneThenAResponseOnTheClock() throws Exception {
      String name = gemini("veo-3.0-generate-001", body("\"durationSeconds\":4")).json().path("name").asText();
      List<String> seen = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Reply r = get("/v1beta/" + name);
        assertThat(r.status()).isEqualTo(200);
        seen.add(LongRunningOperations.nameOf(r.json()));
        clock.advance(Duration.ofMillis(700));
      }
      LongRunningOperations.VOCABULARY.checkPolled(seen).assertLegal();
      assertThat(seen).containsExactly("NOT_DONE", "NOT_DONE", "NOT_DONE", "DONE_RESPONSE");
      JsonNode done = get("/v1beta/" + name).json();
      assertThat(done.at("/response/@type").asText())
          .isEqualTo("type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse");
      assertThat(veo.operation(name)).hasValue(done);
      assertGoogleError(get("/v1beta/" + name + "x"), 404, "NOT_FOUND");
    }

    @Test
    void aStalledOperationStaysNotDoneUntilReleased() throws Exception {
      var rule = veo.jobs().script().next(1).stall();
      String name = gemini("veo-3.0-generate-001", body("")).json().path("name").asText();
      clock.advance(Duration.ofHours(1));
      assertThat(get("/v1beta/" + name).json().has("done")).isFalse();
      rule.release();
      clock.advance(VeoFake.DEFAULT_DURATION);
      assertThat(get("/v1beta/" + name).json().path("done").asBoolean()).isTrue();
    }

    @Test
    void aLongerScriptedDurationAndACancelledJobRenderAsExpected() throws Exception {
      veo.jobs().script().all().duration(Duration.ofMinutes(5));
      String slow = gemini("veo-3.0-generate-001", body("")).json().path("name").asText();
      String cancelled = gemini("veo-3.0-generate-001", body("")).json().path("name").asText();
      clock.advance(Duration.ofMinutes(4));
      assertThat(get("/v1beta/" + slow).json().has("done")).isFalse();
      assertThat(veo.jobs().abort(cancelled)).isTrue();
      clock.advance(Duration.ofMinutes(1));
      assertThat(get("/v1beta/" + slow).json().path("done").asBoolean()).isTrue();
      JsonNode c = get("/v1beta/" + cancelled).json();
      assertThat(c.at("/error/code").asInt()).isEqualTo(1);
      assertThat(LongRunningOperations.nameOf(c)).isEqualTo(LongRunningOperations.DONE_ERROR);
    }

    @Test
    void failureDetailsBecomeTheStatusDetails() throws Exception {
      veo.jobs().script().next(1).fail("blocked", Map.of("code", 9, "details", List.of(Map.of("reason", "x"))));
      String a = gemini("veo-3.0-generate-001", body("")).json().path("name").asText();
      veo.jobs().script().next(1).fail("plain");
      String b = gemini("veo-3.0-generate-001", body("")).json().path("name").asText();
      clock.advance(VeoFake.DEFAULT_DURATION);
      JsonNode ea = get("/v1beta/" + a).json().path("error");
      assertThat(ea.path("code").asInt()).isEqualTo(9);
      assertThat(ea.at("/details/0/reason").asText()).isEqualTo("x");
      JsonNode eb = get("/v1beta/" + b).json().path("error");
      assertThat(eb.path("code").asInt()).isEqualTo(13);
      assertThat(eb.path("message").asText()).isEqualTo("plain");
    }
  }

  @Nested
  class Files {

    @Test
    void filesDownloadWithTheKeyAndExpireAfterTwoDays(@TempDir Path dir) throws Exception {
      String name = gemini("veo-3.0-fast-generate-001", body("\"durationSeconds\":4,\"aspectRatio\":\"9:16\""))
          .json().path("name").asText();
      clock.advance(VeoFake.DEFAULT_DURATION);
      String uri = get("/v1beta/" + name).json()
          .at("/response/generateVideoResponse/generatedSamples/0/video/uri").asText();
      String id = uri.replaceAll(".*/files/([a-z0-9]+):.*", "$1");
      assertThat(veo.files()).containsExactly(id);

      URI plain = veo.downloadUri(uri);
      assertThat(plain.getScheme()).isEqualTo("http");
      String path = plain.getRawPath() + "?" + plain.getRawQuery();
      Reply d = get(path);
      assertThat(d.status()).isEqualTo(200);
      assertThat(d.raw().headers().firstValue("Content-Type")).hasValue("video/mp4");
      Path f = dir.resolve("a.mp4");
      java.nio.file.Files.write(f, d.bytes());
      Probe.assertVideo(f, 720, 1280, 4);

      JsonNode meta = get("/v1beta/files/" + id).json();
      assertThat(meta.path("name").asText()).isEqualTo("files/" + id);
      assertThat(meta.path("sizeBytes").asLong()).isEqualTo(d.bytes().length);
      assertThat(meta.path("source").asText()).isEqualTo("GENERATED");

      assertThat(call("GET", path, null, Map.of()).status()).as("no key").isEqualTo(403);
      assertGoogleError(get("/v1beta/files/" + id + ":download"), 400, "INVALID_ARGUMENT");
      assertGoogleError(get("/v1beta/files/zzzzzzzzzzzz:download?alt=media"), 403, "PERMISSION_DENIED");

      clock.advance(VeoFake.FILE_LIFETIME);
      assertGoogleError(get(path), 403, "PERMISSION_DENIED");
      assertThat(veo.file(id)).isEmpty();
    }
  }

  @Test
  void aGcsSinkGetsEachSampleAndASinkThatThrowsFailsTheOperation() throws Exception {
    Map<String, byte[]> stored = new java.util.concurrent.ConcurrentHashMap<>();
    boolean[] broken = {false};
    try (VeoFake v = VeoFake.builder().clock(clock).storage((bucket, name, bytes, type) -> {
      if (broken[0]) {
        throw new IllegalStateException("storage.objects.create access to " + bucket + " denied");
      }
      assertThat(type).isEqualTo("video/mp4");
      stored.put(bucket + "/" + name, bytes);
    }).start()) {
      Map<String, String> auth = Map.of("Authorization", "Bearer any");
      String path = String.format(VERTEX, "veo-2.0-generate-001") + ":predictLongRunning";
      String ok = call(v, "POST", path, body("\"durationSeconds\":5,\"sampleCount\":2,"
          + "\"storageUri\":\"gs://out\""), auth).json().path("name").asText();
      clock.advance(VeoFake.DEFAULT_DURATION);
      JsonNode done = v.operation(ok).orElseThrow();
      assertThat(done.at("/response/videos")).hasSize(2);
      for (JsonNode video : done.at("/response/videos")) {
        String uri = video.path("gcsUri").asText();
        assertThat(uri).matches("gs://out/\\d+/sample_[01]\\.mp4");
        assertThat(stored).containsKey(uri.substring("gs://".length()));
        assertThat(video.has("bytesBase64Encoded")).isFalse();
        Probe.assertVideo(stored.get(uri.substring("gs://".length())), 1280, 720, 5);
      }
      assertThat(stored).hasSize(2);

      broken[0] = true;
      String bad = call(v, "POST", path, body("\"durationSeconds\":5,\"storageUri\":\"gs://out/x/\""), auth)
          .json().path("name").asText();
      clock.advance(VeoFake.DEFAULT_DURATION);
      JsonNode failed = call(v, "POST", String.format(VERTEX, "veo-2.0-generate-001") + ":fetchPredictOperation",
          "{\"operationName\":\"" + bad + "\"}", auth).json();
      assertThat(failed.path("done").asBoolean()).isTrue();
      assertThat(failed.at("/error/code").asInt()).isEqualTo(13);
      assertThat(failed.at("/error/message").asText()).contains("access to out denied");
      assertThat(v.jobs().job(bad).orElseThrow().state()).isEqualTo(JobState.FAILED);
      v.jobs().assertHealthy();
    }
  }

  @Test
  void aSinkWiredAfterStartIsUsedAndUnwiringFallsBackToInlineBytes() throws Exception {
    Map<String, byte[]> stored = new java.util.concurrent.ConcurrentHashMap<>();
    veo.storage((bucket, name, bytes, type) -> stored.put(bucket + "/" + name, bytes));
    Map<String, String> auth = Map.of("Authorization", "Bearer tok");
    String path = String.format(VERTEX, "veo-3.0-generate-001") + ":predictLongRunning";
    String params = body("\"durationSeconds\":4,\"storageUri\":\"gs://late/p\"");
    String wired = call("POST", path, params, auth).json().path("name").asText();
    veo.storage(null);
    String inline = call("POST", path, params, auth).json().path("name").asText();
    clock.advance(VeoFake.DEFAULT_DURATION);
    assertThat(veo.operation(wired).orElseThrow().at("/response/videos/0/gcsUri").asText())
        .matches("gs://late/p/\\d+/sample_0\\.mp4");
    assertThat(stored).hasSize(1);
    assertThat(veo.operation(inline).orElseThrow().at("/response/videos/0/bytesBase64Encoded").asText())
        .isNotEmpty();
  }

  @Test
  void faultsAnswerInGooglesShape() throws Exception {
    veo.faults().on("POST", "/v1beta/models/{model}:predictLongRunning").next(1).status(429);
    Reply r = gemini("veo-3.0-generate-001", body(""));
    assertGoogleError(r, 429, "RESOURCE_EXHAUSTED");
    assertThat(gemini("veo-3.0-generate-001", body("")).status()).isEqualTo(200);
  }

  @Test
  void resetForgetsOperationsAndRestartsIds() throws Exception {
    String first = gemini("veo-3.0-generate-001", body("")).json().path("name").asText();
    clock.advance(VeoFake.DEFAULT_DURATION);
    assertThat(veo.files()).hasSize(1);
    veo.reset();
    assertThat(veo.jobs().jobs()).isEmpty();
    assertThat(veo.files()).isEmpty();
    assertGoogleError(get("/v1beta/" + first), 404, "NOT_FOUND");
    assertThat(gemini("veo-3.0-generate-001", body("")).json().path("name").asText()).isEqualTo(first);
  }

  @Test
  void bareOnTheSystemClockAnOperationFinishesInAFewSecondsWithAnEightSecondClip(@TempDir Path dir)
      throws Exception {
    try (VeoFake bare = new VeoFake().start()) {
      String base = bare.baseUri().toString().replaceAll("/$", "");
      HttpResponse<String> created = http.send(HttpRequest.newBuilder(
              URI.create(base + String.format(CREATE, "veo-3.1-generate-preview") + "?key=anything"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"instances\":[{\"prompt\":\"rain\"}]}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(created.statusCode()).isEqualTo(200);
      String name = Json.parse(created.body()).path("name").asText();
      URI poll = URI.create(base + "/v1beta/" + name + "?key=anything");
      JsonNode[] last = new JsonNode[1];
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
        last[0] = Json.parse(http.send(HttpRequest.newBuilder(poll).build(),
            HttpResponse.BodyHandlers.ofString()).body());
        return last[0].path("done").asBoolean();
      });
      String uri = last[0].at("/response/generateVideoResponse/generatedSamples/0/video/uri").asText();
      HttpResponse<Path> video = http.send(
          HttpRequest.newBuilder(URI.create(bare.downloadUri(uri) + "&key=anything")).build(),
          HttpResponse.BodyHandlers.ofFile(dir.resolve("bare.mp4")));
      assertThat(video.statusCode()).isEqualTo(200);
      Probe.assertVideo(video.body(), 1280, 720, 8);
      assertThat(bare.jobs().jobs().get(0).state()).isEqualTo(JobState.SUCCEEDED);
    }
  }

  @Test
  void theLauncherServesVeoWithItsSettings() throws Exception {
    Path config = java.nio.file.Files.createTempFile("veo", ".json");
    java.nio.file.Files.writeString(config,
        "{\"fakes\":{\"veo\":{\"models\":[\"veo-3.0-custom\"],\"apiKeys\":[\"cfg\"],\"durationMs\":10}}}");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (Launcher.Running r = Launcher.start(new String[] {"--fakes", "veo", "--config", config.toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8))) {
      String base = r.endpoints().get("veo");
      HttpResponse<String> created = http.send(HttpRequest.newBuilder(
              URI.create(base + String.format(CREATE, "veo-3.0-custom")))
          .header("x-goog-api-key", "cfg")
          .POST(HttpRequest.BodyPublishers.ofString(body("\"durationSeconds\":4"))).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    } finally {
      java.nio.file.Files.deleteIfExists(config);
    }
  }
}
