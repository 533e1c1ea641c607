package org.civicos.workers.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

class AwsJsonApiTest {
  private static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDJSON", "secret"));
  private static final Clock FIXED = Clock.fixed(Instant.parse("2026-11-29T08:00:00Z"), ZoneOffset.UTC);

  private record Captured(String path, Map<String, List<String>> headers, String body) {
    String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(e -> e.getValue().get(0))
          .findFirst().orElse(null);
    }
  }

  /** What the server answers next: status, extra headers, body. */
  private record Answer(int status, Map<String, String> headers, byte[] body) {
    static Answer json(int status, String body, Map<String, String> headers) {
      return new Answer(status, headers, body.getBytes(StandardCharsets.UTF_8));
    }
  }

  private HttpServer server;
  private final List<Captured> captured = Collections.synchronizedList(new ArrayList<>());
  private final AtomicReference<Answer> answer = new AtomicReference<>(Answer.json(200, "{}", Map.of()));

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      captured.add(new Captured(exchange.getRequestURI().getRawPath(), Map.copyOf(exchange.getRequestHeaders()),
          new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
      Answer a = answer.get();
      a.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      exchange.sendResponseHeaders(a.status(), a.body().length == 0 ? -1 : a.body().length);
      if (a.body().length > 0) {
        exchange.getResponseBody().write(a.body());
      }
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private AwsJsonApi api(String basePath) {
    return new AwsJsonApi(new UrlConnectionTransport(), CREDENTIALS, "ses", Region.EU_CENTRAL_1,
        URI.create("http://127.0.0.1:" + server.getAddress().getPort() + basePath), FIXED);
  }

  @Test
  void signsAJsonPostWithItsHeadersForTheServiceRegionAndClock() throws Exception {
    byte[] body = "{\"a\":\"ü\"}".getBytes(StandardCharsets.UTF_8);
    AwsJsonApi.Response first = api("").post("/v2/x%3Ay", Map.of("X-Amz-Custom", "1"), body);
    api("").post("/v2/x%3Ay", Map.of("X-Amz-Custom", "1"), body);

    assertThat(first.status()).isEqualTo(200);
    Captured c = captured.get(0);
    assertThat(c.path()).isEqualTo("/v2/x%3Ay");
    assertThat(c.body()).isEqualTo("{\"a\":\"ü\"}");
    assertThat(c.header("Content-Type")).isEqualTo("application/json");
    assertThat(c.header("Content-Length")).isEqualTo(Integer.toString(body.length));
    assertThat(c.header("X-Amz-Date")).isEqualTo("20261129T080000Z");
    assertThat(c.header("Authorization"))
        .startsWith("AWS4-HMAC-SHA256 Credential=AKIDJSON/20261129/eu-central-1/ses/aws4_request, SignedHeaders=")
        .contains("content-type").contains("host").contains("x-amz-custom").contains("x-amz-date");
    assertThat(captured.get(1).header("Authorization")).as("same input, same clock, same signature")
        .isEqualTo(c.header("Authorization"));
  }

  @Test
  void keepsTheEndpointsOwnPathInFront() throws Exception {
    api("/proxy/ses/").post("/v2/email/outbound-emails", Map.of(), new byte[0]);
    api("/").post("/v2/email/outbound-emails", Map.of(), new byte[0]);
    assertThat(captured).extracting(Captured::path)
        .containsExactly("/proxy/ses/v2/email/outbound-emails", "/v2/email/outbound-emails");
  }

  @Test
  void readsStatusHeadersAndBody() throws Exception {
    answer.set(Answer.json(200, "{\"MessageId\":\"m-1\"}", Map.of("x-amzn-RequestId", "req-1")));
    AwsJsonApi.Response r = api("").post("/", Map.of(), new byte[0]);
    assertThat(r.successful()).isTrue();
    assertThat(r.requestId()).contains("req-1");
    assertThat(r.header("X-AMZN-REQUESTID")).contains("req-1");
    assertThat(r.json().path("MessageId").asText()).isEqualTo("m-1");
    assertThat(r.errorType()).isEmpty();
  }

  @Test
  void anEmptyBodyIsAnEmptyObjectAndOtherTextIsNotJson() throws Exception {
    answer.set(new Answer(200, Map.of(), new byte[0]));
    assertThat(api("").post("/", Map.of(), new byte[0]).json().isObject()).isTrue();
    answer.set(Answer.json(502, "<html>Bad Gateway</html>", Map.of()));
    AwsJsonApi.Response r = api("").post("/", Map.of(), new byte[0]);
    assertThat(r.successful()).isFalse();
    assertThat(r.json().isMissingNode()).isTrue();
    assertThat(r.errorType()).isEmpty();
    assertThat(r.errorMessage()).isEmpty();
    assertThat(r.text(5)).isEqualTo("<html");
  }

  @Test
  void cutsLongBodies() throws Exception {
    answer.set(new Answer(500, Map.of(), new byte[AwsJsonApi.MAX_BODY_BYTES + 1000]));
    assertThat(api("").post("/", Map.of(), new byte[0]).text()).hasSize(AwsJsonApi.MAX_BODY_BYTES);
  }

  @Test
  void theErrorTypeComesFromTheHeaderWithoutItsNamespace() throws Exception {
    answer.set(Answer.json(400, "{\"__type\":\"com.amazonaws.sesv2#Other\",\"message\":\"m\"}",
        Map.of("x-amzn-ErrorType", "MessageRejected:http://internal.amazon.com/coral/com.amazonaws.sesv2/")));
    AwsJsonApi.Response r = api("").post("/", Map.of(), new byte[0]);
    assertThat(r.errorType()).contains("MessageRejected");
    assertThat(r.errorMessage()).contains("m");
  }

  @Test
  void elseFromTheBodysTypeOrCode() throws Exception {
    assertThat(error("{\"__type\":\"com.amazonaws.sesv2#NotFoundException\",\"Message\":\"gone\"}"))
        .isEqualTo(List.of(Optional.of("NotFoundException"), Optional.of("gone")));
    assertThat(error("{\"code\":\"ThrottlingException\",\"errorMessage\":\"slow\"}"))
        .isEqualTo(List.of(Optional.of("ThrottlingException"), Optional.of("slow")));
    assertThat(error("{\"__type\":\"Plain\"}")).isEqualTo(List.of(Optional.of("Plain"), Optional.empty()));
    assertThat(error("{\"message\":\"no type\"}")).isEqualTo(List.of(Optional.empty(), Optional.of("no type")));
  }

  @Test
  void theMessageHeaderWinsOverTheBody() throws Exception {
    answer.set(Answer.json(400, "{\"message\":\"body\"}", Map.of("x-amzn-error-message", "header")));
    assertThat(api("").post("/", Map.of(), new byte[0]).errorMessage()).contains("header");
  }

  private List<Optional<String>> error(String body) throws Exception {
    answer.set(Answer.json(400, body, Map.of()));
    AwsJsonApi.Response r = api("").post("/", Map.of(), new byte[0]);
    return List.of(r.errorType(), r.errorMessage());
  }

  @Test
  void regionalEndpointsFollowThePartition() {
    assertThat(AwsJsonApi.regionalEndpoint("email", Region.US_EAST_1)).hasToString("https://email.us-east-1.amazonaws.com");
    assertThat(AwsJsonApi.regionalEndpoint("lambda", Region.CN_NORTH_1))
        .hasToString("https://lambda.cn-north-1.amazonaws.com.cn");
    assertThat(AwsJsonApi.regionalEndpoint("email", Region.of("eu-south-9")))
        .as("a region this SDK does not know yet").hasToString("https://email.eu-south-9.amazonaws.com");
  }
}
