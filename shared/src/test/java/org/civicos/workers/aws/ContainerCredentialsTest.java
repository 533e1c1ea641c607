package org.civicos.workers.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.civicos.workers.config.Env;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.core.exception.SdkClientException;

/** Against a local HTTP server speaking the container credentials protocol (as Lambda's SnapStart endpoint). */
class ContainerCredentialsTest {
  private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

  private HttpServer server;
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private final AtomicReference<Instant> expiration = new AtomicReference<>(NOW.plus(Duration.ofHours(6)));
  private final AtomicReference<Instant> now = new AtomicReference<>(NOW);
  private final Clock clock = new Clock() {
    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  };

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/2018-06-01/credentials", exchange -> {
      int n = requests.incrementAndGet();
      authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
      byte[] body;
      int status;
      if (failuresLeft.getAndDecrement() > 0) {
        status = 500;
        body = "{}".getBytes(StandardCharsets.UTF_8);
      } else {
        status = 200;
        body = ("{\"AccessKeyId\":\"ASIA" + n + "\",\"SecretAccessKey\":\"secret-" + n + "\",\"Token\":\"token-" + n
            + "\",\"Expiration\":\"" + expiration.get() + "\"}").getBytes(StandardCharsets.UTF_8);
      }
      exchange.sendResponseHeaders(status, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private String uri() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/2018-06-01/credentials";
  }

  private ContainerCredentials provider(Map<String, String> env) {
    return ContainerCredentials.fromEnv(new Env(env), clock).orElseThrow();
  }

  @Test
  void fetchesOnceWithTheTokenAndKeepsTheAnswer() {
    ContainerCredentials credentials = provider(Map.of("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri(),
        "AWS_CONTAINER_AUTHORIZATION_TOKEN", "sekrit"));
    AwsCredentials first = credentials.resolveCredentials();
    now.set(NOW.plus(Duration.ofHours(5)));
    AwsCredentials again = credentials.resolveCredentials();

    assertThat(first).isInstanceOf(AwsSessionCredentials.class);
    assertThat(first.accessKeyId()).isEqualTo("ASIA1");
    assertThat(first.secretAccessKey()).isEqualTo("secret-1");
    assertThat(((AwsSessionCredentials) first).sessionToken()).isEqualTo("token-1");
    assertThat(again).isSameAs(first);
    assertThat(requests).hasValue(1);
    assertThat(authorizations).containsExactly("sekrit");
  }

  @Test
  void fetchesAgainFifteenMinutesBeforeExpiry() {
    ContainerCredentials credentials = provider(Map.of("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri()));
    credentials.resolveCredentials();
    now.set(NOW.plus(Duration.ofHours(6)).minus(Duration.ofMinutes(16)));
    assertThat(credentials.resolveCredentials().accessKeyId()).isEqualTo("ASIA1");
    now.set(NOW.plus(Duration.ofHours(6)).minus(Duration.ofMinutes(15)));
    assertThat(credentials.resolveCredentials().accessKeyId()).isEqualTo("ASIA2");
    assertThat(authorizations).containsExactly("null", "null");
  }

  @Test
  void shortLivedAnswersAreKeptForHalfTheirLife() {
    expiration.set(NOW.plus(Duration.ofMinutes(10)));
    ContainerCredentials credentials = provider(Map.of("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri()));
    credentials.resolveCredentials();
    now.set(NOW.plus(Duration.ofMinutes(4)));
    credentials.resolveCredentials();
    assertThat(requests).hasValue(1);
    now.set(NOW.plus(Duration.ofMinutes(5)));
    credentials.resolveCredentials();
    assertThat(requests).hasValue(2);
  }

  @Test
  void readsTheTokenFileAtEveryFetch(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("token");
    Files.writeString(file, "first\n");
    ContainerCredentials credentials = provider(Map.of("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri(),
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", file.toString(), "AWS_CONTAINER_AUTHORIZATION_TOKEN", "ignored"));
    credentials.resolveCredentials();
    Files.writeString(file, "second");
    now.set(NOW.plus(Duration.ofHours(6)));
    credentials.resolveCredentials();
    assertThat(authorizations).containsExactly("first", "second");
  }

  @Test
  void retriesAFailedFetchThenReportsItWithoutTheToken() {
    failuresLeft.set(2);
    ContainerCredentials credentials = provider(Map.of("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri(),
        "AWS_CONTAINER_AUTHORIZATION_TOKEN", "sekrit"));
    assertThat(credentials.resolveCredentials().accessKeyId()).isEqualTo("ASIA3");

    // An early refresh that fails keeps the credentials that are still valid...
    failuresLeft.set(ContainerCredentials.ATTEMPTS);
    now.set(NOW.plus(Duration.ofHours(6)).minus(Duration.ofMinutes(5)));
    assertThat(credentials.resolveCredentials().accessKeyId()).isEqualTo("ASIA3");
    // ...but once they have expired the failure is reported.
    failuresLeft.set(ContainerCredentials.ATTEMPTS);
    now.set(NOW.plus(Duration.ofHours(6)));
    assertThatThrownBy(credentials::resolveCredentials)
        .isInstanceOf(SdkClientException.class)
        .hasMessageContaining("container credentials endpoint")
        .hasMessageContaining("HTTP 500")
        .hasMessageNotContaining("sekrit");
  }

  @Test
  void lambdaEnvironmentVariablesComeFirstThenTheContainerEndpoint() {
    AwsCredentials fromEnv = AwsClients.credentials(new Env(Map.of("AWS_ACCESS_KEY_ID", "AKIA", "AWS_SECRET_ACCESS_KEY",
        "s", "AWS_SESSION_TOKEN", "t", "AWS_CONTAINER_CREDENTIALS_FULL_URI", uri()))).resolveCredentials();
    assertThat(fromEnv).isInstanceOf(AwsSessionCredentials.class);
    assertThat(fromEnv.accessKeyId()).isEqualTo("AKIA");
    assertThat(((AwsSessionCredentials) fromEnv).sessionToken()).isEqualTo("t");
    assertThat(requests).hasValue(0);

    assertThat(AwsClients.credentials(new Env(Map.of("AWS_ACCESS_KEY_ID", "AKIA", "AWS_SECRET_ACCESS_KEY", "s")))
        .resolveCredentials()).isNotInstanceOf(AwsSessionCredentials.class);

    assertThat(AwsClients.credentials(new Env(Map.of("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri())))
        .resolveCredentials().accessKeyId()).isEqualTo("ASIA1");
    assertThat(AwsClients.credentials(new Env(Map.of()))).isNotInstanceOf(ContainerCredentials.class);
  }

  @Test
  void relativeUrisAreServedByTheEcsHost() {
    assertThat(ContainerCredentials.fromEnv(new Env(Map.of("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/abc")))
        .orElseThrow().uri()).hasToString("http://169.254.170.2/v2/abc");
    assertThat(ContainerCredentials.fromEnv(new Env(Map.of()))).isEmpty();
  }
}
