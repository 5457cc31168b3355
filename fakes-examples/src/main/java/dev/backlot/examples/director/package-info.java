/**
 * The movie director sample (seeds 000 and 001): the connectivity layer of a Blender add-on that
 * drives ComfyUI (images, over HTTP and a reconnecting WebSocket), LiteLLM (text, OpenAI chat
 * completions) and Wan2GP (video, Gradio's queue protocol), written as such a team would write
 * it with java.net.http and Jackson: {@link dev.backlot.examples.director.ServiceDiscovery}
 * (configured endpoints, custom ports, a timeout, in parallel), {@link
 * dev.backlot.examples.director.ConnectionPool} (size limits, reuse statistics), {@link
 * dev.backlot.examples.director.HealthCheckService} (HEALTHY, DEGRADED, UNHEALTHY at the third
 * failure in a row) and {@link dev.backlot.examples.director.MovieDirector}, the facade its panel
 * calls. Its tests run it unchanged against Backlot's ComfyUI, OpenAI and Gradio fakes.
 *
 * <p>Not the add-on's Python: the seeds' {@code asyncio} code becomes futures and threads, and
 * the Blender UI is reduced to the calls its buttons make ({@code connect}, {@code reconfigure},
 * {@code reconnect}).
 */
package dev.backlot.examples.director;
