package org.civicos.workers.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.civicos.workers.runtime.Activation;
import org.civicos.workers.runtime.Deadline;
import org.civicos.workers.runtime.DrainReport;
import org.civicos.workers.runtime.QueueHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The only place a handler function touches Lambda types: turns the event stream into an {@link Activation},
 * the context into a {@link Deadline}, the invoked ARN into the continuation target, and the result into the
 * JSON response. A refused payload is answered (not thrown), so Lambda does not retry it.
 */
public final class LambdaHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(LambdaHandlerAdapter.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_EVENT_BYTES = 64 * 1024;

  private final QueueHandler handler;
  private final AtomicBoolean coldStart = new AtomicBoolean(true);

  public LambdaHandlerAdapter(QueueHandler handler) {
    this.handler = handler;
  }

  public void handle(InputStream input, OutputStream output, Context context) throws IOException {
    MDC.put("request_id", context.getAwsRequestId());
    MDC.put("function", context.getFunctionName());
    MDC.put("cold_start", Boolean.toString(coldStart.getAndSet(false)));
    try {
      byte[] event = input.readNBytes(MAX_EVENT_BYTES + 1);
      ObjectNode response;
      if (event.length > MAX_EVENT_BYTES) {
        response = rejected("activation is larger than " + MAX_EVENT_BYTES + " bytes");
      } else {
        Activation activation;
        try {
          activation = Activation.parse(new String(event, StandardCharsets.UTF_8));
        } catch (Activation.InvalidActivation e) {
          LOG.atWarn().addKeyValue("rejected", true).log("activation rejected before any connection: {}", e.getMessage());
          response = rejected(e.getMessage());
          output.write(JSON.writeValueAsBytes(response));
          return;
        }
        Deadline deadline = Deadline.fromRemainingMillis(context::getRemainingTimeInMillis);
        QueueHandler.Result result = handler.handle(activation, deadline, context.getAwsRequestId(),
            Optional.ofNullable(context.getInvokedFunctionArn()));
        response = toJson(result);
      }
      output.write(JSON.writeValueAsBytes(response));
    } finally {
      MDC.clear();
    }
  }

  public static ObjectNode toJson(QueueHandler.Result result) {
    ObjectNode node = JSON.createObjectNode();
    node.put("tenant", result.activation().tenant());
    node.put("queue", result.activation().queue());
    node.put("reason", result.activation().reason());
    if (result.isRejected()) {
      node.put("status", "rejected");
      node.put("rejection", result.rejection());
      return node;
    }
    DrainReport r = result.report();
    node.put("status", r.stopReason().name().toLowerCase());
    node.put("claimed", r.claimed());
    node.put("completed", r.completed());
    node.put("retried", r.retried());
    node.put("discarded", r.discarded());
    node.put("cancelled", r.cancelled());
    node.put("snoozed", r.snoozed());
    node.put("stale", r.stale());
    node.put("continuation", result.continued());
    node.put("connection_opened", result.connectionOpened());
    return node;
  }

  private static ObjectNode rejected(String reason) {
    return JSON.createObjectNode().put("status", "rejected").put("rejection", reason);
  }
}
