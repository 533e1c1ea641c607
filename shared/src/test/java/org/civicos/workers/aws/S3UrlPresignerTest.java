package org.civicos.workers.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.civicos.workers.testing.S3TestServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

/** A browser's upload through one of our presigned URLs, against a real S3 protocol server (S3Mock). */
class S3UrlPresignerTest {
  private static final String BUCKET = "presigner-test";

  @BeforeAll
  static void bucket() {
    S3TestServer.bucket(BUCKET);
  }

  private static S3UrlPresigner presigner() {
    return new S3UrlPresigner(new S3Addressing(S3TestServer.endpoint(), true),
        new S3RequestSigner(S3ObjectClientTest.KEYS, "us-east-1", Clock.systemUTC()));
  }

  private static HttpResponse<String> put(URI url, String contentType, byte[] body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(url).PUT(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aPlainHttpPutWithTheSignedContentTypeStoresTheObject() throws Exception {
    String key = "Issue/7/ünïcødé name (1).jpg";
    URI url = presigner().presignPut(BUCKET, key, Optional.of("image/jpeg"), false, Duration.ofMinutes(15));
    assertThat(url.getRawQuery()).contains("X-Amz-Expires=900").contains("X-Amz-SignedHeaders=content-type%3Bhost");
    byte[] body = "jpeg bytes".getBytes(StandardCharsets.UTF_8);

    HttpResponse<String> answer = put(url, "image/jpeg", body);

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    try (S3Client sdk = S3TestServer.client()) {
      var stored = sdk.getObjectAsBytes(r -> r.bucket(BUCKET).key(key));
      assertThat(stored.asByteArray()).isEqualTo(body);
      assertThat(stored.response().contentType()).isEqualTo("image/jpeg");
    }
  }

  @Test
  void s3MockDoesNotCheckSignatures() throws Exception {
    // Why the signature tests below run against SigV4Verifier: S3Mock takes a wrong type and a broken signature.
    URI url = presigner().presignPut(BUCKET, "Issue/8/a.png", Optional.of("image/png"), false, Duration.ofMinutes(5));
    assertThat(put(url, "text/html", new byte[] {1}).statusCode()).isEqualTo(200);
    URI broken = URI.create(url.toString().replaceAll("X-Amz-Signature=[0-9a-f]+", "X-Amz-Signature=00"));
    assertThat(put(broken, "image/png", new byte[] {1}).statusCode()).isEqualTo(200);
  }

  @Test
  void onlyAPutWithExactlyTheSignedHeadersPassesASignatureCheck() throws Exception {
    try (SigV4Verifier s3 = new SigV4Verifier("AKIDVERIFY", "verify/secret+key")) {
      StaticCredentialsProvider session = StaticCredentialsProvider.create(
          AwsSessionCredentials.create("AKIDVERIFY", "verify/secret+key", "session/token+with=chars"));
      S3UrlPresigner presigner = new S3UrlPresigner(new S3Addressing(s3.endpoint(), true),
          new S3RequestSigner(session, "eu-central-1", Clock.systemUTC()));
      byte[] body = "image".getBytes(StandardCharsets.UTF_8);
      String key = "Issue/9/ä b+c*(1).JPG";

      URI typed = presigner.presignPut(BUCKET, key, Optional.of("image/jpeg"), false, Duration.ofMinutes(15));
      assertThat(put(typed, "image/jpeg", body).statusCode()).isEqualTo(200);
      assertThat(put(typed, "image/png", body).statusCode()).isEqualTo(403);
      assertThat(put(typed, null, body).statusCode()).isEqualTo(403);

      URI untyped = presigner.presignPut(BUCKET, key, Optional.empty(), false, Duration.ofMinutes(15));
      assertThat(put(untyped, "anything/at-all", body).statusCode()).isEqualTo(200);

      URI publicRead = presigner.presignPut(BUCKET, key, Optional.of("image/jpeg"), true, Duration.ofMinutes(15));
      assertThat(put(publicRead, "image/jpeg", body).statusCode()).as("without x-amz-acl").isEqualTo(403);
      HttpResponse<String> withAcl = HttpClient.newHttpClient().send(HttpRequest.newBuilder(publicRead)
          .header("Content-Type", "image/jpeg").header("x-amz-acl", "public-read")
          .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(withAcl.statusCode()).isEqualTo(200);

      URI otherKey = URI.create(typed.toString().replace("/Issue/9/", "/Issue/10/"));
      assertThat(put(otherKey, "image/jpeg", body).statusCode()).isEqualTo(403);
      assertThat(s3.seen).extracting(seen -> seen.problem().orElse("ok")).containsExactly("ok",
          "SignatureDoesNotMatch", "signed header content-type is missing", "ok", "signed header x-amz-acl is missing",
          "ok", "SignatureDoesNotMatch");
    }
  }

  @Test
  void anExpiredUrlIsRefused() throws Exception {
    try (SigV4Verifier s3 = new SigV4Verifier(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY)) {
      Clock anHourAgo = Clock.offset(Clock.systemUTC(), Duration.ofHours(-1));
      S3UrlPresigner presigner = new S3UrlPresigner(new S3Addressing(s3.endpoint(), true),
          new S3RequestSigner(S3ObjectClientTest.KEYS, "us-east-1", anHourAgo));
      URI stale = presigner.presignPut(BUCKET, "a.jpg", Optional.empty(), false, Duration.ofMinutes(15));
      assertThat(put(stale, "image/jpeg", new byte[] {1}).body()).contains("expired");
      URI fresh = presigner.presignPut(BUCKET, "a.jpg", Optional.empty(), false, Duration.ofHours(2));
      assertThat(put(fresh, "image/jpeg", new byte[] {1}).statusCode()).isEqualTo(200);
    }
  }
}
