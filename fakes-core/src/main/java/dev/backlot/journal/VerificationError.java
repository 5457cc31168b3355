package dev.backlot.journal;

/** A journal verification failed; the message names the closest requests and how they differ. */
public final class VerificationError extends AssertionError {
  public VerificationError(String message) {
    super(message);
  }
}
