package dev.backlot.examples.ttv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.storage.StorageException;
import dev.backlot.gcs.GcsFake;
import dev.backlot.gcs.GcsObject;
import dev.backlot.journal.Entry;
import dev.backlot.journal.RequestPattern;
import dev.backlot.junit.BacklotTest;
import dev.backlot.junit.FakeFactory;
import dev.backlot.redis.JobLayout;
import dev.backlot.redis.JobWatch;
import dev.backlot.redis.RedisFake;
import dev.backlot.runway.RunwayFake;
import dev.backlot.time.Clock;
import dev.backlot.time.ManualClock;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Where the videos go (the user's "TestGCSIntegrationWithMocks"): the object path, upload and
 * download with the official google-cloud-storage client, storage errors, and V4 signed URLs
 * that the GCS fake verifies (signature against the service account's registered key, expiry on
 * the manual clock).
 */
@BacklotTest(reports = true)
@Execution(ExecutionMode.SAME_THREAD) // the tests of this class share one manual clock
class ArtifactStorageTest {

  static final ManualClock CLOCK = Clock.manual(TtvStack.START);
  static final String UPLOAD = "/upload/storage/v1/b/{bucket}/o";

  RedisFake redis;
  GcsFake gcs;
  RunwayFake runway;

  @FakeFactory
  static GcsFake.Builder gcs() {
    return TtvStack.gcs(CLOCK);
  }

  @FakeFactory
  static RunwayFake.Builder runway() {
    return TtvStack.runway(CLOCK);
  }

  TtvStack app;
  Api api;
  JobWatch rq;

  @BeforeEach
  void startTheApp() {
    rq = redis.watchJobs(JobLayout.RQ);
    app = new TtvStack(CLOCK, redis, gcs, runway, null, null, null, 1);
    api = app.client;
  }

  @AfterEach
  void stopTheApp() throws Exception {
    app.close();
    rq.close();
  }

  /** Submits a Runway job and lets it render; its final status document. */
  private JsonNode renderOne(String prompt) {
    String id = api.submit(prompt, "runway");
    int before = runway.jobs().jobs().size();
    await().until(() -> runway.jobs().jobs().size() > before);
    CLOCK.advance(Duration.ofSeconds(2));
    return api.awaitEnd(id);
  }

  @Test
  void theVideoIsStoredUnderPrefixMonthJobIdFinalVideoMp4() {
    JsonNode done = renderOne("a city at night");
    String id = done.path("id").asText();

    assertThat(gcs.objects(TtvStack.BUCKET)).extracting(GcsObject::name)
        .containsExactly("renders/2026-03/" + id + "/final_video.mp4");
    GcsObject video = gcs.object(TtvStack.BUCKET, "renders/2026-03/" + id + "/final_video.mp4");
    assertThat(video.contentType()).isEqualTo("video/mp4");
    assertThat(done.path("gcs_uri").asText()).isEqualTo("gs://ttv-artifacts/" + video.name());
    gcs.journal().verify(1, RequestPattern.post("/upload/storage/v1/b/ttv-artifacts/o"));
  }

  @Test
  void theMonthInThePathIsTheMonthTheJobWasCreatedInUtc() {
    assertThat(app.store.objectName("job-1", Instant.parse("2026-03-31T23:59:59Z")))
        .isEqualTo("renders/2026-03/job-1/final_video.mp4");
    assertThat(app.store.objectName("job-1", Instant.parse("2026-04-01T00:00:00Z")))
        .isEqualTo("renders/2026-04/job-1/final_video.mp4");
  }

  @Test
  void theStoreDownloadsWhatItUploadedAndNothingForAMissingObject() {
    byte[] bytes = "not really a video".getBytes(StandardCharsets.UTF_8);

    String uri = app.store.upload("job-42", CLOCK.instant(), bytes);

    assertThat(uri).isEqualTo("gs://ttv-artifacts/renders/2026-03/job-42/final_video.mp4");
    assertThat(app.store.download(uri)).isEqualTo(bytes);
    assertThat(app.store.download("gs://ttv-artifacts/renders/2026-03/nobody/final_video.mp4")).isNull();
    assertThatThrownBy(() -> app.store.upload("job-42", CLOCK.instant(), bytes))
        .as("an artifact is written once").isInstanceOf(StorageException.class)
        .satisfies(e -> assertThat(((StorageException) e).getCode()).isEqualTo(412));
  }

  @Test
  void aStorageHiccupIsRetriedByTheClientAndTheVideoStoredOnce() {
    gcs.faults().on("POST", UPLOAD).next(1).status(503);

    JsonNode done = renderOne("a quiet harbour");

    assertThat(done.path("status").asText()).isEqualTo("finished");
    gcs.journal().verify(2, RequestPattern.post("/upload/storage/v1/b/ttv-artifacts/o"));
    assertThat(gcs.journal().count(e -> e.fault() != null)).isEqualTo(1);
    assertThat(gcs.objects(TtvStack.BUCKET)).hasSize(1);
    gcs.faults().assertAllFired();
  }

  @Test
  void storageThatStaysDownFailsTheJobWithTheReasonInItsLog() {
    gcs.faults().on("POST", UPLOAD).status(503);

    JsonNode failed = renderOne("a storm over the sea");
    String id = failed.path("id").asText();

    assertThat(failed.path("status").asText()).isEqualTo("failed");
    assertThat(failed.path("error").asText()).isEqualTo("storage: HTTP 503 Service Unavailable");
    assertThat(gcs.journal().find(e -> e.fault() != null)).hasSize(3).allSatisfy(e ->
        assertThat(e.status()).isEqualTo(503));
    assertThat(gcs.objects(TtvStack.BUCKET)).isEmpty();
    assertThat(api.logs(id)).anyMatch(l -> l.startsWith("uploading ")).last().asString().startsWith("failed: ");
    assertThat(rq.statuses(id)).containsExactly("queued", "started", "failed");
    rq.assertLegal();
  }

  @Test
  void aSignedUrlWorksUntilItExpiresOnTheManualClock() {
    String id = renderOne("sunrise over dunes").path("id").asText();
    JsonNode artifact = api.artifact(id).json();
    String url = artifact.path("url").asText();
    assertThat(url).contains("X-Goog-Algorithm=GOOG4-RSA-SHA256").contains("X-Goog-Expires=900")
        .contains("/ttv-artifacts/renders/2026-03/" + id + "/final_video.mp4?");
    assertThat(Instant.parse(artifact.path("expires_at").asText())).isEqualTo(CLOCK.instant().plus(TtvStack.URL_TTL));

    assertThat(api.fetch(url).statusCode()).isEqualTo(200);
    CLOCK.advance(Duration.ofMinutes(14));
    assertThat(api.fetch(url).statusCode()).as("14 minutes later").isEqualTo(200);
    CLOCK.advance(Duration.ofMinutes(2));
    HttpResponse<byte[]> expired = api.fetch(url);

    assertThat(expired.statusCode()).isEqualTo(400);
    assertThat(new String(expired.body(), StandardCharsets.UTF_8)).contains("<Code>ExpiredToken</Code>");
    String fresh = api.artifact(id).json().path("url").asText();
    assertThat(api.fetch(fresh).body()).isEqualTo(gcs.object(TtvStack.BUCKET, "renders/2026-03/" + id + "/final_video.mp4").bytes());
  }

  @Test
  void aTamperedSignedUrlIsRefusedWithSignatureDoesNotMatch() {
    String id = renderOne("a lantern").path("id").asText();
    String url = api.artifact(id).json().path("url").asText();
    String otherObject = url.replace("/final_video.mp4?", "/other.mp4?");

    HttpResponse<byte[]> refused = api.fetch(otherObject);

    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(new String(refused.body(), StandardCharsets.UTF_8)).contains("<Code>SignatureDoesNotMatch</Code>");
    assertThat(gcs.journal().find(Entry::unmatched)).isEmpty();
  }

  @Test
  void theArtifactEndpointAnswers409BeforeTheJobFinishesAnd404ForAnUnknownJob() {
    String id = api.submit("slow clouds", "runway");
    await().until(() -> runway.jobs().jobs().size() == 1);

    Api.Reply early = api.artifact(id);

    assertThat(early.status()).isEqualTo(409);
    assertThat(early.json().at("/error/message").asText()).contains("no artifact yet");
    assertThat(api.artifact("no-such-job").status()).isEqualTo(404);
    CLOCK.advance(Duration.ofSeconds(2));
    api.awaitStatus(id, "finished");
    assertThat(api.artifact(id).status()).isEqualTo(200);
  }
}
