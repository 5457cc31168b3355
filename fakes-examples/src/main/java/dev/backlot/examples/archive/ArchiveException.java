package dev.backlot.examples.archive;

/**
 * A step of the archive's work that could not finish: which stage failed ({@code cablecast},
 * {@code redis}, {@code transcription}, {@code link}) and, when Cablecast answered, its HTTP
 * status.
 */
public final class ArchiveException extends Exception {

  private final String stage;
  private final int status;

  ArchiveException(String stage, String message, Throwable cause) {
    this(stage, 0, message, cause);
  }

  ArchiveException(String stage, int status, String message, Throwable cause) {
    super(stage + ": " + message, cause);
    this.stage = stage;
    this.status = status;
  }

  /** Where it failed: {@code cablecast}, {@code redis}, {@code transcription} or {@code link}. */
  public String stage() {
    return stage;
  }

  /** The HTTP status Cablecast answered, or 0 when there was no answer (or no HTTP at all). */
  public int status() {
    return status;
  }
}
