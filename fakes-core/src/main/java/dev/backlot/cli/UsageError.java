package dev.backlot.cli;

/** A bad flag or config: the launcher prints the message on one line and exits with code 2. */
final class UsageError extends RuntimeException {
  UsageError(String message) {
    super(message, null, false, false);
  }
}
