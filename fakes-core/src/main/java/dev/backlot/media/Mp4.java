package dev.backlot.media;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The MP4 writer behind {@link Media#mp4}: frames drawn from the seed, encoded by {@link H264},
 * in an ISO-BMFF file with {@code moov} first. See {@link Media}'s class comment for the codec.
 */
final class Mp4 {

  private Mp4() {}

  /**
   * An H.264 MP4 of {@code frames} frames at {@code fps} (duration {@code frames / fps} seconds),
   * with no audio track. See the class comment for the codec.
   *
   * @param width even, 2 to {@value Media#MAX_VIDEO_SIDE}
   * @param height even, 2 to {@value Media#MAX_VIDEO_SIDE}
   * @param frames at least 1
   * @param fps 1 to 240
   */
  static byte[] mp4(int width, int height, int frames, int fps, long seed) {
    Media.checkSide("width", width, 2, Media.MAX_VIDEO_SIDE);
    Media.checkSide("height", height, 2, Media.MAX_VIDEO_SIDE);
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
      System.arraycopy(Media.int32(nal.length), 0, sample, 0, 4);
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
  static byte[][] framePlanes(int width, int height, int frame, int frames, long seed) {
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

      Media.SplitMix rng = new Media.SplitMix(seed ^ 0x4D5034L); // "MP4"
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
      buf.writeBytes(Media.int32((int) v));
    }

    void ints(int[] values) {
      for (int v : values) {
        buf.writeBytes(Media.int32(v));
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
}
