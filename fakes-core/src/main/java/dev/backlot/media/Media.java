package dev.backlot.media;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
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
    checkSide("width", width, 2, MAX_VIDEO_SIDE);
    checkSide("height", height, 2, MAX_VIDEO_SIDE);
    if (width % 2 != 0 || height % 2 != 0) {
      throw new IllegalArgumentException(
          "video width and height must be even (4:2:0 chroma), got " + width + "x" + height);
    }
    if (frames < 1) {
      throw new IllegalArgumentException("frames must be at least 1, got " + frames);
    }
    if (fps < 1 || fps > 240) {
      throw new IllegalArgumentException("fps must be 1 to 240, got " + fps);
    }
    H264 codec = new H264(width, height, fps);
    long worstFrame = (long) codec.codedWidth() * codec.codedHeight() * 3 / 2 * 101 / 100 + 64;
    if (worstFrame * frames > Integer.MAX_VALUE - (1 << 20)) {
      throw new IllegalArgumentException(
          "video too large for one byte array: " + width + "x" + height + " x " + frames);
    }

    VideoPattern pattern = new VideoPattern(width, height, frames, seed, codec);
    byte[][] samples = new byte[frames][];
    long mdatPayload = 0;
    for (int f = 0; f < frames; f++) {
      pattern.draw(f);
      byte[] nal = codec.idrSlice(pattern.y, pattern.cb, pattern.cr, f % 2);
      byte[] sample = new byte[4 + nal.length]; // AVC sample: 4-byte length, then the NAL unit
      System.arraycopy(int32(nal.length), 0, sample, 0, 4);
      System.arraycopy(nal, 0, sample, 4, nal.length);
      samples[f] = sample;
      mdatPayload += sample.length;
    }

    int timescale = fps * 1000;
    int sampleDelta = 1000;
    long movieDuration = ((long) frames * 1000 + fps / 2) / fps; // milliseconds
    long mediaDuration = (long) frames * sampleDelta;

    Out ftyp = new Out();
    ftyp.box(
        "ftyp",
        b -> {
          b.fourcc("isom");
          b.u32(0x200);
          b.fourcc("isom");
          b.fourcc("iso2");
          b.fourcc("avc1");
          b.fourcc("mp41");
        });
    byte[] moov = moov(codec, width, height, samples, timescale, sampleDelta, movieDuration,
        mediaDuration, 0);
    // moov's size does not depend on the chunk offset it holds, so build it again with the offset.
    long mdatStart = ftyp.size() + moov.length + 8L;
    moov = moov(codec, width, height, samples, timescale, sampleDelta, movieDuration,
        mediaDuration, mdatStart);

    Out file = new Out();
    file.bytes(ftyp.toByteArray());
    file.bytes(moov);
    file.u32(8 + mdatPayload);
    file.fourcc("mdat");
    for (byte[] s : samples) {
      file.bytes(s);
    }
    return file.toByteArray();
  }

  /** The Y, Cb and Cr planes (cropped to the picture) of one frame of {@link #mp4}, for tests. */
  static byte[][] mp4FramePlanes(int width, int height, int frame, int frames, long seed) {
    H264 codec = new H264(width, height, 1);
    VideoPattern p = new VideoPattern(width, height, frames, seed, codec);
    p.draw(frame);
    int cw = codec.codedWidth();
    byte[] y = new byte[width * height];
    byte[] cb = new byte[width * height / 4];
    byte[] cr = new byte[width * height / 4];
    for (int r = 0; r < height; r++) {
      System.arraycopy(p.y, r * cw, y, r * width, width);
    }
    for (int r = 0; r < height / 2; r++) {
      System.arraycopy(p.cb, r * cw / 2, cb, r * width / 2, width / 2);
      System.arraycopy(p.cr, r * cw / 2, cr, r * width / 2, width / 2);
    }
    return new byte[][] {y, cb, cr};
  }

  private static byte[] moov(
      H264 codec,
      int width,
      int height,
      byte[][] samples,
      int timescale,
      int sampleDelta,
      long movieDuration,
      long mediaDuration,
      long mdatStart) {
    int[] identity = {0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000};
    Out moov = new Out();
    moov.box(
        "moov",
        m -> {
          m.fullBox(
              "mvhd",
              0,
              0,
              b -> {
                b.u32(0); // creation_time: fixed, so the bytes depend on the inputs only
                b.u32(0); // modification_time
                b.u32(1000); // timescale: milliseconds
                b.u32(movieDuration);
                b.u32(0x00010000); // rate 1.0
                b.u16(0x0100); // volume 1.0
                b.zeros(10);
                b.ints(identity);
                b.zeros(24); // pre_defined
                b.u32(2); // next_track_ID
              });
          m.box(
              "trak",
              t -> {
                t.fullBox(
                    "tkhd",
                    0,
                    3, // track enabled, in movie
                    b -> {
                      b.u32(0);
                      b.u32(0);
                      b.u32(1); // track_ID
                      b.u32(0);
                      b.u32(movieDuration);
                      b.zeros(8);
                      b.u16(0); // layer
                      b.u16(0); // alternate_group
                      b.u16(0); // volume: 0 for video
                      b.u16(0);
                      b.ints(identity);
                      b.u32((long) width << 16);
                      b.u32((long) height << 16);
                    });
                t.box("mdia", md -> mdia(md, codec, width, height, samples, timescale,
                    sampleDelta, mediaDuration, mdatStart));
              });
        });
    return moov.toByteArray();
  }

  private static void mdia(
      Out md,
      H264 codec,
      int width,
      int height,
      byte[][] samples,
      int timescale,
      int sampleDelta,
      long mediaDuration,
      long mdatStart) {
    md.fullBox(
        "mdhd",
        0,
        0,
        b -> {
          b.u32(0);
          b.u32(0);
          b.u32(timescale);
          b.u32(mediaDuration);
          b.u16(0x55C4); // language "und", packed ISO-639-2/T
          b.u16(0);
        });
    md.fullBox(
        "hdlr",
        0,
        0,
        b -> {
          b.u32(0); // pre_defined
          b.fourcc("vide");
          b.zeros(12);
          b.bytes("VideoHandler\0".getBytes(StandardCharsets.US_ASCII));
        });
    md.box(
        "minf",
        mi -> {
          mi.fullBox("vmhd", 0, 1, b -> b.zeros(8)); // graphicsmode copy, opcolor 0
          mi.box(
              "dinf",
              di ->
                  di.fullBox(
                      "dref",
                      0,
                      0,
                      b -> {
                        b.u32(1);
                        b.fullBox("url ", 0, 1, u -> {}); // flag 1: media is in this file
                      }));
          mi.box(
              "stbl",
              st -> {
                st.fullBox(
                    "stsd",
                    0,
                    0,
                    b -> {
                      b.u32(1);
                      b.box("avc1", e -> avc1(e, codec, width, height));
                    });
                st.fullBox(
                    "stts",
                    0,
                    0,
                    b -> {
                      b.u32(1);
                      b.u32(samples.length);
                      b.u32(sampleDelta);
                    });
                // No stss box: every sample is a sync sample (each frame is an IDR picture).
                st.fullBox(
                    "stsc",
                    0,
                    0,
                    b -> {
                      b.u32(1);
                      b.u32(1); // first_chunk
                      b.u32(samples.length); // samples_per_chunk: all in one chunk
                      b.u32(1); // sample_description_index
                    });
                st.fullBox(
                    "stsz",
                    0,
                    0,
                    b -> {
                      b.u32(0); // sizes differ
                      b.u32(samples.length);
                      for (byte[] s : samples) {
                        b.u32(s.length);
                      }
                    });
                st.fullBox(
                    "stco",
                    0,
                    0,
                    b -> {
                      b.u32(1);
                      b.u32(mdatStart);
                    });
              });
        });
  }

  private static void avc1(Out e, H264 codec, int width, int height) {
    e.zeros(6);
    e.u16(1); // data_reference_index
    e.zeros(16); // pre_defined, reserved
    e.u16(width);
    e.u16(height);
    e.u32(0x00480000); // 72 dpi
    e.u32(0x00480000);
    e.u32(0);
    e.u16(1); // frame_count per sample
    byte[] name = new byte[32];
    byte[] text = "Backlot lossless H.264".getBytes(StandardCharsets.US_ASCII);
    name[0] = (byte) text.length;
    System.arraycopy(text, 0, name, 1, text.length);
    e.bytes(name);
    e.u16(0x18); // depth: colour, no alpha
    e.u16(0xFFFF); // pre_defined -1
    byte[] sps = codec.sps();
    byte[] pps = codec.pps();
    e.box(
        "avcC",
        b -> {
          b.u8(1); // configurationVersion
          b.u8(H264.PROFILE_IDC);
          b.u8(H264.CONSTRAINT_FLAGS);
          b.u8(codec.levelIdc);
          b.u8(0xFF); // lengthSizeMinusOne = 3
          b.u8(0xE1); // one SPS
          b.u16(sps.length);
          b.bytes(sps);
          b.u8(1); // one PPS
          b.u16(pps.length);
          b.bytes(pps);
        });
  }

  /**
   * A vertical gradient in bands (so every row is flat and copies from the left) with a square
   * moving left to right. Positions and sizes are even so that 4:2:0 chroma stays exact.
   */
  private static final class VideoPattern {
    final byte[] y;
    final byte[] cb;
    final byte[] cr;
    private final int width;
    private final int height;
    private final int frames;
    private final int codedWidth;
    private final int codedHeight;
    private final int[] rowY;
    private final int[] rowCb;
    private final int[] rowCr;
    private final int side;
    private final int top;
    private final int[] square; // Y, Cb, Cr

    VideoPattern(int width, int height, int frames, long seed, H264 codec) {
      this.width = width;
      this.height = height;
      this.frames = frames;
      this.codedWidth = codec.codedWidth();
      this.codedHeight = codec.codedHeight();
      y = new byte[codedWidth * codedHeight];
      cb = new byte[codedWidth * codedHeight / 4];
      cr = new byte[codedWidth * codedHeight / 4];

      SplitMix rng = new SplitMix(seed ^ 0x4D5034L); // "MP4"
      int[] c0 = rng.color();
      int[] c1 = rng.color();
      int bandHeight = Math.max(2, height / (4 + rng.below(6)));
      rowY = new int[codedHeight];
      rowCb = new int[codedHeight];
      rowCr = new int[codedHeight];
      for (int r = 0; r < codedHeight; r++) {
        int yy = Math.min(r, height - 1); // rows below the picture repeat its last row
        int[] rgb = new int[3];
        for (int ch = 0; ch < 3; ch++) {
          rgb[ch] = c0[ch] + (c1[ch] - c0[ch]) * yy / (height - 1); // height >= 2
          if ((yy / bandHeight) % 2 == 1) {
            rgb[ch] = rgb[ch] * 3 / 4;
          }
        }
        int[] ycc = ycbcr(rgb);
        rowY[r] = ycc[0];
        rowCb[r] = ycc[1];
        rowCr[r] = ycc[2];
      }
      side = Math.max(2, Math.min(width, height) / 4) & ~1;
      top = rng.below((height - side) / 2 + 1) * 2;
      // Far in luma and opposite in chroma from the band behind it, so it always stands out.
      int mid = top + side / 2;
      int lumaBehind = rowY[mid];
      square =
          new int[] {
            lumaBehind < 126 ? lumaBehind + 90 : lumaBehind - 90, 256 - rowCb[mid], 256 - rowCr[mid]
          };
    }

    void draw(int frame) {
      for (int r = 0; r < codedHeight; r++) {
        Arrays.fill(y, r * codedWidth, (r + 1) * codedWidth, (byte) rowY[r]);
      }
      int cw = codedWidth / 2;
      for (int r = 0; r < codedHeight / 2; r++) {
        // chroma of a row pair: the colour of its upper row
        Arrays.fill(cb, r * cw, (r + 1) * cw, (byte) rowCb[2 * r]);
        Arrays.fill(cr, r * cw, (r + 1) * cw, (byte) rowCr[2 * r]);
      }
      int left = frames == 1 ? 0 : (int) ((long) (width - side) * frame / (frames - 1)) & ~1;
      for (int r = top; r < top + side; r++) {
        Arrays.fill(y, r * codedWidth + left, r * codedWidth + left + side, (byte) square[0]);
      }
      for (int r = top / 2; r < (top + side) / 2; r++) {
        Arrays.fill(cb, r * cw + left / 2, r * cw + (left + side) / 2, (byte) square[1]);
        Arrays.fill(cr, r * cw + left / 2, r * cw + (left + side) / 2, (byte) square[2]);
      }
    }

    /** BT.601 limited range, in integers (Y 16..235, Cb and Cr 16..240: never 0). */
    private static int[] ycbcr(int[] rgb) {
      int r = rgb[0];
      int g = rgb[1];
      int b = rgb[2];
      return new int[] {
        ((66 * r + 129 * g + 25 * b + 128) >> 8) + 16,
        ((-38 * r - 74 * g + 112 * b + 128) >> 8) + 128,
        ((112 * r - 94 * g - 18 * b + 128) >> 8) + 128
      };
    }
  }

  /** Big-endian writer for ISO-BMFF boxes. */
  private static final class Out {
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

    interface Body {
      void write(Out out);
    }

    void box(String type, Body body) {
      Out inner = new Out();
      body.write(inner);
      u32(8L + inner.size());
      fourcc(type);
      bytes(inner.toByteArray());
    }

    void fullBox(String type, int version, int flags, Body body) {
      box(
          type,
          b -> {
            b.u32(((long) version << 24) | flags);
            body.write(b);
          });
    }

    void u8(int v) {
      buf.write(v);
    }

    void u16(int v) {
      buf.write(v >>> 8);
      buf.write(v);
    }

    void u32(long v) {
      if (v < 0 || v > 0xFFFFFFFFL) {
        throw new IllegalStateException("does not fit 32 bits: " + v);
      }
      buf.writeBytes(int32((int) v));
    }

    void ints(int[] values) {
      for (int v : values) {
        buf.writeBytes(int32(v));
      }
    }

    void fourcc(String s) {
      buf.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    }

    void zeros(int n) {
      buf.writeBytes(new byte[n]);
    }

    void bytes(byte[] b) {
      buf.writeBytes(b);
    }

    int size() {
      return buf.size();
    }

    byte[] toByteArray() {
      return buf.toByteArray();
    }
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

  private static void checkSide(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + " must be " + min + " to " + max + ", got " + value);
    }
  }

  private static byte[] int32(int v) {
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
  private static final class SplitMix {
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
