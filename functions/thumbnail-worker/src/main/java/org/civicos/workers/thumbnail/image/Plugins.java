package org.civicos.workers.thumbnail.image;

import com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReaderSpi;
import com.twelvemonkeys.imageio.plugins.webp.WebPImageReaderSpi;
import java.io.IOException;
import java.util.Iterator;
import java.util.function.Supplier;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriter;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;

/**
 * Picks ImageIO readers and writers explicitly instead of trusting plugin order. TwelveMonkeys' JPEG reader
 * (CMYK/YCCK, broken ICC profiles) and WebP reader are required; if a fat jar lost their
 * {@code META-INF/services} entries they are registered here, once, so the pipeline never silently falls back
 * to the JDK's JPEG reader.
 */
final class Plugins {
  private static final ImageReaderSpi JPEG_READER = registered(JPEGImageReaderSpi.class, JPEGImageReaderSpi::new);
  private static final ImageReaderSpi WEBP_READER = registered(WebPImageReaderSpi.class, WebPImageReaderSpi::new);

  private Plugins() {}

  private static <T extends ImageReaderSpi> T registered(Class<T> type, Supplier<T> create) {
    IIORegistry registry = IIORegistry.getDefaultInstance();
    T spi = registry.getServiceProviderByClass(type);
    if (spi == null) {
      registry.registerServiceProvider(create.get(), ImageReaderSpi.class); // runs onRegistration
      spi = registry.getServiceProviderByClass(type);
    }
    if (spi == null) {
      throw new IllegalStateException("cannot register ImageIO plugin " + type.getName());
    }
    return spi;
  }

  /** A new reader for a supported raster kind; the caller must {@link ImageReader#dispose()} it. */
  static ImageReader reader(InputKind kind) throws IOException {
    return switch (kind) {
      case JPEG -> JPEG_READER.createReaderInstance();
      case WEBP -> WEBP_READER.createReaderInstance();
      case PNG -> jdkReader("png");
      case GIF -> jdkReader("gif");
      case BMP -> jdkReader("bmp");
      default -> throw new IllegalArgumentException("no raster reader for " + kind);
    };
  }

  private static ImageReader jdkReader(String format) {
    ImageReader fallback = null;
    for (Iterator<ImageReader> it = ImageIO.getImageReadersByFormatName(format); it.hasNext(); ) {
      ImageReader reader = it.next();
      if (reader.getClass().getName().startsWith("com.sun.imageio.")) {
        if (fallback != null) {
          fallback.dispose();
        }
        return reader;
      }
      if (fallback == null) {
        fallback = reader;
      } else {
        reader.dispose();
      }
    }
    if (fallback == null) {
      throw new IllegalStateException("no ImageIO reader for " + format);
    }
    return fallback;
  }

  /** A new writer ({@code jpeg} or {@code png}), preferring the JDK's own; the caller must dispose it. */
  static ImageWriter writer(String format) {
    ImageWriter fallback = null;
    for (Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName(format); it.hasNext(); ) {
      ImageWriter writer = it.next();
      if (writer.getClass().getName().startsWith("com.sun.imageio.")) {
        if (fallback != null) {
          fallback.dispose();
        }
        return writer;
      }
      if (fallback == null) {
        fallback = writer;
      } else {
        writer.dispose();
      }
    }
    if (fallback == null) {
      throw new IllegalStateException("no ImageIO writer for " + format);
    }
    return fallback;
  }
}
