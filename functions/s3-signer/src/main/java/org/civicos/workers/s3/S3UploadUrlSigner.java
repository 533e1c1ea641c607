package org.civicos.workers.s3;

import java.time.Duration;
import java.util.Optional;
import org.civicos.workers.aws.S3UrlPresigner;

/** Presigns with our {@link S3UrlPresigner}; a pure signing operation, no call to S3. */
public final class S3UploadUrlSigner implements UploadUrlSigner {
  private final S3UrlPresigner presigner;

  public S3UploadUrlSigner(S3UrlPresigner presigner) {
    this.presigner = presigner;
  }

  @Override
  public String presignPut(String bucket, String key, Optional<String> contentType, boolean publicRead,
      Duration expiry) {
    return presigner.presignPut(bucket, key, contentType, publicRead, expiry).toString();
  }
}
