package dev.backlot.wire;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Thrown by a route handler to answer with an error in the fake's own error shape (see {@link
 * ErrorShape}). The fake keeps serving; nothing already stored changes unless the handler changed
 * it before throwing, which handlers must not do.
 *
 * <pre>{@code
 * if (bucket == null) throw HttpError.notFound("The specified bucket does not exist.");
 * throw new HttpError(409, "Conflict").with("reason", "conflict");
 * }</pre>
 */
public class HttpError extends RuntimeException {

  private final int status;
  private final Map<String, Object> details = new LinkedHashMap<>();

  public HttpError(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public static HttpError badRequest(String message) {
    return new HttpError(400, message);
  }

  public static HttpError notFound(String message) {
    return new HttpError(404, message);
  }

  public static HttpError conflict(String message) {
    return new HttpError(409, message);
  }

  /** Adds a detail that error shapes may render next to the message (e.g. a backend's code). */
  public HttpError with(String key, Object value) {
    details.put(key, value);
    return this;
  }

  public int status() {
    return status;
  }

  public Map<String, Object> details() {
    return Collections.unmodifiableMap(details);
  }
}
