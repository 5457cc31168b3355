package dev.backlot.gradio;

/**
 * Gradio's {@code gr.Error}: thrown by an endpoint's handler, it ends the call with {@code
 * success: false} and an output of {@code {"error": message, "duration", "visible", "title"}},
 * shown to the client whatever {@code show_error} says (any other exception is shown only with
 * {@link GradioFake.Builder#showError(boolean)}).
 *
 * <pre>{@code
 * Endpoint.named("generate").input(Component.textbox("Prompt")).output(Component.video("Video"))
 *     .handler(call -> {
 *       if (call.text(0).isBlank()) throw new GradioError("Prompt is empty");
 *       ...
 *     });
 * }</pre>
 */
public class GradioError extends RuntimeException {

  private final String title;
  private final Double duration;
  private final boolean visible;

  /** An error titled "Error", shown for 10 seconds. */
  public GradioError(String message) {
    this(message, "Error", 10.0, true);
  }

  /**
   * @param title the toast's title (Gradio's default "Error")
   * @param duration seconds the toast shows (null: until closed)
   * @param visible whether the UI shows it at all
   */
  public GradioError(String message, String title, Double duration, boolean visible) {
    super(message, null, false, false);
    this.title = title;
    this.duration = duration;
    this.visible = visible;
  }

  public String title() {
    return title;
  }

  public Double duration() {
    return duration;
  }

  public boolean visible() {
    return visible;
  }
}
