package org.civicos.workers.aws;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * SigV4 for S3, on the SDK's signer with S3's two differences from other services: the path is signed as sent
 * (encoded once, not normalised: a key may contain {@code //} or {@code ./}), and the payload hash travels in
 * {@code x-amz-content-sha256}. Requests with a body sign its SHA-256, so S3 checks the bytes it stores; presigned
 * URLs sign {@code UNSIGNED-PAYLOAD} (the browser's body is unknown) and every header already on the request, so
 * the browser must send exactly those. Session tokens (Lambda role credentials) are added by the signer: as
 * {@code x-amz-security-token} header, or {@code X-Amz-Security-Token} query parameter when presigning.
 */
public final class S3RequestSigner {
  private final AwsCredentialsProvider credentials;
  private final String region;
  private final Clock clock;
  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

  public S3RequestSigner(AwsCredentialsProvider credentials, String region, Clock clock) {
    this.credentials = credentials;
    this.region = region;
    this.clock = clock;
  }

  /** Adds {@code x-amz-date}, {@code x-amz-content-sha256} (of {@code body}) and {@code Authorization}. */
  public SdkHttpRequest sign(SdkHttpFullRequest request, byte[] body) {
    ContentStreamProvider payload = () -> new ByteArrayInputStream(body);
    return signer.sign(r -> common(r, request)
        .payload(payload)
        .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, true)).request();
  }

  /** The request as a URL that is valid for {@code expiry} (1 s to 7 days) without further credentials. */
  public URI presign(SdkHttpFullRequest request, Duration expiry) {
    return signer.sign(r -> common(r, request)
        .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false)
        .putProperty(AwsV4FamilyHttpSigner.AUTH_LOCATION, AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
        .putProperty(AwsV4FamilyHttpSigner.EXPIRATION_DURATION, expiry)).request().getUri();
  }

  private SignRequest.Builder<AwsCredentialsIdentity> common(SignRequest.Builder<AwsCredentialsIdentity> r,
      SdkHttpFullRequest request) {
    return r.identity(credentials.resolveCredentials())
        .request(request)
        .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "s3")
        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
        .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, false)
        .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, false)
        .putProperty(HttpSigner.SIGNING_CLOCK, clock);
  }
}
