package dev.backlot.examples.ttv;

import static dev.backlot.jobs.JobState.CANCELLED;
import static dev.backlot.jobs.JobState.FAILED;
import static dev.backlot.jobs.JobState.QUEUED;
import static dev.backlot.jobs.JobState.RUNNING;
import static dev.backlot.jobs.JobState.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.gcs.GcsFake;
import dev.backlot.gcs.GcsObject;
import dev.backlot.gradio.GradioFake;
import dev.backlot.jobs.JobEngine;
import dev.backlot.journal.RequestPattern;
import dev.backlot.junit.BacklotTest;
import dev.backlot.junit.FakeFactory;
import dev.backlot.minimax.MiniMaxFake;
import dev.backlot.redis.JobLayout;
import dev.backlot.redis.JobWatch;
import dev.backlot.redis.RedisFake;
import dev.backlot.runway.RunwayFake;
import dev.backlot.time.Clock;
import dev.backlot.time.ManualClock;
import dev.backlot.veo.VeoFake;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The text-to-video API's job scenarios (the user's test plan, "TestJobFlowWithMockedBackends"):
 * each job goes through the real application (job API, RQ queue on Redis, worker, generator,
 * Cloud Storage) against Backlot's fakes of Redis, GCS, Runway, Veo, MiniMax and Wan2.1 (Gradio).
 * Renders take time on one manual clock that the test moves; every job's RQ statuses are checked
 * by the Redis fake's job watch, and every remote task's states by its fake's job engine.
 */
@BacklotTest(reports = true)
@Execution(ExecutionMode.SAME_THREAD) // the tests of this class share one manual clock
class TextToVideoJobsTest {

  static final ManualClock CLOCK = Clock.manual(TtvStack.START);

  RedisFake redis;
  GcsFake gcs;
  RunwayFake runway;
  VeoFake veo;
  MiniMaxFake minimax;
  GradioFake wan;

  @FakeFactory
  static GcsFake.Builder gcs() {
    return TtvStack.gcs(CLOCK);
  }

  @FakeFactory
  static RunwayFake.Builder runway() {
    return TtvStack.runway(CLOCK);
  }

  @FakeFactory
  static VeoFake.Builder veo() {
    return TtvStack.veo(CLOCK);
  }

  @FakeFactory
  static MiniMaxFake.Builder minimax() {
    return TtvStack.minimax(CLOCK);
  }

  @FakeFactory
  static GradioFake.Builder wan() {
    return TtvStack.wan(CLOCK);
  }

  TtvStack app;
  Api api;
  JobWatch rq;

  @BeforeEach
  void startTheApp() {
    rq = redis.watchJobs(JobLayout.RQ);
    app = new TtvStack(CLOCK, redis, gcs, runway, veo, minimax, wan, 2);
    api = app.client;
  }

  @AfterEach
  void stopTheApp() throws Exception {
    app.close();
    rq.close();
  }

  /** Waits until the generator's fake has {@code n} tasks, then lets {@code render} pass on its clock. */
  private static void renderOn(JobEngine generator, int n, Duration render) {
    await().atMost(Duration.ofSeconds(60)).until(() -> generator.jobs().size() >= n);
    CLOCK.advance(render);
  }

  private String objectOf(String id) {
    return "renders/2026-03/" + id + "/final_video.mp4";
  }

  private void assertFinishedWithAPlayableVideo(String id) {
    JsonNode done = api.awaitEnd(id);
    assertThat(done.path("status").asText()).as("%s", done).isEqualTo("finished");
    assertThat(done.path("gcs_uri").asText()).isEqualTo("gs://ttv-artifacts/" + objectOf(id));
    GcsObject stored = gcs.object(TtvStack.BUCKET, objectOf(id));
    assertThat(stored.contentType()).isEqualTo("video/mp4");
    String url = api.artifact(id).json().path("url").asText();
    byte[] viaUrl = api.fetch(url).body();
    assertThat(viaUrl).isEqualTo(stored.bytes());
    assertThat(new String(viaUrl, 4, 4)).isEqualTo("ftyp");
    assertThat(rq.statuses(id)).containsExactly("queued", "started", "finished");
    rq.assertLegal();
  }

  // ---------------------------------------------------------------- the flow, per generator

  @Test
  void aRunwayJobGoesFromSubmitToASignedUrlOfItsVideo() {
    String id = api.submit("a lighthouse in a storm, 35mm", "runway");
    assertThat(api.status(id).path("status").asText()).isIn("queued", "started");

    renderOn(runway.jobs(), 1, Duration.ofSeconds(2));

    assertFinishedWithAPlayableVideo(id);
    assertThat(TtvStack.states(runway.jobs(), 0)).containsExactly(QUEUED, RUNNING, SUCCEEDED);
    runway.journal().verify(1, RequestPattern.post("/v1/text_to_video").bodyContains("a lighthouse"));
    runway.jobs().assertHealthy();
  }

  @Test
  void aVeoJobRendersThroughTheOfficialGenAiSdk() {
    String id = api.submit("waves at dawn", "veo");

    renderOn(veo.jobs(), 1, VeoFake.DEFAULT_DURATION);

    assertFinishedWithAPlayableVideo(id);
    assertThat(TtvStack.states(veo.jobs(), 0)).containsExactly(QUEUED, RUNNING, SUCCEEDED);
    assertThat(veo.journal().count(e -> e.path().endsWith(":download"))).isEqualTo(1);
    veo.jobs().assertHealthy();
  }

  @Test
  void aMiniMaxJobRendersAndIsFetchedThroughItsDownloadUrl() {
    String id = api.submit("a paper boat on a river", "minimax");

    renderOn(minimax.jobs(), 1, Duration.ofSeconds(3));

    assertFinishedWithAPlayableVideo(id);
    assertThat(TtvStack.states(minimax.jobs(), 0)).containsExactly(QUEUED, RUNNING, SUCCEEDED);
    minimax.journal().verify(1, RequestPattern.get("/v1/files/retrieve"));
    minimax.jobs().assertHealthy();
  }

  @Test
  void aWanJobRendersOnTheGradioQueue() {
    String id = api.submit("a fox in the snow", "wan");

    renderOn(wan.jobs(), 1, Duration.ofSeconds(1));

    assertFinishedWithAPlayableVideo(id);
    assertThat(TtvStack.states(wan.jobs(), 0)).containsExactly(QUEUED, RUNNING, SUCCEEDED);
    wan.journal().verify(1, RequestPattern.post("/gradio_api/call/t2v_generation"));
    wan.jobs().assertHealthy();
  }

  // ---------------------------------------------------------------- failure, cancellation, logs

  @Test
  void aGeneratorRefusalFailsTheJobWithRunwaysReasonAndStoresNothing() {
    runway.jobs().script().next(1).fail("Input text flagged by moderation", "SAFETY.INPUT.TEXT");
    String id = api.submit("something forbidden", "runway");

    renderOn(runway.jobs(), 1, Duration.ofSeconds(2));

    JsonNode failed = api.awaitEnd(id);
    assertThat(failed.path("status").asText()).isEqualTo("failed");
    assertThat(failed.path("error").asText())
        .isEqualTo("runway: Input text flagged by moderation (SAFETY.INPUT.TEXT)");
    assertThat(api.artifact(id).status()).isEqualTo(409);
    assertThat(gcs.objects(TtvStack.BUCKET)).isEmpty();
    assertThat(rq.statuses(id)).containsExactly("queued", "started", "failed");
    assertThat(TtvStack.states(runway.jobs(), 0)).containsExactly(QUEUED, RUNNING, FAILED);
    rq.assertLegal();
  }

  @Test
  void aVeoOperationWhoseSamplesAreAllFilteredFailsTheJob() {
    veo.jobs().script().next(1).succeedWith(VeoFake.raiFiltered("unsafe content"));
    String id = api.submit("something unsafe", "veo");

    renderOn(veo.jobs(), 1, VeoFake.DEFAULT_DURATION);

    JsonNode failed = api.awaitEnd(id);
    assertThat(failed.path("status").asText()).isEqualTo("failed");
    assertThat(failed.path("error").asText()).contains("every sample was filtered").contains("unsafe content");
    assertThat(rq.statuses(id)).containsExactly("queued", "started", "failed");
    veo.jobs().assertHealthy();
  }

  @Test
  void cancellingARunningJobDeletesTheRunwayTaskAndStoresNothing() {
    String id = api.submit("a long tracking shot", "runway");
    await().until(() -> runway.jobs().jobs().size() == 1);
    CLOCK.advance(Duration.ZERO); // the task starts running, and stays there
    api.awaitStatus(id, "started");

    Api.Reply cancel = api.cancel(id);

    assertThat(cancel.status()).isEqualTo(200);
    assertThat(cancel.json().path("status").asText()).isEqualTo("canceled");
    await().until(() -> runway.jobs().jobs().get(0).state() == CANCELLED);
    runway.journal().verify(1, RequestPattern.delete("/v1/tasks/" + runway.jobs().jobs().get(0).id()));
    CLOCK.advance(Duration.ofSeconds(10));
    assertThat(api.status(id).path("status").asText()).isEqualTo("canceled");
    assertThat(api.cancel(id).status()).as("a second cancel").isEqualTo(409);
    assertThat(gcs.objects(TtvStack.BUCKET)).isEmpty();
    assertThat(rq.statuses(id)).containsExactly("queued", "started", "canceled");
    assertThat(TtvStack.states(runway.jobs(), 0)).containsExactly(QUEUED, RUNNING, CANCELLED);
    rq.assertLegal();
    runway.jobs().assertHealthy();
  }

  @Test
  void cancellingAQueuedJobTakesItOffTheQueueBeforeAnyGeneratorSeesIt() {
    String first = api.submit("one", "runway");
    String second = api.submit("two", "runway");
    await().until(() -> runway.jobs().jobs().size() == 2); // both workers are busy
    String third = api.submit("three", "runway");

    assertThat(api.cancel(third).status()).isEqualTo(200);
    CLOCK.advance(Duration.ofSeconds(2));

    assertThat(api.awaitEnd(first).path("status").asText()).isEqualTo("finished");
    assertThat(api.awaitEnd(second).path("status").asText()).isEqualTo("finished");
    assertThat(rq.statuses(third)).containsExactly("queued", "canceled");
    assertThat((Long) redis.call("LLEN", "rq:queue:default")).isZero();
    assertThat(runway.jobs().jobs()).hasSize(2);
    runway.journal().verify(0, RequestPattern.post("/v1/text_to_video").bodyContains("three"));
    rq.assertLegal();
  }

  @Test
  void theJobLogTellsTheStoryOfARender() {
    String id = api.submit("a red balloon", "runway");
    renderOn(runway.jobs(), 1, Duration.ofSeconds(2));
    api.awaitEnd(id);
    String task = runway.jobs().jobs().get(0).id();

    List<String> logs = api.logs(id);

    assertThat(logs.get(0)).isEqualTo("queued for runway");
    assertThat(logs.get(1)).startsWith("started on ttv-worker-");
    assertThat(logs).contains("runway task " + task + " created", "runway task " + task + " SUCCEEDED",
        "finished: gs://ttv-artifacts/" + objectOf(id));
    assertThat(logs.get(logs.size() - 2)).matches("uploading \\d+ bytes");
    assertThat(api.send("GET", "/v1/jobs/no-such-job/logs", null).status()).isEqualTo(404);
  }

  @Test
  void eightConcurrentJobsOnEveryGeneratorAllFinishWithLegalStates() throws Exception {
    List<String> generators = List.of("runway", "veo", "minimax", "wan");
    ExecutorService clients = Executors.newFixedThreadPool(8);
    List<Future<String>> submitted = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String generator = generators.get(i % 4);
      String prompt = "scene " + i;
      submitted.add(clients.submit(() -> api.submit(prompt, generator)));
    }
    List<String> ids = new ArrayList<>();
    for (Future<String> f : submitted) {
      ids.add(f.get());
    }
    clients.shutdown();

    // two workers: move the clock a second at a time until every job has ended
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50)).until(() -> {
      CLOCK.advance(Duration.ofSeconds(1));
      return ids.stream().allMatch(id -> Api.ENDED.contains(api.status(id).path("status").asText()));
    });

    for (String id : ids) {
      assertThat(api.status(id).path("status").asText()).as(id).isEqualTo("finished");
      assertThat(rq.statuses(id)).as(id).containsExactly("queued", "started", "finished");
    }
    assertThat(gcs.objects(TtvStack.BUCKET)).hasSize(8);
    assertThat(List.of(runway.jobs(), veo.jobs(), minimax.jobs(), wan.jobs()))
        .allSatisfy(jobs -> assertThat(jobs.count(SUCCEEDED)).isEqualTo(2));
    rq.assertLegal();
    runway.jobs().assertHealthy();
    veo.jobs().assertHealthy();
    minimax.jobs().assertHealthy();
    wan.jobs().assertHealthy();
  }
}
