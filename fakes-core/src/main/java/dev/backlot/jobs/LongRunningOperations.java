package dev.backlot.jobs;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The {@link Vocabulary} of a Google long-running operation ({@code google.longrunning.Operation},
 * as the Gemini API and Vertex AI return for Veo's {@code predictLongRunning}). An operation shows
 * no named status: it is <em>not done</em> ({@code done} absent or false) until it is done with
 * either a {@code response} or an {@code error}. So every waiting or running job shows as {@link
 * #NOT_DONE}, a SUCCEEDED one as {@link #DONE_RESPONSE}, a FAILED or CANCELLED one as {@link
 * #DONE_ERROR} (a cancelled operation carries {@code error.code} 1, CANCELLED).
 *
 * <pre>{@code
 * List<String> seen = new ArrayList<>();
 * while (...) { seen.add(LongRunningOperations.nameOf(pollJson)); ... }
 * LongRunningOperations.VOCABULARY.checkPolled(seen).assertLegal();
 * LongRunningOperations.VOCABULARY.nameOf(job.state());   // "NOT_DONE" while QUEUED or RUNNING
 * }</pre>
 */
public final class LongRunningOperations {

  /** {@code done} absent or false. */
  public static final String NOT_DONE = "NOT_DONE";

  /** {@code done: true} with a {@code response}. */
  public static final String DONE_RESPONSE = "DONE_RESPONSE";

  /** {@code done: true} with an {@code error} (a google.rpc.Status). */
  public static final String DONE_ERROR = "DONE_ERROR";

  /** Operation states: NOT_DONE, then DONE_RESPONSE or DONE_ERROR (both terminal). */
  public static final Vocabulary VOCABULARY =
      Vocabulary.builder("google.longrunning.Operation")
          .state(JobState.RUNNING, NOT_DONE)
          .render(JobState.QUEUED, NOT_DONE)
          .render(JobState.THROTTLED, NOT_DONE)
          .state(JobState.SUCCEEDED, DONE_RESPONSE)
          .state(JobState.FAILED, DONE_ERROR)
          .render(JobState.CANCELLED, DONE_ERROR)
          .initial(NOT_DONE)
          .transitions(NOT_DONE, DONE_RESPONSE, DONE_ERROR)
          .build();

  private LongRunningOperations() {}

  /**
   * The vocabulary name of an operation as a client received it (the JSON of one poll).
   *
   * @throws IllegalArgumentException if the JSON is not an object
   */
  public static String nameOf(JsonNode operation) {
    if (operation == null || !operation.isObject()) {
      throw new IllegalArgumentException("an operation is a JSON object, not " + operation);
    }
    if (!operation.path("done").asBoolean(false)) {
      return NOT_DONE;
    }
    return operation.has("error") ? DONE_ERROR : DONE_RESPONSE;
  }
}
