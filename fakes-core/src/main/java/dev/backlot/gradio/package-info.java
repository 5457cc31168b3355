/**
 * A fake Gradio server ({@link dev.backlot.gradio.GradioFake}), as the Wan2GP and Wan2.1 video
 * generators run it, for {@code @gradio/client} (1.x and 2.x), Python's {@code gradio_client}
 * and plain HTTP callers.
 *
 * <p><b>Covers</b> Gradio 5.29's API surface: {@code /config} ({@code protocol: "sse_v3"},
 * {@code api_prefix: "/gradio_api"}, an absolute {@code root} built from the request's Host),
 * {@code /gradio_api/info}, {@code queue/join} + {@code queue/data} (messages buffered per session,
 * {@code data:} lines only, {@code estimation}, {@code process_starts}, {@code progress}, {@code
 * process_generating} with diffs, {@code process_completed}, {@code heartbeat} after 15 s of
 * silence, {@code close_stream} then the end of the response), the call API ({@code
 * call/<name>} with named events), {@code run/<name>}, {@code upload} (repeated {@code files}
 * parts), {@code file=} (Range, 206, 403 outside the fake's uploads and outputs), {@code
 * cancel}, {@code reset}, {@code app_id} and {@code heartbeat}; errors in FastAPI's {@code
 * {"detail": ...}} shape (422 validation lists, 503 queue full, 400 missing session hash);
 * {@code gr.Error} ({@link dev.backlot.gradio.GradioError}) with {@code success: false}. A 4.x
 * {@linkplain dev.backlot.gradio.GradioApp.Builder#version version} serves the same routes
 * without the prefix. Apps are declared in Java ({@link dev.backlot.gradio.Endpoint}, {@link
 * dev.backlot.gradio.Component}) or in the launcher's config ({@code "preset"} or {@code "app"}).
 *
 * <p><b>Differs from Gradio</b>: files live in memory under virtual {@code /tmp/gradio/<hex>/}
 * paths (directory names come from the fake's seeded ids, not content hashes); only the
 * fake's own uploads and outputs are served ({@code allowed_paths} does not exist); {@code
 * /cancel} also removes an event still waiting in the queue (Gradio cancels only running
 * tasks); the estimation message is sent once, at join, with {@code rank_eta: null}; {@code
 * process_starts.eta} is null; a call whose inputs fail preprocessing still waits its turn, then
 * fails at once; a client that drops its {@code queue/data} stream keeps its waiting events
 * (Gradio drops them); unknown {@code fn_index} or {@code api_name} answer Gradio's own 500 {@code
 * Internal Server Error} (plain text), the one 5xx besides {@code /run}'s error payload; no
 * authentication, no {@code upload_progress}, {@code stream/} routes, {@code call/v2}, {@code
 * component_server}, page HTML or batching.
 */
package dev.backlot.gradio;
