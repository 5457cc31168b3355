/**
 * A fake of Runway's developer API ({@code https://api.dev.runwayml.com}, version {@code
 * 2024-11-06}) for {@code @runwayml/sdk} and any HTTP client: {@link dev.backlot.runway.RunwayFake}.
 *
 * <p><b>Covers.</b> Task creation on {@code POST /v1/image_to_video}, {@code /v1/text_to_video},
 * {@code /v1/video_to_video}, {@code /v1/video_upscale} and {@code /v1/character_performance},
 * with every model {@code @runwayml/sdk} 4.20.1 types for them (plus {@code veo3}): required
 * fields, {@code ratio} and {@code resolution} values, {@code duration} rules, {@code seed}, and
 * assets ({@code promptImage} as a string or a list of {@code {uri, position}}, {@code videoUri},
 * {@code promptVideo}, {@code character}, {@code reference}) as https URLs on a domain or base64
 * data URIs of a supported type (at most 5 MB). The answer is {@code {"id", "estimatedCost"}}.
 * {@code GET /v1/tasks/{id}} shows PENDING, THROTTLED, RUNNING (with {@code progress} 0..1),
 * SUCCEEDED (with {@code output} links, signed afresh on each fetch), FAILED ({@code failure},
 * {@code failureCode}) and CANCELLED, with {@code createdAt} and {@code estimatedCost}/{@code
 * cost}; {@code DELETE /v1/tasks/{id}} answers 204, cancels a waiting or running task, and the
 * task is then gone (404). Errors: 401 without a bearer key (or with one not configured), 400
 * {@code {"error":"Invalid API Version"}} without a known {@code X-Runway-Version}, 400 {@code
 * {"error":"Validation of body failed","issues":[...],"docUrl":...}} with zod-4-shaped issues for
 * bad bodies, 404 for unknown tasks and routes, 405 for a wrong method.
 *
 * <p><b>Outputs.</b> Real H.264 MP4s from {@link dev.backlot.media.Media}: a pixel ratio such as
 * {@code 1280:720} is the size; an aspect ({@code 16:9}, {@code adaptive}) is scaled to the
 * {@code resolution} (720p by default); the length is {@code duration} (or the model's default:
 * 8 s for the Veo models, 5 s otherwise). Links point at the fake itself ({@code
 * /_output/{token}/{taskId}.mp4}, through the Host the client used), need no credentials, and
 * expire on the fake's clock (24 h by default; 403 after).
 *
 * <p><b>Differs from Runway.</b> Assets are checked for form only, never fetched; video inputs do
 * not set the output length. Costs are the fake's estimate (credits per second by model). The
 * exact texts of the 401/404 bodies are the fake's own ({@code "Invalid API key"}, {@code "Task
 * not found"}). A task waiting for a slot shows PENDING; THROTTLED comes from a scripted throttle
 * ({@code jobs().script().next(1).throttle(d)}). The audio, image and avatar routes of the SDK
 * ({@code text_to_image}, {@code text_to_speech}, {@code sound_effect}, ...) are not faked. No
 * rate limit of its own: add 429s with {@code faults()}.
 */
package dev.backlot.runway;
