package org.civicos.workers.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLDecoder;
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
import javax.imageio.ImageIO;
import org.civicos.workers.aws.AwsClients;
import org.civicos.workers.aws.Handlers;
import org.civicos.workers.config.Env;
import org.civicos.workers.db.DatabaseUrl;
import org.civicos.workers.runtime.Activation;
import org.civicos.workers.runtime.Deadline;
import org.civicos.workers.runtime.HandlerParts;
import org.civicos.workers.runtime.QueueHandler;
import org.civicos.workers.testing.S3TestServer;
import org.civicos.workers.testing.Sql;
import org.civicos.workers.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

class S3PresignWorkerTest {
  private static final String BUCKET = "civic-os-files";

  private static Map<String, String> env(DatabaseUrl db) {
    Map<String, String> env = S3TestServer.workerEnv(db);
    env.put("S3_BUCKET", BUCKET);
    return env;
  }

  private static QueueHandler.Result drain(Map<String, String> env) {
    try (HandlerParts parts = Handlers.create(S3SignerWiring.DEFINITION, new Env(env), (f, a) -> { },
        new AwsClients(Region.US_EAST_1, AnonymousCredentialsProvider.create()))) {
      return parts.handler().handle(new Activation("default", "s3_signer", "poll"),
          Deadline.after(Duration.ofMinutes(1), InstantSource.system()), "test", Optional.empty());
    }
  }

  @Test
  void requestUploadUrlToPresignedPutOfARealImage() throws Exception {
    S3TestServer.bucket(BUCKET);
    DatabaseUrl db = TestDatabases.withCivicOs("presign_path");
    String requestId = (String) Sql.row(db, "SELECT request_upload_url('Issue', '42', 'Pothole.JPG', 'image/jpeg')::text AS id").get("id");

    QueueHandler.Result result = drain(env(db));
    assertThat(result.report().completed()).isEqualTo(1);

    Map<String, Object> upload = Sql.row(db, "SELECT * FROM get_upload_url(?::uuid)", requestId);
    assertThat(upload.get("status")).isEqualTo("completed");
    assertThat(upload.get("error")).isNull();
    String url = (String) upload.get("url");
    String fileId = upload.get("file_id").toString();
    URI uri = URI.create(url);
    assertThat(uri.getAuthority()).isEqualTo(S3TestServer.endpoint().getAuthority());
    assertThat(uri.getRawQuery()).contains("X-Amz-Expires=900").contains("X-Amz-Signature=");
    // The frontend derives bucket and key from the raw URL path: first segment bucket, rest key.
    String path = uri.getRawPath().substring(1);
    String bucket = path.substring(0, path.indexOf('/'));
    String key = path.substring(path.indexOf('/') + 1);
    assertThat(bucket).isEqualTo(BUCKET);
    assertThat(key).isEqualTo("Issue/42/" + fileId + "/original.jpg")
        .isEqualTo(URLDecoder.decode(key, StandardCharsets.UTF_8))
        .isEqualTo(Sql.row(db, "SELECT s3_key FROM metadata.file_upload_requests WHERE id = ?::uuid", requestId).get("s3_key"));
    assertThat(java.util.UUID.fromString(fileId).version()).isEqualTo(7);

    byte[] jpeg = jpeg();
    HttpResponse<String> put = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri)
        .header("Content-Type", "image/jpeg").PUT(HttpRequest.BodyPublishers.ofByteArray(jpeg)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    try (S3Client s3 = S3TestServer.client()) {
      ResponseBytes<GetObjectResponse> stored = s3.getObjectAsBytes(r -> r.bucket(bucket).key(key));
      assertThat(stored.asByteArray()).isEqualTo(jpeg);
    }
    assertThat(Sql.row(db, "SELECT state::text AS s FROM metadata.river_job").get("s")).isEqualTo("completed");
  }

  @Test
  void hostileRequestsFailTheRowAndCancelTheJobWhileTheBatchGoesOn() {
    DatabaseUrl db = TestDatabases.withCivicOs("presign_hostile");
    String ok = id(db, "SELECT request_upload_url('Issue', '1', 'a.png', 'image/png')::text AS id");
    String traversal = id(db, "SELECT request_upload_url('Issue', '../../other', 'a.png', 'image/png')::text AS id");
    String slash = id(db, "SELECT request_upload_url('Issue/Evil', '1', 'a.png', 'image/png')::text AS id");
    String crlf = id(db, "SELECT request_upload_url('Issue', '1', E'a\\r\\nX-Injected: 1.png', 'image/png')::text AS id");
    String nullName = id(db, "SELECT request_upload_url('Issue', '1', '', 'image/png')::text AS id");
    // A job whose request row is gone (cleaned up, or never existed).
    Sql.update(db, "INSERT INTO metadata.river_job (kind, queue, args, max_attempts) VALUES ('s3_presign', 's3_signer', "
        + "'{\"request_id\": \"019a0000-0000-7000-8000-00000000dead\", \"entity_type\": \"Issue\", \"entity_id\": \"1\", "
        + "\"file_name\": \"a.png\", \"file_type\": \"image/png\"}', 25)");
    Sql.update(db, "INSERT INTO metadata.river_job (kind, queue, args, max_attempts) VALUES ('s3_presign', 's3_signer', "
        + "'{\"request_id\": 12}', 25)");

    QueueHandler.Result result = drain(env(db));

    assertThat(result.report().completed()).isEqualTo(1);
    assertThat(result.report().cancelled()).isEqualTo(6);
    assertThat(status(db, ok)).isEqualTo("completed|null");
    assertThat(status(db, traversal)).isEqualTo("failed|invalid upload request: entity_id may only contain letters, digits, '_', '-' and '.' (no '..')");
    assertThat(status(db, slash)).isEqualTo("failed|invalid upload request: entity_type may only contain letters, digits, '_', '-' and '.' (no '..')");
    assertThat(status(db, crlf)).isEqualTo("failed|invalid upload request: file_name must not contain '/', '\\', '..' or control characters");
    assertThat(status(db, nullName)).isEqualTo("failed|invalid upload request: file_name is empty");
    List<Map<String, Object>> cancelled = Sql.rows(db, "SELECT errors[1]->>'error' AS e FROM metadata.river_job "
        + "WHERE state = 'cancelled' ORDER BY id");
    assertThat(cancelled).extracting(r -> r.get("e")).contains(
        "no file_upload_requests row with id 019a0000-0000-7000-8000-00000000dead",
        "invalid upload request: request_id is not a UUID");
  }

  @Test
  void signsForThePublicEndpointWithContentTypeAndAclWhenAsked() {
    DatabaseUrl db = TestDatabases.withCivicOs("presign_public");
    String requestId = id(db, "SELECT request_upload_url('Issue', '1', 'a.png', 'image/png')::text AS id");
    Map<String, String> env = env(db);
    env.put("S3_PUBLIC_ENDPOINT", "https://files.example.org");
    env.put("S3_SIGN_CONTENT_TYPE", "true");
    env.put("S3_PUBLIC_READ", "true");
    env.put("PRESIGN_EXPIRY", "5m");
    drain(env);
    String url = (String) Sql.row(db, "SELECT url FROM get_upload_url(?::uuid)", requestId).get("url");
    assertThat(url).startsWith("https://files.example.org/civic-os-files/Issue/1/")
        .contains("X-Amz-Expires=300")
        .contains("X-Amz-SignedHeaders=content-type%3Bhost%3Bx-amz-acl");
  }

  private static String id(DatabaseUrl db, String sql) {
    return (String) Sql.row(db, sql).get("id");
  }

  private static String status(DatabaseUrl db, String requestId) {
    Map<String, Object> row = Sql.row(db, "SELECT status, error_message FROM metadata.file_upload_requests WHERE id = ?::uuid", requestId);
    return row.get("status") + "|" + row.get("error_message");
  }

  private static byte[] jpeg() throws Exception {
    var image = new java.awt.image.BufferedImage(64, 48, java.awt.image.BufferedImage.TYPE_INT_RGB);
    var g = image.createGraphics();
    g.setColor(java.awt.Color.ORANGE);
    g.fillRect(0, 0, 64, 48);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "jpg", out);
    return out.toByteArray();
  }
}
