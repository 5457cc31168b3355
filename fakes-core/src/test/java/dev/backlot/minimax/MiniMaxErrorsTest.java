package dev.backlot.minimax;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backlot.time.Clock;
import dev.backlot.time.ManualClock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * MiniMax's errors: HTTP 200 with {@code base_resp.status_code} 1004, 2013, 1002 or 1008 and
 * MiniMax's {@code status_msg}; nothing is stored and the fake keeps serving.
 */
class MiniMaxErrorsTest {

  private final ManualClock clock = Clock.manual();
  private MiniMaxFake minimax;
  private Api api;

  @BeforeEach
  void start() {
    minimax = MiniMaxFake.builder().clock(clock).apiKeys("test-key").fps(2).start();
    api = new Api(minimax.baseUri());
  }

  @AfterEach
  void stop() {
    minimax.close();
  }

  private void assertError(Api.Reply r, int code, String message) {
    assertThat(r.status()).as("MiniMax answers errors with HTTP 200").isEqualTo(200);
    assertThat(r.raw().headers().firstValue("Trace-Id")).get().asString().matches("[0-9a-f]{32}");
    assertThat(Api.code(r)).as(r.json().toString()).isEqualTo(code);
    assertThat(r.json().path("base_resp").path("status_msg").asText()).as(r.json().toString()).startsWith(message);
  }

  @Test
  void aMissingOrWrongKeyIs1004OnEveryRoute() {
    Api none = new Api(minimax.baseUri()).header("Authorization", null);
    Api wrong = new Api(minimax.baseUri()).header("Authorization", "Bearer other-key");
    String login = "login fail: Please carry the API secret key in the 'Authorization' field of the request header";
    Api.Reply create = none.post("/v1/video_generation", Api.video("T2V-01", "x"));
    assertError(create, 1004, login);
    assertThat(create.json().path("task_id").asText()).isEmpty();
    assertError(none.get("/v1/query/video_generation?task_id=1"), 1004, login);
    assertError(none.get("/v1/files/retrieve?file_id=1"), 1004, login);
    assertError(wrong.post("/v1/video_generation", Api.video("T2V-01", "x")), 1004, "invalid api key");
    assertError(wrong.get("/v1/query/video_generation?task_id=1"), 1004, "invalid api key");
    assertThat(minimax.jobs().submittedCount()).isZero();
  }

  static List<Arguments> badBodies() {
    Map<String, Object> png = new LinkedHashMap<>(Api.video("I2V-01", null));
    png.put("first_frame_image", "data:image/png;base64,@@notbase64");
    Map<String, Object> ftp = new LinkedHashMap<>(Api.video("I2V-01", null));
    ftp.put("first_frame_image", "ftp://example.com/a.png");
    Map<String, Object> notString = new LinkedHashMap<>(Api.video("I2V-01", null));
    notString.put("first_frame_image", 42);
    Map<String, Object> res = new LinkedHashMap<>(Api.video("T2V-01", "x"));
    res.put("resolution", "1080P");
    Map<String, Object> dur = new LinkedHashMap<>(Api.video("MiniMax-Hailuo-02", "x"));
    dur.put("duration", 8);
    Map<String, Object> longAt1080 = new LinkedHashMap<>(Api.video("MiniMax-Hailuo-2.3", "x"));
    longAt1080.put("duration", 10);
    longAt1080.put("resolution", "1080P");
    Map<String, Object> callback = new LinkedHashMap<>(Api.video("T2V-01", "x"));
    callback.put("callback_url", "not a url");
    return List.of(
        Arguments.of("no model", Map.of("prompt", "x")),
        Arguments.of("unknown model", Api.video("video-01-ultra", "x")),
        Arguments.of("T2V without prompt", Api.video("T2V-01", null)),
        Arguments.of("Hailuo with nothing", Api.video("MiniMax-Hailuo-02", "  ")),
        Arguments.of("I2V without image", Api.video("I2V-01", "x")),
        Arguments.of("Fast without image", Api.video("MiniMax-Hailuo-2.3-Fast", "x")),
        Arguments.of("S2V without subject", Api.video("S2V-01", "x")),
        Arguments.of("prompt too long", Api.video("T2V-01", "x".repeat(2001))),
        Arguments.of("bad base64", png),
        Arguments.of("ftp image", ftp),
        Arguments.of("image not a string", notString),
        Arguments.of("resolution", res),
        Arguments.of("duration", dur),
        Arguments.of("10 s at 1080P", longAt1080),
        Arguments.of("callback", callback));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badBodies")
  void invalidParametersAre2013(String name, Map<String, Object> body) {
    Api.Reply r = api.post("/v1/video_generation", body);
    assertError(r, 2013, "invalid params, ");
    assertThat(r.json().path("task_id").asText()).isEmpty();
    assertThat(minimax.jobs().submittedCount()).isZero();
  }

  @Test
  void malformedJsonIs2013WithHttp200() {
    assertError(api.post("/v1/video_generation", "{\"model\":"), 2013, "invalid params, ");
    assertError(api.post("/v1/video_generation", "[]"), 2013, "invalid params, ");
  }

  @Test
  void queryAndRetrieveRejectMissingAndUnknownIds() {
    assertError(api.get("/v1/query/video_generation"), 2013, "invalid params, task_id");
    assertError(api.get("/v1/query/video_generation?task_id=123"), 2013, "invalid params, ");
    assertError(api.get("/v1/files/retrieve?file_id=abc"), 2013, "invalid params, file_id");
    assertError(api.get("/v1/files/retrieve?file_id=123"), 2013, "invalid params, ");
    String task = api.post("/v1/video_generation", Api.video("T2V-01", "x")).json().path("task_id").asText();
    assertThat(task).isNotEmpty();
    // The file of a task still running cannot be retrieved yet: its id only appears on Success.
    clock.advance(Duration.ofSeconds(3));
    String fileId = api.get("/v1/query/video_generation?task_id=" + task).json().path("file_id").asText();
    assertThat(Api.code(api.get("/v1/files/retrieve?file_id=" + fileId))).isZero();
  }

  @Test
  void overTheRateLimitIs1002UntilTheMinutePasses() {
    minimax.rateLimit(2);
    assertThat(Api.code(api.post("/v1/video_generation", Api.video("T2V-01", "a")))).isZero();
    clock.advance(Duration.ofSeconds(30));
    assertThat(Api.code(api.post("/v1/video_generation", Api.video("T2V-01", "b")))).isZero();
    assertError(api.post("/v1/video_generation", Api.video("T2V-01", "c")), 1002, "rate limit exceeded(RPM)");
    assertThat(minimax.jobs().submittedCount()).isEqualTo(2);
    clock.advance(Duration.ofSeconds(30)); // the first creation leaves the window
    assertThat(Api.code(api.post("/v1/video_generation", Api.video("T2V-01", "d")))).isZero();
  }

  @Test
  void anEmptyBalanceIs1008AndResetRestoresTheBuildersBalance() {
    minimax.balance(1);
    assertThat(Api.code(api.post("/v1/video_generation", Api.video("T2V-01", "a")))).isZero();
    assertThat(minimax.balance()).isZero();
    assertError(api.post("/v1/video_generation", Api.video("T2V-01", "b")), 1008, "insufficient balance");
    assertThat(minimax.jobs().submittedCount()).isEqualTo(1);
    minimax.reset();
    assertThat(minimax.balance()).isNegative();
    assertThat(Api.code(api.post("/v1/video_generation", Api.video("T2V-01", "c")))).isZero();
  }

  @Test
  void aBuilderBalanceAndRateLimitApplyFromTheStart() {
    try (MiniMaxFake poor = MiniMaxFake.builder().clock(clock).balance(0).start();
        MiniMaxFake busy = MiniMaxFake.builder().clock(clock).rateLimit(1).start()) {
      assertError(new Api(poor.baseUri()).post("/v1/video_generation", Api.video("T2V-01", "a")), 1008, "insufficient balance");
      Api b = new Api(busy.baseUri());
      assertThat(Api.code(b.post("/v1/video_generation", Api.video("T2V-01", "a")))).isZero();
      assertError(b.post("/v1/video_generation", Api.video("T2V-01", "a")), 1002, "rate limit");
    }
  }

  @Test
  void unknownRoutesAndInjectedFaultsKeepTheirStatusWithABaseResp() {
    Api.Reply none = api.get("/v1/nothing");
    assertThat(none.status()).isEqualTo(404);
    assertThat(Api.code(none)).isEqualTo(2013);
    Api.Reply wrongMethod = api.get("/v1/video_generation");
    assertThat(wrongMethod.status()).isEqualTo(405);
    assertThat(wrongMethod.json().path("base_resp").path("status_msg").asText()).isNotBlank();

    minimax.faults().on("POST", "/v1/video_generation").next(1).rateLimit(Duration.ofSeconds(2));
    Api.Reply limited = api.post("/v1/video_generation", Api.video("T2V-01", "x"));
    assertThat(limited.status()).isEqualTo(429);
    assertThat(Api.code(limited)).isEqualTo(1002);
    assertThat(Api.code(api.post("/v1/video_generation", Api.video("T2V-01", "x")))).isZero();
  }

  @Test
  void randomGarbageNeverBreaksTheFake() {
    SplittableRandom random = new SplittableRandom(2013);
    List<Object> values = List.of("", "T2V-01", "I2V-01", "MiniMax-Hailuo-02", 6, 10, -1, "768P", "1080P",
        true, List.of(), Map.of(), Api.PNG_DATA_URI, "https://example.com/a.png", "x".repeat(2100));
    List<String> keys = List.of("model", "prompt", "first_frame_image", "duration", "resolution", "callback_url");
    int accepted = 0;
    for (int i = 0; i < 200; i++) {
      Map<String, Object> body = new LinkedHashMap<>();
      for (String k : keys) {
        if (random.nextBoolean()) {
          body.put(k, values.get(random.nextInt(values.size())));
        }
      }
      Api.Reply r = api.post("/v1/video_generation", body);
      assertThat(r.status()).as(body.toString()).isEqualTo(200);
      assertThat(Api.code(r)).as(body + " -> " + r.json()).isIn(0, 2013);
      if (Api.code(r) == 0) {
        accepted++;
        assertThat(minimax.task(r.json().path("task_id").asText())).isPresent();
      }
    }
    assertThat(minimax.jobs().submittedCount()).isEqualTo(accepted);
  }
}
