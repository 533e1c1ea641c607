package org.civicos.workers.bench;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Photo-sized inputs, generated once into bench/target/bench/images: smooth gradients plus per-pixel noise so
 * JPEGs compress like camera photos (a few MB per 12 MP), and RGBA PNGs with an alpha gradient.
 */
final class ImageSet {
  private ImageSet() {
  }

  /** name -> file, in benchmark order. */
  static Map<String, Path> benchmarkSet(Path dir) throws Exception {
    Map<String, Path> m = new LinkedHashMap<>();
    m.put("jpeg-12mp", ensure(dir.resolve("photo-12mp.jpg"), 4000, 3000));
    m.put("jpeg-24mp", ensure(dir.resolve("photo-24mp.jpg"), 6000, 4000));
    m.put("png-alpha-12mp", ensure(dir.resolve("alpha-12mp.png"), 4000, 3000));
    return m;
  }

  static Path fiftyMegapixel(Path dir) throws Exception {
    return ensure(dir.resolve("photo-50mp.jpg"), 8660, 5774);
  }

  private static Path ensure(Path file, int w, int h) throws Exception {
    if (Files.exists(file)) {
      return file;
    }
    Files.createDirectories(file.getParent());
    boolean png = file.toString().endsWith(".png");
    BufferedImage image = new BufferedImage(w, h, png ? BufferedImage.TYPE_4BYTE_ABGR : BufferedImage.TYPE_3BYTE_BGR);
    byte[] data = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    Random random = new Random(w * 31L + h);
    int amplitude = png ? 6 : 32;
    int i = 0;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int noise = random.nextInt(amplitude) - amplitude / 2;
        if (png) {
          data[i++] = (byte) clamp(64 + 191 * x / w); // A: transparent on the left
        }
        data[i++] = (byte) clamp((x + y) * 255 / (w + h) + noise); // B
        data[i++] = (byte) clamp(y * 255 / h + noise); // G
        data[i++] = (byte) clamp(x * 255 / w + noise); // R
      }
    }
    byte[] bytes;
    if (png) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(image, "png", out);
      bytes = out.toByteArray();
    } else {
      Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
      ImageWriter writer = writers.next();
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(0.9f);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
        writer.setOutput(stream);
        writer.write(null, new IIOImage(image, null, null), param);
      }
      writer.dispose();
      bytes = out.toByteArray();
    }
    Files.write(file, bytes);
    Bench.log("generated %s: %dx%d, %.1f MB", file.getFileName(), w, h, bytes.length / 1048576.0);
    return file;
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }
}
