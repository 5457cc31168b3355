package dev.backlot.runway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.time.Clock;
import dev.backlot.time.ManualClock;
import dev.backlot.jobs.JobState;
import dev.backlot.jobs.Vocabularies;
import dev.backlot.testing.FfProbe;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Runway fake's protocol, driven with java.net.http under a manual clock. */
class RunwayFakeTest {

  private final ManualClock clock = Clock.manual(Instant.parse("2026-01-02T03:04:05Z"));
  private RunwayFake runway;

  private Api start(RunwayFake.Builder b) {
    runway = b.clock(clock).fps(2).start();
    return new Api(runway.baseUri());
  }

  @AfterEach
  void close() {
    if (runway != null) {
      runway.close();
    }
  }

  private static String status(Api api, String id) {
    return api.get("/v1/tasks/" + id).json().path("status").asText();
  }

  @Test
  void tasksMoveStepwiseThroughRunwaysStatesWithProgressAndThrottling() {
    Api api = start(RunwayFake.builder().concurrency(1));
    Api.Reply created = api.post("/v1/image_to_video", Api.i2v("gen4_turbo", "1280:720", 10));
    assertThat(created.status()).isEqualTo(200);
    assertThat(created.json().path("estimatedCost").path("credits").asInt()).isEqualTo(50);
    String a = created.json().path("id").asText();
    assertThat(a).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    runway.jobs().script().next(1).throttle(Duration.ofSeconds(3)); // rules select jobs submitted after them
    String b = api.post("/v1/text_to_video", Map.of("model", "gen4.5", "promptText", "waves",
        "ratio", "720:1280", "duration", 2)).json().path("id").asText();

    JsonNode pending = api.get("/v1/tasks/" + a).json();
    assertThat(pending.path("status").asText()).isEqualTo("PENDING");
    assertThat(pending.path("createdAt").asText()).isEqualTo("2026-01-02T03:04:05Z");
    assertThat(pending.path("estimatedCost").path("credits").asInt()).isEqualTo(50);
    assertThat(pending.has("progress")).isFalse();
    assertThat(status(api, b)).isEqualTo("THROTTLED");
    clock.advance(Duration.ZERO); // the next tick starts the queued task
    JsonNode started = api.get("/v1/tasks/" + a).json();
    assertThat(started.path("status").asText()).isEqualTo("RUNNING");
    assertThat(started.path("progress").asDouble()).isEqualTo(0.0);

    List<String> seenA = new ArrayList<>();
    List<String> seenB = new ArrayList<>();
    List<Double> progress = new ArrayList<>();
    for (int i = 0; i <= 12; i++) {
      JsonNode t = api.get("/v1/tasks/" + a).json();
      seenA.add(t.path("status").asText());
      if (t.has("progress")) {
        progress.add(t.path("progress").asDouble());
      }
      seenB.add(status(api, b));
      clock.advance(Duration.ofMillis(500));
    }
    assertThat(progress).contains(0.25, 0.5, 0.75).isSorted().allMatch(p -> p >= 0 && p <= 1);
    assertThat(seenA).containsSubsequence("RUNNING", "SUCCEEDED").doesNotContain("FAILED");
    assertThat(seenB).containsSubsequence("THROTTLED", "RUNNING", "SUCCEEDED");
    Vocabularies.RUNWAY.checkPolled(seenA).assertLegal();
    Vocabularies.RUNWAY.checkPolled(seenB).assertLegal();
    assertThat(Vocabularies.RUNWAY.render(runway.jobs().job(b).orElseThrow()))
        .containsExactly("PENDING", "THROTTLED", "PENDING", "RUNNING", "SUCCEEDED");
    JsonNode done = api.get("/v1/tasks/" + a).json();
    assertThat(done.path("cost").path("credits").asInt()).isEqualTo(50);
    assertThat(done.has("estimatedCost")).isFalse();
    runway.jobs().assertHealthy();
  }

  @Test
  void aWaitingTaskShowsPendingWhileTheConcurrencyLimitIsFull() {
    Api api = start(RunwayFake.builder().concurrency(1));
    runway.jobs().script().next(1).stall();
    String first = api.post("/v1/image_to_video", Api.i2v("gen4_turbo", "960:960", 5)).json().path("id").asText();
    String second = api.post("/v1/image_to_video", Api.i2v("gen4_turbo", "960:960", 5)).json().path("id").asText();
    clock.advance(Duration.ofMinutes(5));
    assertThat(status(api, first)).isEqualTo("RUNNING");
    assertThat(status(api, second)).isEqualTo("PENDING");
    runway.jobs().release(first);
    clock.advance(Duration.ofSeconds(5));
    assertThat(status(api, first)).isEqualTo("SUCCEEDED");
    assertThat(status(api, second)).isEqualTo("SUCCEEDED");
  }

  @Test
  void failedTasksCarryFailureAndFailureCode() {
    Api api = start(RunwayFake.builder());
    runway.jobs().script().next(1).fail("An unexpected error occurred", "INTERNAL.BAD_OUTPUT.CODE01");
    String a = api.post("/v1/image_to_video", Api.i2v("gen4_turbo", "1280:720", 5)).json().path("id").asText();
    runway.jobs().script().next(1).fail("No code");
    String b = api.post("/v1/image_to_video", Api.i2v("gen4_turbo", "1280:720", 5)).json().path("id").asText();
    clock.advance(Duration.ofSeconds(3));
    JsonNode fa = api.get("/v1/tasks/" + a).json();
    assertThat(fa.path("status").asText()).isEqualTo("FAILED");
    assertThat(fa.path("failure").asText()).isEqualTo("An unexpected error occurred");
    assertThat(fa.path("failureCode").asText()).isEqualTo("INTERNAL.BAD_OUTPUT.CODE01");
    assertThat(fa.has("output")).isFalse();
    JsonNode fb = api.get("/v1/tasks/" + b).json();
    assertThat(fb.path("failure").asText()).isEqualTo("No code");
    assertThat(fb.has("failureCode")).isFalse();
  }

  @Test
  void aTaskTheBackendCancelsShowsCancelledWithNoCost() {
    Api api = start(RunwayFake.builder());
    runway.jobs().script().next(1).cancel();
    String id = api.post("/v1/image_to_video", Api.i2v("gen4_turbo", "1280:720", 5)).json().path("id").asText();
    clock.advance(Duration.ofSeconds(3));
    JsonNode t = api.get("/v1/tasks/" + id).json();
    assertThat(t.path("status").asText()).isEqualTo("CANCELLED");
    assertThat(t.path("cost").path("credits").asInt()).isZero();
    assertThat(t.has("output")).isFalse();
  }

  @Test
  void outputLinksNeedNoCredentialsAndExpireOnTheFakesClock() {
    Api api = start(RunwayFake.builder().outputTtl(Duration.ofHours(24)));
    String id = api.post("/v1/image_to_video", Api.i2v("gen4_turbo", "1280:720", 2)).json().path("id").asText();
    clock.advance(Duration.ofSeconds(2));
    String url = api.get("/v1/tasks/" + id).json().path("output").path(0).asText();
    Api.Reply first = Api.fetch(url);
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.raw().headers().firstValue("Content-Type")).hasValue("video/mp4");
    Api.Reply head = Api.head(url);
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.bytes()).isEmpty();
    assertThat(head.raw().headers().firstValueAsLong("Content-Length")).hasValue(first.bytes().length);

    clock.advance(Duration.ofHours(23).plusMinutes(59));
    assertThat(Api.fetch(url).status()).isEqualTo(200);
    clock.advance(Duration.ofMinutes(1));
    Api.Reply expired = Api.fetch(url);
    assertThat(expired.status()).isEqualTo(403);
    assertThat(new String(expired.bytes())).contains("AccessDenied");

    // Fetching the task again signs a fresh link to the same bytes.
    String fresh = api.get("/v1/tasks/" + id).json().path("output").path(0).asText();
    assertThat(fresh).isNotEqualTo(url);
    Api.Reply again = Api.fetch(fresh);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.bytes()).isEqualTo(first.bytes());
    assertThat(Api.fetch(runway.baseUri() + "/_output/nosuchtoken/" + id + ".mp4").status()).isEqualTo(404);
  }

  @Test
  void deletingAFinishedTaskDeletesItAndWithdrawsItsLinks() {
    Api api = start(RunwayFake.builder());
    String id = api.post("/v1/image_to_video", Api.i2v("gen4_turbo", "1280:720", 2)).json().path("id").asText();
    clock.advance(Duration.ofSeconds(2));
    String url = api.get("/v1/tasks/" + id).json().path("output").path(0).asText();
    Api.Reply del = api.delete("/v1/tasks/" + id);
    assertThat(del.status()).isEqualTo(204);
    assertThat(del.bytes()).isEmpty();
    assertThat(runway.jobs().job(id).orElseThrow().state()).isEqualTo(JobState.SUCCEEDED); // terminal stays
    Api.Reply gone = api.get("/v1/tasks/" + id);
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.json().path("error").asText()).isEqualTo("Task not found");
    assertThat(api.delete("/v1/tasks/" + id).status()).isEqualTo(404);
    assertThat(Api.fetch(url).status()).isEqualTo(404);
  }

  @Test
  void deletingAPendingOrThrottledTaskCancelsIt() {
    Api api = start(RunwayFake.builder());
    runway.jobs().script().next(1).throttle(Duration.ofMinutes(1));
    String throttled = api.post("/v1/image_to_video", Api.i2v("gen4_turbo", "1280:720", 5)).json().path("id").asText();
    String pending = api.post("/v1/image_to_video", Api.i2v("gen4_turbo", "1280:720", 5)).json().path("id").asText();
    assertThat(status(api, throttled)).isEqualTo("THROTTLED");
    assertThat(status(api, pending)).isEqualTo("PENDING");
    assertThat(api.delete("/v1/tasks/" + throttled).status()).isEqualTo(204);
    assertThat(api.delete("/v1/tasks/" + pending).status()).isEqualTo(204);
    clock.advance(Duration.ofMinutes(2));
    assertThat(runway.jobs().job(throttled).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
    assertThat(runway.jobs().job(pending).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
    runway.jobs().assertHealthy();
  }

  @Test
  void bearerKeyAndApiVersionAreRequired() {
    Api api = start(RunwayFake.builder().apiKeys("key_good").versions("2099-01-01"));
    Api.Reply noKey = new Api(runway.baseUri()).header("Authorization", null).get("/v1/tasks/x");
    assertThat(noKey.status()).isEqualTo(401);
    assertThat(noKey.json().path("error").asText()).isEqualTo("Invalid API key");
    assertThat(api.get("/v1/tasks/x").status()).as("key_test is not configured").isEqualTo(401);
    assertThat(new Api(runway.baseUri()).header("Authorization", "Basic a2V5X2dvb2Q=").get("/v1/tasks/x").status())
        .isEqualTo(401);

    Api good = new Api(runway.baseUri()).header("Authorization", "Bearer key_good");
    Api.Reply noVersion = new Api(runway.baseUri()).header("Authorization", "Bearer key_good")
        .header("X-Runway-Version", null).get("/v1/tasks/x");
    assertThat(noVersion.status()).isEqualTo(400);
    assertThat(noVersion.json().path("error").asText()).isEqualTo("Invalid API Version");
    assertThat(good.header("X-Runway-Version", "2023-01-01").post("/v1/image_to_video",
        Api.i2v("gen4_turbo", "1280:720", 5)).status()).isEqualTo(400);
    assertThat(good.header("X-Runway-Version", "2099-01-01").get("/v1/tasks/x").status()).isEqualTo(404);
    assertThat(good.header("X-Runway-Version", RunwayFake.API_VERSION).get("/v1/tasks/x").status()).isEqualTo(404);
    assertThat(runway.jobs().submittedCount()).isZero();
  }

  @Test
  void wrongMethodsAndUnknownRoutesAnswerInRunwaysShape() {
    Api api = start(RunwayFake.builder());
    Api.Reply wrong = api.get("/v1/image_to_video");
    assertThat(wrong.status()).isEqualTo(405);
    assertThat(wrong.json().has("error")).isTrue();
    assertThat(api.get("/v1/nothing").status()).isEqualTo(404);
  }

  @Test
  void theRatioAndDurationDecideTheVideo() {
    FfProbe.assumeAvailable();
    Api api = start(RunwayFake.builder());
    record Case(String route, Map<String, Object> body, int w, int h, double seconds) {}
    List<Case> cases = List.of(
        new Case("text_to_video", Map.of("model", "gen4.5", "promptText", "x", "ratio", "1280:720", "duration", 2),
            1280, 720, 2),
        new Case("image_to_video", Map.of("model", "veo3.1", "promptImage", "https://example.com/a.png",
            "ratio", "1080:1920"), 1080, 1920, 8),
        new Case("text_to_video", Map.of("model", "hailuo3", "promptText", "x", "ratio", "4:3",
            "resolution", "768p", "duration", 3), 1024, 768, 3),
        new Case("text_to_video", Map.of("model", "seedance2", "promptText", "x"), 1280, 720, 5),
        new Case("image_to_video", Map.of("model", "gen4_turbo", "ratio", "1584:672",
            "promptImage", List.of(Map.of("uri", Api.PNG_DATA_URI, "position", "first"))), 1584, 672, 5));
    for (Case c : cases) {
      Api.Reply r = api.post("/v1/" + c.route(), c.body());
      assertThat(r.status()).as(c + " " + r.json()).isEqualTo(200);
      String id = r.json().path("id").asText();
      clock.advance(Duration.ofSeconds(2));
      String url = api.get("/v1/tasks/" + id).json().path("output").path(0).asText();
      FfProbe.Video v = FfProbe.probe(Api.fetch(url).bytes());
      assertThat(v.width()).as(c.toString()).isEqualTo(c.w());
      assertThat(v.height()).as(c.toString()).isEqualTo(c.h());
      assertThat(v.seconds()).as(c.toString()).isCloseTo(c.seconds(), within(1.0));
      assertThat(runway.task(id).orElseThrow().width()).isEqualTo(c.w());
    }
  }

  @Test
  void theSameSeedAndPromptGiveTheSameVideo() {
    Api api = start(RunwayFake.builder());
    Map<String, Object> body = Map.of("model", "gen4.5", "promptText", "x", "ratio", "1280:720",
        "duration", 2, "seed", 42);
    String a = api.post("/v1/text_to_video", body).json().path("id").asText();
    String b = api.post("/v1/text_to_video", body).json().path("id").asText();
    String c = api.post("/v1/text_to_video", Map.of("model", "gen4.5", "promptText", "x", "ratio", "1280:720",
        "duration", 2, "seed", 43)).json().path("id").asText();
    clock.advance(Duration.ofSeconds(2));
    byte[] va = Api.fetch(api.get("/v1/tasks/" + a).json().path("output").path(0).asText()).bytes();
    byte[] vb = Api.fetch(api.get("/v1/tasks/" + b).json().path("output").path(0).asText()).bytes();
    byte[] vc = Api.fetch(api.get("/v1/tasks/" + c).json().path("output").path(0).asText()).bytes();
    assertThat(va).isEqualTo(vb).isNotEqualTo(vc);
  }

  @Test
  void resetForgetsTasksAndRestartsIds() {
    Api api = start(RunwayFake.builder());
    String first = api.post("/v1/image_to_video", Api.i2v("gen4_turbo", "1280:720", 5)).json().path("id").asText();
    clock.advance(Duration.ofSeconds(2));
    String url = api.get("/v1/tasks/" + first).json().path("output").path(0).asText();
    runway.reset();
    assertThat(api.get("/v1/tasks/" + first).status()).isEqualTo(404);
    assertThat(Api.fetch(url).status()).isEqualTo(404);
    assertThat(runway.jobs().submittedCount()).isZero();
    String again = api.post("/v1/image_to_video", Api.i2v("gen4_turbo", "1280:720", 5)).json().path("id").asText();
    assertThat(again).isEqualTo(first);
  }

  @Test
  void aScriptedOutputCanBeOtherUrls() {
    Api api = start(RunwayFake.builder());
    runway.jobs().script().next(1).succeedWith(List.of("https://cdn.example/a.mp4", "https://cdn.example/b.mp4"));
    String id = api.post("/v1/image_to_video", Api.i2v("gen4_turbo", "1280:720", 5)).json().path("id").asText();
    clock.advance(Duration.ofSeconds(2));
    JsonNode out = api.get("/v1/tasks/" + id).json().path("output");
    assertThat(out.size()).isEqualTo(2);
    assertThat(out.path(1).asText()).isEqualTo("https://cdn.example/b.mp4");
  }
}
