package org.civicos.workers.thumbnail.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.civicos.workers.thumbnail.image.TestImages.BLUE;
import static org.civicos.workers.thumbnail.image.TestImages.GREEN;
import static org.civicos.workers.thumbnail.image.TestImages.RED;
import static org.civicos.workers.thumbnail.image.TestImages.assertColor;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FormatsTest {
  private final ThumbnailRenderer renderer = new ThumbnailRenderer(ImageLimits.defaults());

  private BufferedImage large(byte[] input) {
    List<Thumbnail> thumbs = renderer.render(input);
    assertThat(thumbs).hasSize(3).allSatisfy(t -> {
      assertThat(t.contentType()).isEqualTo("image/jpeg");
      assertThat(t.width()).isEqualTo(t.box());
      assertThat(t.height()).isEqualTo(t.box());
    });
    return TestImages.decode(thumbs.get(2));
  }

  @Test
  void pngAlphaIsFlattenedOntoWhite() {
    // 400x400, transparent except a green square in the middle and a half-transparent red band at the top.
    BufferedImage source = new BufferedImage(400, 400, BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = source.createGraphics();
    g.setColor(GREEN);
    g.fillRect(100, 100, 200, 200);
    g.setColor(new Color(255, 0, 0, 128));
    g.fillRect(0, 0, 400, 50);
    g.dispose();
    BufferedImage large = large(TestImages.png(source));
    assertColor(large, 400, 400, GREEN, 20); // content is 400x400, centred: offset 200
    assertColor(large, 210, 300, Color.WHITE, 3); // transparent, inside the content
    assertColor(large, 400, 225, new Color(255, 127, 127), 12); // 50% red over white
    assertColor(large, 10, 10, Color.WHITE, 1); // padding
  }

  @Test
  void cmykJpegIsConvertedToRgb() {
    // Adobe CMYK stores inverted values: (255,0,0,255) is C=0 M=255 Y=255 K=0, i.e. red; the right half cyan.
    WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 960, 480, 4, null);
    for (int y = 0; y < 480; y++) {
      for (int x = 0; x < 960; x++) {
        raster.setPixel(x, y, x < 480 ? new int[] {255, 0, 0, 255} : new int[] {0, 255, 255, 255});
      }
    }
    byte[] cmyk = TestImages.cmykJpeg(raster);
    assertThat(TestImages.jpegMarkers(cmyk)).contains(0xEE);
    BufferedImage large = large(cmyk);
    // 960x480 -> 800x400 at y 200
    assertColor(large, 200, 400, Color.RED, 40);
    assertColor(large, 600, 400, Color.CYAN, 40);
    assertColor(large, 400, 100, Color.WHITE, 1);
  }

  @Test
  void progressiveJpeg() {
    BufferedImage source = TestImages.solid(1000, 600, BLUE);
    Graphics2D g = source.createGraphics();
    g.setColor(RED);
    g.fillRect(0, 0, 500, 600);
    g.dispose();
    byte[] jpeg = TestImages.jpeg(source, 0.9f, true);
    assertThat(TestImages.jpegMarkers(jpeg)).contains(0xC2); // SOF2: progressive
    BufferedImage large = large(jpeg);
    assertColor(large, 200, 400, RED, 30);
    assertColor(large, 600, 400, BLUE, 30);
  }

  @Test
  void jpegWithAnEmbeddedIccProfileIsConvertedToSrgb() throws IOException {
    // Samples of 128 tagged with a linear-RGB ICC profile: 50% linear light is #BCBCBC in sRGB.
    byte[] plain = TestImages.jpeg(TestImages.solid(600, 600, new Color(128, 128, 128)), 0.95f, false);
    byte[] profile = ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData();
    ByteArrayOutputStream app2 = new ByteArrayOutputStream();
    int length = 2 + 12 + 2 + profile.length;
    app2.write(new byte[] {(byte) 0xFF, (byte) 0xE2, (byte) (length >> 8), (byte) length});
    app2.write("ICC_PROFILE\0".getBytes(StandardCharsets.US_ASCII));
    app2.write(new byte[] {1, 1});
    app2.write(profile);
    byte[] tagged = TestImages.insertAfterSoi(plain, app2.toByteArray());

    assertColor(large(plain), 400, 400, new Color(128, 128, 128), 3);
    assertColor(large(tagged), 400, 400, new Color(188, 188, 188), 4);
    for (Thumbnail t : renderer.render(tagged)) {
      assertThat(TestImages.jpegMarkers(t.bytes())).doesNotContain(0xE2); // converted, not carried over
    }
  }

  @Test
  void jpegMissingOnlyTheEoiMarkerIsAccepted() {
    byte[] jpeg = TestImages.jpeg(TestImages.solid(300, 300, BLUE));
    byte[] noEoi = Arrays.copyOf(jpeg, jpeg.length - 2);
    assertColor(large(noEoi), 400, 400, BLUE, 30);
  }

  @Test
  void grayscaleJpegAndPng() {
    BufferedImage gray = TestImages.solid(500, 500, new Color(100, 100, 100), BufferedImage.TYPE_BYTE_GRAY);
    assertColor(large(TestImages.png(gray)), 400, 400, new Color(100, 100, 100), 3);
    assertColor(large(TestImages.jpeg(gray)), 400, 400, new Color(100, 100, 100), 4);
  }

  @Test
  void palettePngWithTransparentIndex() {
    byte[] r = {(byte) 220, 20, 0, 0};
    byte[] gr = {20, (byte) 180, 0, 0};
    byte[] b = {20, 20, 0, 0};
    IndexColorModel palette = new IndexColorModel(2, 4, r, gr, b, 2); // index 2 transparent
    BufferedImage image = new BufferedImage(300, 300, BufferedImage.TYPE_BYTE_INDEXED, palette);
    WritableRaster raster = image.getRaster();
    for (int y = 0; y < 300; y++) {
      for (int x = 0; x < 300; x++) {
        raster.setSample(x, y, 0, x < 100 ? 0 : x < 200 ? 1 : 2);
      }
    }
    BufferedImage large = large(TestImages.png(image));
    // 300x300 content at offset 250
    assertColor(large, 300, 400, RED, 20);
    assertColor(large, 400, 400, GREEN, 20);
    assertColor(large, 500, 400, Color.WHITE, 3);
  }

  @ParameterizedTest(name = "alpha={0}")
  @ValueSource(booleans = {false, true})
  void sixteenBitRgbPng(boolean alpha) {
    ColorSpace srgb = ColorSpace.getInstance(ColorSpace.CS_sRGB);
    ComponentColorModel model = new ComponentColorModel(srgb, alpha, false,
        alpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
    WritableRaster raster = model.createCompatibleWritableRaster(1000, 500);
    int[] pixel = alpha ? new int[] {0x1414, 0x1414, 0xDCDC, 0xFFFF} : new int[] {0x1414, 0x1414, 0xDCDC};
    for (int y = 0; y < 500; y++) {
      for (int x = 0; x < 1000; x++) {
        raster.setPixel(x, y, pixel);
      }
    }
    byte[] png = TestImages.png(new BufferedImage(model, raster, false, null));
    assertThat(png[24]).as("PNG bit depth").isEqualTo((byte) 16);
    BufferedImage large = large(png);
    assertColor(large, 400, 400, BLUE, 20);
    assertColor(large, 400, 150, Color.WHITE, 1);
  }

  @Test
  void sixteenBitGrayPng() {
    BufferedImage gray = new BufferedImage(200, 200, BufferedImage.TYPE_USHORT_GRAY);
    WritableRaster raster = gray.getRaster();
    for (int y = 0; y < 200; y++) {
      for (int x = 0; x < 200; x++) {
        raster.setSample(x, y, 0, 0x6464); // 100 in 8 bits
      }
    }
    byte[] png = TestImages.png(gray);
    assertThat(png[24]).isEqualTo((byte) 16);
    assertColor(large(png), 400, 400, new Color(100, 100, 100), 3);
  }

  @Test
  void bmp() {
    byte[] bmp = TestImages.encode(TestImages.solid(640, 480, GREEN), "bmp");
    assertThat(InputKind.sniff(bmp)).isEqualTo(InputKind.BMP);
    BufferedImage large = large(bmp);
    assertColor(large, 400, 400, GREEN, 20);
    assertThat(TestImages.nonWhiteBounds(large)).isEqualTo(new Rectangle(80, 160, 640, 480)); // fits: not enlarged
  }

  @Test
  void animatedGifUsesTheFirstFrame() throws IOException {
    byte[] gif = animatedGif(List.of(TestImages.solid(300, 200, RED), TestImages.solid(300, 200, BLUE)));
    BufferedImage large = large(gif);
    assertColor(large, 400, 400, RED, 20);
    assertThat(TestImages.nonWhiteBounds(large)).isEqualTo(new Rectangle(250, 300, 300, 200));
  }

  @Test
  void gifFirstFrameIsPlacedOnItsLogicalScreen() throws IOException {
    // A 50x50 red frame at (100, 20) on a 200x100 logical screen: the thumbnail shows the whole screen.
    byte[] gif = animatedGif(List.of(TestImages.solid(50, 50, RED)));
    gif = placeFirstGifFrame(gif, 200, 100, 100, 20);
    BufferedImage large = large(gif);
    // 200x100 content at (300, 350); the frame covers x 400..449, y 370..419
    assertThat(TestImages.nonWhiteBounds(large)).isEqualTo(new Rectangle(400, 370, 50, 50));
    assertColor(large, 425, 395, RED, 20);
  }

  @ParameterizedTest
  @ValueSource(strings = {"lossy-halves-300x200.webp", "animated-red-then-blue-300x200.webp"})
  void webpOpaque(String fixture) {
    byte[] webp = Fixtures.read(fixture);
    assertThat(InputKind.sniff(webp)).isEqualTo(InputKind.WEBP);
    BufferedImage large = large(webp);
    // 300x200 content at (250, 300); lossy halves: red | blue; animated: first frame all red
    assertColor(large, 320, 400, RED, 30);
    assertColor(large, 480, 400, fixture.startsWith("animated") ? RED : BLUE, 30);
    assertColor(large, 100, 100, Color.WHITE, 1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"lossless-alpha-120x80.webp", "lossy-alpha-120x80.webp"})
  void webpWithAlpha(String fixture) {
    BufferedImage large = large(Fixtures.read(fixture));
    // 120x80 content at (340, 360); transparent except a green square (40,20)-(80,60)
    assertColor(large, 400, 400, GREEN, 30);
    assertColor(large, 350, 370, Color.WHITE, 3);
    assertThat(TestImages.nonWhiteBounds(large)).isEqualTo(new Rectangle(380, 380, 40, 40));
  }

  // ---- GIF helpers ----

  private static byte[] animatedGif(List<BufferedImage> frames) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.prepareWriteSequence(null);
      for (BufferedImage frame : frames) {
        writer.writeToSequence(new IIOImage(frame, null, null), null);
      }
      writer.endWriteSequence();
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  /** Patches the logical screen size and the first image descriptor's position. */
  private static byte[] placeFirstGifFrame(byte[] gif, int screenW, int screenH, int left, int top) {
    byte[] out = gif.clone();
    putLe16(out, 6, screenW);
    putLe16(out, 8, screenH);
    int pos = 13;
    int flags = out[10] & 0xFF;
    if ((flags & 0x80) != 0) {
      pos += 3 * (1 << ((flags & 7) + 1));
    }
    while ((out[pos] & 0xFF) == 0x21) { // extension: label, then sub-blocks
      pos += 2;
      while ((out[pos] & 0xFF) != 0) {
        pos += 1 + (out[pos] & 0xFF);
      }
      pos++;
    }
    assertThat(out[pos] & 0xFF).as("image separator").isEqualTo(0x2C);
    putLe16(out, pos + 1, left);
    putLe16(out, pos + 3, top);
    return out;
  }

  private static void putLe16(byte[] b, int at, int v) {
    b[at] = (byte) v;
    b[at + 1] = (byte) (v >> 8);
  }
}
