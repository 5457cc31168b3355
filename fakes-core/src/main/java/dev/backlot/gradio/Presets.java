package dev.backlot.gradio;

import dev.backlot.media.Media;
import java.util.ArrayList;
import java.util.List;

/**
 * Ready-made apps shaped like the video generators the fake stands in for. Both answer
 * text-to-video and image-to-video with a real H.264 MP4 ({@link Media#mp4}) of the requested
 * resolution and frame count at 16 fps, reporting one {@code progress} message per inference
 * step.
 *
 * <pre>{@code
 * GradioFake wan = GradioFake.builder().app(Presets.wan2gp()).start();
 * GradioFake wan21 = GradioFake.builder().app(Presets.wan21()).start();
 * }</pre>
 *
 * <p>Wan2GP (Gradio 5.29, endpoint names derived from handler names as Gradio 5 does, States so
 * clients open a heartbeat): {@code /generate_video} and {@code /generate_video_1} are
 * generators that stream a status text (appended step by step) and end with a Gallery holding
 * the video; {@code /abort_generation} is a direct ({@code queue=False}) call. Wan2.1 (its
 * Gradio demos): {@code /t2v_generation} and {@code /i2v_generation} return a Video; {@code
 * /prompt_enc} is a direct call that returns the prompt.
 */
public final class Presets {

  /** Frames per second of the generated clips (Wan's). */
  public static final int FPS = 16;

  private Presets() {}

  /** A Wan2GP-shaped app (Gradio 5.29.0). */
  public static GradioApp wan2gp() {
    Component resolution = Component.dropdown("Resolution", "1280x720", "720x1280", "832x480",
        "480x832", "624x624", "512x512", "416x240").value("832x480").name("resolution");
    Component frames = Component.slider("Number of frames", 1, 193, 4).value(81).name("video_length");
    Component steps = Component.slider("Number of Inference Steps", 1, 100, 1).value(30)
        .name("num_inference_steps");
    Component seed = Component.number("Seed").value(-1).name("seed");
    Component prompt = Component.textbox("Prompt").name("prompt");
    Component[] outputs = {
      Component.gallery("Generated videos"), Component.textbox("Status"), Component.state()
    };
    Endpoint t2v = Endpoint.named("generate_video")
        .description("Text to video")
        .input(Component.state(), prompt,
            Component.textbox("Negative Prompt").value("").name("negative_prompt"),
            resolution, frames, steps, seed,
            Component.slider("Guidance Scale", 1, 20, 0.5).value(5.0).name("guidance_scale"))
        .output(outputs)
        .steps(call -> call.number("num_inference_steps").intValue())
        .generator(call -> List.of(List.of(), status(call), "state"))
        .handler(call -> List.of(List.of(video(call, "resolution", "video_length")), done(call), "state"));
    Endpoint i2v = Endpoint.named("generate_video_1")
        .description("Image to video")
        .input(Component.state(), Component.image("Start Image").name("image_start"), prompt,
            resolution, frames, steps, seed)
        .output(outputs)
        .steps(call -> call.number("num_inference_steps").intValue())
        .generator(call -> List.of(List.of(), status(call), "state"))
        .handler(call -> {
          if (call.file("image_start") == null) {
            throw new GradioError("You must provide a Start Image");
          }
          return List.of(List.of(video(call, "resolution", "video_length")), done(call), "state");
        });
    Endpoint abort = Endpoint.named("abort_generation")
        .input(Component.state())
        .output(Component.textbox("Status"))
        .queue(false)
        .handler(call -> List.of("Generation aborted"));
    return GradioApp.builder().title("Wan2GP").version(GradioApp.DEFAULT_VERSION)
        .endpoint(t2v).endpoint(i2v).endpoint(abort).build();
  }

  /** A Wan2.1-shaped app (the Wan2.1 repository's Gradio demos). */
  public static GradioApp wan21() {
    Component resolution = Component.dropdown("Resolution", "720*1280", "1280*720", "960*960",
        "1088*832", "832*1088", "480*832", "832*480", "624*624", "704*544", "544*704", "416*240")
        .value("1280*720").name("resolution");
    Component frames = Component.slider("Frame num", 1, 161, 4).value(81).name("frame_num");
    Component steps = Component.slider("Diffusion steps", 1, 1000, 1).value(50).name("sd_steps");
    Component guide = Component.slider("Guide scale", 0, 20, 1).value(5.0).name("guide_scale");
    Component shift = Component.slider("Shift scale", 0, 10, 1).value(5.0).name("shift_scale");
    Component seed = Component.slider("Seed", -1, 2147483647, 1).value(-1).name("seed");
    Component negative = Component.textbox("Negative Prompt").value("").name("n_prompt");
    Endpoint t2v = Endpoint.named("t2v_generation")
        .input(Component.textbox("Prompt").name("txt2vid_prompt"), resolution, frames, steps, guide,
            shift, seed, negative)
        .output(Component.video("Generated Video"))
        .steps(call -> call.number("sd_steps").intValue())
        .handler(call -> List.of(video(call, "resolution", "frame_num")));
    Endpoint i2v = Endpoint.named("i2v_generation")
        .input(Component.image("Upload Input Image").name("img2vid_image"),
            Component.textbox("Prompt").name("img2vid_prompt"), resolution, frames, steps, guide,
            shift, seed, negative)
        .output(Component.video("Generated Video"))
        .steps(call -> call.number("sd_steps").intValue())
        .handler(call -> {
          if (call.file("img2vid_image") == null) {
            throw new GradioError("Please upload an input image");
          }
          return List.of(video(call, "resolution", "frame_num"));
        });
    Endpoint enc = Endpoint.named("prompt_enc")
        .input(Component.textbox("Prompt").name("prompt"),
            Component.dropdown("Target language", "ZH", "EN").value("ZH").name("tar_lang"))
        .output(Component.textbox("Prompt"))
        .queue(false)
        .handler(call -> List.of(call.text(0)));
    return GradioApp.builder().title("Wan2.1").version(GradioApp.DEFAULT_VERSION)
        .endpoint(t2v).endpoint(i2v).endpoint(enc).build();
  }

  /** An MP4 of the size in the Dropdown input {@code resolutionParam} ("832x480" or "832*480"). */
  static GradioFile video(Call call, String resolutionParam, String framesParam) {
    int[] wh = size(call.text(resolutionParam));
    int frames = Math.max(1, call.number(framesParam).intValue());
    String name = call.endpoint().apiName() + "_" + wh[0] + "x" + wh[1] + "_" + frames + ".mp4";
    return GradioFile.of(name, Media.mp4(wh[0], wh[1], frames, FPS, call.seed()));
  }

  static int[] size(String resolution) {
    String[] p = resolution.split("[x*]");
    if (p.length != 2) {
      throw new GradioError("Invalid resolution " + resolution);
    }
    return new int[] {Integer.parseInt(p[0].strip()), Integer.parseInt(p[1].strip())};
  }

  private static String status(Call call) {
    StringBuilder b = new StringBuilder();
    for (int i = 1; i <= call.progress().value(); i++) {
      b.append("Step ").append(i).append('/').append(call.progress().max()).append('\n');
    }
    return b.toString();
  }

  private static String done(Call call) {
    return status(call) + "Video generated";
  }

  /**
   * A handler for endpoints declared in configuration: each output gets a value from the inputs
   * (Textbox: the first text input; Number/Slider: the first number; Video/Gallery: an MP4 sized
   * by a "resolution", "width"/"height" and "frames"/"video_length"/"frame_num" input, else
   * 320x192 and 16 frames; Image: a PNG; File: a text file; State: null).
   */
  static Endpoint.Handler auto(Endpoint ep) {
    return call -> {
      List<Object> out = new ArrayList<>();
      for (Component c : ep.outputs()) {
        out.add(switch (c.kind()) {
          case TEXTBOX -> first(call, String.class, "");
          case NUMBER, SLIDER -> first(call, Double.class, 0.0);
          case CHECKBOX -> Boolean.TRUE;
          case DROPDOWN -> c.choices().isEmpty() ? null : c.choices().get(0);
          case VIDEO -> autoVideo(call);
          case GALLERY -> List.of(autoVideo(call));
          case IMAGE -> GradioFile.of("image.png", Media.png(320, 192, call.seed()));
          case FILE -> GradioFile.of("output.txt", String.valueOf(call.rawData()).getBytes());
          case STATE -> null;
        });
      }
      return out;
    };
  }

  private static GradioFile autoVideo(Call call) {
    int w = 320;
    int h = 192;
    int frames = 16;
    List<Component> in = call.endpoint().inputs();
    for (int i = 0; i < in.size(); i++) {
      Object v = call.value(i);
      String n = in.get(i).parameterName();
      if (v == null) {
        continue;
      }
      if (n.equals("resolution")) {
        int[] wh = size(String.valueOf(v));
        w = wh[0];
        h = wh[1];
      } else if (n.equals("width") && v instanceof Number x) {
        w = x.intValue();
      } else if (n.equals("height") && v instanceof Number x) {
        h = x.intValue();
      } else if ((n.equals("frames") || n.equals("video_length") || n.equals("frame_num"))
          && v instanceof Number x) {
        frames = x.intValue();
      }
    }
    return GradioFile.of("video.mp4", Media.mp4(w, h, Math.max(1, frames), FPS, call.seed()));
  }

  private static <T> Object first(Call call, Class<T> type, Object fallback) {
    for (Object v : call.values()) {
      if (type.isInstance(v)) {
        return v;
      }
    }
    return fallback;
  }
}
