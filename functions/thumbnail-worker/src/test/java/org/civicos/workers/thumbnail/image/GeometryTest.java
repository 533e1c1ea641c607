package org.civicos.workers.thumbnail.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.civicos.workers.thumbnail.image.TestImages.BLUE;
import static org.civicos.workers.thumbnail.image.TestImages.assertColor;

import java.awt.Color;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class GeometryTest {
  private final ThumbnailRenderer renderer = new ThumbnailRenderer(ImageLimits.defaults());

  @Test
  void namesContentTypesAndOrder() {
    List<Thumbnail> thumbs = renderer.render(TestImages.jpeg(TestImages.solid(1200, 900, BLUE)));

    assertThat(thumbs).extracting(Thumbnail::size).containsExactly("small", "medium", "large");
    assertThat(thumbs).extracting(Thumbnail::box).containsExactly(150, 400, 800);
    assertThat(thumbs).extracting(Thumbnail::fileName)
        .containsExactly("thumb-small.jpg", "thumb-medium.jpg", "thumb-large.jpg");
    assertThat(thumbs).extracting(Thumbnail::contentType).containsOnly("image/jpeg");
    for (Thumbnail t : thumbs) {
      assertThat(t.bytes()).startsWith((byte) 0xFF, (byte) 0xD8, (byte) 0xFF);
      assertThat(TestImages.decode(t).getWidth()).isEqualTo(t.box());
    }
  }

  /**
   * Contain, centred on white, never enlarged; every output is exactly box×box. Expected content sizes are the
   * source scaled to fit the box (rounded), or the source size when it already fits.
   */
  @ParameterizedTest(name = "{0}x{1}")
  @CsvSource({
    // source w, h | small content w, h | medium w, h | large w, h
    "1600, 800,   150, 75,   400, 200,   800, 400", // landscape 2:1
    "600, 1200,   75, 150,   200, 400,   400, 800", // portrait 1:2
    "1000, 1000,  150, 150,  400, 400,   800, 800", // square
    "100, 60,     100, 60,   100, 60,    100, 60", // smaller than every box: kept at pixel size
    "300, 200,    150, 100,  300, 200,   300, 200", // between boxes
    "3000, 50,    150, 3,    400, 7,     800, 13", // extreme panorama
  })
  void containCentredOnWhite(int w, int h, int sw, int sh, int mw, int mh, int lw, int lh) {
    List<Thumbnail> thumbs = renderer.render(TestImages.jpeg(TestImages.solid(w, h, BLUE)));
    int[][] expected = {{sw, sh}, {mw, mh}, {lw, lh}};
    for (int i = 0; i < 3; i++) {
      Thumbnail t = thumbs.get(i);
      assertThat(t.width()).isEqualTo(t.box());
      assertThat(t.height()).isEqualTo(t.box());
      BufferedImage image = TestImages.decode(t);
      int cw = expected[i][0];
      int ch = expected[i][1];
      int left = (t.box() - cw) / 2;
      int top = (t.box() - ch) / 2;
      Rectangle content = TestImages.nonWhiteBounds(image);
      // JPEG blocks blur edges by a pixel or two.
      assertThat(Math.abs(content.x - left)).as(t.size() + " left").isLessThanOrEqualTo(2);
      assertThat(Math.abs(content.y - top)).as(t.size() + " top").isLessThanOrEqualTo(2);
      assertThat(Math.abs(content.width - cw)).as(t.size() + " width").isLessThanOrEqualTo(2);
      assertThat(Math.abs(content.height - ch)).as(t.size() + " height").isLessThanOrEqualTo(2);
      // centre is the source colour; the four corners are white padding unless the content fills the box
      if (cw >= 8 && ch >= 8) { // thinner lines are diluted by JPEG's 2x2 chroma subsampling
        assertColor(image, t.box() / 2, t.box() / 2, BLUE, 24);
      }
      if (cw < t.box() - 4 || ch < t.box() - 4) {
        int[][] corners = {{0, 0}, {t.box() - 1, 0}, {0, t.box() - 1}, {t.box() - 1, t.box() - 1}};
        for (int[] c : corners) {
          assertColor(image, c[0], c[1], Color.WHITE, 3);
        }
      }
    }
  }

  @Test
  void smallSourceIsNotUpscaledAndIsCentredOnWhite() {
    // 40x30 source with a red pixel block at its top-left: it must stay 40x30 in the 800 box.
    BufferedImage source = TestImages.solid(40, 30, BLUE);
    java.awt.Graphics g = source.getGraphics();
    g.setColor(TestImages.RED);
    g.fillRect(0, 0, 8, 8);
    g.dispose();
    Thumbnail large = renderer.render(TestImages.png(source)).get(2);
    BufferedImage image = TestImages.decode(large);
    assertThat(image.getWidth()).isEqualTo(800);
    Rectangle content = TestImages.nonWhiteBounds(image);
    assertThat(content).isEqualTo(new Rectangle(380, 385, 40, 30));
    assertColor(image, 383, 388, TestImages.RED, 40);
    assertColor(image, 377, 400, Color.WHITE, 8); // JPEG ringing within the edge block
    assertColor(image, 422, 400, Color.WHITE, 8);
    assertColor(image, 10, 10, Color.WHITE, 1);
  }

  @Test
  void fitNeverEnlargesAndKeepsTheLongSideAtTheBox() {
    assertThat(ThumbnailRenderer.fit(8660, 5774, 800)).isEqualTo(new ThumbnailRenderer.Dimension(800, 533));
    assertThat(ThumbnailRenderer.fit(5774, 8660, 150)).isEqualTo(new ThumbnailRenderer.Dimension(100, 150));
    assertThat(ThumbnailRenderer.fit(150, 150, 150)).isEqualTo(new ThumbnailRenderer.Dimension(150, 150));
    assertThat(ThumbnailRenderer.fit(149, 10, 150)).isEqualTo(new ThumbnailRenderer.Dimension(149, 10));
    assertThat(ThumbnailRenderer.fit(100000, 1, 150)).isEqualTo(new ThumbnailRenderer.Dimension(150, 1));
  }

  @Test
  void downscalingAveragesInsteadOfDroppingPixels() {
    // 1-pixel black/white vertical stripes: a box filter gives mid grey, nearest-neighbour black or white.
    BufferedImage stripes = new BufferedImage(1600, 1600, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 1600; y++) {
      for (int x = 0; x < 1600; x++) {
        stripes.setRGB(x, y, (x & 1) == 0 ? 0xFFFFFF : 0x000000);
      }
    }
    for (Thumbnail t : renderer.render(TestImages.png(stripes))) {
      BufferedImage image = TestImages.decode(t);
      int centre = image.getRGB(t.box() / 2, t.box() / 2);
      assertThat(TestImages.distance(centre, 0x808080)).as(t.size()).isLessThanOrEqualTo(12);
    }
  }
}
