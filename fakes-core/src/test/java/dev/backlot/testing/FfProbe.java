package dev.backlot.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlot.wire.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Probes a video with {@code ffprobe}: the first video stream's size and the container's
 * duration. Tests call {@link #assumeAvailable()} first, so without ffprobe they are skipped,
 * visibly.
 *
 * <pre>{@code
 * FfProbe.Video v = FfProbe.probe(mp4Bytes);
 * assertThat(v.width()).isEqualTo(1280);
 * assertThat(v.seconds()).isCloseTo(5.0, within(1.0));
 * }</pre>
 */
public final class FfProbe {

  private static volatile Boolean available;

  private FfProbe() {}

  /** What ffprobe read from a file. */
  public record Video(String codec, int width, int height, double seconds) {}

  /** Whether ffprobe runs here. */
  public static boolean available() {
    Boolean a = available;
    if (a == null) {
      try {
        Process p = new ProcessBuilder("ffprobe", "-version").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        a = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
      } catch (IOException e) {
        a = false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        a = false;
      }
      available = a;
    }
    return a;
  }

  /** Skips the calling test (visibly) when ffprobe is missing. */
  public static void assumeAvailable() {
    assumeTrue(available(), "ffprobe is not on the PATH: video checks skipped");
  }

  /** Probes bytes (written to a temporary file). */
  public static Video probe(byte[] video) {
    try {
      Path f = Files.createTempFile("probe", ".mp4");
      try {
        Files.write(f, video);
        return probe(f);
      } finally {
        Files.deleteIfExists(f);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Probes a file; fails (AssertionError) when ffprobe rejects it or finds no video stream.
   */
  public static Video probe(Path file) {
    assumeAvailable();
    try {
      Process p = new ProcessBuilder(
              "ffprobe", "-v", "error", "-select_streams", "v:0",
              "-show_entries", "stream=codec_name,width,height:format=duration",
              "-of", "json", file.toString())
          .redirectErrorStream(false)
          .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || !err.isBlank()) {
        throw new AssertionError("ffprobe rejected " + file + ": " + err + out);
      }
      JsonNode j = Json.parse(out);
      JsonNode s = j.path("streams").path(0);
      if (s.isMissingNode()) {
        throw new AssertionError("ffprobe found no video stream in " + file + ": " + out);
      }
      return new Video(s.path("codec_name").asText(), s.path("width").asInt(), s.path("height").asInt(),
          j.path("format").path("duration").asDouble());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
