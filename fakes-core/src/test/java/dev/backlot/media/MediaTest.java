package dev.backlot.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import javax.imageio.ImageIO;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MediaTest {

  @Nested
  class Seeds {

    @Test
    void sameInputsGiveTheSameSeed() {
      assertThat(Media.seedOf("a cat", 42, null)).isEqualTo(Media.seedOf("a cat", 42, null));
    }

    @Test
    void partBoundariesOrderAndNullMatter() {
      long ab = Media.seedOf("ab", "c");
      assertThat(Media.seedOf("a", "bc")).isNotEqualTo(ab);
      assertThat(Media.seedOf("c", "ab")).isNotEqualTo(ab);
      assertThat(Media.seedOf("ab", "c", null)).isNotEqualTo(ab);
      assertThat(Media.seedOf("null")).isNotEqualTo(Media.seedOf((Object) null));
    }

    @Test
    void byteArraysCountByContent() {
      assertThat(Media.seedOf((Object) new byte[] {1, 2, 3}))
          .isEqualTo(Media.seedOf((Object) new byte[] {1, 2, 3}))
          .isNotEqualTo(Media.seedOf((Object) new byte[] {1, 2, 4}));
    }
  }

  @Test
  void contentTypesFollowTheExtension() {
    assertThat(Media.contentType("ComfyUI_00001_.PNG")).isEqualTo("image/png");
    assertThat(Media.contentType("output_aigc.mp4")).isEqualTo("video/mp4");
    assertThat(Media.contentType("speech.wav")).isEqualTo("audio/wav");
    assertThat(Media.contentType("notes.txt")).isEqualTo("application/octet-stream");
  }

  @Nested
  class Png {

    @ParameterizedTest
    @CsvSource({"64, 64, 1", "1, 1, 2", "3, 200, 3", "400, 300, 4"})
    void imageIoDecodesExactlyThePatternPixels(int width, int height, long seed)
        throws IOException {
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(Media.png(width, height, seed)));

      assertThat(image).isNotNull();
      assertThat(image.getWidth()).isEqualTo(width);
      assertThat(image.getHeight()).isEqualTo(height);
      int[] decoded = image.getRGB(0, 0, width, height, null, 0, width);
      for (int i = 0; i < decoded.length; i++) {
        decoded[i] &= 0xFFFFFF;
      }
      assertThat(decoded).isEqualTo(Media.pngPixels(width, height, seed));
    }

    @Test
    void sameSeedGivesIdenticalBytes() {
      assertThat(Media.png(128, 96, 7)).isEqualTo(Media.png(128, 96, 7));
    }

    @Test
    void differentSeedsGiveVisiblyDifferentPixels() {
      int[] a = Media.pngPixels(64, 64, Media.seedOf("a cat"));
      int[] b = Media.pngPixels(64, 64, Media.seedOf("a dog"));
      int differing = 0;
      for (int i = 0; i < a.length; i++) {
        if (a[i] != b[i]) {
          differing++;
        }
      }
      assertThat(differing).isGreaterThan(a.length / 2);
    }

    @Test
    void chunksAreWellFormedWithValidCrcsAndUnfilteredScanlines() throws DataFormatException {
      byte[] png = Media.png(40, 30, 5);
      List<Chunk> chunks = chunks(png);

      assertThat(chunks).extracting(Chunk::type).containsExactly("IHDR", "IDAT", "IEND");
      for (Chunk c : chunks) {
        assertThat(c.crcValid()).as("CRC of %s", c.type()).isTrue();
      }
      ByteBuffer ihdr = ByteBuffer.wrap(chunks.get(0).data());
      assertThat(ihdr.getInt()).isEqualTo(40);
      assertThat(ihdr.getInt()).isEqualTo(30);
      assertThat(ihdr.get()).isEqualTo((byte) 8); // bit depth
      assertThat(ihdr.get()).isEqualTo((byte) 2); // RGB

      byte[] raw = inflate(chunks.get(1).data());
      int stride = 1 + 3 * 40;
      assertThat(raw).hasSize(stride * 30);
      for (int y = 0; y < 30; y++) {
        assertThat(raw[y * stride]).as("filter byte of row %d", y).isZero();
      }
    }

    @Test
    void textChunksComeBeforeTheImageDataInMapOrder() {
      Map<String, String> text = new LinkedHashMap<>();
      text.put("prompt", "{\"3\":{\"class_type\":\"KSampler\",\"inputs\":{\"seed\":42}}}");
      text.put("workflow", "{\"nodes\":[],\"title\":\"caf\u00e9\"}");
      text.put("Comment", "\u732b \u2014 a cat");

      List<Chunk> chunks = chunks(Media.png(16, 16, 1, text));

      assertThat(chunks)
          .extracting(Chunk::type)
          .containsExactly("IHDR", "tEXt", "tEXt", "iTXt", "IDAT", "IEND");
      assertThat(chunks).allMatch(Chunk::crcValid);
      assertThat(textChunk(chunks.get(1))).containsExactly("prompt", text.get("prompt"));
      assertThat(textChunk(chunks.get(2))).containsExactly("workflow", text.get("workflow"));
      assertThat(textChunk(chunks.get(3))).containsExactly("Comment", text.get("Comment"));
    }

    @Test
    void rejectsBadSizesAndKeywords() {
      assertThatThrownBy(() -> Media.png(0, 10, 1)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> Media.png(10, Media.MAX_IMAGE_SIDE + 1, 1))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> Media.png(10, 10, 1, Map.of("", "x")))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> Media.png(10, 10, 1, Map.of("k".repeat(80), "x")))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> Media.png(10, 10, 1, Map.of("\u732b", "x")))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  class Mp4 {

    @Test
    void boxTreeDescribesTheRequestedClip() {
      byte[] mp4 = Media.mp4(64, 64, 16, 8, 1);
      Box file = Box.parse(mp4);

      assertThat(file.children()).extracting(Box::type).containsExactly("ftyp", "moov", "mdat");
      assertThat(fourcc(file.child("ftyp").payload(), 0)).isEqualTo("isom");

      Box moov = file.child("moov");
      ByteBuffer mvhd = moov.child("mvhd").payload();
      assertThat(mvhd.getInt(12)).as("movie timescale").isEqualTo(1000);
      assertThat(mvhd.getInt(16)).as("movie duration").isEqualTo(2000);

      Box trak = moov.child("trak");
      ByteBuffer tkhd = trak.child("tkhd").payload();
      assertThat(tkhd.getInt(20)).as("track duration").isEqualTo(2000);
      assertThat(tkhd.getInt(76) >>> 16).as("track width").isEqualTo(64);
      assertThat(tkhd.getInt(80) >>> 16).as("track height").isEqualTo(64);

      Box mdia = trak.child("mdia");
      ByteBuffer mdhd = mdia.child("mdhd").payload();
      int timescale = mdhd.getInt(12);
      assertThat((double) mdhd.getInt(16) / timescale).as("media seconds").isEqualTo(2.0);
      assertThat(fourcc(mdia.child("hdlr").payload(), 8)).isEqualTo("vide");

      Box stbl = mdia.child("minf").child("stbl");
      Box avc1 = stbl.child("stsd").child("avc1");
      assertThat(avc1.payload().getShort(24)).as("sample entry width").isEqualTo((short) 64);
      assertThat(avc1.payload().getShort(26)).as("sample entry height").isEqualTo((short) 64);
      ByteBuffer avcc = avc1.child("avcC").payload();
      assertThat(avcc.get(1)).as("profile: Baseline").isEqualTo((byte) 66);

      ByteBuffer stts = stbl.child("stts").payload();
      assertThat(stts.getInt(4)).as("stts entries").isEqualTo(1);
      assertThat(stts.getInt(8)).as("sample count").isEqualTo(16);
      assertThat(stts.getInt(12) * 8).as("one frame per sample delta").isEqualTo(timescale);

      ByteBuffer stsz = stbl.child("stsz").payload();
      assertThat(stsz.getInt(8)).as("sample sizes").isEqualTo(16);
      ByteBuffer stco = stbl.child("stco").payload();
      Box mdat = file.child("mdat");
      assertThat(stco.getInt(8)).as("chunk offset").isEqualTo(mdat.offset() + 8);

      // Samples tile mdat exactly, and each is one length-prefixed IDR slice NAL unit.
      int at = stco.getInt(8);
      for (int i = 0; i < 16; i++) {
        int size = stsz.getInt(12 + 4 * i);
        ByteBuffer sample = ByteBuffer.wrap(mp4, at, size);
        assertThat(sample.getInt()).as("NAL length of sample %d", i).isEqualTo(size - 4);
        assertThat(sample.get() & 0x1F).as("NAL type of sample %d", i).isEqualTo(5);
        at += size;
      }
      assertThat(at).isEqualTo(mp4.length);
    }

    @Test
    void sizesThatAreNotMacroblockMultiplesKeepTheirDimensions() {
      Box stbl =
          Box.parse(Media.mp4(102, 58, 3, 30, 2))
              .child("moov")
              .child("trak")
              .child("mdia")
              .child("minf")
              .child("stbl");
      ByteBuffer avc1 = stbl.child("stsd").child("avc1").payload();
      assertThat(avc1.getShort(24)).isEqualTo((short) 102);
      assertThat(avc1.getShort(26)).isEqualTo((short) 58);
      assertThat(stbl.child("stsz").payload().getInt(8)).isEqualTo(3);
    }

    @Test
    void sameSeedGivesIdenticalBytesAndOtherSeedsDiffer() {
      byte[] a = Media.mp4(64, 48, 4, 4, 11);
      assertThat(Media.mp4(64, 48, 4, 4, 11)).isEqualTo(a);
      assertThat(Media.mp4(64, 48, 4, 4, 12)).isNotEqualTo(a);
      assertThat(Media.mp4FramePlanes(64, 48, 0, 4, 11)[0])
          .isNotEqualTo(Media.mp4FramePlanes(64, 48, 0, 4, 12)[0]);
    }

    @Test
    void framesMove() {
      byte[] first = Media.mp4FramePlanes(64, 64, 0, 8, 3)[0];
      byte[] last = Media.mp4FramePlanes(64, 64, 7, 8, 3)[0];
      assertThat(last).isNotEqualTo(first);
    }

    @Test
    void rejectsOddSizesAndBadTiming() {
      assertThatThrownBy(() -> Media.mp4(63, 64, 1, 8, 1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("even");
      assertThatThrownBy(() -> Media.mp4(64, 64, 0, 8, 1))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> Media.mp4(64, 64, 1, 0, 1))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> Media.mp4(64, Media.MAX_VIDEO_SIDE + 2, 1, 8, 1))
          .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * The real check: ffprobe and ffmpeg accept the file, and every decoded frame equals, sample
     * for sample, the picture it was encoded from. Needs ffmpeg on the PATH.
     */
    @ParameterizedTest
    @CsvSource({"64, 64, 16, 8, 1", "102, 58, 10, 30, 9", "320, 180, 5, 24, 4"})
    void ffprobeAndFfmpegAgree(
        int width, int height, int frames, int fps, long seed, @TempDir Path dir)
        throws Exception {
      Assumptions.assumeTrue(
          ffmpegAvailable(), "ffprobe/ffmpeg not on PATH: skipping decoder check of the MP4");
      Path file = dir.resolve("clip.mp4");
      Files.write(file, Media.mp4(width, height, frames, fps, seed));

      Run probe =
          run(
              dir,
              "ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
              "-show_entries", "stream=codec_name,width,height,nb_frames,nb_read_frames,duration",
              "-of", "default=noprint_wrappers=1", file.toString());
      assertThat(probe.exit()).as(probe.stderr()).isZero();
      Map<String, String> info = new HashMap<>();
      for (String line : probe.stdout().split("\n")) {
        String[] kv = line.trim().split("=", 2);
        if (kv.length == 2) {
          info.put(kv[0], kv[1]);
        }
      }
      assertThat(info)
          .containsEntry("codec_name", "h264")
          .containsEntry("width", String.valueOf(width))
          .containsEntry("height", String.valueOf(height))
          .containsEntry("nb_frames", String.valueOf(frames))
          .containsEntry("nb_read_frames", String.valueOf(frames));
      assertThat(Double.parseDouble(info.get("duration")))
          .isCloseTo((double) frames / fps, org.assertj.core.data.Offset.offset(0.001));

      Run decode =
          run(dir, "ffmpeg", "-v", "error", "-i", file.toString(), "-f", "null", "-");
      assertThat(decode.exit()).isZero();
      assertThat(decode.stderr()).as("ffmpeg decode errors").isEmpty();

      Path yuv = dir.resolve("frames.yuv");
      Run raw =
          run(dir, "ffmpeg", "-v", "error", "-i", file.toString(), "-f", "rawvideo", "-pix_fmt",
              "yuv420p", yuv.toString());
      assertThat(raw.exit()).as(raw.stderr()).isZero();
      byte[] decoded = Files.readAllBytes(yuv);
      int frameSize = width * height * 3 / 2;
      assertThat(decoded).hasSize(frameSize * frames);
      for (int f = 0; f < frames; f++) {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (byte[] plane : Media.mp4FramePlanes(width, height, f, frames, seed)) {
          expected.writeBytes(plane);
        }
        assertThat(Arrays.copyOfRange(decoded, f * frameSize, (f + 1) * frameSize))
            .as("decoded frame %d", f)
            .isEqualTo(expected.toByteArray());
      }
    }
  }

  @Nested
  class Wav {

    @Test
    void audioSystemReadsPcm16MonoOfTheRequestedLength() throws Exception {
      byte[] wav = Media.wav(2_000, 24_000, 1);
      try (AudioInputStream in = AudioSystem.getAudioInputStream(new ByteArrayInputStream(wav))) {
        AudioFormat format = in.getFormat();
        assertThat(format.getEncoding()).isEqualTo(AudioFormat.Encoding.PCM_SIGNED);
        assertThat(format.getSampleRate()).isEqualTo(24_000f);
        assertThat(format.getSampleSizeInBits()).isEqualTo(16);
        assertThat(format.getChannels()).isEqualTo(1);
        assertThat(format.isBigEndian()).isFalse();
        assertThat(in.getFrameLength()).isEqualTo(48_000);
        assertThat(in.getFrameLength() / format.getFrameRate()).isEqualTo(2.0f);

        byte[] pcm = in.readAllBytes();
        assertThat(pcm).hasSize(96_000);
        int peak = 0;
        for (int i = 0; i < pcm.length; i += 2) {
          peak = Math.max(peak, Math.abs((short) ((pcm[i] & 0xFF) | (pcm[i + 1] << 8))));
        }
        assertThat(peak).as("an audible tone, not clipped").isBetween(8_000, 32_000);
      }
    }

    @Test
    void sameSeedGivesIdenticalBytesAndOtherSeedsDiffer() {
      byte[] a = Media.wav(300, 16_000, 1);
      assertThat(Media.wav(300, 16_000, 1)).isEqualTo(a);
      assertThat(Media.wav(300, 16_000, 2)).isNotEqualTo(a);
    }

    @Test
    void zeroDurationIsAValidEmptyFile() throws Exception {
      byte[] wav = Media.wav(0, 8_000, 1);
      try (AudioInputStream in = AudioSystem.getAudioInputStream(new ByteArrayInputStream(wav))) {
        assertThat(in.getFrameLength()).isZero();
      }
    }

    @Test
    void rejectsBadArguments() {
      assertThatThrownBy(() -> Media.wav(-1, 8_000, 1))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> Media.wav(1_000, 100, 1))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> Media.wav(Long.MAX_VALUE, 48_000, 1))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  // ------------------------------------------------------------------------ PNG parsing

  record Chunk(String type, byte[] data, int crc) {
    boolean crcValid() {
      CRC32 c = new CRC32();
      c.update(type.getBytes(StandardCharsets.US_ASCII));
      c.update(data);
      return (int) c.getValue() == crc;
    }
  }

  private static List<Chunk> chunks(byte[] png) {
    assertThat(Arrays.copyOf(png, 8))
        .isEqualTo(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    ByteBuffer b = ByteBuffer.wrap(png, 8, png.length - 8);
    List<Chunk> out = new ArrayList<>();
    while (b.hasRemaining()) {
      int length = b.getInt();
      byte[] type = new byte[4];
      b.get(type);
      byte[] data = new byte[length];
      b.get(data);
      out.add(new Chunk(new String(type, StandardCharsets.US_ASCII), data, b.getInt()));
    }
    return out;
  }

  /** keyword and text of a tEXt or uncompressed iTXt chunk. */
  private static List<String> textChunk(Chunk c) {
    byte[] d = c.data();
    int nul = indexOf(d, 0, 0);
    String keyword = new String(d, 0, nul, StandardCharsets.ISO_8859_1);
    if (c.type().equals("tEXt")) {
      return List.of(
          keyword, new String(d, nul + 1, d.length - nul - 1, StandardCharsets.ISO_8859_1));
    }
    assertThat(d[nul + 1]).as("iTXt compression flag").isZero();
    int language = indexOf(d, 0, nul + 3);
    int translated = indexOf(d, 0, language + 1);
    return List.of(
        keyword,
        new String(d, translated + 1, d.length - translated - 1, StandardCharsets.UTF_8));
  }

  private static int indexOf(byte[] d, int value, int from) {
    for (int i = from; i < d.length; i++) {
      if (d[i] == value) {
        return i;
      }
    }
    throw new AssertionError("no byte " + value + " after " + from);
  }

  private static byte[] inflate(byte[] zlib) throws DataFormatException {
    Inflater inflater = new Inflater();
    inflater.setInput(zlib);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    while (!inflater.finished()) {
      int n = inflater.inflate(buf);
      if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
        throw new AssertionError("truncated zlib stream");
      }
      out.write(buf, 0, n);
    }
    assertThat(inflater.getRemaining()).as("bytes after the zlib stream").isZero();
    inflater.end();
    return out.toByteArray();
  }

  // ------------------------------------------------------------------------ MP4 parsing

  /** An ISO-BMFF box; {@code offset} is where its header starts in the file. */
  record Box(String type, int offset, byte[] file, int start, int end, List<Box> children) {

    /** Boxes whose payload starts with child boxes after a fixed-size prefix. */
    private static final Map<String, Integer> CONTAINERS =
        Map.of(
            "moov", 0, "trak", 0, "mdia", 0, "minf", 0, "dinf", 0, "stbl", 0,
            "stsd", 8, // version/flags, entry_count
            "avc1", 78); // VisualSampleEntry fields

    static Box parse(byte[] file) {
      return new Box("file", 0, file, 0, file.length, children(file, 0, file.length));
    }

    private static List<Box> children(byte[] file, int from, int to) {
      List<Box> boxes = new ArrayList<>();
      int at = from;
      while (at < to) {
        ByteBuffer b = ByteBuffer.wrap(file);
        int size = b.getInt(at);
        assertThat(size).as("box size at %d", at).isGreaterThanOrEqualTo(8);
        assertThat(at + size).as("box at %d ends inside its parent", at).isLessThanOrEqualTo(to);
        String type = new String(file, at + 4, 4, StandardCharsets.US_ASCII);
        Integer prefix = CONTAINERS.get(type);
        List<Box> kids =
            prefix == null ? List.of() : children(file, at + 8 + prefix, at + size);
        boxes.add(new Box(type, at, file, at + 8, at + size, kids));
        at += size;
      }
      assertThat(at).isEqualTo(to);
      return boxes;
    }

    Box child(String childType) {
      return children.stream()
          .filter(c -> c.type().equals(childType))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no " + childType + " in " + type));
    }

    /** The box's content after its 8-byte header, positioned at 0. */
    ByteBuffer payload() {
      return ByteBuffer.wrap(Arrays.copyOfRange(file, start, end));
    }
  }

  private static String fourcc(ByteBuffer b, int at) {
    byte[] four = new byte[4];
    b.get(at, four);
    return new String(four, StandardCharsets.US_ASCII);
  }

  // ------------------------------------------------------------------------ processes

  record Run(int exit, String stdout, String stderr) {}

  private static boolean ffmpegAvailable() {
    try {
      Path tmp = Files.createTempDirectory("ffprobe-check");
      try {
        return run(tmp, "ffprobe", "-version").exit() == 0
            && run(tmp, "ffmpeg", "-version").exit() == 0;
      } finally {
        for (String f : new String[] {"out", "err"}) {
          Files.deleteIfExists(tmp.resolve(f));
        }
        Files.delete(tmp);
      }
    } catch (IOException e) {
      return false;
    }
  }

  /** Runs a command with output in files (no pipe can fill up and block it). */
  private static Run run(Path dir, String... command) throws IOException {
    Path out = dir.resolve("out");
    Path err = dir.resolve("err");
    Process p =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    p.getOutputStream().close(); // no input: ffmpeg would otherwise wait on stdin for keys
    try {
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not finish in 120 s");
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }
}
