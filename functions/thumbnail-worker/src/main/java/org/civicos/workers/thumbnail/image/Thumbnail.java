package org.civicos.workers.thumbnail.image;

import java.util.Objects;

/**
 * One encoded thumbnail.
 *
 * @param size {@code small}, {@code medium} or {@code large}
 * @param box edge of the size's square box (150, 400, 800)
 * @param fileName {@code thumb-small.jpg} etc. for images, {@code thumb-small.png} etc. for PDFs; the S3 key is
 *     {@code dirname(original key) + "/" + fileName}
 * @param contentType {@code image/jpeg} or {@code image/png}
 * @param width pixel width of the encoded image
 * @param height pixel height of the encoded image
 * @param bytes the encoded file (owned by the caller; not copied)
 */
public record Thumbnail(
    String size, int box, String fileName, String contentType, int width, int height, byte[] bytes) {
  public static final String JPEG = "image/jpeg";
  public static final String PNG = "image/png";

  public Thumbnail {
    Objects.requireNonNull(size, "size");
    Objects.requireNonNull(fileName, "fileName");
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(bytes, "bytes");
  }

  @Override
  public String toString() {
    return "Thumbnail[" + fileName + " " + contentType + " " + width + "x" + height + ", " + bytes.length
        + " bytes]";
  }
}
