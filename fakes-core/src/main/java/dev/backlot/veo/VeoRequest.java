package dev.backlot.veo;

/**
 * One accepted video request, as the Veo fake validated it: the input of its job in {@link
 * VeoFake#jobs()}, so a test can script jobs by what was asked.
 *
 * <pre>{@code
 * veo.jobs().script().matching(VeoRequest.class, r -> r.prompt().contains("storm"))
 *     .fail("The prompt could not be submitted.", "INVALID_ARGUMENT");
 * veo.jobs().script().matching(VeoRequest.class, r -> r.api() == VeoRequest.Api.VERTEX).stall();
 * }</pre>
 *
 * @param api which surface received it
 * @param model the model id, without {@code models/} or {@code publishers/google/models/}
 * @param operationName the operation's full name (the job's id)
 * @param prompt the text prompt ("" when only an image was given)
 * @param hasImage whether {@code instances[0].image} was given (image-to-video)
 * @param aspectRatio "16:9" or "9:16"
 * @param resolution "720p", "1080p" or "4k"
 * @param durationSeconds the clip's length
 * @param sampleCount how many videos to make
 * @param width the clip's width in pixels
 * @param height the clip's height in pixels
 * @param fps frames per second of the clips the fake renders
 * @param storageUri Vertex's {@code parameters.storageUri} ({@code gs://bucket/prefix/}), or null
 * @param seed the seed the clips are rendered from (from the prompt, image, model and any {@code
 *     parameters.seed})
 */
public record VeoRequest(
    Api api,
    String model,
    String operationName,
    String prompt,
    boolean hasImage,
    String aspectRatio,
    String resolution,
    int durationSeconds,
    int sampleCount,
    int width,
    int height,
    int fps,
    String storageUri,
    long seed) {

  /** The surface a request came through. */
  public enum Api {
    /** The Gemini Developer API ({@code /v1beta/models/...}). */
    GEMINI,
    /** Vertex AI ({@code /v1/projects/.../publishers/google/models/...}). */
    VERTEX
  }

  /** How many frames each clip has. */
  public int frames() {
    return durationSeconds * fps;
  }

  VeoRequest withOperationName(String name) {
    return new VeoRequest(api, model, name, prompt, hasImage, aspectRatio, resolution,
        durationSeconds, sampleCount, width, height, fps, storageUri, seed);
  }
}
