package org.civicos.workers.thumbnail.image;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Objects;

/**
 * Turns the bytes of one uploaded file into the three Civic OS thumbnails. Immutable and thread-safe: one
 * instance can serve concurrent jobs.
 *
 * <p>Images (JPEG, PNG, GIF, BMP, WebP) give three JPEGs of exactly 150×150, 400×400 and 800×800: the picture is
 * scaled to fit the box with its aspect ratio kept ("contain"), never enlarged, and centred on white. A PDF's
 * first page gives three PNGs resized to fit each box, without padding.
 *
 * @see org.civicos.workers.thumbnail.image
 */
public final class ThumbnailRenderer {
  private static final List<ThumbnailSize> LARGEST_FIRST =
      List.of(ThumbnailSize.LARGE, ThumbnailSize.MEDIUM, ThumbnailSize.SMALL);

  /** Images decode to at least this long side (when the source is that large) before area averaging. */
  private static final int DECODE_LONG_SIDE = 2 * ThumbnailSize.LARGE.box();

  private final ImageLimits limits;

  public ThumbnailRenderer(ImageLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  public ThumbnailRenderer(long maxBytes, long maxPixels) {
    this(new ImageLimits(maxBytes, maxPixels));
  }

  public ImageLimits limits() {
    return limits;
  }

  /**
   * Rejects a file by its size alone, e.g. from the S3 object's {@code Content-Length} before downloading it.
   *
   * @throws ThumbnailException (permanent) if the size is 0 or above {@link ImageLimits#maxBytes()}
   */
  public void checkSize(long bytes) {
    if (bytes <= 0) {
      throw ThumbnailException.permanent("file is empty");
    }
    if (bytes > limits.maxBytes()) {
      throw ThumbnailException.permanent(Messages.tooManyBytes(bytes, limits.maxBytes()));
    }
  }

  /**
   * Sniffs the leading bytes and rejects what cannot be rendered.
   *
   * @return the supported kind
   * @throws ThumbnailException (permanent) for empty or unsupported content
   */
  public InputKind checkType(byte[] head) {
    InputKind kind = InputKind.sniff(head);
    if (kind == InputKind.EMPTY) {
      throw ThumbnailException.permanent("file is empty");
    }
    if (!kind.supported()) {
      throw ThumbnailException.permanent(Messages.unsupported(kind));
    }
    return kind;
  }

  /**
   * Renders the three thumbnails.
   *
   * @param input the whole file
   * @return small, medium, large, in that order
   * @throws ThumbnailException {@linkplain ThumbnailException#permanent() permanent} for empty, oversized,
   *     unsupported, corrupt or truncated input and for images above the pixel limit; not permanent only if
   *     the thread was interrupted
   */
  public List<Thumbnail> render(byte[] input) {
    Objects.requireNonNull(input, "input");
    checkSize(input.length);
    InputKind kind = checkType(input);
    return kind == InputKind.PDF ? renderPdf(input) : renderImage(input, kind);
  }

  private List<Thumbnail> renderImage(byte[] input, InputKind kind) {
    RasterDecoder.Decoded decoded = RasterDecoder.decode(input, kind, limits, DECODE_LONG_SIDE);
    int orientation = ExifOrientation.read(input, kind);
    boolean swap = ExifOrientation.swapsAxes(orientation);
    // Displayed size of the original: the geometry is computed from it, not from the subsampled decode.
    int fullWidth = swap ? decoded.fullHeight() : decoded.fullWidth();
    int fullHeight = swap ? decoded.fullWidth() : decoded.fullHeight();

    Thumbnail[] out = new Thumbnail[3];
    int[] pixels = decoded.rgb();
    int width = decoded.width();
    int height = decoded.height();
    boolean oriented = false;
    for (ThumbnailSize size : LARGEST_FIRST) {
      checkInterrupted();
      Dimension target = fit(fullWidth, fullHeight, size.box());
      if (!oriented) {
        // Scale in stored orientation first (fewer pixels to move), then rotate/flip the result.
        int w = swap ? target.height : target.width;
        int h = swap ? target.width : target.height;
        pixels = ExifOrientation.apply(AreaAverageScaler.resize(pixels, width, height, w, h), w, h, orientation);
        oriented = true;
      } else {
        pixels = AreaAverageScaler.resize(pixels, width, height, target.width, target.height);
      }
      width = target.width;
      height = target.height;
      int[] square = Pixels.padToSquare(pixels, width, height, size.box());
      byte[] jpeg = Encoders.jpeg(square, size.box(), size.box(), size.jpegQuality());
      out[size.ordinal()] = new Thumbnail(size.id(), size.box(), "thumb-" + size.id() + ".jpg", Thumbnail.JPEG,
          size.box(), size.box(), jpeg);
    }
    return List.of(out);
  }

  private List<Thumbnail> renderPdf(byte[] input) {
    BufferedImage page = PdfRasterizer.renderFirstPage(input, limits);
    int pageWidth = page.getWidth();
    int pageHeight = page.getHeight();
    int[] pixels = Pixels.toOpaqueSrgb(page);
    page = null; // only the pixels are needed from here on
    int width = pageWidth;
    int height = pageHeight;
    Thumbnail[] out = new Thumbnail[3];
    for (ThumbnailSize size : LARGEST_FIRST) {
      checkInterrupted();
      Dimension target = fit(pageWidth, pageHeight, size.box());
      pixels = AreaAverageScaler.resize(pixels, width, height, target.width, target.height);
      width = target.width;
      height = target.height;
      byte[] png = Encoders.png(pixels, width, height);
      out[size.ordinal()] = new Thumbnail(size.id(), size.box(), "thumb-" + size.id() + ".png", Thumbnail.PNG,
          width, height, png);
    }
    return List.of(out);
  }

  /** Contain-fit of {@code w}×{@code h} into a square box, never enlarging. */
  static Dimension fit(int w, int h, int box) {
    if (w <= box && h <= box) {
      return new Dimension(w, h);
    }
    if (w >= h) {
      return new Dimension(box, (int) Math.max(1, Math.round((double) h * box / w)));
    }
    return new Dimension((int) Math.max(1, Math.round((double) w * box / h)), box);
  }

  record Dimension(int width, int height) {}

  private static void checkInterrupted() {
    if (Thread.currentThread().isInterrupted()) {
      throw new ThumbnailException("thumbnail rendering was interrupted", false);
    }
  }
}
