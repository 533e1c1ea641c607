package org.civicos.workers.thumbnail.image;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadProgressListener;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import org.w3c.dom.Node;

/**
 * Decodes the first image of a JPEG, PNG, GIF, BMP or WebP with bounded memory.
 *
 * <ol>
 *   <li>Reads only the header (ImageReader width/height) and rejects images above the pixel limit before any
 *       pixel buffer exists; for JPEG also too many scans ({@link JpegScans}).
 *   <li>Decodes with source subsampling: the integer factor that keeps the decoded long side at or above
 *       {@code minLongSide} (twice the largest box), so a 50-megapixel photo decodes to about 2 megapixels.
 *   <li>Fails on decoder warnings that mean truncated data (the JDK's libjpeg otherwise fills the missing part
 *       with grey and reports success).
 *   <li>Aborts when the thread is interrupted (e.g. a job timeout), as far as the reader reports progress.
 * </ol>
 */
final class RasterDecoder {
  /** Decoded pixels (opaque sRGB, possibly subsampled) and the full size the header declared. */
  record Decoded(int[] rgb, int width, int height, int fullWidth, int fullHeight) {}

  private RasterDecoder() {}

  static Decoded decode(byte[] data, InputKind kind, ImageLimits limits, int minLongSide) {
    ImageReader reader;
    try {
      reader = Plugins.reader(kind);
    } catch (IOException e) {
      throw new IllegalStateException("cannot create an ImageIO reader for " + kind, e);
    }
    try (ImageInputStream in = new ByteArrayImageInputStream(data)) {
      // GIF needs its metadata for the logical screen; elsewhere metadata is of no use to us.
      reader.setInput(in, true, kind != InputKind.GIF);
      return read(data, reader, kind, limits, minLongSide);
    } catch (ThumbnailException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      if (Thread.currentThread().isInterrupted()) {
        throw interrupted(e);
      }
      throw ThumbnailException.permanent(Messages.corrupt(kind, e), e);
    } finally {
      reader.dispose();
    }
  }

  private static Decoded read(byte[] data, ImageReader reader, InputKind kind, ImageLimits limits,
      int minLongSide) throws IOException {
    int width;
    int height;
    try {
      width = reader.getWidth(0);
      height = reader.getHeight(0);
    } catch (IndexOutOfBoundsException e) {
      throw ThumbnailException.permanent(Messages.corrupt(kind, "the file contains no image"), e);
    }
    checkDimensions(kind, width, height, limits);
    if (kind == InputKind.JPEG) {
      JpegScans.check(data, width, height);
    }

    GifFrame gif = kind == InputKind.GIF ? GifFrame.of(reader, width, height) : null;
    int fullWidth = gif == null ? width : gif.screenWidth;
    int fullHeight = gif == null ? height : gif.screenHeight;
    checkDimensions(kind, fullWidth, fullHeight, limits);

    int subsampling = Math.max(1, Math.max(fullWidth, fullHeight) / minLongSide);
    ImageReadParam param = reader.getDefaultReadParam();
    if (subsampling > 1) {
      param.setSourceSubsampling(subsampling, subsampling, 0, 0);
    }

    List<String> warnings = new ArrayList<>();
    reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
    AbortOnInterrupt abort = new AbortOnInterrupt();
    reader.addIIOReadProgressListener(abort);

    BufferedImage image = reader.read(0, param);
    if (abort.aborted || Thread.currentThread().isInterrupted()) {
      throw interrupted(null);
    }
    for (String warning : warnings) {
      if (isTruncation(warning)) {
        throw ThumbnailException.permanent(Messages.corrupt(kind, warning.strip()));
      }
    }
    if (gif != null) {
      image = gif.onScreen(image, subsampling);
    }
    int[] rgb = Pixels.toOpaqueSrgb(image);
    return new Decoded(rgb, image.getWidth(), image.getHeight(), fullWidth, fullHeight);
  }

  private static void checkDimensions(InputKind kind, long width, long height, ImageLimits limits) {
    if (width <= 0 || height <= 0) {
      throw ThumbnailException.permanent(Messages.corrupt(kind, "invalid dimensions " + width + "x" + height));
    }
    if (width * height > limits.maxPixels()) {
      throw ThumbnailException.permanent(Messages.tooManyPixels(width, height, limits.maxPixels()));
    }
  }

  /**
   * libjpeg's "Premature end of JPEG file" / "Corrupt JPEG data: premature end of data segment": pixel data is
   * missing and was filled with grey. A file whose scan is complete but lacks only the EOI marker warns
   * "Truncated File - Missing EOI marker" and is accepted, as libvips does.
   */
  private static boolean isTruncation(String warning) {
    String w = warning.toLowerCase(Locale.ROOT);
    return w.contains("premature end") || w.contains("unexpected end");
  }

  private static ThumbnailException interrupted(Throwable cause) {
    return new ThumbnailException("thumbnail rendering was interrupted", false, cause);
  }

  private static final class AbortOnInterrupt implements IIOReadProgressListener {
    volatile boolean aborted;

    @Override
    public void imageProgress(ImageReader source, float percentageDone) {
      if (Thread.currentThread().isInterrupted()) {
        source.abort();
      }
    }

    @Override
    public void readAborted(ImageReader source) {
      aborted = true;
    }

    @Override
    public void sequenceStarted(ImageReader source, int minIndex) {}

    @Override
    public void sequenceComplete(ImageReader source) {}

    @Override
    public void imageStarted(ImageReader source, int imageIndex) {}

    @Override
    public void imageComplete(ImageReader source) {}

    @Override
    public void thumbnailStarted(ImageReader source, int imageIndex, int thumbnailIndex) {}

    @Override
    public void thumbnailProgress(ImageReader source, float percentageDone) {}

    @Override
    public void thumbnailComplete(ImageReader source) {}
  }

  /**
   * Where the first GIF frame sits on the logical screen. Most GIFs' first frame covers the screen; when it does
   * not, it is placed on a transparent (later white) screen-sized canvas, as a browser would show it.
   */
  private record GifFrame(int screenWidth, int screenHeight, int left, int top, int frameWidth, int frameHeight) {
    static GifFrame of(ImageReader reader, int frameWidth, int frameHeight) throws IOException {
      int screenWidth = frameWidth;
      int screenHeight = frameHeight;
      int left = 0;
      int top = 0;
      IIOMetadata stream = reader.getStreamMetadata();
      Node screen = child(stream, "javax_imageio_gif_stream_1.0", "LogicalScreenDescriptor");
      IIOMetadata image = reader.getImageMetadata(0);
      Node descriptor = child(image, "javax_imageio_gif_image_1.0", "ImageDescriptor");
      if (descriptor != null) {
        left = attribute(descriptor, "imageLeftPosition", 0);
        top = attribute(descriptor, "imageTopPosition", 0);
      }
      if (screen != null) {
        int sw = attribute(screen, "logicalScreenWidth", 0);
        int sh = attribute(screen, "logicalScreenHeight", 0);
        // Only trust a screen that actually contains the frame; broken encoders write 0 or garbage here.
        if (sw >= left + frameWidth && sh >= top + frameHeight) {
          screenWidth = sw;
          screenHeight = sh;
        } else {
          left = 0;
          top = 0;
        }
      }
      return new GifFrame(screenWidth, screenHeight, left, top, frameWidth, frameHeight);
    }

    BufferedImage onScreen(BufferedImage frame, int subsampling) {
      if (screenWidth == frameWidth && screenHeight == frameHeight) {
        return frame;
      }
      int w = (screenWidth + subsampling - 1) / subsampling;
      int h = (screenHeight + subsampling - 1) / subsampling;
      BufferedImage canvas = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = canvas.createGraphics();
      try {
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.drawImage(frame, left / subsampling, top / subsampling, null);
      } finally {
        g.dispose();
      }
      return canvas;
    }

    private static Node child(IIOMetadata metadata, String format, String name) {
      if (metadata == null) {
        return null;
      }
      try {
        Node root = metadata.getAsTree(format);
        for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
          if (name.equals(n.getNodeName())) {
            return n;
          }
        }
      } catch (IllegalArgumentException e) {
        return null; // format not supported by this reader
      }
      return null;
    }

    private static int attribute(Node node, String name, int fallback) {
      if (node instanceof IIOMetadataNode element && element.hasAttribute(name)) {
        try {
          return Integer.parseInt(element.getAttribute(name));
        } catch (NumberFormatException e) {
          return fallback;
        }
      }
      return fallback;
    }
  }
}
