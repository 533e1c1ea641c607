package org.civicos.workers.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.civicos.workers.reliability.FaultProxy;
import org.civicos.workers.reliability.FaultProxy.Fault;
import org.civicos.workers.testing.S3TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/** Our client's retries, with S3's own fault answers planted by FaultProxy in front of S3Mock. */
class S3ObjectClientRetryTest {
  private static final String BUCKET = "retry-test";
  private FaultProxy proxy;
  private S3ObjectClient client;

  @BeforeAll
  static void bucket() {
    S3TestServer.bucket(BUCKET);
  }

  @BeforeEach
  void start() {
    proxy = FaultProxy.start(S3TestServer.endpoint(), FaultProxy.Flavor.S3, Duration.ofSeconds(2));
    var http = new UrlConnectionTransport(Duration.ofSeconds(1), Duration.ofMillis(500));
    client = new S3ObjectClient(http, new S3Addressing(proxy.endpoint(), true),
        new S3RequestSigner(S3ObjectClientTest.KEYS, "us-east-1", Clock.systemUTC()), Duration.ofMillis(20));
  }

  @AfterEach
  void stop() {
    proxy.close();
  }

  @Test
  void aServerErrorThenSlowDownThenSuccess() {
    proxy.plan(r -> switch ((int) r.number()) {
      case 1 -> Fault.SERVER_ERROR;
      case 2 -> Fault.THROTTLE;
      default -> Fault.NONE;
    });
    client.putObject(BUCKET, "retry/put.png", new byte[] {1, 2, 3}, "image/png", false);
    assertThat(proxy.requests()).isEqualTo(3);
    assertThat(proxy.count(Fault.SERVER_ERROR)).isEqualTo(1);
    assertThat(proxy.count(Fault.THROTTLE)).isEqualTo(1);
    try (S3Client sdk = S3TestServer.client()) {
      assertThat(sdk.getObjectAsBytes(r -> r.bucket(BUCKET).key("retry/put.png")).asByteArray())
          .containsExactly(1, 2, 3);
    }
  }

  @Test
  void resetsAndAHungEndpointAreRetried() {
    client.putObject(BUCKET, "retry/get.bin", new byte[] {9, 8, 7}, "application/octet-stream", false);
    // Request 2 is reset and HttpURLConnection sends it again at once (3), which hangs past the socket timeout;
    // our second attempt (4) gets the object.
    proxy.plan(r -> switch ((int) r.number()) {
      case 2 -> Fault.RESET;
      case 3 -> Fault.TIMEOUT;
      default -> Fault.NONE;
    });
    assertThat(client.getObject(BUCKET, "retry/get.bin", 100)).containsExactly(9, 8, 7);
    assertThat(proxy.requests()).isEqualTo(4);

    // The upstream stored it but the answer was lost: PutObject is idempotent, so trying again is safe.
    proxy.plan(r -> r.number() == 5 ? Fault.RESET_AFTER_FORWARD : Fault.NONE);
    client.putObject(BUCKET, "retry/lost-answer.bin", new byte[] {5}, "application/octet-stream", false);
    assertThat(proxy.requests()).isEqualTo(6);
    assertThat(client.objectSize(BUCKET, "retry/lost-answer.bin")).contains(1L);
  }

  @Test
  void aHeadIsRetriedToo() {
    client.putObject(BUCKET, "retry/head.bin", new byte[] {1}, "application/octet-stream", false);
    proxy.plan(r -> r.number() == 2 ? Fault.THROTTLE : Fault.NONE);
    assertThat(client.objectSize(BUCKET, "retry/head.bin")).contains(1L);
    assertThat(proxy.requests()).isEqualTo(3);
  }

  @Test
  void persistentThrottlingGivesUpAfterThreeAttemptsAsATransientFault() {
    proxy.plan(r -> Fault.THROTTLE);
    assertThatThrownBy(() -> client.putObject(BUCKET, "retry/never.png", new byte[] {1}, "image/png", false))
        .isInstanceOfSatisfying(S3RequestException.class, e -> {
          assertThat(e.status()).isEqualTo(503);
          assertThat(e.code()).isEqualTo("SlowDown");
          assertThat(e.throttling()).isTrue();
          assertThat(e.transientFault()).isTrue();
        });
    assertThat(proxy.requests()).isEqualTo(S3ObjectClient.ATTEMPTS);
  }

  @Test
  void persistentResetsGiveUpAsNoAnswer() {
    proxy.plan(r -> Fault.RESET);
    assertThatThrownBy(() -> client.putObject(BUCKET, "retry/reset.bin", new byte[] {1}, "image/png", false))
        .isInstanceOfSatisfying(S3RequestException.class, e -> {
          assertThat(e.status()).isZero();
          assertThat(e.transientFault()).isTrue();
          assertThat(e.getMessage()).startsWith("PutObject s3://" + BUCKET + "/retry/reset.bin: no answer from S3: ");
        });
    assertThat(proxy.requests()).isEqualTo(S3ObjectClient.ATTEMPTS);

    // HttpURLConnection itself sends a GET once more after a reset, under each of our attempts.
    assertThatThrownBy(() -> client.getObject(BUCKET, "retry/get.bin", 100))
        .isInstanceOfSatisfying(S3RequestException.class, e -> assertThat(e.status()).isZero());
    assertThat(proxy.requests()).isEqualTo(S3ObjectClient.ATTEMPTS + 2L * S3ObjectClient.ATTEMPTS);
  }

  @Test
  void aMissingObjectIsNotRetried() {
    assertThatThrownBy(() -> client.getObject(BUCKET, "retry/missing.bin", 100))
        .isInstanceOfSatisfying(S3RequestException.class, e -> assertThat(e.code()).isEqualTo("NoSuchKey"));
    assertThat(proxy.requests()).isEqualTo(1);
  }

  @Test
  void aRefusalSuchAs403IsThrownAtOnce() throws Exception {
    AtomicInteger requests = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      requests.incrementAndGet();
      exchange.getRequestBody().readAllBytes();
      byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code>"
          + "<Message>Access Denied</Message><RequestId>R1</RequestId></Error>").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/xml");
      exchange.sendResponseHeaders(403, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    try {
      S3ObjectClient ours = S3ObjectClientTest.client(URI.create("http://127.0.0.1:" + server.getAddress().getPort()));
      assertThatThrownBy(() -> ours.putObject("b", "k.png", new byte[] {1}, "image/png", false))
          .isInstanceOfSatisfying(S3RequestException.class, e -> {
            assertThat(e.status()).isEqualTo(403);
            assertThat(e.code()).isEqualTo("AccessDenied");
            assertThat(e.s3Message()).isEqualTo("Access Denied");
            assertThat(e.transientFault()).isFalse();
            assertThat(e.getMessage()).isEqualTo("PutObject s3://b/k.png: S3 answered 403 AccessDenied (Access Denied)");
          });
      assertThat(requests.get()).isEqualTo(1);
    } finally {
      server.stop(0);
    }
  }
}
