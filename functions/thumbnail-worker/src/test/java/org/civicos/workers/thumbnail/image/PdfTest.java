package org.civicos.workers.thumbnail.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.civicos.workers.thumbnail.image.TestImages.assertColor;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.common.PDStream;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.apache.pdfbox.pdmodel.graphics.color.PDDeviceGray;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.junit.jupiter.api.Test;

class PdfTest {
  private final ThumbnailRenderer renderer = new ThumbnailRenderer(ImageLimits.defaults());

  /** One page of the given size with the left half filled blue (and a second, red page). */
  static byte[] pdf(float width, float height, int rotation, String ownerPassword, String userPassword)
      throws IOException {
    try (PDDocument document = new PDDocument()) {
      PDPage page = new PDPage(new PDRectangle(width, height));
      page.setRotation(rotation);
      document.addPage(page);
      try (PDPageContentStream content = new PDPageContentStream(document, page)) {
        content.setNonStrokingColor(0.08f, 0.08f, 0.86f);
        content.addRect(0, 0, width / 2, height);
        content.fill();
      }
      PDPage second = new PDPage(new PDRectangle(width, height));
      document.addPage(second);
      try (PDPageContentStream content = new PDPageContentStream(document, second)) {
        content.setNonStrokingColor(1f, 0f, 0f);
        content.addRect(0, 0, width, height);
        content.fill();
      }
      if (ownerPassword != null) {
        StandardProtectionPolicy policy =
            new StandardProtectionPolicy(ownerPassword, userPassword, new AccessPermission());
        policy.setEncryptionKeyLength(128);
        document.protect(policy);
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      document.save(out);
      return out.toByteArray();
    }
  }

  static byte[] pdf(float width, float height) throws IOException {
    return pdf(width, height, 0, null, null);
  }

  @Test
  void firstPageBecomesThreeProportionalPngs() throws IOException {
    // US Letter: 300 dpi would be 2550x3300, capped to a 1600 long side (1236x1600), then fitted per box.
    List<Thumbnail> thumbs = renderer.render(pdf(612, 792));

    assertThat(thumbs).extracting(Thumbnail::fileName)
        .containsExactly("thumb-small.png", "thumb-medium.png", "thumb-large.png");
    assertThat(thumbs).extracting(Thumbnail::contentType).containsOnly("image/png");
    assertThat(thumbs).extracting(Thumbnail::size).containsExactly("small", "medium", "large");
    assertThat(thumbs).extracting(Thumbnail::width).containsExactly(116, 309, 618);
    assertThat(thumbs).extracting(Thumbnail::height).containsExactly(150, 400, 800);
    for (Thumbnail t : thumbs) {
      assertThat(t.bytes()).startsWith(0x89, 'P', 'N', 'G');
      assertThat(TestImages.pngChunks(t.bytes()).stream().distinct()).containsExactly("IHDR", "IDAT", "IEND");
      BufferedImage image = TestImages.decode(t);
      // left half blue, right half white; no padding around the page
      assertColor(image, t.width() / 4, t.height() / 2, new Color(20, 20, 219), 6);
      assertColor(image, t.width() * 3 / 4, t.height() / 2, Color.WHITE, 2);
      assertColor(image, 0, 0, new Color(20, 20, 219), 6);
    }
  }

  @Test
  void rotatedPageIsLandscape() throws IOException {
    List<Thumbnail> thumbs = renderer.render(pdf(612, 792, 90, null, null));
    assertThat(thumbs).extracting(Thumbnail::width).containsExactly(150, 400, 800);
    assertThat(thumbs).extracting(Thumbnail::height).containsExactly(116, 309, 618);
    // rotated clockwise: the blue left half is now the top half
    BufferedImage large = TestImages.decode(thumbs.get(2));
    assertColor(large, 400, 100, new Color(20, 20, 219), 6);
    assertColor(large, 400, 500, Color.WHITE, 2);
  }

  @Test
  void smallPageIsNotEnlarged() throws IOException {
    // 72x36 pt at 300 dpi = 300x150 px: fits the medium and large boxes as is.
    List<Thumbnail> thumbs = renderer.render(pdf(72, 36));
    assertThat(thumbs).extracting(Thumbnail::width).containsExactly(150, 300, 300);
    assertThat(thumbs).extracting(Thumbnail::height).containsExactly(75, 150, 150);
  }

  @Test
  void enormousMediaBoxRendersAtBoundedResolution() throws IOException {
    long start = System.nanoTime();
    List<Thumbnail> thumbs = renderer.render(pdf(200_000, 100_000));
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(thumbs).extracting(Thumbnail::width).containsExactly(150, 400, 800);
    assertThat(thumbs).extracting(Thumbnail::height).containsExactly(75, 200, 400);
    assertColor(TestImages.decode(thumbs.get(2)), 100, 200, new Color(20, 20, 219), 6);
    // Not a timing assertion (machines vary); printed for the record. 300 dpi would be 833333x416667 px.
    System.out.println("200000x100000 pt PDF page rendered in " + millis + " ms");
  }

  @Test
  void ownerPasswordOnlyPdfRenders() throws IOException {
    assertThat(renderer.render(pdf(300, 300, 0, "owner-secret", ""))).hasSize(3);
  }

  @Test
  void userPasswordProtectedPdfIsUnsupported() throws IOException {
    ThumbnailException e = catchThrowableOfType(ThumbnailException.class,
        () -> renderer.render(pdf(300, 300, 0, "owner-secret", "user-secret")));
    assertThat(e.permanent()).isTrue();
    assertThat(e.getMessage()).isEqualTo("unsupported file type: password-protected PDF");
  }

  @Test
  void pdfWithoutPagesFails() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PDDocument document = new PDDocument()) {
      document.save(out);
    }
    ThumbnailException e =
        catchThrowableOfType(ThumbnailException.class, () -> renderer.render(out.toByteArray()));
    assertThat(e.permanent()).isTrue();
    assertThat(e.getMessage()).isEqualTo("corrupt or truncated PDF: the document has no pages");
  }

  /** A page drawing one Flate image XObject that declares {@code w}x{@code h} but holds {@code bytes} zeros. */
  static byte[] pdfWithFlateImage(int width, int height, long decodedBytes) throws IOException {
    return pdfWithFlateImage(width, height, decodedBytes, false);
  }

  static byte[] pdfWithFlateImage(int width, int height, long decodedBytes, boolean encrypted) throws IOException {
    try (PDDocument document = new PDDocument()) {
      PDPage page = new PDPage(PDRectangle.LETTER);
      document.addPage(page);
      PDImageXObject image = new PDImageXObject(document, new ByteArrayInputStream(deflatedZeros(decodedBytes)),
          COSName.FLATE_DECODE, width, height, 8, PDDeviceGray.INSTANCE);
      try (PDPageContentStream content = new PDPageContentStream(document, page)) {
        content.drawImage(image, 0, 0, 612, 792);
      }
      if (encrypted) {
        StandardProtectionPolicy policy = new StandardProtectionPolicy("owner-secret", "", new AccessPermission());
        policy.setEncryptionKeyLength(128);
        document.protect(policy);
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      document.save(out);
      return out.toByteArray();
    }
  }

  static byte[] deflatedZeros(long count) throws IOException {
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    try (DeflaterOutputStream z = new DeflaterOutputStream(compressed, new Deflater(Deflater.BEST_COMPRESSION))) {
      byte[] chunk = new byte[1 << 16];
      for (long left = count; left > 0; left -= chunk.length) {
        z.write(chunk, 0, (int) Math.min(chunk.length, left));
      }
    }
    return compressed.toByteArray();
  }

  @Test
  void embeddedImageAboveThePixelLimitIsRejectedBeforeDecoding() throws IOException {
    byte[] pdf = pdfWithFlateImage(20_000, 20_000, 1000); // declares 400 MP, holds almost nothing
    ThumbnailException e = catchThrowableOfType(ThumbnailException.class, () -> renderer.render(pdf));
    assertThat(e.permanent()).isTrue();
    assertThat(e.getMessage()).isEqualTo(
        "PDF contains an image of 20000x20000 (400.0 megapixels), above the limit of 100 megapixels");
  }

  @Test
  void flateBombStreamIsRejected() throws IOException {
    // Declares a harmless 100x100 image, but the stream inflates to 80 MB (PDFBox would buffer all of it).
    byte[] pdf = pdfWithFlateImage(100, 100, 80L * 1024 * 1024);
    assertThat(pdf.length).isLessThan(200_000);
    ThumbnailException e = catchThrowableOfType(ThumbnailException.class, () -> renderer.render(pdf));
    assertThat(e.permanent()).isTrue();
    assertThat(e.getMessage()).isEqualTo("PDF is too large to render: a stream decodes to more than 64 MiB");
  }

  @Test
  void flateBombInAnEncryptedPdfIsRejected() throws IOException {
    byte[] pdf = pdfWithFlateImage(100, 100, 80L * 1024 * 1024, true);
    ThumbnailException e = catchThrowableOfType(ThumbnailException.class, () -> renderer.render(pdf));
    assertThat(e.permanent()).isTrue();
    assertThat(e.getMessage()).isEqualTo("PDF is too large to render: a stream decodes to more than 64 MiB");
  }

  @Test
  void inlineImageFlateBombIsRejected() throws IOException {
    byte[] bomb = deflatedZeros(80L * 1024 * 1024);
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    content.write("q 100 0 0 100 0 0 cm\nBI /W 10 /H 10 /BPC 8 /CS /G /F /Fl\nID ".getBytes(StandardCharsets.US_ASCII));
    content.write(bomb);
    content.write("\nEI\nQ\n".getBytes(StandardCharsets.US_ASCII));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PDDocument document = new PDDocument()) {
      PDPage page = new PDPage(PDRectangle.LETTER);
      document.addPage(page);
      page.setContents(new PDStream(document, new ByteArrayInputStream(content.toByteArray())));
      document.save(out);
    }
    ThumbnailException e = catchThrowableOfType(ThumbnailException.class, () -> renderer.render(out.toByteArray()));
    assertThat(e.permanent()).isTrue();
    assertThat(e.getMessage()).isEqualTo("PDF is too large to render: a stream decodes to more than 64 MiB");
  }

  @Test
  void ordinaryEmbeddedImageRenders() throws IOException {
    byte[] pdf = pdfWithFlateImage(1000, 1000, 1000L * 1000);
    List<Thumbnail> thumbs = renderer.render(pdf);
    assertThat(thumbs).extracting(Thumbnail::height).containsExactly(150, 400, 800);
  }

  @Test
  void garbagePdfFails() {
    byte[] garbage = "%PDF-1.7\nthis is not really a PDF\n".getBytes(StandardCharsets.US_ASCII);
    ThumbnailException e = catchThrowableOfType(ThumbnailException.class, () -> renderer.render(garbage));
    assertThat(e.permanent()).isTrue();
    assertThat(e.getMessage()).startsWith("corrupt or truncated PDF: ");
    System.out.println("garbage PDF: " + e.getMessage());
  }
}
