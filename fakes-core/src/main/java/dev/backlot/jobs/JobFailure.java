package dev.backlot.jobs;

/**
 * Why a job FAILED: a human message (Runway's {@code failure}, ComfyUI's {@code
 * exception_message}) and optional details of any type the fake wants to render (a failure
 * code, a traceback list, or the {@link Throwable} a worker threw).
 *
 * <pre>{@code
 * jobs.script().next(1).fail("Content moderation", "SAFETY.INPUT.TEXT");
 * job.failure().orElseThrow().message(); // "Content moderation"
 * }</pre>
 *
 * @param message the human-readable error
 * @param details anything else the fake renders (may be null)
 */
public record JobFailure(String message, Object details) {

  /** A failure with a message and no details. */
  public static JobFailure of(String message) {
    return new JobFailure(message, null);
  }

  @Override
  public String toString() {
    return details == null ? message : message + " (" + details + ")";
  }
}
