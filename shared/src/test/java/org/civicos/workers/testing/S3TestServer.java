package org.civicos.workers.testing;

import org.civicos.workers.local.LocalS3;
import java.net.URI;
import java.nio.file.Path;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 protocol server in process (Adobe S3Mock), shared by the tests of one JVM, and SDK clients for it.
 * Tests talk to it over HTTP with the real AWS SDK, path-style, as they would to MinIO.
 */
public final class S3TestServer {
  public static final String ACCESS_KEY = "test-access-key";
  public static final String SECRET_KEY = "test-secret-key";
  private static LocalS3 server;

  private S3TestServer() {
  }

  public static synchronized URI endpoint() {
    if (server == null) {
      server = LocalS3.start(Path.of(System.getProperty("java.io.tmpdir"), "s3mock-" + ProcessHandle.current().pid()));
    }
    return server.endpoint();
  }

  public static S3Client client() {
    return S3Client.builder()
        .endpointOverride(endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .forcePathStyle(true)
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  /** What a file worker needs in its environment to use this server and the given database (tenant "default"). */
  public static java.util.Map<String, String> workerEnv(org.civicos.workers.db.DatabaseUrl db) {
    java.util.Map<String, String> env = new java.util.HashMap<>();
    env.put("DATABASE_URL", "postgres://" + db.user() + ":" + db.password() + "@" + db.host() + ":" + db.port() + "/"
        + db.database());
    env.put("S3_ENDPOINT", endpoint().toString());
    env.put("S3_ACCESS_KEY_ID", ACCESS_KEY);
    env.put("S3_SECRET_ACCESS_KEY", SECRET_KEY);
    return env;
  }

  /** Creates the bucket if it does not exist yet. */
  public static void bucket(String name) {
    try (S3Client s3 = client()) {
      if (s3.listBuckets().buckets().stream().noneMatch(b -> b.name().equals(name))) {
        s3.createBucket(r -> r.bucket(name));
      }
    }
  }
}
