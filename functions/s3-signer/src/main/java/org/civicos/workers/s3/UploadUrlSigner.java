package org.civicos.workers.s3;

import java.time.Duration;
import java.util.Optional;

/** Signs a browser upload: a presigned, path-style HTTP PUT for one object. */
public interface UploadUrlSigner {
  String presignPut(String bucket, String key, Optional<String> contentType, boolean publicRead, Duration expiry);
}
