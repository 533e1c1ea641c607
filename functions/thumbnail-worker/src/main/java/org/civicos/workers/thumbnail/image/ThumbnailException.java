package org.civicos.workers.thumbnail.image;

import org.civicos.workers.WorkersException;

/**
 * The pipeline could not produce thumbnails. {@link #getMessage()} is short, free of stack traces and class
 * names, and meant to be stored verbatim in {@code metadata.files.thumbnail_error}.
 *
 * <p>{@link #permanent()} is {@code true} for every failure caused by the input (unsupported type, corrupt or
 * truncated data, limits exceeded): retrying the same bytes cannot succeed. It is {@code false} only when the
 * rendering thread was interrupted (for example by a job timeout), which says nothing about the input.
 */
public final class ThumbnailException extends WorkersException {
  private final boolean permanent;

  public ThumbnailException(String message, boolean permanent) {
    super(message);
    this.permanent = permanent;
  }

  public ThumbnailException(String message, boolean permanent, Throwable cause) {
    super(message, cause);
    this.permanent = permanent;
  }

  /** A failure caused by the input itself; retrying cannot help. */
  static ThumbnailException permanent(String message) {
    return new ThumbnailException(message, true);
  }

  static ThumbnailException permanent(String message, Throwable cause) {
    return new ThumbnailException(message, true, cause);
  }

  /** Whether retrying with the same input is pointless. */
  public boolean permanent() {
    return permanent;
  }
}
