package org.civicos.workers.thumbnail;

import java.util.Optional;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** {@link BlobStore} on the AWS SDK; S3's own retries apply to throttling and 5xx answers. */
public final class S3BlobStore implements BlobStore {
  private final S3Client s3;

  public S3BlobStore(S3Client s3) {
    this.s3 = s3;
  }

  @Override
  public Optional<Long> size(String bucket, String key) {
    try {
      return Optional.of(s3.headObject(r -> r.bucket(bucket).key(key)).contentLength());
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public byte[] read(String bucket, String key) {
    return s3.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asByteArray();
  }

  @Override
  public void write(String bucket, String key, byte[] bytes, String contentType, boolean publicRead) {
    s3.putObject(r -> {
      r.bucket(bucket).key(key).contentType(contentType);
      if (publicRead) {
        r.acl(ObjectCannedACL.PUBLIC_READ);
      }
    }, RequestBody.fromBytes(bytes));
  }
}
