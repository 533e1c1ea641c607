package org.civicos.workers.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
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
import org.civicos.workers.s3.S3SignerWiring;
import org.civicos.workers.testing.S3TestServer;
import org.civicos.workers.testing.Sql;
import org.civicos.workers.testing.TestDatabases;
import org.civicos.workers.thumbnail.ThumbnailWiring;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The whole Civic OS upload path against embedded PostgreSQL and a real S3 protocol server, done the way the
 * browser does it: RPC, poll for the URL, PUT the file, insert the files row with bucket and key parsed from
 * the URL path, wait for the thumbnails.
 */
class UploadToThumbnailTest {
  private static final String BUCKET = "civic-os-files";

  @Test
  void requestUploadUrlToThreeThumbnails() throws Exception {
    S3TestServer.bucket(BUCKET);
    DatabaseUrl db = TestDatabases.withCivicOs("upload_path");
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", "postgres://" + db.user() + ":" + db.password() + "@" + db.host() + ":" + db.port() + "/" + db.database());
    env.put("S3_ENDPOINT", S3TestServer.endpoint().toString());
    env.put("S3_ACCESS_KEY_ID", S3TestServer.ACCESS_KEY);
    env.put("S3_SECRET_ACCESS_KEY", S3TestServer.SECRET_KEY);
    AwsClients aws = new AwsClients(Region.US_EAST_1, AnonymousCredentialsProvider.create());

    String requestId = (String) Sql.row(db, "SELECT request_upload_url('Issue', '17', 'Street Photo.JPG', 'image/jpeg')::text AS id").get("id");
    try (HandlerParts signer = Handlers.create(S3SignerWiring.DEFINITION, new Env(env), (f, a) -> { }, aws)) {
      signer.handler().handle(new Activation("default", "s3_signer", "poll"),
          Deadline.after(Duration.ofMinutes(1), InstantSource.system()), "t1", Optional.empty());
    }
    Map<String, Object> upload = Sql.row(db, "SELECT * FROM get_upload_url(?::uuid)", requestId);
    assertThat(upload.get("status")).isEqualTo("completed");
    URI url = URI.create((String) upload.get("url"));

    byte[] photo = photo(3000, 2000);
    HttpResponse<Void> put = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url)
        .header("Content-Type", "image/jpeg").PUT(HttpRequest.BodyPublishers.ofByteArray(photo)).build(),
        HttpResponse.BodyHandlers.discarding());
    assertThat(put.statusCode()).isEqualTo(200);

    String path = url.getRawPath().substring(1);
    String bucket = path.substring(0, path.indexOf('/'));
    String key = path.substring(path.indexOf('/') + 1);
    Sql.update(db, "INSERT INTO metadata.files (id, entity_type, entity_id, file_name, file_type, file_size, s3_bucket, "
        + "s3_original_key, thumbnail_status) VALUES (?::uuid, 'Issue', '17', 'Street Photo.JPG', 'image/jpeg', ?, ?, ?, "
        + "'pending')", upload.get("file_id").toString(), photo.length, bucket, key);

    try (HandlerParts thumbnails = Handlers.create(ThumbnailWiring.DEFINITION, new Env(env), (f, a) -> { }, aws)) {
      var result = thumbnails.handler().handle(new Activation("default", "thumbnails", "poll"),
          Deadline.after(Duration.ofMinutes(5), InstantSource.system()), "t2", Optional.empty());
      assertThat(result.report().completed()).isEqualTo(1);
    }
    Map<String, Object> file = Sql.row(db, "SELECT * FROM metadata.files WHERE id = ?::uuid", upload.get("file_id").toString());
    assertThat(file.get("thumbnail_status")).isEqualTo("completed");
    String dir = key.substring(0, key.lastIndexOf('/'));
    try (S3Client s3 = S3TestServer.client()) {
      for (String size : new String[] {"small", "medium", "large"}) {
        String thumbKey = (String) file.get("s3_thumbnail_" + size + "_key");
        assertThat(thumbKey).isEqualTo(dir + "/thumb-" + size + ".jpg");
        var object = s3.getObjectAsBytes(r -> r.bucket(BUCKET).key(thumbKey));
        assertThat(object.response().contentType()).isEqualTo("image/jpeg");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(object.asByteArray()));
        int box = switch (size) {
          case "small" -> 150;
          case "medium" -> 400;
          default -> 800;
        };
        assertThat(image.getWidth()).isEqualTo(box);
        assertThat(image.getHeight()).isEqualTo(box);
        // contain + pad on white: a 3:2 picture leaves white bands top and bottom
        assertThat(new Color(image.getRGB(box / 2, 1))).satisfies(c -> assertThat(c.getRed() + c.getGreen() + c.getBlue()).isGreaterThan(740));
      }
    }
    assertThat(Sql.count(db, "SELECT count(*) FROM metadata.river_job WHERE state <> 'completed'")).isZero();
  }

  private static byte[] photo(int width, int height) throws Exception {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setPaint(new java.awt.GradientPaint(0, 0, Color.DARK_GRAY, width, height, Color.ORANGE));
    g.fillRect(0, 0, width, height);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "jpg", out);
    return out.toByteArray();
  }
}
