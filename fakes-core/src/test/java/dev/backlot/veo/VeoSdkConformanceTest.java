package dev.backlot.veo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.genai.Client;
import com.google.genai.errors.ClientException;
import com.google.genai.types.GenerateVideosConfig;
import com.google.genai.types.GenerateVideosOperation;
import com.google.genai.types.GenerateVideosSource;
import com.google.genai.types.GeneratedVideo;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.Image;
import dev.backlot.time.Clock;
import dev.backlot.time.ManualClock;
import dev.backlot.gcs.GcsFake;
import dev.backlot.gcs.GcsObject;
import dev.backlot.jobs.JobState;
import dev.backlot.jobs.LongRunningOperations;
import dev.backlot.media.Media;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official Java SDK, com.google.genai:google-genai 1.70.0, against the Veo fake: the Gemini
 * Developer API flow (generate, poll, download) and the Vertex AI flow (generate, fetch the
 * operation, outputs in the GCS fake or inline), under a manual clock.
 */
class VeoSdkConformanceTest {

  static final ManualClock clock = Clock.manual();
  static GcsFake gcs;
  static VeoFake veo;

  @BeforeAll
  static void start() {
    gcs = GcsFake.builder().bucket("renders").start();
    veo = VeoFake.builder().clock(clock)
        .storage((bucket, name, bytes, type) -> gcs.putObject(bucket, name, bytes, type, Map.of()))
        .start();
  }

  @AfterAll
  static void stop() {
    veo.close();
    gcs.close();
  }

  @BeforeEach
  void reset() {
    veo.reset();
    gcs.reset();
  }

  static Client gemini() {
    return Client.builder().apiKey("test-key")
        .httpOptions(HttpOptions.builder().baseUrl(veo.baseUri().toString()).build())
        .build();
  }

  /** Vertex mode with a static access token: no real credentials, no token endpoint. */
  static Client vertex() {
    GoogleCredentials token = GoogleCredentials.create(
        new AccessToken("ya29.test-token", Date.from(Instant.now().plus(Duration.ofDays(1)))));
    return Client.builder().vertexAI(true).project("test-project").location("us-central1")
        .credentials(token)
        .httpOptions(HttpOptions.builder().baseUrl(veo.baseUri().toString()).build())
        .build();
  }

  @Test
  void geminiGeneratesPollsAndDownloadsAVideoOfTheRequestedShape(@TempDir Path dir) throws Exception {
    Client client = gemini();
    GenerateVideosOperation op = client.models.generateVideos("veo-3.0-generate-001",
        GenerateVideosSource.builder().prompt("a lighthouse in a storm").build(),
        GenerateVideosConfig.builder().aspectRatio("9:16").durationSeconds(4).build());
    assertThat(op.name()).hasValueSatisfying(
        n -> assertThat(n).matches("models/veo-3\\.0-generate-001/operations/[a-z0-9]{12}"));
    assertThat(op.done().orElse(false)).isFalse();

    op = client.operations.getVideosOperation(op, null);
    assertThat(op.done().orElse(false)).as("not done before the clock moves").isFalse();

    clock.advance(VeoFake.DEFAULT_DURATION);
    op = client.operations.getVideosOperation(op, null);
    assertThat(op.done()).hasValue(true);
    assertThat(op.error()).isEmpty();
    List<GeneratedVideo> videos = op.response().orElseThrow().generatedVideos().orElseThrow();
    assertThat(videos).hasSize(1);
    String uri = videos.get(0).video().orElseThrow().uri().orElseThrow();
    assertThat(uri).matches("https://127\\.0\\.0\\.1:\\d+/v1beta/files/[a-z0-9]{12}:download\\?alt=media");

    Path file = dir.resolve("video.mp4");
    client.files.download(videos.get(0), file.toString(), null);
    Probe.assertVideo(file, 720, 1280, 4);
    String fileId = uri.replaceAll(".*/files/([a-z0-9]+):.*", "$1");
    assertThat(Files.readAllBytes(file)).isEqualTo(veo.file(fileId).orElseThrow());
    assertThat(veo.journal().count(e -> e.path().contains(":download"))).isEqualTo(1);
    veo.jobs().assertHealthy();
  }

  @Test
  void veo2MakesSeveralSamplesOfFiveSecondsAndEachDownloads(@TempDir Path dir) throws Exception {
    Client client = gemini();
    GenerateVideosOperation op = client.models.generateVideos("veo-2.0-generate-001",
        GenerateVideosSource.builder().prompt("waves").build(),
        GenerateVideosConfig.builder().aspectRatio("16:9").durationSeconds(5).numberOfVideos(2).build());
    clock.advance(VeoFake.DEFAULT_DURATION);
    op = client.operations.getVideosOperation(op, null);
    List<GeneratedVideo> videos = op.response().orElseThrow().generatedVideos().orElseThrow();
    assertThat(videos).hasSize(2);
    byte[] first = null;
    for (int i = 0; i < videos.size(); i++) {
      Path f = dir.resolve("v" + i + ".mp4");
      client.files.download(videos.get(i).video().orElseThrow(), f.toString(), null);
      Probe.assertVideo(f, 1280, 720, 5);
      byte[] bytes = Files.readAllBytes(f);
      if (first != null) {
        assertThat(bytes).as("two samples differ").isNotEqualTo(first);
      }
      first = bytes;
    }
  }

  @Test
  void imageToVideoIsAccepted(@TempDir Path dir) throws Exception {
    Client client = gemini();
    Image image = Image.builder().imageBytes(Media.png(64, 64, 7)).mimeType("image/png").build();
    GenerateVideosOperation op = client.models.generateVideos("veo-3.1-fast-generate-preview",
        GenerateVideosSource.builder().image(image).build(),
        GenerateVideosConfig.builder().durationSeconds(6).build());
    clock.advance(VeoFake.DEFAULT_DURATION);
    op = client.operations.getVideosOperation(op, null);
    GeneratedVideo v = op.response().orElseThrow().generatedVideos().orElseThrow().get(0);
    Path f = dir.resolve("i2v.mp4");
    client.files.download(v, f.toString(), null);
    Probe.assertVideo(f, 1280, 720, 6);
    assertThat(veo.jobs().jobs().get(0).input(VeoRequest.class).hasImage()).isTrue();
  }

  @Test
  void aScriptedFailureEndsTheOperationWithAStatus() {
    veo.jobs().script().next(1).fail("The prompt could not be submitted.", "INVALID_ARGUMENT");
    Client client = gemini();
    GenerateVideosOperation op = client.models.generateVideos("veo-3.0-fast-generate-001",
        GenerateVideosSource.builder().prompt("x").build(), null);
    clock.advance(VeoFake.DEFAULT_DURATION);
    op = client.operations.getVideosOperation(op, null);
    assertThat(op.done()).hasValue(true);
    assertThat(op.response()).isEmpty();
    assertThat(op.error()).hasValueSatisfying(e -> assertThat(e)
        .containsEntry("code", 3)
        .containsEntry("message", "The prompt could not be submitted."));
  }

  @Test
  void filteredSamplesComeBackAsCountsAndReasons() {
    veo.jobs().script().next(1).succeedWith(VeoFake.raiFiltered("unsafe content"));
    Client client = gemini();
    GenerateVideosOperation op = client.models.generateVideos("veo-3.0-generate-001",
        GenerateVideosSource.builder().prompt("x").build(), null);
    clock.advance(VeoFake.DEFAULT_DURATION);
    op = client.operations.getVideosOperation(op, null);
    assertThat(op.response().orElseThrow().raiMediaFilteredCount()).hasValue(1);
    assertThat(op.response().orElseThrow().raiMediaFilteredReasons()).hasValue(List.of("unsafe content"));
    assertThat(op.response().orElseThrow().generatedVideos().orElse(List.of())).isEmpty();
  }

  @Test
  void sdkErrorsCarryGooglesCodeAndStatus() {
    Client client = gemini();
    assertThatThrownBy(() -> client.models.generateVideos("veo-9.9-imaginary",
        GenerateVideosSource.builder().prompt("x").build(), null))
        .isInstanceOfSatisfying(ClientException.class, e -> {
          assertThat(e.code()).isEqualTo(404);
          assertThat(e.status()).isEqualTo("NOT_FOUND");
          assertThat(e.getMessage()).contains("models/veo-9.9-imaginary is not found");
        });
    assertThatThrownBy(() -> client.models.generateVideos("veo-3.0-generate-001",
        GenerateVideosSource.builder().prompt("x").build(),
        GenerateVideosConfig.builder().aspectRatio("4:3").build()))
        .isInstanceOfSatisfying(ClientException.class, e -> {
          assertThat(e.code()).isEqualTo(400);
          assertThat(e.status()).isEqualTo("INVALID_ARGUMENT");
        });
    assertThatThrownBy(() -> client.models.generateVideos("veo-3.0-generate-001",
        GenerateVideosSource.builder().prompt("x").build(),
        GenerateVideosConfig.builder().durationSeconds(5).build()))
        .isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.code()).isEqualTo(400));
    assertThat(veo.jobs().submittedCount()).isZero();
  }

  @Test
  void vertexWritesIntoTheWiredGcsFake() throws Exception {
    Client client = vertex();
    GenerateVideosOperation op = client.models.generateVideos("veo-3.0-generate-001",
        GenerateVideosSource.builder().prompt("a red kite").build(),
        GenerateVideosConfig.builder().aspectRatio("16:9").durationSeconds(4)
            .outputGcsUri("gs://renders/veo/").generateAudio(false).build());
    String name = op.name().orElseThrow();
    assertThat(name).matches("projects/test-project/locations/us-central1/publishers/google/models/"
        + "veo-3\\.0-generate-001/operations/[0-9a-f-]{36}");
    assertThat(client.operations.getVideosOperation(op, null).done().orElse(false)).isFalse();

    clock.advance(VeoFake.DEFAULT_DURATION);
    op = client.operations.getVideosOperation(op, null);
    assertThat(op.done()).hasValue(true);
    String uri = op.response().orElseThrow().generatedVideos().orElseThrow().get(0)
        .video().orElseThrow().uri().orElseThrow();
    assertThat(uri).matches("gs://renders/veo/\\d+/sample_0\\.mp4");
    GcsObject stored = gcs.object("renders", uri.substring("gs://renders/".length()));
    assertThat(stored).isNotNull();
    assertThat(stored.contentType()).isEqualTo("video/mp4");
    Probe.assertVideo(stored.bytes(), 1280, 720, 4);
    assertThat(veo.journal().find(e -> e.path().endsWith(":fetchPredictOperation"))).hasSize(2);
  }

  @Test
  void vertexWithoutStorageUriReturnsInlineBytes() throws Exception {
    Client client = vertex();
    GenerateVideosOperation op = client.models.generateVideos("veo-2.0-generate-001",
        GenerateVideosSource.builder().prompt("dunes").build(),
        GenerateVideosConfig.builder().aspectRatio("9:16").durationSeconds(5).build());
    clock.advance(VeoFake.DEFAULT_DURATION);
    op = client.operations.getVideosOperation(op, null);
    var video = op.response().orElseThrow().generatedVideos().orElseThrow().get(0).video().orElseThrow();
    assertThat(video.uri()).isEmpty();
    assertThat(video.mimeType()).hasValue("video/mp4");
    Probe.assertVideo(video.videoBytes().orElseThrow(), 720, 1280, 5);
    assertThat(gcs.objects("renders")).isEmpty();
    assertThat(LongRunningOperations.VOCABULARY.nameOf(veo.jobs().jobs().get(0).state()))
        .isEqualTo(LongRunningOperations.DONE_RESPONSE);
    assertThat(veo.jobs().jobs().get(0).state()).isEqualTo(JobState.SUCCEEDED);
  }
}
