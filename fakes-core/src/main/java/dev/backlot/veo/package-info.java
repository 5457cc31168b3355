/**
 * A fake Google Veo video generator: {@link dev.backlot.veo.VeoFake}, speaking both surfaces the
 * official SDKs ({@code com.google.genai:google-genai}, {@code @google/genai}) call.
 *
 * <p><b>What it covers.</b>
 *
 * <ul>
 *   <li>Gemini Developer API: {@code POST /v1beta/models/{model}:predictLongRunning} returning a
 *       google.longrunning.Operation named {@code models/{model}/operations/{id}}; {@code GET
 *       /v1beta/{name}} polling it; the videos as files whose {@code uri} is {@code
 *       https://<fake>/v1beta/files/{id}:download?alt=media}, served by {@code GET
 *       /v1beta/files/{id}:download?alt=media} (and described by {@code GET /v1beta/files/{id}})
 *       for two days on the fake's clock; API keys in {@code x-goog-api-key} or {@code ?key=}.
 *   <li>Vertex AI, under {@code /v1} and {@code /v1beta1}: {@code :predictLongRunning} and {@code
 *       :fetchPredictOperation} (and {@code GET .../operations/{id}}) under {@code
 *       projects/{p}/locations/{l}/publishers/google/models/{m}}; bearer tokens (or an API key);
 *       outputs written through a {@link dev.backlot.veo.GcsSink} when the request has {@code
 *       parameters.storageUri} and a sink is wired, else returned inline ({@code
 *       bytesBase64Encoded}).
 *   <li>Veo's parameter rules: one instance with a prompt and/or an image; {@code aspectRatio}
 *       16:9 or 9:16; {@code durationSeconds} 5-8 (Veo 2) or 4, 6, 8 (Veo 3, 3.1); {@code
 *       resolution} 720p (all), 1080p (Veo 3+), 4k (Veo 3.1), above 720p only for 8 s; {@code
 *       sampleCount} 1-4; Vertex-only parameters refused by the Gemini API; unknown top-level
 *       fields refused as protobuf's JSON parser does. Errors in Google's shape {@code {"error":
 *       {"code", "message", "status", "details"?}}}: 400 INVALID_ARGUMENT, 403 PERMISSION_DENIED
 *       (no key), 400 API_KEY_INVALID (a key the builder did not list), 401 UNAUTHENTICATED
 *       (Vertex without a token), 404 NOT_FOUND (unknown model or operation), 403 PERMISSION_DENIED
 *       (a file that does not exist or expired, as the Files API answers).
 *   <li>Every operation is a job on {@link dev.backlot.jobs.JobEngine} (names in {@link
 *       dev.backlot.jobs.LongRunningOperations}); scripts make it fail (a google.rpc.Status in
 *       {@code error}), stall, run longer, or finish with every sample filtered.
 * </ul>
 *
 * <p><b>Where it differs from Veo.</b> Videos are silent test patterns (no audio track even where
 * Veo 3 makes sound), 24 fps H.264 at the requested size and length; {@code negativePrompt},
 * {@code personGeneration}, {@code enhancePrompt}, {@code lastFrame}, {@code referenceImages},
 * {@code video}, {@code mask} and {@code webhookConfig} are checked for type but change nothing.
 * File URIs are https-shaped but point at the fake, which serves plain HTTP: the SDKs only take
 * the id out of them, a plain client uses {@link dev.backlot.veo.VeoFake#downloadUri(String)}.
 * The real download answers with a redirect to storage; the fake serves the bytes itself. Error
 * messages follow Google's wording where it is known and are paraphrased elsewhere. Vertex express
 * mode paths (without a project) and operation cancel/list/delete are not served. Only a GCS sink
 * makes the worker build clips on the clock's thread; otherwise a clip is built when first
 * downloaded or polled, then kept until {@code reset()}.
 */
package dev.backlot.veo;
