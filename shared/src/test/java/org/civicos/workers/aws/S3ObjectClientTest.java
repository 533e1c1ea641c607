package org.civicos.workers.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.civicos.workers.testing.S3TestServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/** Our client against a real S3 protocol server (S3Mock), read back with the SDK's own client. */
class S3ObjectClientTest {
  private static final String BUCKET = "object-client-test";
  static final StaticCredentialsProvider KEYS = StaticCredentialsProvider.create(
      AwsBasicCredentials.create(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY));

  @BeforeAll
  static void bucket() {
    S3TestServer.bucket(BUCKET);
  }

  static S3ObjectClient client(URI endpoint) {
    return new S3ObjectClient(new UrlConnectionTransport(), new S3Addressing(endpoint, true),
        new S3RequestSigner(KEYS, "us-east-1", Clock.systemUTC()), Duration.ofMillis(10));
  }

  @Test
  void putAndGetRoundTripKeysWithSpacesUnicodeAndReservedCharacters() {
    S3ObjectClient ours = client(S3TestServer.endpoint());
    List<String> keys = List.of("Issue/1/plain.jpg", "Issue/1/with space.jpg", "Issue/1/ünïcødé 写真.png",
        "Issue/1/a+b=c&d;e,f@g$h'i(j)!*~.bin", "Issue/1/percent%20literal.txt", "Issue/2/emoji 📷/x.jpg");
    for (String key : keys) {
      byte[] body = ("content of " + key).getBytes(StandardCharsets.UTF_8);
      ours.putObject(BUCKET, key, body, "image/jpeg", false);
      assertThat(ours.getObject(BUCKET, key, 1024)).as(key).isEqualTo(body);
      assertThat(ours.objectSize(BUCKET, key)).as(key).contains((long) body.length);
    }
    try (S3Client sdk = S3TestServer.client()) {
      // The SDK finds them under the same keys: we encoded each one as S3 decodes it.
      List<String> listed = sdk.listObjectsV2(r -> r.bucket(BUCKET).prefix("Issue/")).contents().stream()
          .map(o -> o.key()).toList();
      assertThat(listed).containsAll(keys);
      HeadObjectResponse head = sdk.headObject(r -> r.bucket(BUCKET).key("Issue/1/ünïcødé 写真.png"));
      assertThat(head.contentType()).isEqualTo("image/jpeg");
    }
    assertThat(ours.listKeys(BUCKET, "Issue/")).containsAll(keys);
    assertThat(ours.listKeys(BUCKET, "Issue/2/")).containsExactly("Issue/2/emoji 📷/x.jpg");
  }

  @Test
  void putKeepsTheContentTypeAndPublicReadIsAccepted() {
    // S3Mock accepts x-amz-acl and ignores it (also from the SDK): that the header is sent and signed is checked
    // against the SDK's own request in S3SigningCrossCheckTest.
    S3ObjectClient ours = client(S3TestServer.endpoint());
    ours.putObject(BUCKET, "acl/public.png", new byte[] {1, 2, 3}, "image/png", true);
    ours.putObject(BUCKET, "acl/private.webp", new byte[] {4, 5}, "image/webp", false);
    try (S3Client sdk = S3TestServer.client()) {
      assertThat(sdk.headObject(r -> r.bucket(BUCKET).key("acl/public.png")).contentType()).isEqualTo("image/png");
      assertThat(sdk.headObject(r -> r.bucket(BUCKET).key("acl/private.webp")).contentType()).isEqualTo("image/webp");
    }
  }

  @Test
  void aMissingObjectIsNotFoundWithS3sCode() {
    S3ObjectClient ours = client(S3TestServer.endpoint());
    assertThat(ours.objectSize(BUCKET, "no/such/key.jpg")).isEmpty();
    assertThatThrownBy(() -> ours.getObject(BUCKET, "no/such/key.jpg", 100))
        .isInstanceOfSatisfying(S3RequestException.class, e -> {
          assertThat(e.notFound()).isTrue();
          assertThat(e.status()).isEqualTo(404);
          assertThat(e.code()).isEqualTo("NoSuchKey");
          assertThat(e.transientFault()).isFalse();
          assertThat(e.getMessage()).startsWith("GetObject s3://" + BUCKET + "/no/such/key.jpg: S3 answered 404 NoSuchKey");
        });
    assertThatThrownBy(() -> ours.getObject("no-such-bucket-here", "a.jpg", 100))
        .isInstanceOfSatisfying(S3RequestException.class, e -> assertThat(e.code()).isEqualTo("NoSuchBucket"));
  }

  @Test
  void theSizeCapStopsADownloadThatAnnouncesMore() {
    S3ObjectClient ours = client(S3TestServer.endpoint());
    byte[] body = new byte[10_000];
    Arrays.fill(body, (byte) 7);
    ours.putObject(BUCKET, "cap/exact.bin", body, "application/octet-stream", false);
    assertThat(ours.getObject(BUCKET, "cap/exact.bin", 10_000)).isEqualTo(body);
    assertThatThrownBy(() -> ours.getObject(BUCKET, "cap/exact.bin", 9_999))
        .isInstanceOfSatisfying(S3ObjectTooLargeException.class, e -> {
          assertThat(e.size()).isEqualTo(10_000);
          assertThat(e.limit()).isEqualTo(9_999);
        });
  }

  @Test
  void theSizeCapStopsReadingABodyWithoutALength() throws Exception {
    // An endless chunked body: only a cap enforced while reading ends this download.
    AtomicLong sent = new AtomicLong();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      exchange.sendResponseHeaders(200, 0);
      byte[] chunk = new byte[8192];
      try (OutputStream out = exchange.getResponseBody()) {
        while (sent.get() < 200L * 1024 * 1024) {
          out.write(chunk);
          sent.addAndGet(chunk.length);
        }
      } catch (java.io.IOException e) {
        // the client hung up, as it should
      }
    });
    server.start();
    try {
      S3ObjectClient ours = client(URI.create("http://127.0.0.1:" + server.getAddress().getPort()));
      assertThatThrownBy(() -> ours.getObject("b", "endless.bin", 100_000))
          .isInstanceOfSatisfying(S3ObjectTooLargeException.class, e -> assertThat(e.size()).isEqualTo(-1));
      Thread.sleep(200);
      assertThat(sent.get()).as("bytes the server got out before the client hung up").isLessThan(50L * 1024 * 1024);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void createsABucketAndListsItsKeys() {
    S3ObjectClient ours = client(S3TestServer.endpoint());
    ours.createBucket("created-by-our-client");
    ours.putObject("created-by-our-client", "a/1.txt", new byte[] {1}, "text/plain", false);
    ours.putObject("created-by-our-client", "b/2.txt", new byte[] {2}, "text/plain", false);
    assertThat(ours.listKeys("created-by-our-client", "")).containsExactly("a/1.txt", "b/2.txt");
  }
}
