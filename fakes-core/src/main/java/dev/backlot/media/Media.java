package dev.backlot.media;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * Real, decodable media files for fake generators: PNG images, MP4 videos and WAV audio,
 * rendered from a seed, so the same inputs always give the same bytes (on every machine and JDK:
 * no platform encoder is involved, not even the JDK's zlib).
 *
 * <pre>{@code
 * long seed = Media.seedOf("comfyui", promptId, positivePrompt, 42);
 * byte[] png = Media.png(512, 512, seed, Map.of("prompt", promptJson)); // like SaveImage
 * byte[] mp4 = Media.mp4(1280, 720, 8 * 24, 24, Media.seedOf(taskId)); // an 8 s Veo clip
 * byte[] wav = Media.wav(2_000, 24_000, seed);
 * String type = Media.contentType("output_aigc.mp4"); // "video/mp4"
 * }</pre>
 *
 * <p>What the files look like: a PNG is a horizontal colour gradient in bands, with a few
 * coloured rectangles; a video is a vertical gradient in bands with a square that crosses the
 * picture from left to right over the clip; audio is a two-note chord with short fades. Colours,
 * band sizes, rectangles, positions and pitch all come from the seed, so different seeds give
 * visibly (audibly) different outputs.
 *
 * <p>Video codec: H.264, Constrained Baseline profile, every frame an IDR picture, in an
 * ISO-BMFF (MP4) file with the {@code moov} box first (so it streams and serves well over Range
 * requests). H.264 because it is what the real generators return and what players, browsers and
 * probes expect; a PNG-per-frame track would be simpler but few players besides ffmpeg decode
 * it. The encoder needs no transform or entropy coder: each macroblock is either raw samples
 * ({@code I_PCM}) or an exact copy of its left or upper neighbour (intra prediction with no
 * residual), and the pictures are drawn so that most macroblocks are copies. Decoding is
 * therefore lossless and bit-exact (checked against ffmpeg in the tests). The price is size:
 * about 30 KB per 1280x720 frame (5.7 MB for 8 s at 24 fps, built in under a second), so a fake
 * should build a clip once and keep it.
 */
public final class Media {

  /** {@code image/png}. */
  public static final String PNG = "image/png";

  /** {@code video/mp4}. */
  public static final String MP4 = "video/mp4";

  /** {@code audio/wav}. */
  public static final String WAV = "audio/wav";

  /** Largest PNG side accepted. */
  public static final int MAX_IMAGE_SIDE = 8192;

  /** Largest video side accepted (the limit of H.264 level 5.2 is 4096 x 2304). */
  public static final int MAX_VIDEO_SIDE = 4096;

  private static final byte[] PNG_SIGNATURE = {
    (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'
  };

  private Media() {}

  // ---------------------------------------------------------------------------------- seeds

  /**
   * A seed derived from arbitrary inputs (prompt text, model name, user seed, ...): the first 8
   * bytes of a SHA-256 over the parts. Parts are told apart by position, so {@code ("ab", "c")}
   * and {@code ("a", "bc")} differ; {@code null} is a part of its own; a {@code byte[]} (an
   * uploaded image, say) counts by its content; any other object by {@code String.valueOf}, so
   * pass values with a stable {@code toString()} (strings, numbers, enums, records, lists).
   */
  public static long seedOf(Object... parts) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    for (Object part : parts) {
      byte[] bytes;
      byte tag;
      if (part == null) {
        tag = 0;
        bytes = new byte[0];
      } else if (part instanceof byte[]) {
        tag = 1;
        bytes = (byte[]) part;
      } else {
        tag = 2;
        bytes = String.valueOf(part).getBytes(StandardCharsets.UTF_8);
      }
      sha.update(tag);
      sha.update(int32(bytes.length));
      sha.update(bytes);
    }
    byte[] d = sha.digest();
    long seed = 0;
    for (int i = 0; i < 8; i++) {
      seed = (seed << 8) | (d[i] & 0xFF);
    }
    return seed;
  }

  // ---------------------------------------------------------------------------------- types

  /**
   * The content type for a file name by its extension: {@link #PNG}, {@link #MP4}, {@link #WAV},
   * or {@code application/octet-stream} for anything else.
   */
  public static String contentType(String fileName) {
    String name = fileName.toLowerCase(Locale.ROOT);
    if (name.endsWith(".png")) {
      return PNG;
    }
    if (name.endsWith(".mp4") || name.endsWith(".m4v")) {
      return MP4;
    }
    if (name.endsWith(".wav")) {
      return WAV;
    }
    return "application/octet-stream";
  }

  // ---------------------------------------------------------------------------------- PNG

  /** An 8-bit RGB PNG of the seed's picture. */
  public static byte[] png(int width, int height, long seed) {
    return png(width, height, seed, Map.of());
  }

  /**
   * An 8-bit RGB PNG of the seed's picture with text chunks before the image data, in the map's
   * iteration order, as ComfyUI's SaveImage writes {@code "prompt"} and {@code "workflow"}
   * (the workflow JSON). A value that is not Latin-1 goes into an uncompressed {@code iTXt}
   * chunk (UTF-8) instead of {@code tEXt}, as Pillow does.
   *
   * @param textChunks keyword (1 to 79 Latin-1 characters, no NUL) to text
   */
  public static byte[] png(int width, int height, long seed, Map<String, String> textChunks) {
    checkSide("width", width, 1, MAX_IMAGE_SIDE);
    checkSide("height", height, 1, MAX_IMAGE_SIDE);
    Objects.requireNonNull(textChunks, "textChunks");

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(PNG_SIGNATURE);

    ByteArrayOutputStream ihdr = new ByteArrayOutputStream(13);
    ihdr.writeBytes(int32(width));
    ihdr.writeBytes(int32(height));
    ihdr.write(8); // bit depth
    ihdr.write(2); // colour type: truecolour (RGB)
    ihdr.write(0); // compression: deflate
    ihdr.write(0); // filter method 0
    ihdr.write(0); // no interlace
    chunk(out, "IHDR", ihdr.toByteArray());

    for (Map.Entry<String, String> e : textChunks.entrySet()) {
      textChunk(out, e.getKey(), e.getValue());
    }

    int stride = 1 + 3 * width;
    byte[] raw = new byte[stride * height];
    ImagePattern pattern = new ImagePattern(width, height, seed);
    byte[] row = new byte[3 * width];
    for (int y = 0; y < height; y++) {
      pattern.row(y, row);
      raw[y * stride] = 0; // filter type None
      System.arraycopy(row, 0, raw, y * stride + 1, row.length);
    }
    chunk(out, "IDAT", Deflate.zlib(raw, stride));
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  /** The pixels {@link #png} encodes, as {@code 0xRRGGBB} row by row (for tests). */
  static int[] pngPixels(int width, int height, long seed) {
    ImagePattern pattern = new ImagePattern(width, height, seed);
    int[] pixels = new int[width * height];
    byte[] row = new byte[3 * width];
    for (int y = 0; y < height; y++) {
      pattern.row(y, row);
      for (int x = 0; x < width; x++) {
        pixels[y * width + x] =
            (row[3 * x] & 0xFF) << 16 | (row[3 * x + 1] & 0xFF) << 8 | (row[3 * x + 2] & 0xFF);
      }
    }
    return pixels;
  }

  private static void textChunk(ByteArrayOutputStream out, String keyword, String text) {
    Objects.requireNonNull(text, "text of chunk " + keyword);
    if (keyword.isEmpty()
        || keyword.length() > 79
        || keyword.indexOf('\0') >= 0
        || !StandardCharsets.ISO_8859_1.newEncoder().canEncode(keyword)) {
      throw new IllegalArgumentException(
          "PNG text keyword must be 1 to 79 Latin-1 characters without NUL: " + keyword);
    }
    ByteArrayOutputStream data = new ByteArrayOutputStream(keyword.length() + text.length() + 8);
    data.writeBytes(keyword.getBytes(StandardCharsets.ISO_8859_1));
    data.write(0);
    if (StandardCharsets.ISO_8859_1.newEncoder().canEncode(text)) {
      data.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
      chunk(out, "tEXt", data.toByteArray());
    } else {
      data.write(0); // compression flag: uncompressed
      data.write(0); // compression method
      data.write(0); // empty language tag
      data.write(0); // empty translated keyword
      data.writeBytes(text.getBytes(StandardCharsets.UTF_8));
      chunk(out, "iTXt", data.toByteArray());
    }
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
    out.writeBytes(int32(data.length));
    out.writeBytes(typeBytes);
    out.writeBytes(data);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data);
    out.writeBytes(int32((int) crc.getValue()));
  }

  /** Horizontal gradient between two colours, in bands of alternating shade, plus rectangles. */
  private static final class ImagePattern {
    private final int width;
    private final int[] left;
    private final int[] right;
    private final int bandHeight;
    private final int[][] rects; // x, y, w, h, rgb

    ImagePattern(int width, int height, long seed) {
      this.width = width;
      SplitMix rng = new SplitMix(seed ^ 0x504E47L); // "PNG"
      left = rng.color();
      right = rng.color();
      bandHeight = Math.max(1, height / (3 + rng.below(6)));
      rects = new int[2 + rng.below(4)][];
      for (int i = 0; i < rects.length; i++) {
        int w = Math.max(1, width / 8 + rng.below(Math.max(1, width / 4)));
        int h = Math.max(1, height / 8 + rng.below(Math.max(1, height / 4)));
        int[] c = rng.color();
        int x = rng.below(width - w + 1);
        int y = rng.below(height - h + 1);
        rects[i] = new int[] {x, y, w, h, c[0] << 16 | c[1] << 8 | c[2]};
      }
    }

    void row(int y, byte[] rgb) {
      boolean dark = (y / bandHeight) % 2 == 1;
      for (int x = 0; x < width; x++) {
        for (int ch = 0; ch < 3; ch++) {
          int v = width == 1 ? left[ch] : left[ch] + (right[ch] - left[ch]) * x / (width - 1);
          rgb[3 * x + ch] = (byte) (dark ? v * 3 / 4 : v);
        }
      }
      for (int[] r : rects) {
        if (y >= r[1] && y < r[1] + r[3]) {
          for (int x = r[0]; x < r[0] + r[2]; x++) {
            rgb[3 * x] = (byte) (r[4] >> 16);
            rgb[3 * x + 1] = (byte) (r[4] >> 8);
            rgb[3 * x + 2] = (byte) r[4];
          }
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------- MP4

  /**
   * An H.264 MP4 of {@code frames} frames at {@code fps} (duration {@code frames / fps} seconds),
   * with no audio track. See the class comment for the codec.
   *
   * @param width even, 2 to {@value #MAX_VIDEO_SIDE}
   * @param height even, 2 to {@value #MAX_VIDEO_SIDE}
   * @param frames at least 1
   * @param fps 1 to 240
   */
  public static byte[] mp4(int width, int height, int frames, int fps, long seed) {
    return Mp4.mp4(width, height, frames, fps, seed);
  }

  /** The Y, Cb and Cr planes (cropped to the picture) of one frame of {@link #mp4}, for tests. */
  static byte[][] mp4FramePlanes(int width, int height, int frame, int frames, long seed) {
    return Mp4.framePlanes(width, height, frame, frames, seed);
  }

  // ---------------------------------------------------------------------------------- WAV

  /**
   * A 16-bit PCM mono WAV of {@code durationMillis} (rounded down to whole samples): a chord of
   * two sine tones whose pitch comes from the seed, with 10 ms fades so it does not click.
   *
   * @param sampleRate 8000 to 192000 Hz
   */
  public static byte[] wav(long durationMillis, int sampleRate, long seed) {
    if (durationMillis > 3_600_000L) { // keeps durationMillis * sampleRate far from overflow
      throw new IllegalArgumentException("durationMillis must be at most one hour");
    }
    if (sampleRate < 8000 || sampleRate > 192_000) {
      throw new IllegalArgumentException("sampleRate must be 8000 to 192000 Hz, got " + sampleRate);
    }
    if (durationMillis < 0 || durationMillis * sampleRate / 1000 * 2 > Integer.MAX_VALUE - 64) {
      throw new IllegalArgumentException(
          "durationMillis must be 0 up to about 1.5 GB of samples, got " + durationMillis);
    }
    int n = (int) (durationMillis * sampleRate / 1000);
    SplitMix rng = new SplitMix(seed ^ 0x574156L); // "WAV"
    // A note from A3 upwards by whole semitones, and its fifth or major third above.
    double root = 220.0 * StrictMath.pow(2, rng.below(24) / 12.0);
    double second = root * (rng.below(2) == 0 ? 1.5 : 1.25);
    int fade = Math.max(1, sampleRate / 100);

    byte[] out = new byte[44 + 2 * n];
    putAscii(out, 0, "RIFF");
    putLe32(out, 4, 36 + 2 * n);
    putAscii(out, 8, "WAVE");
    putAscii(out, 12, "fmt ");
    putLe32(out, 16, 16);
    putLe16(out, 20, 1); // PCM
    putLe16(out, 22, 1); // mono
    putLe32(out, 24, sampleRate);
    putLe32(out, 28, sampleRate * 2); // byte rate
    putLe16(out, 32, 2); // block align
    putLe16(out, 34, 16); // bits per sample
    putAscii(out, 36, "data");
    putLe32(out, 40, 2 * n);
    for (int i = 0; i < n; i++) {
      double t = (double) i / sampleRate;
      // StrictMath, not Math: Math.sin may differ in the last bit between JVMs and CPUs.
      double v =
          0.3 * StrictMath.sin(2 * StrictMath.PI * root * t)
              + 0.2 * StrictMath.sin(2 * StrictMath.PI * second * t);
      double envelope = Math.min(1.0, Math.min(i, n - 1 - i) / (double) fade);
      putLe16(out, 44 + 2 * i, (int) StrictMath.round(v * envelope * 32767));
    }
    return out;
  }

  // ---------------------------------------------------------------------------------- helpers

  static void checkSide(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + " must be " + min + " to " + max + ", got " + value);
    }
  }

  static byte[] int32(int v) {
    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }

  private static void putAscii(byte[] b, int at, String s) {
    for (int i = 0; i < s.length(); i++) {
      b[at + i] = (byte) s.charAt(i);
    }
  }

  private static void putLe16(byte[] b, int at, int v) {
    b[at] = (byte) v;
    b[at + 1] = (byte) (v >> 8);
  }

  private static void putLe32(byte[] b, int at, int v) {
    putLe16(b, at, v);
    putLe16(b, at + 2, v >>> 16);
  }

  /** SplitMix64, defined here so that no output depends on a library's random generator. */
  static final class SplitMix {
    private long state;

    SplitMix(long seed) {
      state = seed;
    }

    long next() {
      long z = (state += 0x9E3779B97F4A7C15L);
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      return z ^ (z >>> 31);
    }

    /** Uniform-enough integer in [0, bound), bound &gt; 0. */
    int below(int bound) {
      return (int) Long.remainderUnsigned(next(), bound);
    }

    int[] color() {
      return new int[] {below(256), below(256), below(256)};
    }
  }
}
