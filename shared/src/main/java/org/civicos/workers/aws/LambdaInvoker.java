package org.civicos.workers.aws;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.civicos.workers.WorkersException;
import org.civicos.workers.runtime.Activation;
import org.civicos.workers.runtime.Invoker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.regions.Region;

/**
 * Asynchronous Lambda invocation ({@code Invoke} with {@code X-Amz-Invocation-Type: Event}): Lambda queues the
 * event and answers 202; its own retries and the handler's reserved concurrency (its connection ceiling) take it
 * from there. One SigV4-signed HTTP request on the shared HTTP client, made here instead of through the SDK's
 * Lambda module, which would add 3.5 MB to every function for this one call. Throttling, 5xx and I/O failures
 * are retried twice.
 */
public final class LambdaInvoker implements Invoker {
  private static final Logger LOG = LoggerFactory.getLogger(LambdaInvoker.class);
  private static final int ATTEMPTS = 3;

  private final SdkHttpClient http;
  private final AwsCredentialsProvider credentials;
  private final Region region;
  private final URI endpoint;
  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

  /** @param endpoint e.g. {@code AWS_ENDPOINT_URL_LAMBDA} for a local Lambda API; AWS's regional one otherwise */
  public LambdaInvoker(AwsClients aws, Optional<URI> endpoint) {
    this.http = aws.http();
    this.credentials = aws.credentials();
    this.region = aws.region();
    this.endpoint = endpoint.orElseGet(() -> URI.create("https://lambda." + region.id() + "."
        + region.metadata().partition().dnsSuffix()));
  }

  @Override
  public void invokeAsync(String function, Activation activation) {
    byte[] body = activation.toJson().getBytes(StandardCharsets.UTF_8);
    String failure = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        Response response = send(function, body);
        if (response.status() == 202) {
          LOG.atDebug().addKeyValue("tenant", activation.tenant()).addKeyValue("queue", activation.queue())
              .log("invoked {} ({})", function, activation.reason());
          return;
        }
        failure = "Lambda answered " + response.status() + " to an async invoke of " + function + ": " + response.body();
        if (response.status() != 429 && response.status() < 500) {
          break;
        }
      } catch (IOException e) {
        failure = "async invoke of " + function + " failed: " + e.getMessage();
      }
      sleep(Duration.ofMillis(100L << attempt));
    }
    throw new WorkersException(failure);
  }

  private record Response(int status, String body) {
  }

  private Response send(String function, byte[] body) throws IOException {
    SdkHttpFullRequest request = SdkHttpFullRequest.builder()
        .method(SdkHttpMethod.POST)
        .uri(endpoint)
        .encodedPath("/2015-03-31/functions/" + URLEncoder.encode(function, StandardCharsets.UTF_8) + "/invocations")
        .putHeader("X-Amz-Invocation-Type", "Event")
        .putHeader("Content-Type", "application/json")
        .putHeader("Content-Length", Integer.toString(body.length))
        .build();
    ContentStreamProvider payload = () -> new ByteArrayInputStream(body);
    SignedRequest signed = signer.sign(r -> r
        .identity(credentials.resolveCredentials())
        .request(request)
        .payload(payload)
        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "lambda")
        .putProperty(AwsV4HttpSigner.REGION_NAME, region.id()));
    HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder()
        .request(signed.request()).contentStreamProvider(signed.payload().orElse(payload)).build()).call();
    String text = "";
    Optional<? extends InputStream> stream = response.responseBody();
    if (stream.isPresent()) {
      try (InputStream in = stream.get()) {
        text = new String(in.readNBytes(2048), StandardCharsets.UTF_8);
      }
    }
    return new Response(response.httpResponse().statusCode(), text);
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
