package org.civicos.workers.aws;

import java.nio.charset.StandardCharsets;
import org.civicos.workers.WorkersException;
import org.civicos.workers.runtime.Activation;
import org.civicos.workers.runtime.Invoker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

/**
 * Asynchronous Lambda invocation ({@code InvocationType.EVENT}): Lambda queues the event and answers 202; its
 * own retries and the handler's reserved concurrency (the handler's connection ceiling) take it from there.
 */
public final class LambdaInvoker implements Invoker {
  private static final Logger LOG = LoggerFactory.getLogger(LambdaInvoker.class);
  private final LambdaClient lambda;

  public LambdaInvoker(LambdaClient lambda) {
    this.lambda = lambda;
  }

  @Override
  public void invokeAsync(String function, Activation activation) {
    InvokeResponse response = lambda.invoke(r -> r
        .functionName(function)
        .invocationType(InvocationType.EVENT)
        .payload(SdkBytes.fromString(activation.toJson(), StandardCharsets.UTF_8)));
    if (response.statusCode() != 202) {
      throw new WorkersException("Lambda answered " + response.statusCode() + " to an async invoke of " + function);
    }
    LOG.atDebug().addKeyValue("tenant", activation.tenant()).addKeyValue("queue", activation.queue())
        .log("invoked {} ({})", function, activation.reason());
  }
}
