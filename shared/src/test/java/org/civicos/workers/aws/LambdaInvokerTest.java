package org.civicos.workers.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.civicos.workers.runtime.Activation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;

class LambdaInvokerTest {
  private static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDINVOKE", "secret"));
  private static final String ARN = "arn:aws:lambda:eu-west-1:123456789012:function:civic-s3-signer:live";

  private record Captured(String method, String path, Map<String, List<String>> headers, String body) {
    String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(e -> e.getValue().get(0))
          .findFirst().orElse(null);
    }
  }

  private HttpServer server;
  private final List<Captured> captured = Collections.synchronizedList(new ArrayList<>());
  private final ConcurrentLinkedDeque<Integer> statuses = new ConcurrentLinkedDeque<>();

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      captured.add(new Captured(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
          Map.copyOf(exchange.getRequestHeaders()), new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
      Integer status = statuses.poll();
      int code = status == null ? 202 : status;
      byte[] body = code == 202 ? new byte[0] : "{\"Type\":\"User\",\"message\":\"nope\"}".getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("x-amzn-ErrorType", code == 404 ? "ResourceNotFoundException" : "ServiceException");
      exchange.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        exchange.getResponseBody().write(body);
      }
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @Test
  void sendsTheSameRequestAsTheSdksLambdaClient() {
    Activation activation = new Activation("demo", "s3_signer", "poll");
    new LambdaInvoker(new AwsClients(Region.EU_WEST_1, CREDENTIALS), Optional.of(endpoint())).invokeAsync(ARN, activation);
    try (LambdaClient sdk = LambdaClient.builder().region(Region.EU_WEST_1).credentialsProvider(CREDENTIALS)
        .endpointOverride(endpoint()).httpClient(UrlConnectionHttpClient.create()).build()) {
      sdk.invoke(r -> r.functionName(ARN).invocationType(InvocationType.EVENT)
          .payload(SdkBytes.fromUtf8String(activation.toJson())));
    }
    assertThat(captured).hasSize(2);
    Captured ours = captured.get(0);
    Captured theirs = captured.get(1);
    assertThat(ours.method()).isEqualTo("POST").isEqualTo(theirs.method());
    assertThat(ours.path()).isEqualTo(theirs.path())
        .isEqualTo("/2015-03-31/functions/arn%3Aaws%3Alambda%3Aeu-west-1%3A123456789012%3Afunction%3Acivic-s3-signer%3Alive/invocations");
    assertThat(ours.header("X-Amz-Invocation-Type")).isEqualTo("Event").isEqualTo(theirs.header("X-Amz-Invocation-Type"));
    assertThat(ours.body()).isEqualTo(theirs.body()).isEqualTo("{\"tenant\":\"demo\",\"queue\":\"s3_signer\",\"reason\":\"poll\"}");
    String auth = ours.header("Authorization");
    assertThat(auth).startsWith("AWS4-HMAC-SHA256 Credential=AKIDINVOKE/").contains("/eu-west-1/lambda/aws4_request")
        .contains("x-amz-invocation-type");
    assertThat(theirs.header("Authorization")).contains("/eu-west-1/lambda/aws4_request");
    assertThat(ours.header("X-Amz-Content-SHA256") == null ? "unsigned-header" : ours.header("X-Amz-Content-SHA256"))
        .isNotEmpty();
  }

  @Test
  void retriesThrottlingAndServerErrorsButNotClientErrors() {
    LambdaInvoker invoker = new LambdaInvoker(new AwsClients(Region.EU_WEST_1, CREDENTIALS), Optional.of(endpoint()));
    statuses.add(429);
    statuses.add(503);
    invoker.invokeAsync("fn", new Activation("demo", "thumbnails", "poll"));
    assertThat(captured).hasSize(3);

    statuses.add(404);
    assertThatThrownBy(() -> invoker.invokeAsync("missing-fn", new Activation("demo", "thumbnails", "poll")))
        .hasMessageContaining("Lambda answered 404 to an async invoke of missing-fn");
    assertThat(captured).hasSize(4);
  }

  @Test
  void defaultsToTheRegionalEndpointOfThePartition() throws Exception {
    LambdaInvoker invoker = new LambdaInvoker(new AwsClients(Region.CN_NORTH_1, CREDENTIALS), Optional.empty());
    var field = LambdaInvoker.class.getDeclaredField("endpoint");
    field.setAccessible(true);
    assertThat(field.get(invoker).toString()).isEqualTo("https://lambda.cn-north-1.amazonaws.com.cn");
  }
}
