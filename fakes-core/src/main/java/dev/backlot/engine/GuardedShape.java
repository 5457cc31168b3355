package dev.backlot.engine;

import dev.backlot.wire.ErrorShape;
import dev.backlot.wire.HttpError;
import dev.backlot.wire.Response;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A fake's error shape as the engine uses it: if the shape throws (or answers null) while
 * rendering, the answer is a plain-text 500 saying so. Without this, the exception escaped the
 * request path (on a worker, the clock's thread or an IO thread) and the client waited for an
 * answer that never came, or saw its connection dropped.
 */
final class GuardedShape implements ErrorShape {

  private final String fake;
  private final Supplier<ErrorShape> shape;

  GuardedShape(String fake, Supplier<ErrorShape> shape) {
    this.fake = fake;
    this.shape = shape;
  }

  @Override
  public Response render(int status, String message, Map<String, Object> details) {
    try {
      return orFailed(shape.get().render(status, message, details), status, message, null);
    } catch (RuntimeException | StackOverflowError e) {
      return orFailed(null, status, message, e);
    }
  }

  @Override
  public Response render(HttpError error) {
    try {
      return orFailed(shape.get().render(error), error.status(), error.getMessage(), null);
    } catch (RuntimeException | StackOverflowError e) {
      return orFailed(null, error.status(), error.getMessage(), e);
    }
  }

  private Response orFailed(Response rendered, int status, String message, Throwable failure) {
    if (rendered != null) {
      return rendered;
    }
    return Response.text(500, "The " + fake + " fake's error shape failed to render "
        + status + " \"" + message + "\": " + (failure == null ? "it answered null" : failure));
  }
}
