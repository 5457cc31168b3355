/**
 * The text-to-video API sample (a Java port of the "TTV pipeline" a user describes in their test
 * plan): clients submit prompts to {@link dev.backlot.examples.ttv.JobApi}; jobs wait in Redis in
 * Python RQ's layout ({@link dev.backlot.examples.ttv.JobQueue}); {@link
 * dev.backlot.examples.ttv.Worker} threads render them with Runway, Veo, MiniMax or Wan2.1 (each a
 * {@link dev.backlot.examples.ttv.Generator}), store the MP4 in Cloud Storage under {@code
 * {prefix}/{YYYY-MM}/{job_id}/final_video.mp4} and hand out V4 signed URLs ({@link
 * dev.backlot.examples.ttv.ArtifactStore}).
 *
 * <p>It is ordinary client code, written as the team would: Jedis, the official {@code
 * google-cloud-storage} and {@code google-genai} SDKs, java.net.http for Runway, MiniMax and
 * Gradio's call API, Undertow for its own HTTP/1.1 + HTTP/2 API. Nothing in it knows about
 * Backlot; the tests in this module run it against the fakes.
 *
 * <p>HTTP/3: the API advertises {@code h3} in {@code Alt-Svc} as the seed's deployment does, but
 * serves HTTP/1.1 and HTTP/2 only: Undertow (like the JDK's client) has no QUIC, so the tests
 * check the advertisement and the HTTP/2 connection, not an HTTP/3 one.
 */
package dev.backlot.examples.ttv;
