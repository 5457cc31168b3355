package dev.backlot.gradio;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.media.Media;
import java.util.List;

/**
 * One call of an endpoint as its handler sees it: the input values after Gradio's preprocessing
 * (a Textbox gives a {@code String}, Number and Slider a {@code Double}, Checkbox a {@code
 * Boolean}, Dropdown its choice, Image/Video/File an uploaded {@link GradioFile}, State and
 * Gallery their JSON), and where it came from.
 *
 * <pre>{@code
 * .handler(call -> {
 *   String prompt = call.text("prompt");
 *   int frames = call.number("video_length").intValue();
 *   return List.of(GradioFile.of("out.mp4", Media.mp4(832, 480, frames, 16, call.seed())));
 * })
 * }</pre>
 */
public final class Call {

  private final Endpoint endpoint;
  private final int fnIndex;
  private final String eventId;
  private final String sessionHash;
  private final JsonNode data;
  private final List<Object> values;
  private volatile dev.backlot.jobs.Progress progress = new dev.backlot.jobs.Progress(0, 0);

  Call(Endpoint endpoint, int fnIndex, String eventId, String sessionHash, JsonNode data,
      List<Object> values) {
    this.endpoint = endpoint;
    this.fnIndex = fnIndex;
    this.eventId = eventId;
    this.sessionHash = sessionHash;
    this.data = data;
    this.values = values;
  }

  public Endpoint endpoint() {
    return endpoint;
  }

  /** The dependency id ({@code fn_index}). */
  public int fnIndex() {
    return fnIndex;
  }

  /** The queue's {@code event_id} (null for a direct {@code /run} call). */
  public String eventId() {
    return eventId;
  }

  public String sessionHash() {
    return sessionHash;
  }

  /** The {@code data} list exactly as the client sent it. */
  public JsonNode rawData() {
    return data;
  }

  /** The preprocessed values, one per input component. */
  public List<Object> values() {
    return values;
  }

  public Object value(int index) {
    return values.get(index);
  }

  /** The value of the input whose API parameter name is {@code name}. */
  public Object value(String name) {
    List<Component> in = endpoint.inputs();
    for (int i = 0; i < in.size(); i++) {
      if (in.get(i).kind() != Component.Kind.STATE && in.get(i).parameterName().equals(name)) {
        return values.get(i);
      }
    }
    throw new IllegalArgumentException("endpoint /" + endpoint.apiName() + " has no parameter " + name);
  }

  public String text(int index) {
    Object v = value(index);
    return v == null ? null : String.valueOf(v);
  }

  public String text(String name) {
    Object v = value(name);
    return v == null ? null : String.valueOf(v);
  }

  public Double number(int index) {
    return toDouble(value(index));
  }

  public Double number(String name) {
    return toDouble(value(name));
  }

  public Boolean bool(int index) {
    return (Boolean) value(index);
  }

  public GradioFile file(int index) {
    return (GradioFile) value(index);
  }

  public GradioFile file(String name) {
    return (GradioFile) value(name);
  }

  /**
   * How far the call's job has come: for a {@linkplain Endpoint#generator generator}'s
   * intermediate outputs, the step just reached.
   */
  public dev.backlot.jobs.Progress progress() {
    return progress;
  }

  void progress(dev.backlot.jobs.Progress p) {
    this.progress = p;
  }

  /** A seed for generated media, derived from the endpoint and the inputs as sent. */
  public long seed() {
    return Media.seedOf("gradio", endpoint.apiName(), String.valueOf(data));
  }

  private static Double toDouble(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    throw new IllegalArgumentException("not a number: " + v);
  }

  @Override
  public String toString() {
    return "Call[/" + endpoint.apiName() + " " + data + "]";
  }
}
