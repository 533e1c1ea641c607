package org.civicos.workers.aws;

import java.net.URI;
import java.util.Optional;
import org.civicos.workers.config.ConfigException;
import org.civicos.workers.config.Env;

/**
 * Where S3 is, read with Civic OS's variable names so an existing deployment's settings carry over:
 * {@code S3_ENDPOINT} (MinIO or another S3-compatible server; unset = AWS), {@code S3_PUBLIC_ENDPOINT} (host
 * browsers reach, for presigned URLs), {@code S3_REGION}, and optional static keys {@code S3_ACCESS_KEY_ID} /
 * {@code S3_SECRET_ACCESS_KEY}. Without keys the default credential chain (the function's role) is used;
 * Civic OS passed empty static keys and so bypassed roles.
 */
public record S3Settings(Optional<URI> endpoint, Optional<URI> publicEndpoint, String region,
    Optional<String> accessKeyId, Optional<String> secretAccessKey, boolean pathStyle) {

  public static S3Settings fromEnv(Env env) {
    Optional<String> key = env.optional("S3_ACCESS_KEY_ID");
    Optional<String> secret = env.optional("S3_SECRET_ACCESS_KEY");
    if (key.isPresent() != secret.isPresent()) {
      throw new ConfigException("S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together (or neither, to use "
          + "the function's role)");
    }
    return new S3Settings(uri(env, "S3_ENDPOINT"), uri(env, "S3_PUBLIC_ENDPOINT"),
        env.optional("S3_REGION").orElse(env.string("AWS_REGION", "us-east-1")), key, secret,
        env.bool("S3_PATH_STYLE", true));
  }

  private static Optional<URI> uri(Env env, String name) {
    return env.optional(name).map(value -> {
      try {
        URI uri = URI.create(value);
        if (uri.getScheme() == null || uri.getHost() == null
            || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
          throw new IllegalArgumentException();
        }
        return uri;
      } catch (IllegalArgumentException e) {
        throw new ConfigException(name + " must be an http(s) URL such as http://minio:9000, got '" + value + "'");
      }
    });
  }
}
