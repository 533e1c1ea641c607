package org.civicos.workers.thumbnail.image;

/**
 * Reads the EXIF orientation tag (0x0112 in IFD0, values 1–8) from the raw container, without a metadata
 * library: the Exif APP1 segment of a JPEG, the {@code EXIF} chunk of a WebP, the {@code eXIf} chunk of a PNG.
 * Every read is bounds-checked; anything malformed means "no orientation" (1).
 */
final class ExifOrientation {
  static final int NORMAL = 1;

  private static final int TAG_ORIENTATION = 0x0112;
  private static final int TYPE_SHORT = 3;

  private ExifOrientation() {}

  /** The orientation (1–8) declared by the file, 1 if absent or unreadable. */
  static int read(byte[] data, InputKind kind) {
    try {
      return switch (kind) {
        case JPEG -> fromJpeg(data);
        case WEBP -> fromWebp(data);
        case PNG -> fromPng(data);
        default -> NORMAL;
      };
    } catch (RuntimeException e) {
      return NORMAL; // malformed metadata never fails the render
    }
  }

  /** Whether the orientation swaps width and height (5–8). */
  static boolean swapsAxes(int orientation) {
    return orientation >= 5 && orientation <= 8;
  }

  private static int fromJpeg(byte[] d) {
    int pos = 2; // after SOI
    while (pos + 4 <= d.length) {
      if ((d[pos] & 0xFF) != 0xFF) {
        return NORMAL; // lost sync: give up
      }
      int marker = d[pos + 1] & 0xFF;
      if (marker == 0xFF) {
        pos++; // fill byte
        continue;
      }
      if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {
        pos += 2; // standalone markers
        continue;
      }
      if (marker == 0xD9 || marker == 0xDA) {
        return NORMAL; // EOI or start of scan: no Exif before the pixels
      }
      int length = u16be(d, pos + 2);
      if (length < 2) {
        return NORMAL;
      }
      int start = pos + 4;
      int end = Math.min(d.length, pos + 2 + length);
      if (marker == 0xE1 && end - start >= 6 && d[start] == 'E' && d[start + 1] == 'x' && d[start + 2] == 'i'
          && d[start + 3] == 'f' && d[start + 4] == 0 && d[start + 5] == 0) {
        return fromTiff(d, start + 6, end);
      }
      pos += 2 + length;
    }
    return NORMAL;
  }

  private static int fromWebp(byte[] d) {
    int pos = 12; // "RIFF" size "WEBP"
    while (pos + 8 <= d.length) {
      long size = u32le(d, pos + 4);
      int start = pos + 8;
      long end = start + size;
      if (end > d.length) {
        return NORMAL;
      }
      if (d[pos] == 'E' && d[pos + 1] == 'X' && d[pos + 2] == 'I' && d[pos + 3] == 'F') {
        int tiff = start;
        // Some writers keep the JPEG "Exif\0\0" prefix.
        if (end - start >= 6 && d[start] == 'E' && d[start + 1] == 'x' && d[start + 2] == 'i'
            && d[start + 3] == 'f' && d[start + 4] == 0 && d[start + 5] == 0) {
          tiff += 6;
        }
        return fromTiff(d, tiff, (int) end);
      }
      pos = (int) (end + (size & 1)); // chunks are padded to even sizes
    }
    return NORMAL;
  }

  private static int fromPng(byte[] d) {
    int pos = 8; // signature
    while (pos + 12 <= d.length) {
      long length = u32be(d, pos);
      int start = pos + 8;
      long end = start + length;
      if (end + 4 > d.length) {
        return NORMAL;
      }
      if (d[pos + 4] == 'e' && d[pos + 5] == 'X' && d[pos + 6] == 'I' && d[pos + 7] == 'f') {
        return fromTiff(d, start, (int) end);
      }
      if (d[pos + 4] == 'I' && d[pos + 5] == 'E' && d[pos + 6] == 'N' && d[pos + 7] == 'D') {
        return NORMAL;
      }
      pos = (int) (end + 4); // CRC
    }
    return NORMAL;
  }

  /** Parses a TIFF structure in {@code d[base, end)} and returns IFD0's orientation. */
  private static int fromTiff(byte[] d, int base, int end) {
    if (end - base < 8) {
      return NORMAL;
    }
    boolean little;
    if (d[base] == 'I' && d[base + 1] == 'I') {
      little = true;
    } else if (d[base] == 'M' && d[base + 1] == 'M') {
      little = false;
    } else {
      return NORMAL;
    }
    if (u16(d, base + 2, little) != 42) {
      return NORMAL;
    }
    long ifd = u32(d, base + 4, little);
    if (ifd < 8 || base + ifd + 2 > end) {
      return NORMAL;
    }
    int ifdPos = (int) (base + ifd);
    int count = u16(d, ifdPos, little);
    for (int i = 0; i < count; i++) {
      int entry = ifdPos + 2 + 12 * i;
      if (entry + 12 > end) {
        return NORMAL;
      }
      if (u16(d, entry, little) == TAG_ORIENTATION) {
        if (u16(d, entry + 2, little) != TYPE_SHORT || u32(d, entry + 4, little) < 1) {
          return NORMAL;
        }
        int value = u16(d, entry + 8, little);
        return value >= 1 && value <= 8 ? value : NORMAL;
      }
    }
    return NORMAL;
  }

  /**
   * Applies an orientation to packed RGB pixels of a {@code w}×{@code h} image and returns the displayed
   * pixels, {@code h}×{@code w} for orientations 5–8.
   */
  static int[] apply(int[] src, int w, int h, int orientation) {
    if (orientation == NORMAL || orientation < 1 || orientation > 8) {
      return src;
    }
    int[] out = new int[src.length];
    boolean swap = swapsAxes(orientation);
    int ow = swap ? h : w;
    for (int y = 0; y < h; y++) {
      int row = y * w;
      for (int x = 0; x < w; x++) {
        int tx;
        int ty;
        switch (orientation) {
          case 2 -> { tx = w - 1 - x; ty = y; } // mirror horizontal
          case 3 -> { tx = w - 1 - x; ty = h - 1 - y; } // rotate 180
          case 4 -> { tx = x; ty = h - 1 - y; } // mirror vertical
          case 5 -> { tx = y; ty = x; } // transpose
          case 6 -> { tx = h - 1 - y; ty = x; } // rotate 90 clockwise
          case 7 -> { tx = h - 1 - y; ty = w - 1 - x; } // transverse
          default -> { tx = y; ty = w - 1 - x; } // 8: rotate 90 counter-clockwise
        }
        out[ty * ow + tx] = src[row + x];
      }
    }
    return out;
  }

  private static int u16(byte[] d, int p, boolean little) {
    return little ? (d[p] & 0xFF) | (d[p + 1] & 0xFF) << 8 : u16be(d, p);
  }

  private static long u32(byte[] d, int p, boolean little) {
    return little ? u32le(d, p) : u32be(d, p);
  }

  private static int u16be(byte[] d, int p) {
    return (d[p] & 0xFF) << 8 | (d[p + 1] & 0xFF);
  }

  private static long u32be(byte[] d, int p) {
    return (d[p] & 0xFFL) << 24 | (d[p + 1] & 0xFFL) << 16 | (d[p + 2] & 0xFFL) << 8 | (d[p + 3] & 0xFFL);
  }

  private static long u32le(byte[] d, int p) {
    return (d[p] & 0xFFL) | (d[p + 1] & 0xFFL) << 8 | (d[p + 2] & 0xFFL) << 16 | (d[p + 3] & 0xFFL) << 24;
  }
}
