package org.civicos.workers.thumbnail;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.civicos.workers.aws.AwsClients;
import org.civicos.workers.aws.S3RequestException;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

class ThumbnailWorkerTest {
  private static final String BUCKET = "thumbs-test";
  private static final String FOREIGN = "someone-elses-bucket";

  @BeforeAll
  static void buckets() {
    S3TestServer.bucket(BUCKET);
    S3TestServer.bucket(FOREIGN);
  }

  private static Map<String, String> env(DatabaseUrl db) {
    Map<String, String> env = S3TestServer.workerEnv(db);
    env.put("THUMBNAIL_ALLOWED_BUCKETS", BUCKET);
    env.put("THUMBNAIL_MAX_MB", "1");
    return env;
  }

  private static QueueHandler.Result drain(Map<String, String> env) {
    try (HandlerParts parts = Handlers.create(ThumbnailWiring.DEFINITION, new Env(env), (f, a) -> { },
        new AwsClients(Region.US_EAST_1, AnonymousCredentialsProvider.create()))) {
      return parts.handler().handle(new Activation("default", "thumbnails", "poll"),
          Deadline.after(Duration.ofMinutes(5), InstantSource.system()), "test", Optional.empty());
    }
  }

  /** Uploads the object (unless null) and inserts the files row as the frontend would; returns the file id. */
  private static String file(DatabaseUrl db, String bucket, String key, String type, byte[] content) {
    if (content != null) {
      try (S3Client s3 = S3TestServer.client()) {
        s3.putObject(r -> r.bucket(bucket).key(key).contentType(type), RequestBody.fromBytes(content));
      }
    }
    String id = UUID.randomUUID().toString();
    Sql.update(db, "INSERT INTO metadata.files (id, entity_type, entity_id, file_name, file_type, file_size, "
        + "s3_original_key, s3_bucket) VALUES (?::uuid, 'Issue', '1', 'f', ?, ?, ?, ?)", id, type,
        content == null ? 0 : content.length, key, bucket);
    return id;
  }

  private static String status(DatabaseUrl db, String id) {
    Map<String, Object> row = Sql.row(db, "SELECT thumbnail_status, thumbnail_error FROM metadata.files WHERE id = ?::uuid", id);
    return row.get("thumbnail_status") + (row.get("thumbnail_error") == null ? "" : ": " + row.get("thumbnail_error"));
  }

  @Test
  void writesThreeExactSizeJpegsBesideTheOriginalAndCompletesTheRow() throws Exception {
    DatabaseUrl db = TestDatabases.withCivicOs("thumb_ok");
    String dir = "Issue/1/" + UUID.randomUUID();
    String id = file(db, BUCKET, dir + "/original.jpg", "image/jpeg", jpeg(1200, 900));

    QueueHandler.Result result = drain(env(db));

    assertThat(result.report().completed()).isEqualTo(1);
    Map<String, Object> row = Sql.row(db, "SELECT * FROM metadata.files WHERE id = ?::uuid", id);
    assertThat(row.get("thumbnail_status")).isEqualTo("completed");
    assertThat(row.get("thumbnail_error")).isNull();
    Map<String, Integer> expected = new LinkedHashMap<>();
    expected.put("s3_thumbnail_small_key", 150);
    expected.put("s3_thumbnail_medium_key", 400);
    expected.put("s3_thumbnail_large_key", 800);
    try (S3Client s3 = S3TestServer.client()) {
      for (var entry : expected.entrySet()) {
        String key = (String) row.get(entry.getKey());
        assertThat(key).isEqualTo(dir + "/thumb-" + entry.getKey().split("_")[2] + ".jpg");
        HeadObjectResponse head = s3.headObject(r -> r.bucket(BUCKET).key(key));
        assertThat(head.contentType()).isEqualTo("image/jpeg");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(s3.getObjectAsBytes(r -> r.bucket(BUCKET).key(key)).asByteArray()));
        assertThat(image.getWidth()).isEqualTo(entry.getValue());
        assertThat(image.getHeight()).isEqualTo(entry.getValue());
      }
    }
  }

  @Test
  void hostileInputEndsInARecordedFailureWhileTheRestOfTheBatchCompletes() throws Exception {
    DatabaseUrl db = TestDatabases.withCivicOs("thumb_hostile");
    String base = "Issue/1/" + UUID.randomUUID();
    String good = file(db, BUCKET, base + "-good/original.png", "image/png", png(300, 200));
    String bomb = file(db, BUCKET, base + "-bomb/original.png", "image/png", pngDeclaring(30_000, 30_000));
    byte[] jpeg = jpeg(800, 600);
    String truncated = file(db, BUCKET, base + "-trunc/original.jpg", "image/jpeg", Arrays.copyOf(jpeg, jpeg.length / 2));
    String svg = file(db, BUCKET, base + "-svg/original.svg", "image/svg+xml",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".getBytes(StandardCharsets.UTF_8));
    String text = file(db, BUCKET, base + "-txt/original.jpg", "image/jpeg", "just some text".getBytes(StandardCharsets.UTF_8));
    String empty = file(db, BUCKET, base + "-empty/original.jpg", "image/jpeg", new byte[0]);
    byte[] big = new byte[1_500_000];
    new java.util.Random(1).nextBytes(big);
    String oversized = file(db, BUCKET, base + "-big/original.jpg", "image/jpeg", big);
    String dotdot = file(db, BUCKET, "Issue/1/../../other/original.jpg", "image/jpeg", null);
    String foreign = file(db, FOREIGN, base + "/private.jpg", "image/jpeg", jpeg(100, 100));
    String missingObject = file(db, BUCKET, base + "-missing/original.jpg", "image/jpeg", null);
    Sql.update(db, "INSERT INTO metadata.river_job (kind, queue, args, max_attempts) VALUES ('thumbnail_generate', "
        + "'thumbnails', '{\"file_id\": \"019a0000-0000-7000-8000-0000000000ff\", \"s3_key\": \"old\", \"bucket\": \"x\"}', 25)");

    long started = System.nanoTime();
    QueueHandler.Result result = drain(env(db));
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(result.report().completed()).isEqualTo(1);
    assertThat(result.report().cancelled()).isEqualTo(10);
    assertThat(took).as("all within one job timeout").isLessThan(Duration.ofMinutes(2));
    assertThat(status(db, good)).isEqualTo("completed");
    assertThat(status(db, bomb)).startsWith("failed: image is 30000x30000").contains("above the limit of 100 megapixels");
    assertThat(status(db, truncated)).startsWith("failed: ").containsIgnoringCase("truncated");
    assertThat(status(db, svg)).isEqualTo("failed: unsupported file type: SVG");
    assertThat(status(db, text)).startsWith("failed: unsupported file type");
    assertThat(status(db, empty)).isEqualTo("failed: file is empty");
    assertThat(status(db, oversized)).isEqualTo("failed: file is 1500000 bytes, above the limit of 1048576 bytes");
    assertThat(status(db, dotdot)).isEqualTo("failed: s3_original_key must not contain empty, '.' or '..' segments");
    assertThat(status(db, foreign)).isEqualTo("failed: bucket 'someone-elses-bucket' is not one this worker serves");
    assertThat(status(db, missingObject)).startsWith("failed: original object not found: s3://thumbs-test/");
    assertThat(Sql.row(db, "SELECT errors[1]->>'error' AS e FROM metadata.river_job WHERE args->>'file_id' = "
        + "'019a0000-0000-7000-8000-0000000000ff'").get("e")).isEqualTo("no files row with id 019a0000-0000-7000-8000-0000000000ff");
    try (S3Client s3 = S3TestServer.client()) {
      assertThat(s3.listObjectsV2(r -> r.bucket(FOREIGN)).contents()).hasSize(1); // no thumbnails of private objects
    }
    assertThat(Sql.count(db, "SELECT count(*) FROM metadata.river_job WHERE state NOT IN ('completed', 'cancelled')")).isZero();
  }

  @Test
  void anS3OutageIsRetriedAndRecordedOnTheRowAtTheLastAttempt() throws Exception {
    DatabaseUrl db = TestDatabases.withCivicOs("thumb_outage");
    String id = file(db, BUCKET, "Issue/1/" + UUID.randomUUID() + "/original.jpg", "image/jpeg", jpeg(50, 50));
    Map<String, String> env = env(db);
    env.put("S3_ENDPOINT", "http://127.0.0.1:1"); // nothing listens: connection refused
    QueueHandler.Result first = drain(env);
    assertThat(first.report().retried()).isEqualTo(1);
    assertThat(status(db, id)).isEqualTo("processing");

    Sql.update(db, "UPDATE metadata.river_job SET state = 'available', scheduled_at = now(), attempt = max_attempts - 1");
    QueueHandler.Result last = drain(env);
    assertThat(last.report().discarded()).isEqualTo(1);
    assertThat(status(db, id)).startsWith("failed: gave up after 25 attempts: ");
  }

  @Test
  void s3RefusalsFailTheRowAtOnceA403IsRetriedAndAnObjectThatGrewIsRefused() throws Exception {
    // A stand-in S3: 400 for one key (bug #3 in docs/reliability.md), 403 for another, and an object whose
    // HEAD says 10 bytes but whose GET brings 2 MB.
    HttpServer stub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    stub.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getRawPath();
      boolean head = exchange.getRequestMethod().equals("HEAD");
      if (path.contains("grown")) {
        exchange.getResponseHeaders().add("Content-Length", head ? "10" : "2000000");
        exchange.sendResponseHeaders(200, head ? -1 : 2_000_000);
        if (!head) {
          exchange.getResponseBody().write(new byte[2_000_000]);
        }
      } else {
        int status = path.contains("refused") ? 400 : 403;
        byte[] body = ("<Error><Code>" + (status == 400 ? "InvalidArgument" : "AccessDenied") + "</Code><Message>no"
            + "</Message></Error>").getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
          exchange.getResponseBody().write(body);
        }
      }
      exchange.close();
    });
    stub.start();
    try {
      DatabaseUrl db = TestDatabases.withCivicOs("thumb_refused");
      String refused = file(db, BUCKET, "Issue/1/refused/original.jpg", "image/jpeg", null);
      String forbidden = file(db, BUCKET, "Issue/1/forbidden/original.jpg", "image/jpeg", null);
      String grown = file(db, BUCKET, "Issue/1/grown/original.jpg", "image/jpeg", null);
      Map<String, String> env = env(db);
      env.put("S3_ENDPOINT", "http://127.0.0.1:" + stub.getAddress().getPort());

      QueueHandler.Result result = drain(env);

      assertThat(result.report().cancelled()).isEqualTo(2);
      assertThat(result.report().retried()).isEqualTo(1);
      assertThat(status(db, refused)).isEqualTo("failed: HeadObject s3://thumbs-test/Issue/1/refused/original.jpg: "
          + "S3 answered 400");
      assertThat(status(db, forbidden)).isEqualTo("processing");
      assertThat(status(db, grown)).isEqualTo("failed: s3://thumbs-test/Issue/1/grown/original.jpg is 2000000 bytes, "
          + "above the limit of 1048576 bytes");
    } finally {
      stub.stop(0);
    }
  }

  @Test
  void whichS3AnswersNoRetryCanChange() {
    assertThat(ThumbnailWorker.rejectedForGood(new S3RequestException("op", 400, "InvalidArgument", ""))).isTrue();
    assertThat(ThumbnailWorker.rejectedForGood(new S3RequestException("op", 404, "NoSuchKey", ""))).isTrue();
    assertThat(ThumbnailWorker.rejectedForGood(new S3RequestException("op", 403, "AccessDenied", ""))).isFalse();
    assertThat(ThumbnailWorker.rejectedForGood(new S3RequestException("op", 400, "RequestTimeout", ""))).isFalse();
    assertThat(ThumbnailWorker.rejectedForGood(new S3RequestException("op", 408, "", ""))).isFalse();
    assertThat(ThumbnailWorker.rejectedForGood(new S3RequestException("op", 429, "", ""))).isFalse();
    assertThat(ThumbnailWorker.rejectedForGood(new S3RequestException("op", 400, "SlowDown", ""))).isFalse();
    assertThat(ThumbnailWorker.rejectedForGood(new S3RequestException("op", 503, "SlowDown", ""))).isFalse();
    assertThat(ThumbnailWorker.rejectedForGood(new S3RequestException("op", 500, "InternalError", ""))).isFalse();
    assertThat(ThumbnailWorker.rejectedForGood(S3RequestException.noAnswer("op", new java.io.IOException("reset"))))
        .isFalse();
  }

  static byte[] jpeg(int width, int height) throws Exception {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.BLUE);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.YELLOW);
    g.fillOval(width / 4, height / 4, width / 2, height / 2);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "jpg", out);
    return out.toByteArray();
  }

  static byte[] png(int width, int height) throws Exception {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  /** A tiny valid PNG whose header claims a huge size: a decompression bomb as far as a decoder can tell. */
  static byte[] pngDeclaring(int width, int height) throws Exception {
    byte[] png = png(1, 1);
    ByteBuffer buffer = ByteBuffer.wrap(png);
    buffer.putInt(16, width).putInt(20, height); // IHDR data starts after signature(8) + length(4) + type(4)
    CRC32 crc = new CRC32();
    crc.update(png, 12, 17); // "IHDR" + 13 data bytes
    buffer.putInt(29, (int) crc.getValue());
    return png;
  }
}
