package dev.backlot.jobs;

/**
 * What a fake computes for a job that succeeds: ComfyUI renders a PNG, Runway a list of video
 * URLs. It runs once, when the job reaches the end of its script with a success outcome, on the
 * clock's thread (see {@link JobEngine}), outside the engine's lock; keep it quick. If it throws,
 * the job FAILS with the exception's message and the exception as details.
 *
 * <pre>{@code
 * JobEngine jobs = JobEngine.builder()
 *     .worker(job -> Png.solid(512, 512, job.input(PromptRequest.class).seed()))
 *     .build();
 * }</pre>
 */
@FunctionalInterface
public interface JobWorker {

  /** The output of {@code job} (a snapshot taken as it finishes); may be null. */
  Object work(Job job) throws Exception;
}
