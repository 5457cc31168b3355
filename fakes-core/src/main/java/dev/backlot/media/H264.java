package dev.backlot.media;

import java.io.ByteArrayOutputStream;

/**
 * A lossless, intra-only H.264 encoder (Constrained Baseline profile, CAVLC, 8-bit 4:2:0) for
 * synthetic pictures, with no transform, quantisation or entropy tables beyond a handful of
 * codes.
 *
 * <p>Every picture is an IDR picture of one slice. Each macroblock is coded one of two ways,
 * both exact:
 *
 * <ul>
 *   <li>{@code I_16x16} with horizontal or vertical prediction and no residual, when the
 *       macroblock is a plain copy of the column to its left or of the row above it (luma and
 *       chroma checked separately; the deblocking filter is off, so the copy stays exact);
 *   <li>{@code I_PCM} otherwise: the raw samples.
 * </ul>
 *
 * Pictures made of horizontal bands and flat rectangles therefore cost a column of PCM
 * macroblocks plus the edges of the rectangles, and any decoder reproduces the samples exactly.
 */
final class H264 {

  static final int PROFILE_IDC = 66; // Baseline
  static final int CONSTRAINT_FLAGS = 0xC0; // constraint_set0 and set1: Constrained Baseline

  /** {MaxMBPS, MaxFS, level_idc} from table A-1, in ascending order. */
  private static final int[][] LEVELS = {
    {1485, 99, 10}, {3000, 396, 11}, {6000, 396, 12}, {11880, 396, 13}, {11880, 396, 20},
    {19800, 792, 21}, {20250, 1620, 22}, {40500, 1620, 30}, {108000, 3600, 31},
    {216000, 5120, 32}, {245760, 8192, 40}, {522240, 8704, 42}, {589824, 22080, 50},
    {983040, 36864, 51}, {2073600, 36864, 52}
  };

  private final int width;
  private final int height;
  private final int mbWidth;
  private final int mbHeight;
  private final int fps;
  final int levelIdc;

  /** Width and height must be even (4:2:0 cropping works in steps of two samples). */
  H264(int width, int height, int fps) {
    this.width = width;
    this.height = height;
    this.mbWidth = (width + 15) / 16;
    this.mbHeight = (height + 15) / 16;
    this.fps = fps;
    this.levelIdc = level(mbWidth, mbHeight, fps);
  }

  private static int level(int mbWidth, int mbHeight, int fps) {
    int frameSize = mbWidth * mbHeight;
    long mbRate = (long) frameSize * fps;
    int longSide = Math.max(mbWidth, mbHeight);
    for (int[] l : LEVELS) {
      // neither side may exceed sqrt(8 * MaxFS) macroblocks
      if (frameSize <= l[1] && mbRate <= l[0] && (long) longSide * longSide <= 8L * l[1]) {
        return l[2];
      }
    }
    return 52; // beyond the table: decoders do not enforce levels for intra-only streams
  }

  /** Padded width of the sample planes a picture is given in (a multiple of 16). */
  int codedWidth() {
    return mbWidth * 16;
  }

  /** Padded height of the sample planes a picture is given in (a multiple of 16). */
  int codedHeight() {
    return mbHeight * 16;
  }

  /** The sequence parameter set NAL unit (without start code or length prefix). */
  byte[] sps() {
    Bits b = new Bits();
    b.u(PROFILE_IDC, 8);
    b.u(CONSTRAINT_FLAGS, 8);
    b.u(levelIdc, 8);
    b.ue(0); // seq_parameter_set_id
    b.ue(0); // log2_max_frame_num_minus4
    b.ue(2); // pic_order_cnt_type 2: output order is decoding order
    b.ue(1); // max_num_ref_frames
    b.u(0, 1); // gaps_in_frame_num_value_allowed_flag
    b.ue(mbWidth - 1);
    b.ue(mbHeight - 1);
    b.u(1, 1); // frame_mbs_only_flag
    b.u(1, 1); // direct_8x8_inference_flag
    int cropRight = (codedWidth() - width) / 2;
    int cropBottom = (codedHeight() - height) / 2;
    boolean crop = cropRight != 0 || cropBottom != 0;
    b.u(crop ? 1 : 0, 1);
    if (crop) {
      b.ue(0);
      b.ue(cropRight);
      b.ue(0);
      b.ue(cropBottom);
    }
    b.u(1, 1); // vui_parameters_present_flag
    b.u(0, 1); // aspect_ratio_info_present_flag
    b.u(0, 1); // overscan_info_present_flag
    b.u(1, 1); // video_signal_type_present_flag
    b.u(5, 3); // video_format: unspecified
    b.u(0, 1); // video_full_range_flag: limited range
    b.u(1, 1); // colour_description_present_flag
    b.u(6, 8); // colour_primaries: SMPTE 170M (BT.601)
    b.u(6, 8); // transfer_characteristics
    b.u(6, 8); // matrix_coefficients: the BT.601 matrix the samples were made with
    b.u(0, 1); // chroma_loc_info_present_flag
    b.u(1, 1); // timing_info_present_flag
    b.u(1, 32); // num_units_in_tick
    b.u(2L * fps, 32); // time_scale: two ticks per frame
    b.u(1, 1); // fixed_frame_rate_flag
    b.u(0, 1); // nal_hrd_parameters_present_flag
    b.u(0, 1); // vcl_hrd_parameters_present_flag
    b.u(0, 1); // pic_struct_present_flag
    b.u(1, 1); // bitstream_restriction_flag: lets decoders output each frame at once
    b.u(1, 1); // motion_vectors_over_pic_boundaries_flag
    b.ue(0); // max_bytes_per_pic_denom: no limit
    b.ue(0); // max_bits_per_mb_denom: no limit (PCM macroblocks)
    b.ue(15); // log2_max_mv_length_horizontal
    b.ue(15); // log2_max_mv_length_vertical
    b.ue(0); // max_num_reorder_frames
    b.ue(1); // max_dec_frame_buffering
    return nal(3, 7, b);
  }

  /** The picture parameter set NAL unit. */
  byte[] pps() {
    Bits b = new Bits();
    b.ue(0); // pic_parameter_set_id
    b.ue(0); // seq_parameter_set_id
    b.u(0, 1); // entropy_coding_mode_flag: CAVLC
    b.u(0, 1); // bottom_field_pic_order_in_frame_present_flag
    b.ue(0); // num_slice_groups_minus1
    b.ue(0); // num_ref_idx_l0_default_active_minus1
    b.ue(0); // num_ref_idx_l1_default_active_minus1
    b.u(0, 1); // weighted_pred_flag
    b.u(0, 2); // weighted_bipred_idc
    b.se(0); // pic_init_qp_minus26
    b.se(0); // pic_init_qs_minus26
    b.se(0); // chroma_qp_index_offset
    b.u(1, 1); // deblocking_filter_control_present_flag, so slices can turn the filter off
    b.u(0, 1); // constrained_intra_pred_flag
    b.u(0, 1); // redundant_pic_cnt_present_flag
    return nal(3, 8, b);
  }

  /**
   * Encodes one picture as an IDR slice NAL unit. The planes are {@link #codedWidth()} by
   * {@link #codedHeight()} luma samples and half that each way for chroma, all in 16..240 (so no
   * PCM sample is 0, which old decoders reject).
   *
   * @param idrPicId alternates between consecutive pictures, as the standard requires
   */
  byte[] idrSlice(byte[] y, byte[] cb, byte[] cr, int idrPicId) {
    Bits b = new Bits();
    b.ue(0); // first_mb_in_slice
    b.ue(7); // slice_type: I (and every slice of the picture is I)
    b.ue(0); // pic_parameter_set_id
    b.u(0, 4); // frame_num (log2_max_frame_num = 4)
    b.ue(idrPicId);
    b.u(0, 1); // no_output_of_prior_pics_flag
    b.u(0, 1); // long_term_reference_flag
    b.se(0); // slice_qp_delta
    b.ue(1); // disable_deblocking_filter_idc: off, so predicted copies stay exact

    int stride = codedWidth();
    int cstride = stride / 2;
    boolean[] pcm = new boolean[mbWidth * mbHeight];
    for (int my = 0; my < mbHeight; my++) {
      for (int mx = 0; mx < mbWidth; mx++) {
        boolean left = mx > 0;
        boolean top = my > 0;
        int lumaMode = predictable(y, stride, mx * 16, my * 16, 16, left, top);
        int chromaMode = chromaPredictor(cb, cr, cstride, mx * 8, my * 8, left, top);
        if (lumaMode != NONE && chromaMode != NONE) {
          // mb_type 1 + Intra16x16PredMode (0 vertical, 1 horizontal), coded block pattern 0
          b.ue(lumaMode == VERTICAL ? 1 : 2);
          b.ue(chromaMode == HORIZONTAL ? 1 : 2); // intra_chroma_pred_mode 1 horiz., 2 vert.
          b.se(0); // mb_qp_delta
          zeroLumaDc(b, pcm, mx, my);
        } else {
          pcm[my * mbWidth + mx] = true;
          b.ue(25); // I_PCM
          b.alignZero();
          for (int row = 0; row < 16; row++) {
            b.bytes(y, (my * 16 + row) * stride + mx * 16, 16);
          }
          for (byte[] plane : new byte[][] {cb, cr}) {
            for (int row = 0; row < 8; row++) {
              b.bytes(plane, (my * 8 + row) * cstride + mx * 8, 8);
            }
          }
        }
      }
    }
    return nal(3, 5, b);
  }

  private static final int NONE = 0;
  private static final int HORIZONTAL = 1;
  private static final int VERTICAL = 2;

  /** Which zero-residual prediction reproduces the n-by-n block at (x0, y0), if any. */
  private static int predictable(
      byte[] p, int stride, int x0, int y0, int n, boolean left, boolean top) {
    if (left && copiesLeft(p, stride, x0, y0, n)) {
      return HORIZONTAL;
    }
    if (top && copiesTop(p, stride, x0, y0, n)) {
      return VERTICAL;
    }
    return NONE;
  }

  /** Both chroma planes share one prediction mode: find one that fits both, if any. */
  private static int chromaPredictor(
      byte[] cb, byte[] cr, int stride, int x0, int y0, boolean left, boolean top) {
    if (left && copiesLeft(cb, stride, x0, y0, 8) && copiesLeft(cr, stride, x0, y0, 8)) {
      return HORIZONTAL;
    }
    if (top && copiesTop(cb, stride, x0, y0, 8) && copiesTop(cr, stride, x0, y0, 8)) {
      return VERTICAL;
    }
    return NONE;
  }

  private static boolean copiesLeft(byte[] p, int stride, int x0, int y0, int n) {
    for (int row = y0; row < y0 + n; row++) {
      byte v = p[row * stride + x0 - 1];
      for (int x = x0; x < x0 + n; x++) {
        if (p[row * stride + x] != v) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean copiesTop(byte[] p, int stride, int x0, int y0, int n) {
    int above = (y0 - 1) * stride;
    for (int row = y0; row < y0 + n; row++) {
      for (int x = x0; x < x0 + n; x++) {
        if (p[row * stride + x] != p[above + x]) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * The Intra16x16 DC block is always coded, here as "no coefficients". Its coeff_token table
   * depends on nC, the coefficient counts of the blocks to the left and above: 16 next to a PCM
   * macroblock, 0 next to one of ours (clause 9.2.1).
   */
  private void zeroLumaDc(Bits b, boolean[] pcm, int mx, int my) {
    boolean hasLeft = mx > 0;
    boolean hasTop = my > 0;
    int na = hasLeft && pcm[my * mbWidth + mx - 1] ? 16 : 0;
    int nb = hasTop && pcm[(my - 1) * mbWidth + mx] ? 16 : 0;
    int nc;
    if (hasLeft && hasTop) {
      nc = (na + nb + 1) >> 1;
    } else if (hasLeft) {
      nc = na;
    } else if (hasTop) {
      nc = nb;
    } else {
      nc = 0;
    }
    // coeff_token for TotalCoeff 0, TrailingOnes 0 in each nC column of table 9-5
    if (nc < 2) {
      b.u(0b1, 1);
    } else if (nc < 4) {
      b.u(0b11, 2);
    } else if (nc < 8) {
      b.u(0b1111, 4);
    } else {
      b.u(0b000011, 6);
    }
  }

  /** Wraps an RBSP (adding the trailing bits) into a NAL unit with emulation prevention. */
  private static byte[] nal(int refIdc, int type, Bits rbsp) {
    rbsp.u(1, 1); // rbsp_stop_one_bit
    rbsp.alignZero();
    byte[] raw = rbsp.toByteArray();
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length + raw.length / 64 + 8);
    out.write((refIdc << 5) | type);
    int zeros = 0;
    for (byte value : raw) {
      int v = value & 0xFF;
      if (zeros >= 2 && v <= 3) {
        out.write(3); // emulation_prevention_three_byte
        zeros = 0;
      }
      out.write(v);
      zeros = v == 0 ? zeros + 1 : 0;
    }
    return out.toByteArray();
  }

  /** MSB-first bit writer with Exp-Golomb codes. */
  private static final class Bits {
    private byte[] buf = new byte[1024];
    private int len;
    private long acc;
    private int count;

    void u(long value, int n) {
      for (int i = n - 1; i >= 0; i--) {
        acc = (acc << 1) | ((value >>> i) & 1);
        if (++count == 8) {
          put((int) acc);
          acc = 0;
          count = 0;
        }
      }
    }

    void ue(int v) {
      long code = (long) v + 1;
      int bits = 64 - Long.numberOfLeadingZeros(code);
      u(0, bits - 1);
      u(code, bits);
    }

    void se(int v) {
      ue(v <= 0 ? -2 * v : 2 * v - 1);
    }

    void alignZero() {
      while (count != 0) {
        u(0, 1);
      }
    }

    /** Appends whole bytes; only valid when byte-aligned (after {@link #alignZero()}). */
    void bytes(byte[] src, int off, int n) {
      ensure(n);
      System.arraycopy(src, off, buf, len, n);
      len += n;
    }

    private void put(int v) {
      ensure(1);
      buf[len++] = (byte) v;
    }

    private void ensure(int n) {
      if (len + n > buf.length) {
        buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
      }
    }

    byte[] toByteArray() {
      return java.util.Arrays.copyOf(buf, len);
    }
  }
}
