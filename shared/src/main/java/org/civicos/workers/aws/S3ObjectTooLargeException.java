package org.civicos.workers.aws;

import org.civicos.workers.WorkersException;

/** A GetObject stopped because the object is larger than the caller's limit; nothing beyond it was read. */
public final class S3ObjectTooLargeException extends WorkersException {
  private final long size;
  private final long limit;

  /** @param size the object's size if S3 announced it, else -1 (found out while reading) */
  public S3ObjectTooLargeException(String bucket, String key, long size, long limit) {
    super("s3://" + bucket + "/" + key + " is " + (size < 0 ? "more than " + limit : Long.toString(size))
        + " bytes, above the limit of " + limit + " bytes");
    this.size = size;
    this.limit = limit;
  }

  /** The announced size, or -1 if the object had no Content-Length and was cut off at the limit. */
  public long size() {
    return size;
  }

  public long limit() {
    return limit;
  }
}
