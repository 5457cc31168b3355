package dev.backlot.veo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.assertj.core.data.Offset;

/** ffprobe on a downloaded video; the calling test is skipped (visibly) without ffprobe. */
final class Probe {

  private static volatile Boolean available;

  private Probe() {}

  static boolean available() {
    Boolean a = available;
    if (a == null) {
      try {
        Process p = new ProcessBuilder("ffprobe", "-version").redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        a = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
      } catch (IOException | InterruptedException e) {
        a = false;
      }
      available = a;
    }
    return a;
  }

  /** Asserts that {@code file} is an H.264 video of this size and length (within 1 s). */
  static Map<String, String> assertVideo(Path file, int width, int height, double seconds)
      throws IOException, InterruptedException {
    assumeTrue(available(), "ffprobe is not on the PATH: video check of " + file + " skipped");
    Path out = Files.createTempFile("ffprobe", ".txt");
    try {
      Process p = new ProcessBuilder("ffprobe", "-v", "error", "-select_streams", "v:0",
          "-show_entries", "stream=codec_name,width,height:format=duration,format_name",
          "-of", "default=noprint_wrappers=1", file.toString())
          .redirectErrorStream(true).redirectOutput(out.toFile()).start();
      p.getOutputStream().close();
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("ffprobe finished").isTrue();
      String text = Files.readString(out, StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as("ffprobe on %s: %s", file, text).isZero();
      Map<String, String> info = new HashMap<>();
      for (String line : text.split("\n")) {
        String[] kv = line.trim().split("=", 2);
        if (kv.length == 2) {
          info.put(kv[0], kv[1]);
        }
      }
      assertThat(info).as(text)
          .containsEntry("codec_name", "h264")
          .containsEntry("width", String.valueOf(width))
          .containsEntry("height", String.valueOf(height));
      assertThat(info.get("format_name")).contains("mp4");
      assertThat(Double.parseDouble(info.get("duration"))).isCloseTo(seconds, Offset.offset(1.0));
      return info;
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /** {@link #assertVideo(Path, int, int, double)} on bytes. */
  static Map<String, String> assertVideo(byte[] mp4, int width, int height, double seconds)
      throws IOException, InterruptedException {
    Path f = Files.createTempFile("veo", ".mp4");
    try {
      Files.write(f, mp4);
      return assertVideo(f, width, height, seconds);
    } finally {
      Files.deleteIfExists(f);
    }
  }
}
