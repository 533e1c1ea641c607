package org.civicos.workers.thumbnail.image;

/**
 * Counts the scans (SOS segments) of a JPEG without decoding it. libjpeg's progressive decoder walks every block
 * of the image once per scan, so a small file that repeats a scan thousands of times is a CPU bomb (a 125 KB,
 * 16-megapixel file with 1000 extra scans took 100 s in the JDK's decoder). Ordinary encoders write at most
 * about a dozen scans.
 */
final class JpegScans {
  /** No real encoder writes more (libjpeg's default progression has 10 scans). */
  static final int MAX_SCANS = 64;

  /** Pixels × scans the decoder may walk: about 10 s at the JDK decoder's ~5 ns per pixel and scan. */
  static final long MAX_PIXEL_SCANS = 2_000_000_000L;

  private JpegScans() {}

  /** Number of SOS markers in the main image (segments such as an Exif thumbnail are skipped whole). */
  static int count(byte[] d) {
    int scans = 0;
    int pos = 2;
    while (pos + 1 < d.length) {
      if ((d[pos] & 0xFF) != 0xFF) {
        pos++; // garbage between segments: resync on the next 0xFF
        continue;
      }
      int marker = d[pos + 1] & 0xFF;
      if (marker == 0xFF) {
        pos++; // fill byte
        continue;
      }
      if (marker == 0xD9) {
        break; // EOI
      }
      if (marker == 0x00 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {
        pos += 2; // stuffed zero, TEM, RSTn, SOI: no length
        continue;
      }
      if (pos + 3 >= d.length) {
        break;
      }
      int length = (d[pos + 2] & 0xFF) << 8 | (d[pos + 3] & 0xFF);
      pos += 2 + length;
      if (marker == 0xDA) {
        scans++;
        // Skip entropy-coded data: it ends at the first 0xFF followed by a marker other than 0x00 or RSTn.
        while (pos + 1 < d.length) {
          if ((d[pos] & 0xFF) == 0xFF) {
            int next = d[pos + 1] & 0xFF;
            if (next != 0x00 && next != 0xFF && (next < 0xD0 || next > 0xD7)) {
              break;
            }
          }
          pos++;
        }
      }
    }
    return scans;
  }

  /** Fails if decoding would walk the image too many times. */
  static void check(byte[] jpeg, long width, long height) {
    int scans = count(jpeg);
    if (scans > MAX_SCANS) {
      throw ThumbnailException.permanent("JPEG has " + scans + " scans, above the limit of " + MAX_SCANS);
    }
    long pixels = width * height;
    if (pixels * scans > MAX_PIXEL_SCANS) {
      throw ThumbnailException.permanent(String.format(java.util.Locale.ROOT,
          "JPEG of %.1f megapixels in %d scans is above the decoding budget of %d megapixel-scans",
          pixels / 1e6, scans, MAX_PIXEL_SCANS / 1_000_000));
    }
  }
}
