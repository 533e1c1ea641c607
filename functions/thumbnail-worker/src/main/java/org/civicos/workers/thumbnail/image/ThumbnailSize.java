package org.civicos.workers.thumbnail.image;

/** The three thumbnail sizes of Civic OS, in upload order. */
public enum ThumbnailSize {
  SMALL("small", 150, 0.80f),
  MEDIUM("medium", 400, 0.85f),
  LARGE("large", 800, 0.90f);

  private final String id;
  private final int box;
  private final float jpegQuality;

  ThumbnailSize(String id, int box, float jpegQuality) {
    this.id = id;
    this.box = box;
    this.jpegQuality = jpegQuality;
  }

  /** {@code small}, {@code medium} or {@code large}; also the middle part of the S3 file name. */
  public String id() {
    return id;
  }

  /** Edge of the square box, in pixels. */
  public int box() {
    return box;
  }

  /** JPEG quality for image inputs (libjpeg 80/85/90). */
  public float jpegQuality() {
    return jpegQuality;
  }
}
