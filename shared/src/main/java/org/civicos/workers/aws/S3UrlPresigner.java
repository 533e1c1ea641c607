package org.civicos.workers.aws;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;

/**
 * Presigned S3 URLs: pure signing, no call to S3. The URLs are the ones the SDK's {@code S3Presigner} made for the
 * same request (a test compares them): {@code UNSIGNED-PAYLOAD}, and the signed headers are {@code host} plus
 * {@code content-type} and {@code x-amz-acl} when given, so the browser's PUT must carry exactly those values.
 */
public final class S3UrlPresigner {
  private final S3Addressing addressing;
  private final S3RequestSigner signer;

  /** @param addressing the endpoint browsers reach ({@code S3_PUBLIC_ENDPOINT}), not necessarily ours */
  public S3UrlPresigner(S3Addressing addressing, S3RequestSigner signer) {
    this.addressing = addressing;
    this.signer = signer;
  }

  /** A PUT of one object, valid for {@code expiry} (1 s to 7 days). */
  public URI presignPut(String bucket, String key, Optional<String> contentType, boolean publicRead,
      Duration expiry) {
    SdkHttpFullRequest.Builder request = addressing.request(SdkHttpMethod.PUT, bucket, key);
    contentType.ifPresent(type -> request.putHeader("Content-Type", type));
    if (publicRead) {
      request.putHeader("x-amz-acl", "public-read");
    }
    return signer.presign(request.build(), expiry);
  }
}
