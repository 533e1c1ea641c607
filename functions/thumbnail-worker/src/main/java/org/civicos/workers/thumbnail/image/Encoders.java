package org.civicos.workers.thumbnail.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.plugins.jpeg.JPEGImageWriteParam;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Encodes packed RGB pixels. No metadata is passed to the writers, so the output carries only what the
 * format requires (a JFIF APP0 header for JPEG; IHDR/IDAT/IEND for PNG): no EXIF, GPS, XMP, ICC or comments.
 */
final class Encoders {
  private Encoders() {}

  static byte[] jpeg(int[] rgb, int w, int h, float quality) {
    ImageWriter writer = Plugins.writer("jpeg");
    try {
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(quality);
      if (param instanceof JPEGImageWriteParam jpegParam) {
        jpegParam.setOptimizeHuffmanTables(true);
      }
      return write(writer, rgb, w, h, param, w * h / 4);
    } finally {
      writer.dispose();
    }
  }

  static byte[] png(int[] rgb, int w, int h) {
    ImageWriter writer = Plugins.writer("png");
    try {
      return write(writer, rgb, w, h, writer.getDefaultWriteParam(), w * h);
    } finally {
      writer.dispose();
    }
  }

  private static byte[] write(ImageWriter writer, int[] rgb, int w, int h, ImageWriteParam param, int sizeHint) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(Math.max(1024, sizeHint));
    try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(Pixels.toImage(rgb, w, h), null, null), param);
    } catch (IOException e) {
      // Writing to memory cannot fail for input reasons; this is a bug, not a bad file.
      throw new UncheckedIOException("encoding a thumbnail failed", e);
    }
    return bytes.toByteArray();
  }
}
