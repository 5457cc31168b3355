package dev.backlot.gradio;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.ToIntFunction;

/**
 * One named endpoint of a Gradio app (an event listener with an {@code api_name}): its input and
 * output components and what answers it. A queued call runs as a job on the fake's {@link
 * dev.backlot.jobs.JobEngine}: it waits its turn, reports {@link #steps(ToIntFunction) progress
 * steps} over the engine's job duration, then the handler computes the outputs. A handler that
 * throws {@link GradioError} ends the call as Gradio's {@code gr.Error} does.
 *
 * <pre>{@code
 * Endpoint echo = Endpoint.named("echo")
 *     .input(Component.textbox("Text"))
 *     .output(Component.textbox("Out"))
 *     .handler(call -> List.of(call.text(0)));
 * Endpoint slow = Endpoint.named("render")
 *     .input(Component.textbox("Prompt"), Component.slider("Steps", 1, 50, 1).value(20))
 *     .output(Component.video("Video"))
 *     .steps(call -> call.number(1).intValue())   // one progress message per step
 *     .handler(call -> List.of(GradioFile.of("out.mp4", Media.mp4(320, 192, 16, 16, 7))));
 * }</pre>
 */
public final class Endpoint {

  /** Computes an endpoint's outputs, one value per output component (State outputs included). */
  @FunctionalInterface
  public interface Handler {
    List<Object> run(Call call) throws Exception;
  }

  private final String apiName;
  private final List<Component> inputs;
  private final List<Component> outputs;
  private final Handler handler;
  private final ToIntFunction<Call> steps;
  private final Handler intermediate;
  private final Boolean queue;
  private final boolean showApi;
  private final String description;

  private Endpoint(String apiName, List<Component> inputs, List<Component> outputs, Handler handler,
      ToIntFunction<Call> steps, Handler intermediate, Boolean queue, boolean showApi,
      String description) {
    this.apiName = apiName;
    this.inputs = inputs;
    this.outputs = outputs;
    this.handler = handler;
    this.steps = steps;
    this.intermediate = intermediate;
    this.queue = queue;
    this.showApi = showApi;
    this.description = description;
  }

  /** An endpoint called {@code apiName} (no leading slash), echoing nothing until configured. */
  public static Endpoint named(String apiName) {
    Objects.requireNonNull(apiName, "apiName");
    String n = apiName.startsWith("/") ? apiName.substring(1) : apiName;
    if (n.isEmpty()) {
      throw new IllegalArgumentException("an api_name must not be empty");
    }
    return new Endpoint(n, List.of(), List.of(), call -> Collections.nCopies(0, null), c -> 0, null,
        true, true, null);
  }

  /** Appends input components, in order. */
  public Endpoint input(Component... more) {
    List<Component> l = new ArrayList<>(inputs);
    l.addAll(List.of(more));
    return new Endpoint(apiName, List.copyOf(l), outputs, handler, steps, intermediate, queue, showApi, description);
  }

  /** Appends output components, in order. */
  public Endpoint output(Component... more) {
    List<Component> l = new ArrayList<>(outputs);
    l.addAll(List.of(more));
    return new Endpoint(apiName, inputs, List.copyOf(l), handler, steps, intermediate, queue, showApi, description);
  }

  /** What computes the outputs when the call's job succeeds. */
  public Endpoint handler(Handler h) {
    return new Endpoint(apiName, inputs, outputs, Objects.requireNonNull(h), steps, intermediate, queue, showApi, description);
  }

  /**
   * How many progress steps a call reports (one {@code progress} message each), from its inputs;
   * default 0. The steps spread over the job's duration (the engine's, or a script's).
   */
  public Endpoint steps(ToIntFunction<Call> stepsOfCall) {
    return new Endpoint(apiName, inputs, outputs, handler, Objects.requireNonNull(stepsOfCall), intermediate, queue, showApi, description);
  }

  /**
   * Makes this a generator ({@code types.generator: true}): after each progress step, {@code
   * partial} gives intermediate outputs, sent as {@code process_generating} (the first with full
   * values, later ones as diffs); the handler gives the final ones.
   */
  public Endpoint generator(Handler partial) {
    return new Endpoint(apiName, inputs, outputs, handler, steps, Objects.requireNonNull(partial), queue, showApi, description);
  }

  /**
   * {@code queue=False}: clients call it with {@code POST /gradio_api/run/<name>} and the handler
   * runs at once, outside the job engine. Default: queued.
   */
  public Endpoint queue(boolean queued) {
    return new Endpoint(apiName, inputs, outputs, handler, steps, intermediate, queued, showApi, description);
  }

  /** {@code show_api=False}: left out of {@code /gradio_api/info} (still callable). */
  public Endpoint showApi(boolean show) {
    return new Endpoint(apiName, inputs, outputs, handler, steps, intermediate, queue, show, description);
  }

  /** The description {@code /gradio_api/info} shows (the handler's docstring in Gradio). */
  public Endpoint description(String text) {
    return new Endpoint(apiName, inputs, outputs, handler, steps, intermediate, queue, showApi, text);
  }

  public String apiName() {
    return apiName;
  }

  public List<Component> inputs() {
    return inputs;
  }

  public List<Component> outputs() {
    return outputs;
  }

  public boolean queued() {
    return queue == null || queue;
  }

  public boolean isGenerator() {
    return intermediate != null;
  }

  public boolean showApi() {
    return showApi;
  }

  public String description() {
    return description;
  }

  Handler handler() {
    return handler;
  }

  Handler intermediate() {
    return intermediate;
  }

  int stepsOf(Call call) {
    try {
      return Math.max(0, steps.applyAsInt(call));
    } catch (RuntimeException e) {
      return 0; // the inputs are wrong; preprocessing reports it when the call runs
    }
  }

  @Override
  public String toString() {
    return "/" + apiName + inputs + " -> " + outputs;
  }
}
