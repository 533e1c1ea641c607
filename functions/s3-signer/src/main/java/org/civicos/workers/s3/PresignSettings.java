package org.civicos.workers.s3;

import java.time.Duration;
import org.civicos.workers.config.Env;

/**
 * How upload URLs are signed.
 *
 * @param signContentType sign the request's file type as Content-Type (the browser must send exactly it)
 * @param publicRead sign {@code x-amz-acl: public-read} (Civic OS HEAD does; the browser must send it)
 */
public record PresignSettings(String bucket, Duration expiry, boolean signContentType, boolean publicRead) {
  public static final String DEFAULT_BUCKET = "civic-os-files";
  public static final Duration DEFAULT_EXPIRY = Duration.ofMinutes(15);

  public static PresignSettings fromEnv(Env env) {
    Duration expiry = env.duration("PRESIGN_EXPIRY", DEFAULT_EXPIRY, Duration.ofSeconds(1));
    if (expiry.compareTo(Duration.ofDays(7)) > 0) {
      throw new org.civicos.workers.config.ConfigException("PRESIGN_EXPIRY must be at most 7d (S3's limit), got " + expiry);
    }
    return new PresignSettings(env.string("S3_BUCKET", DEFAULT_BUCKET), expiry,
        env.bool("S3_SIGN_CONTENT_TYPE", false), env.bool("S3_PUBLIC_READ", false));
  }
}
