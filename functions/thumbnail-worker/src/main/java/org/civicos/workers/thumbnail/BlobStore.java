package org.civicos.workers.thumbnail;

import java.util.Optional;

/** The object store the thumbnailer reads originals from and writes thumbnails to. */
public interface BlobStore {
  /** The object's size in bytes, or empty if it does not exist. */
  Optional<Long> size(String bucket, String key);

  /**
   * The object's bytes, never more than {@code maxBytes} of them in memory.
   *
   * @throws org.civicos.workers.aws.S3ObjectTooLargeException if it turns out larger (it grew since
   *     {@link #size})
   */
  byte[] read(String bucket, String key, long maxBytes);

  void write(String bucket, String key, byte[] bytes, String contentType, boolean publicRead);
}
