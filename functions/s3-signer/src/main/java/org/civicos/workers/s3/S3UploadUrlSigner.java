package org.civicos.workers.s3;

import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** Presigns with the AWS SDK; a pure signing operation, no call to S3. */
public final class S3UploadUrlSigner implements UploadUrlSigner {
  private final S3Presigner presigner;

  public S3UploadUrlSigner(S3Presigner presigner) {
    this.presigner = presigner;
  }

  @Override
  public String presignPut(String bucket, String key, Optional<String> contentType, boolean publicRead,
      Duration expiry) {
    PutObjectRequest.Builder put = PutObjectRequest.builder().bucket(bucket).key(key);
    contentType.ifPresent(put::contentType);
    if (publicRead) {
      put.acl(ObjectCannedACL.PUBLIC_READ);
    }
    PutObjectRequest request = put.build();
    return presigner.presignPutObject(r -> r.signatureDuration(expiry).putObjectRequest(request)).url().toString();
  }
}
