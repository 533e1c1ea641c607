package org.civicos.workers.thumbnail;

import java.util.Optional;
import org.civicos.workers.aws.S3ObjectClient;

/** {@link BlobStore} on our {@link S3ObjectClient}, whose own retries cover throttling, 5xx and lost connections. */
public final class S3BlobStore implements BlobStore {
  private final S3ObjectClient s3;

  public S3BlobStore(S3ObjectClient s3) {
    this.s3 = s3;
  }

  @Override
  public Optional<Long> size(String bucket, String key) {
    return s3.objectSize(bucket, key);
  }

  @Override
  public byte[] read(String bucket, String key, long maxBytes) {
    return s3.getObject(bucket, key, maxBytes);
  }

  @Override
  public void write(String bucket, String key, byte[] bytes, String contentType, boolean publicRead) {
    s3.putObject(bucket, key, bytes, contentType, publicRead);
  }
}
