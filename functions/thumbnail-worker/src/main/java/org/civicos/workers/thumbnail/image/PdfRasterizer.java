package org.civicos.workers.thumbnail.image;

import java.awt.image.BufferedImage;
import java.io.IOException;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.io.MemoryUsageSetting;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.rendering.ImageType;
import org.apache.pdfbox.rendering.PDFRenderer;

/**
 * Renders the first page of a PDF with Apache PDFBox at a bounded resolution: 300 dpi (what Civic OS ran
 * {@code pdftoppm} with), but never more than {@link #MAX_LONG_SIDE} pixels on the long side, whatever the
 * page box declares. Everything stays in memory (no scratch files); embedded images are subsampled to the
 * rendered size. {@link PdfGuard} first rejects pages whose streams would decode to too much memory.
 */
final class PdfRasterizer {
  /** Cap of the rendered bitmap's long side: twice the largest box, for antialiasing headroom. */
  static final int MAX_LONG_SIDE = 2 * ThumbnailSize.LARGE.box();

  private static final float MAX_DPI = 300f;

  /** Ceiling for PDFBox's in-memory stream cache (decoded streams it chooses to buffer). */
  private static final long STREAM_CACHE_BYTES = 64L * 1024 * 1024;

  private PdfRasterizer() {}

  /** The first page as opaque RGB on white. */
  static BufferedImage renderFirstPage(byte[] data, ImageLimits limits) {
    try (PDDocument document = Loader.loadPDF(data, "", null, null,
        MemoryUsageSetting.setupMainMemoryOnly(STREAM_CACHE_BYTES).streamCache)) {
      if (document.getNumberOfPages() < 1) {
        throw ThumbnailException.permanent(Messages.corrupt(InputKind.PDF, "the document has no pages"));
      }
      PDPage page = document.getPage(0);
      PDRectangle box = page.getCropBox();
      float width = box.getWidth();
      float height = box.getHeight();
      if (!(width > 0 && height > 0 && Float.isFinite(width) && Float.isFinite(height))) {
        throw ThumbnailException.permanent(
            Messages.corrupt(InputKind.PDF, "the first page has an invalid size " + width + "x" + height));
      }
      PdfGuard.check(page, limits.maxPixels());
      float scale = Math.min(MAX_DPI / 72f, MAX_LONG_SIDE / Math.max(width, height));
      PDFRenderer renderer = new PDFRenderer(document);
      renderer.setSubsamplingAllowed(true);
      return renderer.renderImage(0, scale, ImageType.RGB);
    } catch (InvalidPasswordException e) {
      throw ThumbnailException.permanent("unsupported file type: password-protected PDF", e);
    } catch (ThumbnailException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw ThumbnailException.permanent(Messages.corrupt(InputKind.PDF, e), e);
    }
  }
}
