package org.civicos.workers.thumbnail.image;

/**
 * Resource limits enforced before any pixel is decoded.
 *
 * @param maxBytes largest accepted input, in bytes
 * @param maxPixels largest accepted width × height, as declared by the image header (for a GIF, also the
 *     logical screen)
 */
public record ImageLimits(long maxBytes, long maxPixels) {
  /** 50 MiB. */
  public static final long DEFAULT_MAX_BYTES = 50L * 1024 * 1024;

  /** 100 megapixels. */
  public static final long DEFAULT_MAX_PIXELS = 100_000_000L;

  public ImageLimits {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
    }
    if (maxPixels <= 0) {
      throw new IllegalArgumentException("maxPixels must be positive: " + maxPixels);
    }
  }

  /** 50 MiB and 100 megapixels. */
  public static ImageLimits defaults() {
    return new ImageLimits(DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS);
  }
}
