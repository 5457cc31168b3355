package dev.backlot.jobs;

/**
 * Ready-made {@link Vocabulary}s for the backends whose job states Backlot fakes or checks, read
 * from the backends' sources (see {@code shared/protocols/gcs-video-cablecast-jobs.md}, sections 2
 * and 4). A backend's fake may build its own instead; these are the shared reference.
 *
 * <pre>{@code
 * String status = Vocabularies.RUNWAY.nameOf(job.state());              // "PENDING"
 * Vocabularies.RQ.check("queued", "started", "finished").assertLegal();
 * Vocabularies.CELERY.check("PENDING", "SUCCESS", "FAILURE");           // SUCCESS is terminal
 * }</pre>
 */
public final class Vocabularies {

  private Vocabularies() {}

  /**
   * Runway tasks ({@code GET /v1/tasks/{id}} {@code status}): PENDING, THROTTLED (behind the
   * org's concurrency limit, back to PENDING), RUNNING, SUCCEEDED, FAILED, CANCELLED (DELETE on a
   * PENDING, THROTTLED or RUNNING task).
   */
  public static final Vocabulary RUNWAY =
      Vocabulary.builder("Runway")
          .state(JobState.QUEUED, "PENDING")
          .state(JobState.THROTTLED, "THROTTLED")
          .state(JobState.RUNNING, "RUNNING")
          .state(JobState.SUCCEEDED, "SUCCEEDED")
          .state(JobState.FAILED, "FAILED")
          .state(JobState.CANCELLED, "CANCELLED")
          .initial("PENDING")
          .transitions("PENDING", "THROTTLED", "RUNNING", "CANCELLED")
          .transitions("THROTTLED", "PENDING", "CANCELLED")
          .transitions("RUNNING", "SUCCEEDED", "FAILED", "CANCELLED")
          .build();

  /**
   * MiniMax video tasks ({@code GET /v1/query/video_generation} {@code status}): Preparing and
   * Queueing (either may come first) then Processing, Success or Fail. MiniMax has no throttled or
   * cancelled status: THROTTLED shows as Queueing, CANCELLED as Fail.
   */
  public static final Vocabulary MINIMAX =
      Vocabulary.builder("MiniMax")
          .state(JobState.QUEUED, "Queueing", "Preparing")
          .state(JobState.RUNNING, "Processing")
          .state(JobState.SUCCEEDED, "Success")
          .state(JobState.FAILED, "Fail")
          .render(JobState.THROTTLED, "Queueing")
          .render(JobState.CANCELLED, "Fail")
          .initial("Preparing", "Queueing")
          .transitions("Preparing", "Queueing", "Processing", "Fail")
          .transitions("Queueing", "Preparing", "Processing", "Fail")
          .transitions("Processing", "Success", "Fail")
          .build();

  /**
   * Python RQ job {@code status} (rq 2.x): {@code finished} is terminal; {@code failed}, {@code
   * stopped} and {@code canceled} may be requeued. {@code deferred}, {@code scheduled}, {@code
   * created} and {@code ready_to_enqueue} read as QUEUED, {@code rate_limited} as THROTTLED, {@code
   * stopped} as FAILED. RQ rate-limits a job instead of queueing it, so an engine history
   * QUEUED -&gt; THROTTLED renders as a sequence this table refuses.
   */
  public static final Vocabulary RQ =
      Vocabulary.builder("RQ")
          .state(JobState.QUEUED, "queued", "created", "deferred", "scheduled", "ready_to_enqueue")
          .state(JobState.THROTTLED, "rate_limited")
          .state(JobState.RUNNING, "started")
          .state(JobState.SUCCEEDED, "finished")
          .state(JobState.FAILED, "failed", "stopped")
          .state(JobState.CANCELLED, "canceled")
          .initial("created", "queued", "deferred", "scheduled", "rate_limited")
          .transitions("created", "queued", "deferred", "scheduled", "rate_limited", "canceled")
          .transitions("deferred", "ready_to_enqueue", "canceled")
          .transitions("ready_to_enqueue", "queued", "canceled")
          .transitions("scheduled", "queued", "canceled")
          .transitions("rate_limited", "queued", "canceled")
          .transitions("queued", "started", "canceled")
          .transitions("started", "finished", "failed", "stopped", "scheduled", "queued", "canceled")
          .transitions("failed", "queued", "canceled")
          .transitions("stopped", "queued", "canceled")
          .transitions("canceled", "queued")
          .build();

  /**
   * Celery task states: PENDING -&gt; (RECEIVED) -&gt; (STARTED) -&gt; SUCCESS | FAILURE | RETRY |
   * REVOKED; RETRY runs again. SUCCESS, FAILURE and REVOKED are terminal (SUCCESS is sticky in the
   * result backend). RECEIVED and RETRY read as QUEUED; REJECTED (an event only) maps onto no
   * engine state. Celery has no throttled state: THROTTLED shows as PENDING.
   */
  public static final Vocabulary CELERY =
      Vocabulary.builder("Celery")
          .state(JobState.QUEUED, "PENDING", "RECEIVED", "RETRY")
          .state(JobState.RUNNING, "STARTED")
          .state(JobState.SUCCEEDED, "SUCCESS")
          .state(JobState.FAILED, "FAILURE")
          .state(JobState.CANCELLED, "REVOKED")
          .names("REJECTED")
          .render(JobState.THROTTLED, "PENDING")
          .initial("PENDING")
          .transitions("PENDING", "RECEIVED", "STARTED", "SUCCESS", "FAILURE", "RETRY", "REVOKED", "REJECTED")
          .transitions("RECEIVED", "STARTED", "SUCCESS", "FAILURE", "RETRY", "REVOKED", "REJECTED")
          .transitions("STARTED", "SUCCESS", "FAILURE", "RETRY", "REVOKED")
          .transitions("RETRY", "RECEIVED", "STARTED", "SUCCESS", "FAILURE", "REVOKED")
          .build();
}
