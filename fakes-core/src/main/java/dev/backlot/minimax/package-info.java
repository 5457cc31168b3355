/**
 * A fake of MiniMax's video generation API (v1, {@code https://api.minimax.io}) for any HTTP
 * client: {@link dev.backlot.minimax.MiniMaxFake}.
 *
 * <p><b>Covers.</b> {@code POST /v1/video_generation} with the documented models ({@code
 * T2V-01}, {@code T2V-01-Director}, {@code I2V-01}, {@code I2V-01-Director}, {@code I2V-01-live},
 * {@code S2V-01}, {@code MiniMax-Hailuo-02}, {@code MiniMax-Hailuo-2.3}, {@code
 * MiniMax-Hailuo-2.3-Fast}): required {@code prompt} / {@code first_frame_image} / {@code
 * subject_reference} per model, images as http(s) URLs or base64 data URIs, {@code resolution}
 * and {@code duration} per model (10 s not at 1080P), {@code callback_url} form; the answer is
 * {@code {"task_id": "<digits>", "base_resp": {"status_code": 0, "status_msg": "success"}}}.
 * {@code GET /v1/query/video_generation?task_id=} shows Preparing, Queueing, Processing, Success
 * (with {@code file_id}, {@code video_width}, {@code video_height} equal to the file's) and Fail.
 * {@code GET /v1/files/retrieve?file_id=} answers {@code file_id}, {@code bytes}, {@code
 * created_at}, {@code filename} ({@code output_aigc.mp4}), {@code purpose} and a {@code
 * download_url} on the fake itself that needs no credentials and expires on the fake's clock (9 h
 * by default; then 403 with an OSS-style XML body). Every answer carries a {@code Trace-Id}.
 *
 * <p><b>Errors</b> are HTTP 200 with a non-zero {@code base_resp.status_code}, as MiniMax's v1 API
 * answers: 1004 ({@code login fail: ...} without a key, {@code invalid api key} with a wrong one),
 * 2013 ({@code invalid params, ...}), 1002 ({@code rate limit exceeded(RPM)}, from {@code
 * rateLimit}), 1008 ({@code insufficient balance}, from {@code balance}). A job scripted to fail
 * with an integer detail (e.g. 1027) shows Fail with that code; other failures show Fail with
 * {@code status_code} 0. Faults keep their HTTP status and get a {@code base_resp} body.
 *
 * <p><b>Outputs</b> are real H.264 MP4s from {@link dev.backlot.media.Media}, 16:9 at the
 * resolution's height (512P 912x512, 720P 1280x720, 768P 1366x768, 1080P 1920x1080), or, when the
 * first frame is a PNG data URI, with that image's aspect.
 *
 * <p><b>Differs from MiniMax.</b> Images are checked for form only, never fetched; the exact texts
 * of some 2013 messages, and the code for an unknown task or file (2013), are the fake's own.
 * {@code callback_url} is checked but never called. There is no cancel API (as in MiniMax); a job
 * cancelled through {@code jobs()} shows Fail. The v2 surface and the other MiniMax APIs (text,
 * speech, music, image) are not faked.
 */
package dev.backlot.minimax;
