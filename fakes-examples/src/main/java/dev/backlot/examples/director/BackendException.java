package dev.backlot.examples.director;

/**
 * A backend could not do what was asked: unreachable, too slow, or it said no. {@link #reason()}
 * is short and stable ("timeout", "refused", "http 503", "closed"...), for the add-on's status
 * line and for tests.
 */
public final class BackendException extends Exception {
  private final String service;
  private final String reason;

  public BackendException(String service, String reason, String message, Throwable cause) {
    super(service + ": " + reason + (message == null || message.isEmpty() ? "" : " (" + message + ")"), cause);
    this.service = service;
    this.reason = reason;
  }

  public String service() {
    return service;
  }

  public String reason() {
    return reason;
  }

  /** The short reason for an I/O failure: "timeout", "refused" or "io". */
  static String reasonOf(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof java.net.http.HttpTimeoutException || c instanceof java.util.concurrent.TimeoutException) {
        return "timeout";
      }
      if (c instanceof java.net.ConnectException) {
        return "refused";
      }
    }
    return "io";
  }
}
