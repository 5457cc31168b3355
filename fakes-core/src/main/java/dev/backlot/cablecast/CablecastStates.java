package dev.backlot.cablecast;

import dev.backlot.jobs.JobState;
import dev.backlot.jobs.Vocabulary;

/**
 * Cablecast's words for the jobs the fake runs on its {@link dev.backlot.jobs.JobEngine}.
 *
 * <pre>{@code
 * CablecastStates.FILE_UPLOAD.checkPolled("Uploading", "PostProcessing", "Finished").assertLegal();
 * int code = CablecastStates.uploadCode("Transferring"); // 4
 * }</pre>
 */
public final class CablecastStates {

  private CablecastStates() {}

  /**
   * A chunked file upload's {@code fileUpload.state}, as Tightrope's upload example names the
   * codes: 0 Error, 1 Uploading, 2 UploadingComplete, 3 PostProcessing, 4 Transferring, 5
   * Finished, 6 Timeout. The post-processing job is QUEUED while UploadingComplete and RUNNING
   * through PostProcessing (first half) and Transferring (second half); Uploading and Timeout
   * come before any job exists.
   */
  public static final Vocabulary FILE_UPLOAD =
      Vocabulary.builder("Cablecast file upload")
          .names("Uploading", "Timeout")
          .state(JobState.QUEUED, "UploadingComplete")
          .state(JobState.RUNNING, "PostProcessing", "Transferring")
          .state(JobState.SUCCEEDED, "Finished")
          .state(JobState.FAILED, "Error")
          .render(JobState.CANCELLED, "Error")
          .render(JobState.THROTTLED, "UploadingComplete")
          .initial("Uploading")
          .transitions("Uploading", "UploadingComplete", "Timeout", "Error")
          .transitions("UploadingComplete", "PostProcessing", "Error")
          .transitions("PostProcessing", "Transferring", "Error")
          .transitions("Transferring", "Finished", "Error")
          .build();

  /**
   * A VOD's transcoding, as the fake shows it in {@code vod.vodState} and in the {@code
   * transactionType} of its VOD transactions: Queued (1), Transcoding (2), Ready (5), Failed (6).
   * Only 5 = ready is documented (Tightrope's public site tests {@code lastTransaction
   * .transactionType === 5}); the other codes are the fake's.
   */
  public static final Vocabulary VOD =
      Vocabulary.builder("Cablecast VOD")
          .state(JobState.QUEUED, "Queued")
          .state(JobState.RUNNING, "Transcoding")
          .state(JobState.SUCCEEDED, "Ready")
          .state(JobState.FAILED, "Failed")
          .render(JobState.THROTTLED, "Queued")
          .render(JobState.CANCELLED, "Failed")
          .initial("Queued")
          .transitions("Queued", "Transcoding", "Failed")
          .transitions("Transcoding", "Ready", "Failed")
          .build();

  private static final String[] UPLOAD = {
    "Error", "Uploading", "UploadingComplete", "PostProcessing", "Transferring", "Finished", "Timeout"
  };

  /** The number Cablecast sends for an upload state name. */
  public static int uploadCode(String name) {
    for (int i = 0; i < UPLOAD.length; i++) {
      if (UPLOAD[i].equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException("no file upload state " + name);
  }

  /** The upload state name for a number Cablecast sends. */
  public static String uploadName(int code) {
    if (code < 0 || code >= UPLOAD.length) {
      throw new IllegalArgumentException("no file upload state " + code);
    }
    return UPLOAD[code];
  }

  /** The VOD transaction type for a VOD state name. */
  public static int vodTransactionType(String name) {
    return switch (name) {
      case "Queued" -> 1;
      case "Transcoding" -> 2;
      case "Ready" -> 5;
      case "Failed" -> 6;
      default -> throw new IllegalArgumentException("no VOD state " + name);
    };
  }
}
