package org.civicos.workers.thumbnail.image;

/**
 * Resizes packed RGB pixels ({@code 0xRRGGBB}) with a box filter: every output pixel is the area-weighted mean
 * of the source pixels it covers, including fractional coverage at the edges. Separable (horizontal pass, then
 * vertical pass), so the cost is linear in the source size. Meant for downscaling; upscaling degrades to a
 * nearest/linear blend and is never requested by the pipeline.
 */
final class AreaAverageScaler {
  private AreaAverageScaler() {}

  static int[] resize(int[] src, int sw, int sh, int dw, int dh) {
    if (sw <= 0 || sh <= 0 || dw <= 0 || dh <= 0 || src.length < sw * sh) {
      throw new IllegalArgumentException(sw + "x" + sh + " -> " + dw + "x" + dh);
    }
    int[] horizontal = dw == sw ? src : horizontal(src, sw, sh, dw);
    return dh == sh ? horizontal : vertical(horizontal, dw, sh, dh);
  }

  /** Source span of each output index: first source index and the weights (summing to 1) from there on. */
  private record Spans(int[] first, float[][] weights) {
    static Spans of(int srcLen, int dstLen) {
      int[] first = new int[dstLen];
      float[][] weights = new float[dstLen][];
      double ratio = (double) srcLen / dstLen;
      for (int i = 0; i < dstLen; i++) {
        double start = i * ratio;
        double end = Math.min(srcLen, (i + 1) * ratio);
        int lo = (int) Math.floor(start);
        int hi = Math.min(srcLen, (int) Math.ceil(end));
        if (hi <= lo) {
          hi = lo + 1;
        }
        float[] w = new float[hi - lo];
        double total = end - start;
        for (int j = lo; j < hi; j++) {
          double overlap = Math.min(end, j + 1) - Math.max(start, j);
          w[j - lo] = (float) (Math.max(0, overlap) / total);
        }
        first[i] = lo;
        weights[i] = w;
      }
      return new Spans(first, weights);
    }
  }

  private static int[] horizontal(int[] src, int sw, int sh, int dw) {
    Spans spans = Spans.of(sw, dw);
    int[] out = new int[dw * sh];
    for (int y = 0; y < sh; y++) {
      int row = y * sw;
      int outRow = y * dw;
      for (int x = 0; x < dw; x++) {
        float r = 0;
        float g = 0;
        float b = 0;
        int base = row + spans.first[x];
        float[] w = spans.weights[x];
        for (int k = 0; k < w.length; k++) {
          int p = src[base + k];
          float wk = w[k];
          r += wk * ((p >> 16) & 0xFF);
          g += wk * ((p >> 8) & 0xFF);
          b += wk * (p & 0xFF);
        }
        out[outRow + x] = pack(r, g, b);
      }
    }
    return out;
  }

  private static int[] vertical(int[] src, int w, int sh, int dh) {
    Spans spans = Spans.of(sh, dh);
    int[] out = new int[w * dh];
    float[] r = new float[w];
    float[] g = new float[w];
    float[] b = new float[w];
    for (int y = 0; y < dh; y++) {
      java.util.Arrays.fill(r, 0);
      java.util.Arrays.fill(g, 0);
      java.util.Arrays.fill(b, 0);
      float[] weights = spans.weights[y];
      for (int k = 0; k < weights.length; k++) {
        float wk = weights[k];
        int row = (spans.first[y] + k) * w;
        for (int x = 0; x < w; x++) {
          int p = src[row + x];
          r[x] += wk * ((p >> 16) & 0xFF);
          g[x] += wk * ((p >> 8) & 0xFF);
          b[x] += wk * (p & 0xFF);
        }
      }
      int outRow = y * w;
      for (int x = 0; x < w; x++) {
        out[outRow + x] = pack(r[x], g[x], b[x]);
      }
    }
    return out;
  }

  private static int pack(float r, float g, float b) {
    return clamp(r) << 16 | clamp(g) << 8 | clamp(b);
  }

  private static int clamp(float v) {
    int i = (int) (v + 0.5f);
    return i < 0 ? 0 : Math.min(255, i);
  }
}
