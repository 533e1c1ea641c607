package org.civicos.workers.thumbnail.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Builds test inputs in memory and inspects outputs. */
final class TestImages {
  static final Color RED = new Color(220, 20, 20);
  static final Color GREEN = new Color(20, 180, 20);
  static final Color BLUE = new Color(20, 20, 220);

  private TestImages() {}

  static BufferedImage solid(int w, int h, Color color) {
    return solid(w, h, color, BufferedImage.TYPE_INT_RGB);
  }

  static BufferedImage solid(int w, int h, Color color, int type) {
    BufferedImage image = new BufferedImage(w, h, type);
    Graphics2D g = image.createGraphics();
    g.setColor(color);
    g.fillRect(0, 0, w, h);
    g.dispose();
    return image;
  }

  static byte[] encode(BufferedImage image, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, format, out)) {
        throw new IllegalStateException("no writer for " + format + " / type " + image.getType());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] png(BufferedImage image) {
    return encode(image, "png");
  }

  static byte[] jpeg(BufferedImage image) {
    return jpeg(image, 0.92f, false);
  }

  /** Writes with the JDK's own JPEG writer (JFIF, no Exif). */
  static byte[] jpeg(BufferedImage image, float quality, boolean progressive) {
    ImageWriter writer = jdkJpegWriter();
    try {
      ImageWriteParam param = writer.getDefaultWriteParam();
      if (progressive) {
        param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
      } else {
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(quality);
      }
      return write(writer, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
  }

  /** A raw 4-band raster written as JPEG, then tagged CMYK with an Adobe APP14 segment (transform 0). */
  static byte[] cmykJpeg(Raster invertedCmyk) {
    ImageWriter writer = jdkJpegWriter();
    byte[] raw;
    try {
      raw = write(writer, new IIOImage(invertedCmyk, null, null), writer.getDefaultWriteParam());
    } finally {
      writer.dispose();
    }
    byte[] adobe = {(byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0};
    return insertAfterSoi(raw, adobe);
  }

  private static ImageWriter jdkJpegWriter() {
    for (Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName("jpeg"); it.hasNext(); ) {
      ImageWriter writer = it.next();
      if (writer.getClass().getName().startsWith("com.sun.")) {
        return writer;
      }
    }
    throw new IllegalStateException("no JDK JPEG writer");
  }

  private static byte[] write(ImageWriter writer, IIOImage image, ImageWriteParam param) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(null, image, param);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static BufferedImage decode(byte[] data) {
    try (InputStream in = new ByteArrayInputStream(data)) {
      BufferedImage image = ImageIO.read(in);
      assertThat(image).as("decodable output").isNotNull();
      return image;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static BufferedImage decode(Thumbnail thumbnail) {
    BufferedImage image = decode(thumbnail.bytes());
    assertThat(image.getWidth()).as("encoded width of " + thumbnail).isEqualTo(thumbnail.width());
    assertThat(image.getHeight()).as("encoded height of " + thumbnail).isEqualTo(thumbnail.height());
    return image;
  }

  // ---- JPEG segments ----

  static byte[] insertAfterSoi(byte[] jpeg, byte[] segment) {
    byte[] out = new byte[jpeg.length + segment.length];
    System.arraycopy(jpeg, 0, out, 0, 2);
    System.arraycopy(segment, 0, out, 2, segment.length);
    System.arraycopy(jpeg, 2, out, 2 + segment.length, jpeg.length - 2);
    return out;
  }

  /** Inserts an Exif APP1 segment carrying {@code tiff} after SOI and a JFIF APP0 if present. */
  static byte[] withExif(byte[] jpeg, byte[] tiff) {
    int at = 2;
    if ((jpeg[2] & 0xFF) == 0xFF && (jpeg[3] & 0xFF) == 0xE0) {
      at = 4 + ((jpeg[4] & 0xFF) << 8 | (jpeg[5] & 0xFF));
    }
    int length = 2 + 6 + tiff.length;
    ByteBuffer segment = ByteBuffer.allocate(2 + length);
    segment.put((byte) 0xFF).put((byte) 0xE1).putShort((short) length);
    segment.put(new byte[] {'E', 'x', 'i', 'f', 0, 0}).put(tiff);
    byte[] out = new byte[jpeg.length + segment.capacity()];
    System.arraycopy(jpeg, 0, out, 0, at);
    System.arraycopy(segment.array(), 0, out, at, segment.capacity());
    System.arraycopy(jpeg, at, out, at + segment.capacity(), jpeg.length - at);
    return out;
  }

  /**
   * A minimal TIFF/Exif structure: IFD0 with a Make string, the orientation, and optionally a GPS IFD (latitude
   * 48°51'24" N, longitude 2°21'03" E).
   */
  static byte[] exifTiff(int orientation, boolean bigEndian, boolean withGps) {
    ByteBuffer b = ByteBuffer.allocate(512).order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    b.put(bigEndian ? (byte) 'M' : (byte) 'I').put(bigEndian ? (byte) 'M' : (byte) 'I');
    b.putShort((short) 42).putInt(8);
    int entries = withGps ? 3 : 2;
    int ifd0End = 8 + 2 + 12 * entries + 4;
    int makeOffset = ifd0End;
    byte[] make = "CivicCam\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    int gpsOffset = makeOffset + make.length + (make.length & 1);
    b.putShort((short) entries);
    entry(b, 0x010F, 2, make.length, makeOffset); // Make, ASCII
    b.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
    if (withGps) {
      entry(b, 0x8825, 4, 1, gpsOffset); // GPSInfo IFD pointer, LONG
    }
    b.putInt(0); // no IFD1
    b.put(make);
    if ((make.length & 1) == 1) {
      b.put((byte) 0);
    }
    if (withGps) {
      int gpsEntries = 4;
      int rationals = gpsOffset + 2 + 12 * gpsEntries + 4;
      b.putShort((short) gpsEntries);
      b.putShort((short) 0x0001).putShort((short) 2).putInt(2).put((byte) 'N').put((byte) 0).putShort((short) 0);
      entry(b, 0x0002, 5, 3, rationals);
      b.putShort((short) 0x0003).putShort((short) 2).putInt(2).put((byte) 'E').put((byte) 0).putShort((short) 0);
      entry(b, 0x0004, 5, 3, rationals + 24);
      b.putInt(0);
      for (int v : new int[] {48, 51, 24, 2, 21, 3}) {
        b.putInt(v).putInt(1);
      }
    }
    byte[] out = new byte[b.position()];
    b.flip().get(out);
    return out;
  }

  private static void entry(ByteBuffer b, int tag, int type, int count, int value) {
    b.putShort((short) tag).putShort((short) type).putInt(count).putInt(value);
  }

  /** JPEG marker codes (second byte) of the segments before the first SOS, in order. */
  static List<Integer> jpegMarkers(byte[] jpeg) {
    List<Integer> markers = new ArrayList<>();
    int pos = 2;
    while (pos + 4 <= jpeg.length && (jpeg[pos] & 0xFF) == 0xFF) {
      int marker = jpeg[pos + 1] & 0xFF;
      markers.add(marker);
      if (marker == 0xDA) {
        break;
      }
      pos += 2 + ((jpeg[pos + 2] & 0xFF) << 8 | (jpeg[pos + 3] & 0xFF));
    }
    return markers;
  }

  static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  // ---- PNG chunks ----

  /** Chunk types of a PNG, in order. */
  static List<String> pngChunks(byte[] png) {
    List<String> chunks = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(png);
    for (int pos = 8; pos + 8 <= png.length; ) {
      int length = b.getInt(pos);
      chunks.add(new String(png, pos + 4, 4, java.nio.charset.StandardCharsets.US_ASCII));
      pos += 12 + length;
    }
    return chunks;
  }

  /** Rewrites the IHDR width and height of a PNG and fixes the chunk CRC. */
  static byte[] patchPngSize(byte[] png, int width, int height) {
    byte[] out = png.clone();
    ByteBuffer b = ByteBuffer.wrap(out);
    assertThat(new String(out, 12, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("IHDR");
    b.putInt(16, width).putInt(20, height);
    CRC32 crc = new CRC32();
    crc.update(out, 12, 4 + 13);
    b.putInt(29, (int) crc.getValue());
    return out;
  }

  // ---- pixel checks ----

  /** Bounding box of pixels that are clearly not white. */
  static Rectangle nonWhiteBounds(BufferedImage image) {
    int minX = Integer.MAX_VALUE;
    int minY = Integer.MAX_VALUE;
    int maxX = -1;
    int maxY = -1;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if (distance(image.getRGB(x, y), 0xFFFFFF) > 60) {
          minX = Math.min(minX, x);
          minY = Math.min(minY, y);
          maxX = Math.max(maxX, x);
          maxY = Math.max(maxY, y);
        }
      }
    }
    return maxX < 0 ? new Rectangle() : new Rectangle(minX, minY, maxX - minX + 1, maxY - minY + 1);
  }

  /**
   * Where the content of a thumbnail of a 2:1 (or, if {@code portrait}, 1:2) source sits: computed from the
   * geometry rather than from pixels, since white areas of the content are indistinguishable from padding.
   */
  static Rectangle nonWhiteBoundsOfContent(BufferedImage image, Thumbnail t, boolean portrait) {
    int box = t.box();
    int longSide = Math.min(box, 200);
    int shortSide = longSide / 2;
    int w = portrait ? shortSide : longSide;
    int h = portrait ? longSide : shortSide;
    return new Rectangle((box - w) / 2, (box - h) / 2, w, h);
  }

  /** Largest per-channel difference. */
  static int distance(int rgb1, int rgb2) {
    int dr = Math.abs(((rgb1 >> 16) & 0xFF) - ((rgb2 >> 16) & 0xFF));
    int dg = Math.abs(((rgb1 >> 8) & 0xFF) - ((rgb2 >> 8) & 0xFF));
    int db = Math.abs((rgb1 & 0xFF) - (rgb2 & 0xFF));
    return Math.max(dr, Math.max(dg, db));
  }

  static void assertColor(BufferedImage image, int x, int y, Color expected, int tolerance) {
    int actual = image.getRGB(x, y);
    assertThat(distance(actual, expected.getRGB()))
        .as("pixel (%d,%d) = #%06X, expected #%06X", x, y, actual & 0xFFFFFF, expected.getRGB() & 0xFFFFFF)
        .isLessThanOrEqualTo(tolerance);
  }
}
