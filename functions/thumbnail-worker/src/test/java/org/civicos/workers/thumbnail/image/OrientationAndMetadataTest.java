package org.civicos.workers.thumbnail.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.civicos.workers.thumbnail.image.TestImages.BLUE;
import static org.civicos.workers.thumbnail.image.TestImages.RED;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OrientationAndMetadataTest {
  private final ThumbnailRenderer renderer = new ThumbnailRenderer(ImageLimits.defaults());

  /** 200x100 stored pixels: white, a red square in the stored top-left corner, a blue one top-right. */
  private static BufferedImage markers() {
    BufferedImage image = TestImages.solid(200, 100, Color.WHITE);
    Graphics2D g = image.createGraphics();
    g.setColor(RED);
    g.fillRect(0, 0, 40, 40);
    g.setColor(BLUE);
    g.fillRect(160, 0, 40, 40);
    g.dispose();
    return image;
  }

  /**
   * Where the stored top-left (red) and top-right (blue) markers must appear once the orientation is applied
   * (TL/TR/BL/BR), and whether the displayed image is portrait (orientations 5–8 swap the axes).
   */
  @ParameterizedTest(name = "orientation {0}")
  @CsvSource({
    "1, TL, TR, false",
    "2, TR, TL, false",
    "3, BR, BL, false",
    "4, BL, BR, false",
    "5, TL, BL, true",
    "6, TR, BR, true",
    "7, BR, TR, true",
    "8, BL, TL, true",
  })
  void exifOrientationIsApplied(int orientation, String red, String blue, boolean portrait) {
    byte[] jpeg = TestImages.withExif(TestImages.jpeg(markers()),
        TestImages.exifTiff(orientation, orientation % 2 == 1, false));
    assertThat(ExifOrientation.read(jpeg, InputKind.JPEG)).isEqualTo(orientation);

    for (Thumbnail t : renderer.render(jpeg)) {
      BufferedImage image = TestImages.decode(t);
      Rectangle content = TestImages.nonWhiteBoundsOfContent(image, t, portrait);
      for (String corner : List.of("TL", "TR", "BL", "BR")) {
        Color expected = corner.equals(red) ? RED : corner.equals(blue) ? BLUE : Color.WHITE;
        int x = content.x + (corner.endsWith("L") ? content.width / 10 : content.width - 1 - content.width / 10);
        int y = content.y + (corner.startsWith("T") ? content.height / 10 : content.height - 1 - content.height / 10);
        TestImages.assertColor(image, x, y, expected, 40);
      }
    }
  }

  @Test
  void orientationReaderToleratesGarbage() {
    byte[] jpeg = TestImages.jpeg(markers());
    assertThat(ExifOrientation.read(jpeg, InputKind.JPEG)).isEqualTo(1);
    byte[] broken = TestImages.withExif(jpeg, new byte[] {'M', 'M', 0, 42, 0x7F, 0, 0, 0});
    assertThat(ExifOrientation.read(broken, InputKind.JPEG)).isEqualTo(1);
    byte[] outOfRange = TestImages.withExif(jpeg, TestImages.exifTiff(9, true, false));
    assertThat(ExifOrientation.read(outOfRange, InputKind.JPEG)).isEqualTo(1);
    assertThat(ExifOrientation.read(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE1, 0x7F},
        InputKind.JPEG)).isEqualTo(1);
  }

  @Test
  void gpsExifIsNotCopiedIntoThumbnails() {
    byte[] input = TestImages.withExif(TestImages.jpeg(markers()), TestImages.exifTiff(1, true, true));
    byte[] comment = {(byte) 0xFF, (byte) 0xFE, 0, 12, 's', 'e', 'c', 'r', 'e', 't', ' ', 'n', 'o', 't'};
    input = TestImages.insertAfterSoi(input, comment);
    assertThat(TestImages.jpegMarkers(input)).contains(0xE1, 0xFE);
    assertThat(TestImages.contains(input, "CivicCam".getBytes(StandardCharsets.US_ASCII))).isTrue();

    for (Thumbnail t : renderer.render(input)) {
      List<Integer> markers = TestImages.jpegMarkers(t.bytes());
      // Only JFIF APP0 and the coding segments: no APP1 (Exif/XMP), APP2 (ICC), APP13, COM.
      assertThat(markers).as(t.fileName()).doesNotContain(0xE1, 0xE2, 0xED, 0xFE);
      assertThat(markers.stream().filter(m -> m >= 0xE0 && m <= 0xEF)).containsOnly(0xE0);
      assertThat(TestImages.contains(t.bytes(), "Exif".getBytes(StandardCharsets.US_ASCII))).isFalse();
      assertThat(TestImages.contains(t.bytes(), "CivicCam".getBytes(StandardCharsets.US_ASCII))).isFalse();
    }
  }

  @Test
  void webpExifOrientationIsApplied() throws Exception {
    // lossy-halves-300x200 (red left half, blue right half) with an EXIF chunk saying orientation 6.
    byte[] webp = Fixtures.read("orient6-halves-300x200.webp");
    assertThat(ExifOrientation.read(webp, InputKind.WEBP)).isEqualTo(6);
    BufferedImage large = TestImages.decode(renderer.render(webp).get(2));
    // Rotated 90° clockwise to 200x300 (not enlarged), the stored left (red) half is now on top.
    Rectangle content = TestImages.nonWhiteBounds(large);
    assertThat(content).isEqualTo(new Rectangle(300, 250, 200, 300));
    TestImages.assertColor(large, 400, 300, RED, 40);
    TestImages.assertColor(large, 400, 500, BLUE, 40);
  }
}
