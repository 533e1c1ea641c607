package org.civicos.workers.thumbnail.image;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorConvertOp;
import java.awt.image.DataBufferInt;
import java.awt.image.DirectColorModel;
import java.awt.image.Raster;
import java.awt.image.SinglePixelPackedSampleModel;
import java.awt.image.WritableRaster;
import java.util.Arrays;

/** Conversions between {@link BufferedImage} and packed opaque sRGB pixels ({@code int[]}, {@code 0xRRGGBB}). */
final class Pixels {
  static final int WHITE = 0xFFFFFF;
  private static final int[] RGB_MASKS = {0xFF0000, 0x00FF00, 0x0000FF};

  private Pixels() {}

  /**
   * The image's pixels in sRGB with alpha composited onto white. Colour-managed sources (an embedded ICC
   * profile, CMYK) go through one bulk {@link ColorConvertOp}; grey sources are replicated as is.
   */
  static int[] toOpaqueSrgb(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    int[] direct = directRgb(image);
    if (direct != null) {
      return direct;
    }
    ColorSpace cs = image.getColorModel().getColorSpace();
    if (!cs.isCS_sRGB() && cs.getType() != ColorSpace.TYPE_GRAY) {
      BufferedImage converted = new BufferedImage(w, h,
          image.getColorModel().hasAlpha() ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
      new ColorConvertOp(null).filter(image, converted);
      image = converted;
      direct = directRgb(image);
      if (direct != null) {
        return direct;
      }
    }
    BufferedImage canvas = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, w, h);
      g.drawImage(image, 0, 0, null);
    } finally {
      g.dispose();
    }
    return ((DataBufferInt) canvas.getRaster().getDataBuffer()).getData();
  }

  /** The backing array of a plain, unshared TYPE_INT_RGB image, or null. */
  private static int[] directRgb(BufferedImage image) {
    if (image.getType() != BufferedImage.TYPE_INT_RGB) {
      return null;
    }
    WritableRaster raster = image.getRaster();
    if (raster.getParent() != null || raster.getMinX() != 0 || raster.getMinY() != 0
        || !(raster.getSampleModel() instanceof SinglePixelPackedSampleModel sm)
        || sm.getScanlineStride() != image.getWidth()
        || !(raster.getDataBuffer() instanceof DataBufferInt db) || db.getNumBanks() != 1 || db.getOffset() != 0) {
      return null;
    }
    int[] data = db.getData();
    return data.length == image.getWidth() * image.getHeight() ? data : null;
  }

  /** Wraps packed RGB pixels as a TYPE_INT_RGB image without copying. */
  static BufferedImage toImage(int[] rgb, int w, int h) {
    DataBufferInt buffer = new DataBufferInt(rgb, w * h);
    WritableRaster raster = Raster.createPackedRaster(buffer, w, h, w, RGB_MASKS, null);
    return new BufferedImage(new DirectColorModel(24, RGB_MASKS[0], RGB_MASKS[1], RGB_MASKS[2]), raster, false, null);
  }

  /** Centres {@code w}×{@code h} pixels on a white {@code box}×{@code box} canvas. */
  static int[] padToSquare(int[] rgb, int w, int h, int box) {
    if (w == box && h == box) {
      return rgb;
    }
    int[] canvas = new int[box * box];
    Arrays.fill(canvas, WHITE);
    int left = (box - w) / 2;
    int top = (box - h) / 2;
    for (int y = 0; y < h; y++) {
      System.arraycopy(rgb, y * w, canvas, (top + y) * box + left, w);
    }
    return canvas;
  }
}
