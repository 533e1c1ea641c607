package org.civicos.workers.poller;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.civicos.workers.config.Env;
import org.civicos.workers.runtime.SnapshotSafety;
import org.slf4j.MDC;

/** Lambda entry point for the scheduled poller; the schedule event's content is not needed. */
public final class PollerHandler implements RequestStreamHandler {
  private static final Poller POLLER = PollerWiring.forLambda(Env.system());
  private static final SnapshotSafety SNAPSHOT_SAFETY = SnapshotSafety.register(POLLER.databases());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static boolean coldStart = true;

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    input.transferTo(OutputStream.nullOutputStream());
    MDC.put("request_id", context.getAwsRequestId());
    MDC.put("cold_start", Boolean.toString(coldStart));
    coldStart = false;
    try {
      TickReport report = POLLER.tick(context.getAwsRequestId());
      ObjectNode out = JSON.createObjectNode()
          .put("tenants_checked", report.tenantsChecked())
          .put("tenants_idle", report.tenantsIdle())
          .put("tenants_failed", report.tenantsFailed())
          .put("invocations_requested", report.invocationsRequested())
          .put("invocations_failed", report.invocationsFailed())
          .put("duration_ms", report.durationMillis());
      output.write(JSON.writeValueAsBytes(out));
    } finally {
      MDC.clear();
    }
  }
}
