package org.civicos.workers.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Our S3 signing against the SDK's S3 module (test scope only) and AWS's published SigV4 examples: the same
 * inputs at the same instant must give byte-identical URLs and signatures.
 */
class S3SigningCrossCheckTest {
  private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
  private static final StaticCredentialsProvider BASIC = StaticCredentialsProvider.create(
      AwsBasicCredentials.create("AKIDCROSSCHECK", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"));
  private static final StaticCredentialsProvider SESSION = StaticCredentialsProvider.create(
      AwsSessionCredentials.create("ASIACROSSCHECK", "session/secret+key", "IQoJb3JpZ2luX2VjE/session+token=="));
  private static final String KEY = "Issue/42/0190d1e2-aaaa-7bbb-8ccc-123456789abc/ünïcødé name (1)+x*~'!.JPG";

  static Stream<Arguments> presignCases() {
    List<Arguments> cases = new ArrayList<>();
    for (String endpoint : new String[] {null, "http://127.0.0.1:9000", "https://files.example.org",
        "http://minio:9000"}) {
      for (String region : new String[] {"us-east-1", "eu-west-1", "cn-north-1"}) {
        for (boolean pathStyle : new boolean[] {true, false}) {
          for (AwsCredentialsProvider credentials : List.of(BASIC, SESSION)) {
            cases.add(Arguments.of(endpoint, region, pathStyle, credentials, Optional.of("image/jpeg"), true));
            cases.add(Arguments.of(endpoint, region, pathStyle, credentials, Optional.empty(), false));
          }
        }
      }
    }
    cases.add(Arguments.of(null, "eu-west-1", true, BASIC, Optional.of("application/pdf"), false));
    cases.add(Arguments.of(null, "eu-west-1", false, BASIC, Optional.empty(), true));
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {1} pathStyle={2} type={4} publicRead={5}")
  @MethodSource("presignCases")
  void presignedPutUrlsAreTheSdkPresignersToTheByte(String endpoint, String region, boolean pathStyle,
      AwsCredentialsProvider credentials, Optional<String> contentType, boolean publicRead) {
    Optional<URI> override = Optional.ofNullable(endpoint).map(URI::create);
    var builder = S3Presigner.builder().region(Region.of(region)).credentialsProvider(credentials)
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(pathStyle).build());
    override.ifPresent(builder::endpointOverride);
    PutObjectRequest.Builder put = PutObjectRequest.builder().bucket("civic-os-files").key(KEY);
    contentType.ifPresent(put::contentType);
    if (publicRead) {
      put.acl(ObjectCannedACL.PUBLIC_READ);
    }
    String theirs;
    try (S3Presigner sdk = builder.build()) {
      theirs = sdk.presignPutObject(r -> r.signatureDuration(Duration.ofMinutes(15)).putObjectRequest(put.build()))
          .url().toString();
    }
    // The SDK presigner signs "now" and takes no clock: ours signs at the instant the SDK's URL names.
    Clock fixed = Clock.fixed(signedAt(theirs), ZoneOffset.UTC);
    S3UrlPresigner ours = new S3UrlPresigner(S3Addressing.of(override, region, pathStyle),
        new S3RequestSigner(credentials, region, fixed));

    String mine = ours.presignPut("civic-os-files", KEY, contentType, publicRead, Duration.ofMinutes(15)).toString();

    assertThat(mine).isEqualTo(theirs);
  }

  @Test
  void aDottedBucketIsPathStyleAsTheSdkDoesOverHttps() {
    Instant now = Instant.parse("2026-11-29T12:00:00Z");
    S3UrlPresigner ours = new S3UrlPresigner(S3Addressing.of(Optional.empty(), "eu-west-1", false),
        new S3RequestSigner(BASIC, "eu-west-1", Clock.fixed(now, ZoneOffset.UTC)));
    assertThat(ours.presignPut("my.dotted.bucket", "a", Optional.empty(), false, Duration.ofMinutes(1)).toString())
        .startsWith("https://s3.eu-west-1.amazonaws.com/my.dotted.bucket/a?");
  }

  // AWS's SigV4 examples for S3 ("Signature Calculations for the Authorization Header" and "Authenticating
  // Requests: Using Query Parameters"): fixed keys, bucket, date and the signatures AWS published for them.
  private static final StaticCredentialsProvider AWS_EXAMPLE_KEYS = StaticCredentialsProvider.create(
      AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));
  private static final Clock AWS_EXAMPLE_CLOCK = Clock.fixed(Instant.parse("2013-05-24T00:00:00Z"), ZoneOffset.UTC);
  private static final S3Addressing AWS_EXAMPLE_BUCKET = S3Addressing.of(Optional.empty(), "us-east-1", false);

  @Test
  void awsPublishedGetObjectExample() {
    SdkHttpFullRequest request = AWS_EXAMPLE_BUCKET.request(SdkHttpMethod.GET, "examplebucket", "test.txt")
        .putHeader("Range", "bytes=0-9").build();
    SdkHttpRequest signed = new S3RequestSigner(AWS_EXAMPLE_KEYS, "us-east-1", AWS_EXAMPLE_CLOCK).sign(request,
        new byte[0]);
    assertThat(signed.getUri().toString()).isEqualTo("https://examplebucket.s3.amazonaws.com/test.txt");
    assertThat(signed.firstMatchingHeader("x-amz-content-sha256"))
        .contains("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assertThat(signed.firstMatchingHeader("Authorization")).contains("AWS4-HMAC-SHA256 "
        + "Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
        + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
        + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  }

  @Test
  void awsPublishedPutObjectExample() {
    byte[] body = "Welcome to Amazon S3.".getBytes(StandardCharsets.UTF_8);
    SdkHttpFullRequest request = AWS_EXAMPLE_BUCKET.request(SdkHttpMethod.PUT, "examplebucket", "test$file.text")
        .putHeader("Date", "Fri, 24 May 2013 00:00:00 GMT")
        .putHeader("x-amz-storage-class", "REDUCED_REDUNDANCY").build();
    SdkHttpRequest signed = new S3RequestSigner(AWS_EXAMPLE_KEYS, "us-east-1", AWS_EXAMPLE_CLOCK).sign(request, body);
    assertThat(signed.encodedPath()).isEqualTo("/test%24file.text");
    assertThat(signed.firstMatchingHeader("x-amz-content-sha256"))
        .contains("44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
    assertThat(signed.firstMatchingHeader("Authorization")).contains("AWS4-HMAC-SHA256 "
        + "Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
        + "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class, "
        + "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
  }

  @Test
  void awsPublishedPresignedUrlExample() {
    URI url = new S3RequestSigner(AWS_EXAMPLE_KEYS, "us-east-1", AWS_EXAMPLE_CLOCK).presign(
        AWS_EXAMPLE_BUCKET.request(SdkHttpMethod.GET, "examplebucket", "test.txt").build(), Duration.ofDays(1));
    assertThat(url.getRawQuery()).contains("X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request")
        .contains("X-Amz-Date=20130524T000000Z").contains("X-Amz-Expires=86400").contains("X-Amz-SignedHeaders=host")
        .endsWith("X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
  }

  @Test
  void aPutObjectIsSignedAsTheSdksS3ClientSignsIt() throws Exception {
    byte[] body = "thumbnail bytes".getBytes(StandardCharsets.UTF_8);
    try (SigV4Verifier server = new SigV4Verifier("ASIACROSSCHECK", "session/secret+key")) {
      // The SDK's client, with what it adds on its own switched off: flexible checksums and aws-chunked bodies.
      try (S3Client sdk = S3Client.builder().region(Region.EU_WEST_1).credentialsProvider(SESSION)
          .endpointOverride(server.endpoint()).forcePathStyle(true).httpClient(UrlConnectionHttpClient.create())
          .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
          .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build()).build()) {
        sdk.putObject(r -> r.bucket("civic-os-files").key(KEY).contentType("image/png").acl(ObjectCannedACL.PUBLIC_READ),
            RequestBody.fromBytes(body));
      }
      SigV4Verifier.Seen theirs = server.seen.get(0);
      String date = theirs.headers().getFirst("x-amz-date");
      S3RequestSigner signer = new S3RequestSigner(SESSION, "eu-west-1",
          Clock.fixed(LocalDateTime.parse(date, AMZ_DATE).toInstant(ZoneOffset.UTC), ZoneOffset.UTC));
      S3ObjectClient client = new S3ObjectClient(new UrlConnectionTransport(),
          new S3Addressing(server.endpoint(), true), signer);
      client.putObject("civic-os-files", KEY, body, "image/png", true);
      SigV4Verifier.Seen mine = server.seen.get(1);

      assertThat(theirs.problem()).isEmpty();
      assertThat(mine.problem()).isEmpty();
      assertThat(mine.rawPath()).isEqualTo(theirs.rawPath());
      assertThat(mine.body()).isEqualTo(theirs.body());
      for (String header : List.of("Content-Type", "Content-Length", "x-amz-acl", "x-amz-content-sha256",
          "x-amz-security-token", "x-amz-date")) {
        assertThat(mine.headers().getFirst(header)).as(header).isNotNull().isEqualTo(theirs.headers().getFirst(header));
      }
      // The SDK also signs its own amz-sdk-invocation-id and amz-sdk-request headers; signed with them as well,
      // our request gets exactly the SDK's Authorization header.
      List<String> theirSigned = signedHeaders(theirs.headers().getFirst("Authorization"));
      List<String> mySigned = signedHeaders(mine.headers().getFirst("Authorization"));
      assertThat(theirSigned).containsAll(mySigned);
      assertThat(theirSigned.stream().filter(h -> !mySigned.contains(h)).toList())
          .containsExactlyInAnyOrder("amz-sdk-invocation-id", "amz-sdk-request");
      SdkHttpFullRequest.Builder same = new S3Addressing(server.endpoint(), true)
          .request(SdkHttpMethod.PUT, "civic-os-files", KEY)
          .putHeader("Content-Type", "image/png").putHeader("Content-Length", Integer.toString(body.length))
          .putHeader("x-amz-acl", "public-read");
      for (String header : List.of("amz-sdk-invocation-id", "amz-sdk-request")) {
        same.putHeader(header, theirs.headers().getFirst(header));
      }
      assertThat(signer.sign(same.build(), body).firstMatchingHeader("Authorization"))
          .contains(theirs.headers().getFirst("Authorization"));
    }
  }

  @Test
  void everyRequestOurClientSendsPassesAnIndependentSignatureCheck() throws Exception {
    try (SigV4Verifier server = new SigV4Verifier("ASIACROSSCHECK", "session/secret+key")) {
      S3ObjectClient client = new S3ObjectClient(new UrlConnectionTransport(),
          new S3Addressing(server.endpoint(), true), new S3RequestSigner(SESSION, "eu-west-1", Clock.systemUTC()));
      client.putObject("civic-os-files", KEY, new byte[] {1, 2, 3}, "image/png", true);
      client.putObject("civic-os-files", "empty.txt", new byte[0], "text/plain", false);
      client.getObject("civic-os-files", KEY, 10);
      client.objectSize("civic-os-files", KEY);
      client.listKeys("civic-os-files", "Issue/42/ü/");
      client.createBucket("new-bucket");
      assertThat(server.seen).extracting(SigV4Verifier.Seen::method).containsExactly("PUT", "PUT", "GET", "HEAD",
          "GET", "PUT");
      assertThat(server.seen).allSatisfy(seen -> assertThat(seen.problem()).as(seen.method() + " " + seen.rawPath())
          .isEmpty());
    }
  }

  private static Instant signedAt(String url) {
    int i = url.indexOf("X-Amz-Date=") + "X-Amz-Date=".length();
    return LocalDateTime.parse(url.substring(i, i + 16), AMZ_DATE).toInstant(ZoneOffset.UTC);
  }

  private static List<String> signedHeaders(String authorization) {
    String part = Arrays.stream(authorization.split(",\\s*")).filter(p -> p.startsWith("SignedHeaders="))
        .findFirst().orElseThrow();
    return List.of(part.substring("SignedHeaders=".length()).split(";"));
  }
}
