package dev.backlot.jobs;

/**
 * Turns a job's life into a fake's protocol messages: ComfyUI's {@code execution_start} /
 * {@code progress} / {@code executing}, Gradio's {@code estimation} / {@code process_completed},
 * a Runway task's status. Every method has an empty default; override the ones you need.
 *
 * <p><b>Order.</b> Events are delivered in exactly the order they happened in the engine, across
 * all jobs, so the calls for one job arrive in order: {@code onSubmit}, then each {@code
 * onTransition} and {@code onProgress} as they happened. The job passed is an immutable snapshot
 * taken when the event happened ({@code job.state() == to}, {@code job.asOf()} is the event's
 * instant), not the job's state now.
 *
 * <p><b>Threads.</b> Listeners are called one event at a time, never concurrently and never while
 * the engine's lock is held, by a thread that is calling into the engine: the thread that
 * advances a {@link dev.backlot.time.ManualClock} (so after {@code advance} returns, every
 * event due in that step has been delivered), the shared scheduler thread of the system clock, or
 * the thread calling {@code submit}, {@code cancel} and the like. A listener may call back into
 * the engine (submit, cancel, read jobs); the events that causes are delivered after it returns.
 * Keep listeners quick and non-blocking. A listener that throws is recorded as a {@link
 * Violation.Kind#LISTENER} violation; delivery goes on.
 *
 * <pre>{@code
 * jobs.addListener(new JobListener() {
 *   public void onTransition(Job job, JobState from, JobState to) {
 *     if (to == JobState.RUNNING) ws.send(clientOf(job), "execution_start", job.id());
 *   }
 *   public void onProgress(Job job, Progress p) {
 *     ws.send(clientOf(job), "progress", p.value(), p.max(), job.id());
 *   }
 * });
 * }</pre>
 */
public interface JobListener {

  /** A job was submitted; {@code job.state()} is QUEUED. */
  default void onSubmit(Job job) {}

  /** A job moved {@code from -> to} through the transition table. */
  default void onTransition(Job job, JobState from, JobState to) {}

  /** A RUNNING job's progress moved forward to {@code progress}. */
  default void onProgress(Job job, Progress progress) {}
}
