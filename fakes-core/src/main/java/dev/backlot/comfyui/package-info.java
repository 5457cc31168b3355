/**
 * A fake ComfyUI server ({@link dev.backlot.comfyui.ComfyUiFake}) that ComfyUI's own example
 * scripts ({@code websockets_api_example.py}, {@code websockets_api_example_ws_images.py}, {@code
 * basic_api_example.py}) and any client of its HTTP + WebSocket API run against unchanged.
 *
 * <pre>{@code
 * try (ComfyUiFake comfy = ComfyUiFake.builder().clock(clock).start()) {
 *   myClient(comfy.baseUri()).generate("a red fox");    // POST /prompt, /ws, /history, /view
 *   clock.advance(Duration.ofSeconds(1));
 *   comfy.history(promptId).orElseThrow();             // as GET /history/{id} has it
 *   comfy.jobs().assertHealthy();
 * }
 * }</pre>
 *
 * <p>What is modelled from ComfyUI 0.3.64 ({@code server.py}, {@code execution.py}, {@code
 * comfy_execution/graph.py}, {@code folder_paths.py}): every route a client uses at {@code /x}
 * and {@code /api/x}; prompt validation with the real error types, messages and {@code
 * node_errors} (including how inputs are converted and stored); the queue ordered by {@code
 * number} ({@code front} negates it); the execution order of {@code ExecutionList}; the
 * signature-keyed node cache; the WebSocket messages and their order ({@code status}, {@code
 * execution_start}, {@code execution_cached}, {@code executing}, {@code progress_state}, {@code
 * progress}, {@code executed}, {@code execution_success}/{@code execution_error}/{@code
 * execution_interrupted}, history written, {@code status}, {@code executing} null), who receives
 * them (the prompt's {@code client_id}; broadcasts where ComfyUI broadcasts), binary preview frames
 * (types 1 and 4); SaveImage naming and counters; uploads with ComfyUI's name-clash rule; {@code
 * /view} path rules; JSON formatted as Python's {@code json.dumps}.
 *
 * <p>Faults ({@code comfy.faults()}) act on this traffic like on any fake's, e.g. {@code
 * faults().onWebSocket("/ws").outgoing("progress").closeAfter(2, 1011, "")} or {@code
 * faults().on("POST", "/prompt").next(1).status(503)}. Validation and the execution order were
 * cross-checked against ComfyUI's own Python code ({@code src/test/comfyui-crosscheck}).
 *
 * <p><b>Faithful 500s.</b> {@code POST /prompt}, {@code POST /history}, {@code POST /free} and
 * {@code POST /queue} answer an empty or non-JSON body with aiohttp's {@code 500 Internal Server
 * Error} (plain text), because ComfyUI's handlers call {@code await request.json()} without a
 * guard and aiohttp turns the uncaught {@code JSONDecodeError} into a 500; the same goes for a
 * body of the wrong JSON type where the handler then fails (e.g. {@code extra_data} not an
 * object). {@code POST /interrupt} catches invalid JSON (a global interrupt) but still 500s on
 * valid JSON that is not an object. These are kept on purpose: a client must survive them on
 * the real server too. Every other error is ComfyUI's own 4xx. {@code /view?preview=jpeg;N}
 * takes any digit string, as {@code int()} does, and clamps the quality to 1..100 as libjpeg
 * does, so no quality is a 500.
 *
 * <p>Ids: prompt ids (when the client sends none), WebSocket session ids (when {@code clientId}
 * is absent) and PreviewImage's random {@code _temp_xxxxx} prefixes come from the fake's seeded
 * {@code ids()}, restarted by {@code reset()}: the same seed and the same calls give the same
 * ids, and (on a {@code ManualClock}) the same journal, byte for byte.
 *
 * <p>Known differences: {@code preview=webp} on {@code /view} answers a JPEG (the JDK has no WebP
 * encoder); {@code /view} ignores Range; {@code /upload/mask}, {@code /userdata}, {@code
 * /internal} and the model manager routes are not served (404); a replaced WebSocket (same {@code
 * clientId}) closing does not unregister its replacement (ComfyUI's does, a bug); {@code POST
 * /queue {"clear": true}} sends one {@code status} per removed prompt (ComfyUI sends one); the
 * loopback Origin check applies to HTTP, not to the WebSocket upgrade; {@code queue_pending} is
 * listed in run order (ComfyUI lists its heap array).
 */
package dev.backlot.comfyui;
