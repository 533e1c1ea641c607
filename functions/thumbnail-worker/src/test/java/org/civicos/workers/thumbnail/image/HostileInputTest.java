package org.civicos.workers.thumbnail.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostileInputTest {
  private final ThumbnailRenderer renderer = new ThumbnailRenderer(ImageLimits.defaults());

  private static ThumbnailException failure(ThumbnailRenderer renderer, byte[] input) {
    ThumbnailException e = catchThrowableOfType(ThumbnailException.class, () -> renderer.render(input));
    assertThat(e).as("render must fail").isNotNull();
    System.out.println("thumbnail_error: " + e.getMessage());
    assertThat(e.permanent()).as("permanent: " + e.getMessage()).isTrue();
    // stored verbatim in files.thumbnail_error: no class names, no stack traces, one line
    assertThat(e.getMessage()).doesNotContain("Exception", "java.", "javax.", "com.", "org.", "\n", "\tat ");
    return e;
  }

  private ThumbnailException failure(byte[] input) {
    return failure(renderer, input);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void pngDecompressionBombIsRejectedFromTheHeader() {
    byte[] tiny = TestImages.png(TestImages.solid(1, 1, TestImages.RED));
    byte[] bomb = TestImages.patchPngSize(tiny, 30000, 30000);
    assertThat(bomb.length).isLessThan(100);

    ThumbnailException e = failure(bomb);
    assertThat(e.getMessage())
        .isEqualTo("image is 30000x30000 (900.0 megapixels), above the limit of 100 megapixels");
  }

  @Test
  void jpegDeclaringHugeDimensionsIsRejectedFromTheHeader() {
    byte[] jpeg = TestImages.jpeg(TestImages.solid(16, 16, TestImages.BLUE));
    // SOF0: FFC0, length(2), precision(1), height(2), width(2)
    int sof = indexOf(jpeg, new byte[] {(byte) 0xFF, (byte) 0xC0});
    ByteBuffer.wrap(jpeg).putShort(sof + 5, (short) 60000).putShort(sof + 7, (short) 50000);
    assertThat(failure(jpeg).getMessage())
        .isEqualTo("image is 50000x60000 (3000.0 megapixels), above the limit of 100 megapixels");
  }

  @Test
  void gifWithAHugeLogicalScreenIsRejected() {
    byte[] gif = TestImages.encode(TestImages.solid(2, 2, TestImages.RED), "gif");
    gif[6] = (byte) 0xFF;
    gif[7] = (byte) 0xFF;
    gif[8] = (byte) 0xFF;
    gif[9] = (byte) 0xFF;
    assertThat(failure(gif).getMessage())
        .isEqualTo("image is 65535x65535 (4294.8 megapixels), above the limit of 100 megapixels");
  }

  @Test
  void configuredPixelLimit() {
    ThumbnailRenderer strict = new ThumbnailRenderer(1_000_000, 1_000);
    byte[] png = TestImages.png(TestImages.solid(100, 100, TestImages.RED));
    assertThat(failure(strict, png).getMessage())
        .isEqualTo("image is 100x100 (0.01 megapixels), above the limit of 0.001 megapixels");
    assertThat(strict.render(TestImages.png(TestImages.solid(40, 25, TestImages.RED)))).hasSize(3);
  }

  /** A progressive JPEG whose last scan is repeated: every repeat makes libjpeg walk the whole image again. */
  private static byte[] repeatLastScan(byte[] jpeg, int repeats) {
    int pos = 2;
    int lastStart = -1;
    int lastEnd = -1;
    while (pos + 3 < jpeg.length && (jpeg[pos + 1] & 0xFF) != 0xD9) {
      int marker = jpeg[pos + 1] & 0xFF;
      int length = (jpeg[pos + 2] & 0xFF) << 8 | (jpeg[pos + 3] & 0xFF);
      if (marker != 0xDA) {
        pos += 2 + length;
        continue;
      }
      int end = pos + 2 + length;
      while (!((jpeg[end] & 0xFF) == 0xFF && jpeg[end + 1] != 0
          && ((jpeg[end + 1] & 0xFF) < 0xD0 || (jpeg[end + 1] & 0xFF) > 0xD7))) {
        end++;
      }
      lastStart = pos;
      lastEnd = end;
      pos = end;
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write(jpeg, 0, lastEnd);
    for (int i = 0; i < repeats; i++) {
      out.write(jpeg, lastStart, lastEnd - lastStart);
    }
    out.write(jpeg, lastEnd, jpeg.length - lastEnd);
    return out.toByteArray();
  }

  @Test
  void progressiveScanBombIsRejectedBeforeDecoding() {
    byte[] progressive = TestImages.jpeg(TestImages.solid(2000, 2000, TestImages.BLUE), 0.9f, true);
    assertThat(JpegScans.count(progressive)).isEqualTo(10); // libjpeg's default progression
    byte[] bomb = repeatLastScan(progressive, 1000);
    assertThat(JpegScans.count(bomb)).isEqualTo(1010);
    assertThat(failure(bomb).getMessage()).isEqualTo("JPEG has 1010 scans, above the limit of 64");
  }

  @Test
  void hugeProgressiveJpegWithManyScansIsAboveTheBudget() {
    // 30 scans are fine for a small picture, but not for a 100-megapixel one (3000 megapixel-scans).
    byte[] thirtyScans = repeatLastScan(TestImages.jpeg(TestImages.solid(64, 64, TestImages.BLUE), 0.9f, true), 20);
    JpegScans.check(thirtyScans, 64, 64);
    ThumbnailException e =
        catchThrowableOfType(ThumbnailException.class, () -> JpegScans.check(thirtyScans, 10_000, 10_000));
    assertThat(e.permanent()).isTrue();
    assertThat(e.getMessage())
        .isEqualTo("JPEG of 100.0 megapixels in 30 scans is above the decoding budget of 2000 megapixel-scans");
  }

  @Test
  void scansInsideAnEmbeddedThumbnailAreNotCounted() {
    byte[] image = TestImages.jpeg(TestImages.solid(300, 200, TestImages.RED));
    assertThat(JpegScans.count(image)).isEqualTo(1);
    // An Exif segment that carries a whole progressive JPEG (as camera thumbnails do, baseline or not).
    byte[] thumbnail = TestImages.jpeg(TestImages.solid(64, 48, TestImages.RED), 0.8f, true);
    byte[] tiff = TestImages.exifTiff(1, true, false);
    byte[] payload = java.util.Arrays.copyOf(tiff, tiff.length + thumbnail.length);
    System.arraycopy(thumbnail, 0, payload, tiff.length, thumbnail.length);
    assertThat(JpegScans.count(TestImages.withExif(image, payload))).isEqualTo(1);
  }

  @Test
  void truncatedJpeg() {
    byte[] jpeg = TestImages.jpeg(gradient(600, 400));
    ThumbnailException e = failure(Arrays.copyOf(jpeg, jpeg.length / 2));
    assertThat(e.getMessage()).startsWith("corrupt or truncated JPEG: ").containsIgnoringCase("premature end");
  }

  @Test
  void jpegCutInsideItsHeaders() {
    byte[] jpeg = TestImages.jpeg(gradient(600, 400));
    assertThat(failure(Arrays.copyOf(jpeg, 40)).getMessage()).startsWith("corrupt or truncated JPEG: ");
    assertThat(failure(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}).getMessage())
        .startsWith("corrupt or truncated JPEG: ");
  }

  @Test
  void truncatedPng() {
    byte[] png = TestImages.png(gradient(600, 400));
    ThumbnailException e = failure(Arrays.copyOf(png, png.length / 2));
    assertThat(e.getMessage()).startsWith("corrupt or truncated PNG: ");
  }

  @Test
  void jpegMagicFollowedByGarbage() {
    byte[] data = new byte[5000];
    new Random(7).nextBytes(data);
    data[0] = (byte) 0xFF;
    data[1] = (byte) 0xD8;
    data[2] = (byte) 0xFF;
    assertThat(failure(data).getMessage()).startsWith("corrupt or truncated JPEG: ");
  }

  @Test
  void randomGarbage() {
    byte[] data = new byte[10_000];
    new Random(42).nextBytes(data);
    assertThat(failure(data).getMessage()).isEqualTo("unsupported file type: unrecognised content");
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', value = {
    "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/> | SVG",
    "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg> | SVG",
    "<!DOCTYPE html><html><body><img src=x onerror=alert(1)></body></html> | HTML",
    "This is a plain text file that someone labelled image/jpeg. | plain text",
    "{\"not\": \"an image\"} | plain text",
  })
  void textualInputsAreUnsupported(String content, String label) {
    assertThat(failure(ascii(content)).getMessage()).isEqualTo("unsupported file type: " + label);
  }

  @Test
  void heicIsUnsupported() {
    byte[] heic = new byte[64];
    System.arraycopy(new byte[] {0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c'}, 0, heic, 0, 12);
    assertThat(failure(heic).getMessage()).isEqualTo("unsupported file type: HEIC/HEIF");
  }

  @Test
  void emptyFile() {
    assertThat(failure(new byte[0]).getMessage()).isEqualTo("file is empty");
  }

  @Test
  void oversizedInputIsRejectedBeforeSniffing() {
    ThumbnailRenderer small = new ThumbnailRenderer(1000, ImageLimits.DEFAULT_MAX_PIXELS);
    byte[] png = TestImages.png(gradient(300, 300));
    assertThat(png.length).isGreaterThan(1000);
    assertThat(failure(small, png).getMessage())
        .isEqualTo("file is " + png.length + " bytes, above the limit of 1000 bytes");
  }

  @Test
  void checkSizeForTheS3ObjectLength() {
    ThumbnailException e =
        catchThrowableOfType(ThumbnailException.class, () -> renderer.checkSize(73_400_320L));
    assertThat(e.permanent()).isTrue();
    assertThat(e.getMessage()).isEqualTo("file is 73400320 bytes, above the limit of 52428800 bytes");
    renderer.checkSize(52_428_800L); // at the limit: fine
  }

  @Test
  void interruptedThreadGivesATransientFailure() {
    byte[] png = TestImages.png(gradient(300, 300));
    Thread.currentThread().interrupt();
    try {
      ThumbnailException e = catchThrowableOfType(ThumbnailException.class, () -> renderer.render(png));
      assertThat(e.permanent()).isFalse();
      assertThat(e.getMessage()).isEqualTo("thumbnail rendering was interrupted");
    } finally {
      Thread.interrupted(); // clear
    }
  }

  private static java.awt.image.BufferedImage gradient(int w, int h) {
    java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(w, h,
        java.awt.image.BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        image.setRGB(x, y, (x * 255 / w) << 16 | (y * 255 / h) << 8 | ((x + y) & 0xFF));
      }
    }
    return image;
  }

  private static int indexOf(byte[] data, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= data.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (data[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }
}
