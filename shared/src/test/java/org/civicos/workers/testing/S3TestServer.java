package org.civicos.workers.testing;

import com.adobe.testing.s3mock.S3MockApplication;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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
  private static S3MockApplication server;

  private S3TestServer() {
  }

  public static synchronized URI endpoint() {
    if (server == null) {
      try {
        Path tmp = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
        Path root = Files.createTempDirectory(tmp, "s3mock");
        server = S3MockApplication.start(new java.util.HashMap<>(Map.of(
            S3MockApplication.PROP_HTTP_PORT, S3MockApplication.RANDOM_PORT,
            S3MockApplication.PROP_HTTPS_PORT, S3MockApplication.RANDOM_PORT,
            "com.adobe.testing.s3mock.store.root", root.toString(),
            "logging.level.root", "WARN",
            "spring.main.banner-mode", "off",
            S3MockApplication.PROP_SILENT, true)));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return URI.create("http://127.0.0.1:" + server.getHttpPort());
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

  /** Creates the bucket if it does not exist yet. */
  public static void bucket(String name) {
    try (S3Client s3 = client()) {
      if (s3.listBuckets().buckets().stream().noneMatch(b -> b.name().equals(name))) {
        s3.createBucket(r -> r.bucket(name));
      }
    }
  }
}
