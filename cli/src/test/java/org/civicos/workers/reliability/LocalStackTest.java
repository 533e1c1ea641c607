package org.civicos.workers.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.civicos.workers.aws.AwsClients;
import org.civicos.workers.aws.Handlers;
import org.civicos.workers.aws.LambdaInvoker;
import org.civicos.workers.config.Env;
import org.civicos.workers.db.CredentialSource;
import org.civicos.workers.db.DatabaseUrl;
import org.civicos.workers.db.DbSettings;
import org.civicos.workers.poller.Poller;
import org.civicos.workers.poller.PollerConfig;
import org.civicos.workers.poller.TickReport;
import org.civicos.workers.queue.MaintenanceSettings;
import org.civicos.workers.queue.RetryPolicy;
import org.civicos.workers.queue.RiverSchema;
import org.civicos.workers.runtime.Activation;
import org.civicos.workers.runtime.Deadline;
import org.civicos.workers.runtime.HandlerParts;
import org.civicos.workers.runtime.QueueCatalog;
import org.civicos.workers.s3.S3SignerWiring;
import org.civicos.workers.tenant.Tenant;
import org.civicos.workers.tenant.TenantDatabases;
import org.civicos.workers.tenant.TenantDirectory;
import org.civicos.workers.testing.Sql;
import org.civicos.workers.testing.TestDatabases;
import org.civicos.workers.thumbnail.ThumbnailWiring;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.Runtime;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Against LocalStack's S3 and Lambda API, for machines with Docker (skipped cleanly without it): the browser's
 * upload path to three thumbnails on LocalStack S3, and the poller's asynchronous invoke (one SigV4-signed
 * {@code InvocationType: Event} request) accepted by LocalStack's Lambda API. The image tag is pinned to the last
 * LocalStack release that runs without an auth token.
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackTest {
  static final String IMAGE = "localstack/localstack:4.4.0";
  private static final String BUCKET = "civic-os-files";

  @Container
  static final LocalStackContainer LOCALSTACK = new LocalStackContainer(DockerImageName.parse(IMAGE))
      .withServices("s3", "lambda");

  private static AwsClients aws() {
    return new AwsClients(Region.of(LOCALSTACK.getRegion()), StaticCredentialsProvider.create(
        AwsBasicCredentials.create(LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey())));
  }

  private static Env env(DatabaseUrl db) {
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", "postgres://" + db.user() + ":" + db.password() + "@" + db.host() + ":" + db.port() + "/"
        + db.database());
    env.put("S3_ENDPOINT", LOCALSTACK.getEndpoint().toString());
    env.put("S3_REGION", LOCALSTACK.getRegion());
    env.put("S3_ACCESS_KEY_ID", LOCALSTACK.getAccessKey());
    env.put("S3_SECRET_ACCESS_KEY", LOCALSTACK.getSecretKey());
    return new Env(env);
  }

  private static S3Client s3() {
    return S3Client.builder().endpointOverride(LOCALSTACK.getEndpoint()).region(Region.of(LOCALSTACK.getRegion()))
        .forcePathStyle(true).credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey()))).build();
  }

  @Test
  void uploadThroughAPresignedUrlThenThreeThumbnailsOnLocalStackS3() throws Exception {
    try (S3Client s3 = s3()) {
      s3.createBucket(r -> r.bucket(BUCKET));
    }
    DatabaseUrl db = TestDatabases.withCivicOs("localstack_upload");
    String requestId = (String) Sql.row(db, "SELECT request_upload_url('Issue', '5', 'photo.jpg', 'image/jpeg')::text "
        + "AS id").get("id");
    try (HandlerParts signer = Handlers.create(S3SignerWiring.DEFINITION, env(db), (f, a) -> { }, aws())) {
      signer.handler().handle(new Activation("default", "s3_signer", "poll"),
          Deadline.after(Duration.ofMinutes(1), InstantSource.system()), "ls-1", Optional.empty());
    }
    Map<String, Object> upload = Sql.row(db, "SELECT * FROM get_upload_url(?::uuid)", requestId);
    assertThat(upload.get("status")).isEqualTo("completed");
    URI url = URI.create((String) upload.get("url"));
    byte[] photo = photo();
    HttpResponse<String> put = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url)
        .header("Content-Type", "image/jpeg").PUT(HttpRequest.BodyPublishers.ofByteArray(photo)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    String path = url.getRawPath().substring(1);
    String key = path.substring(path.indexOf('/') + 1);
    Sql.update(db, "INSERT INTO metadata.files (id, entity_type, entity_id, file_name, file_type, file_size, s3_bucket, "
        + "s3_original_key) VALUES (?::uuid, 'Issue', '5', 'photo.jpg', 'image/jpeg', ?, ?, ?)",
        upload.get("file_id").toString(), photo.length, BUCKET, key);
    try (HandlerParts thumbnails = Handlers.create(ThumbnailWiring.DEFINITION, env(db), (f, a) -> { }, aws())) {
      var result = thumbnails.handler().handle(new Activation("default", "thumbnails", "poll"),
          Deadline.after(Duration.ofMinutes(3), InstantSource.system()), "ls-2", Optional.empty());
      assertThat(result.report().completed()).isEqualTo(1);
    }
    String dir = key.substring(0, key.lastIndexOf('/'));
    try (S3Client s3 = s3()) {
      assertThat(s3.listObjectsV2(r -> r.bucket(BUCKET).prefix(dir + "/")).contents())
          .extracting(o -> o.key().substring(dir.length() + 1))
          .containsExactlyInAnyOrder("original.jpg", "thumb-small.jpg", "thumb-medium.jpg", "thumb-large.jpg");
    }
  }

  @Test
  void pollerInvokesTheHandlerAsynchronouslyThroughLocalStacksLambdaApi() throws Exception {
    String function = "civic-s3-signer";
    SdkBytes code = SdkBytes.fromByteArray(zip("index.py", "def handler(event, context):\n    return event\n"));
    try (LambdaClient lambda = LambdaClient.builder().endpointOverride(LOCALSTACK.getEndpoint())
        .region(Region.of(LOCALSTACK.getRegion())).credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey()))).build()) {
      lambda.createFunction(r -> r.functionName(function).runtime(Runtime.PYTHON3_12).handler("index.handler")
          .role("arn:aws:iam::000000000000:role/lambda-role")
          .code(c -> c.zipFile(code)));
      lambda.waiter().waitUntilFunctionActiveV2(r -> r.functionName(function));
    }
    DatabaseUrl db = TestDatabases.withCivicOs("localstack_poller");
    Sql.insertJobs(db, "metadata", "s3_signer", "s3_presign", 3, "{}");
    TenantDirectory tenants = new TenantDirectory(List.of(new Tenant("default", db)));
    List<PollerConfig.QueueTarget> targets = QueueCatalog.all().stream()
        .map(e -> new PollerConfig.QueueTarget(e, e.queue().equals("s3_signer") ? function : e.function(), 50, 2))
        .toList();
    LambdaInvoker invoker = new LambdaInvoker(aws(), Optional.of(LOCALSTACK.getEndpoint()));
    try (TenantDatabases pools = new TenantDatabases(DbSettings.local("civic-workers/localstack-poller", 1),
        CredentialSource.fromUrl())) {
      Poller poller = new Poller(new PollerConfig(new RiverSchema("metadata"),
          DbSettings.local("civic-workers/localstack-poller", 1), MaintenanceSettings.defaults(), 1, targets, tenants),
          pools, invoker, InstantSource.system(), RetryPolicy.standard());
      TickReport tick = poller.tick("localstack");
      assertThat(tick.invocationsRequested()).isEqualTo(1);
      assertThat(tick.invocationsFailed()).isZero();
    }
  }

  private static byte[] zip(String name, String content) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.putNextEntry(new ZipEntry(name));
      zip.write(content.getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    }
    return out.toByteArray();
  }

  private static byte[] photo() throws Exception {
    BufferedImage image = new BufferedImage(1200, 800, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setPaint(new java.awt.GradientPaint(0, 0, Color.BLUE, 1200, 800, Color.ORANGE));
    g.fillRect(0, 0, 1200, 800);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "jpg", out);
    return out.toByteArray();
  }
}
