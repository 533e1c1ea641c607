package org.civicos.workers.aws;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.civicos.workers.WorkersException;
import org.civicos.workers.runtime.Activation;
import org.civicos.workers.runtime.Invoker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asynchronous Lambda invocation ({@code Invoke} with {@code X-Amz-Invocation-Type: Event}): Lambda queues the
 * event and answers 202; its own retries and the handler's reserved concurrency (its connection ceiling) take it
 * from there. One SigV4-signed HTTP request on the shared HTTP client ({@link AwsJsonApi}), made here instead of
 * through the SDK's Lambda module, which would add 3.5 MB to every function for this one call. Throttling, 5xx
 * and I/O failures are retried twice.
 */
public final class LambdaInvoker implements Invoker {
  private static final Logger LOG = LoggerFactory.getLogger(LambdaInvoker.class);
  private static final int ATTEMPTS = 3;

  private final URI endpoint;
  private final AwsJsonApi api;

  /** @param endpoint e.g. {@code AWS_ENDPOINT_URL_LAMBDA} for a local Lambda API; AWS's regional one otherwise */
  public LambdaInvoker(AwsClients aws, Optional<URI> endpoint) {
    this.endpoint = endpoint.orElseGet(() -> AwsJsonApi.regionalEndpoint("lambda", aws.region()));
    this.api = new AwsJsonApi(aws.http(), aws.credentials(), "lambda", aws.region(), this.endpoint, Clock.systemUTC());
  }

  @Override
  public void invokeAsync(String function, Activation activation) {
    byte[] body = activation.toJson().getBytes(StandardCharsets.UTF_8);
    String failure = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        AwsJsonApi.Response response = send(function, body);
        if (response.status() == 202) {
          LOG.atDebug().addKeyValue("tenant", activation.tenant()).addKeyValue("queue", activation.queue())
              .log("invoked {} ({})", function, activation.reason());
          return;
        }
        failure = "Lambda answered " + response.status() + " to an async invoke of " + function + ": "
            + response.text(2048);
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

  private AwsJsonApi.Response send(String function, byte[] body) throws IOException {
    return api.post("/2015-03-31/functions/" + URLEncoder.encode(function, StandardCharsets.UTF_8) + "/invocations",
        Map.of("X-Amz-Invocation-Type", "Event"), body);
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
