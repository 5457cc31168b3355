package dev.backlot.gradio;

import dev.backlot.media.Media;
import java.util.Objects;

/**
 * A file as a handler sees it: an uploaded input (an Image, Video or File the client sent), or an
 * output the handler returns for a Video, Image, File or Gallery component, which the fake then
 * stores in its output folder and serves under {@code /gradio_api/file=<path>}.
 *
 * <pre>{@code
 * GradioFile in = call.file(1);                     // the uploaded start image
 * byte[] png = in.bytes();
 * return List.of(GradioFile.of("clip.mp4", Media.mp4(832, 480, 81, 16, seed)));
 * }</pre>
 *
 * @param path the server path ({@code null} for an output not stored yet)
 * @param name the original file name
 * @param bytes the content (shared: do not modify)
 * @param mimeType the content type
 */
public record GradioFile(String path, String name, byte[] bytes, String mimeType) {

  public GradioFile {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(bytes, "bytes");
    if (mimeType == null) {
      mimeType = Media.contentType(name);
    }
  }

  /** An output file to return from a handler; its content type comes from the name. */
  public static GradioFile of(String name, byte[] bytes) {
    return new GradioFile(null, name, bytes, null);
  }

  /** The size in bytes. */
  public int size() {
    return bytes.length;
  }

  @Override
  public String toString() {
    return "GradioFile[" + (path != null ? path : name) + ", " + bytes.length + " bytes]";
  }
}
