package dev.backlot.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backlot.comfyui.ComfyUiFake;
import dev.backlot.examples.StoryboardPipeline.Endpoints;
import dev.backlot.examples.StoryboardPipeline.Frame;
import dev.backlot.examples.StoryboardPipeline.PipelineException;
import dev.backlot.gcs.GcsFake;
import dev.backlot.gcs.GcsObject;
import dev.backlot.journal.RequestPattern;
import dev.backlot.junit.BacklotTest;
import dev.backlot.junit.FakeFactory;
import dev.backlot.openai.OpenAiFake;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The scenarios a team writes for its text-to-image pipeline (see the users' test plans: job
 * flow, failure recovery, storage errors), with the real client code against three fakes at
 * once: an OpenAI-compatible gateway, ComfyUI, and Cloud Storage.
 */
@BacklotTest
class StoryboardPipelineTest {

  OpenAiFake llm;
  ComfyUiFake comfy;
  GcsFake gcs;

  @FakeFactory
  static OpenAiFake.Builder llm() {
    return OpenAiFake.builder().setup(f -> f.reply("A lighthouse at dusk, long exposure, crashing waves"));
  }

  @FakeFactory
  static GcsFake.Builder gcs() {
    return GcsFake.builder().bucket("storyboard");
  }

  private StoryboardPipeline pipeline(Duration renderTimeout) {
    return new StoryboardPipeline(
        new Endpoints(llm.baseUri(), comfy.baseUri(), gcs.baseUri(), "storyboard"), renderTimeout, 3);
  }

  @Test
  void turnsAnIdeaIntoAStoredFrame() throws Exception {
    Frame frame = pipeline(Duration.ofSeconds(30)).run("a lighthouse", 42);

    assertThat(frame.prompt()).isEqualTo("A lighthouse at dusk, long exposure, crashing waves");
    GcsObject stored = gcs.object("storyboard", frame.objectName());
    assertThat(stored).isNotNull();
    assertThat(stored.size()).isEqualTo(frame.bytes());
    BufferedImage png = ImageIO.read(new ByteArrayInputStream(stored.bytes()));
    assertThat(png.getWidth()).isEqualTo(64);
    assertThat(comfy.history(frame.promptId())).isNotNull();
    comfy.jobs().assertHealthy();
    llm.journal().verify(1, RequestPattern.post("/v1/chat/completions").bodyContains("a lighthouse"));
  }

  @Test
  void sameIdeaAndSeedGiveTheSameImage() throws Exception {
    Frame a = pipeline(Duration.ofSeconds(30)).run("a lighthouse", 7);
    Frame b = pipeline(Duration.ofSeconds(30)).run("a lighthouse", 7);
    assertThat(gcs.object("storyboard", a.objectName()).bytes())
        .isEqualTo(gcs.object("storyboard", b.objectName()).bytes());
  }

  @Test
  void aRateLimitedGatewayIsRetriedAfterItsRetryAfter() throws Exception {
    llm.faults().on("POST", "/v1/chat/completions").next(2).rateLimit(Duration.ofMillis(20)).retryAfterMs();

    Frame frame = pipeline(Duration.ofSeconds(30)).run("a lighthouse", 1);

    assertThat(frame.objectName()).startsWith("frames/");
    llm.journal().verify(3, RequestPattern.post("/v1/chat/completions"));
    llm.journal().verify(2, RequestPattern.post("/v1/chat/completions").status(429));
  }

  @Test
  void aGpuFailureIsReportedAsAComfyUiErrorAndNothingIsStored() {
    comfy.jobs().script().next(1).fail("CUDA out of memory");

    assertThatThrownBy(() -> pipeline(Duration.ofSeconds(30)).run("a lighthouse", 1))
        .isInstanceOfSatisfying(PipelineException.class, e -> assertThat(e.stage()).isEqualTo("comfyui"))
        .hasMessageContaining("CUDA out of memory");
    assertThat(gcs.objects("storyboard")).isEmpty();
  }

  @Test
  void aHungRenderTimesOutInsteadOfWaitingForever() {
    comfy.jobs().script().next(1).stall();

    assertThatThrownBy(() -> pipeline(Duration.ofSeconds(1)).run("a lighthouse", 1))
        .isInstanceOf(PipelineException.class)
        .hasMessageContaining("did not finish within PT1S");
  }

  @Test
  void aDroppedWebSocketFailsTheRunClearly() {
    comfy.faults().onWebSocket("/ws").closeAfter(2, 1011);

    assertThatThrownBy(() -> pipeline(Duration.ofSeconds(30)).run("a lighthouse", 1))
        .isInstanceOfSatisfying(PipelineException.class, e -> assertThat(e.stage()).isEqualTo("comfyui"))
        .hasMessageContaining("lost the WebSocket");
  }

  @Test
  void aStorageHiccupIsRetriedAndTheFrameStoredOnce() throws Exception {
    gcs.faults().on("POST", "/upload/storage/v1/b/{bucket}/o").next(1).status(503);

    Frame frame = pipeline(Duration.ofSeconds(30)).run("a lighthouse", 3);

    gcs.journal().verify(2, RequestPattern.post("/upload/storage/v1/b/storyboard/o"));
    assertThat(gcs.objects("storyboard")).hasSize(1);
    assertThat(gcs.object("storyboard", frame.objectName())).isNotNull();
  }

  @Test
  void storageThatStaysDownFailsAtTheStorageStage() {
    gcs.faults().on("POST", "/upload/storage/v1/b/{bucket}/o").status(503);

    assertThatThrownBy(() -> pipeline(Duration.ofSeconds(30)).run("a lighthouse", 1))
        .isInstanceOfSatisfying(PipelineException.class, e -> assertThat(e.stage()).isEqualTo("storage"))
        .hasMessageContaining("HTTP 503");
    gcs.journal().verify(3, RequestPattern.post("/upload/storage/v1/b/storyboard/o"));
  }
}
