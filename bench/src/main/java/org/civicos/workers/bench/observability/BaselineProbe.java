package org.civicos.workers.bench.observability;

import java.time.Instant;

/**
 * ObservabilityBench's floor: the same two lines (a JSON log line with tenant and queue, an EMF line with the
 * handler's metric set) written with {@code System.out} and string concatenation, no logging or metrics library.
 */
public final class BaselineProbe {
  private BaselineProbe() {
  }

  public static void main(String[] args) {
    String tenant = ProbeData.TENANT;
    String queue = ProbeData.QUEUE;
    System.out.println("{\"timestamp\":\"" + Instant.now() + "\",\"level\":\"INFO\",\"logger\":\"BaselineProbe\","
        + "\"message\":\"invocation done: " + ProbeData.JOBS + " claimed, " + ProbeData.JOBS + " completed\","
        + "\"tenant\":\"" + tenant + "\",\"queue\":\"" + queue + "\"}");
    System.out.println("{\"_aws\":{\"Timestamp\":" + System.currentTimeMillis() + ",\"CloudWatchMetrics\":[{"
        + "\"Namespace\":\"CivicWorkers\",\"Dimensions\":[[\"tenant\",\"queue\"],[\"queue\"],[]],\"Metrics\":["
        + "{\"Name\":\"JobsCompleted\",\"Unit\":\"Count\"},{\"Name\":\"JobsRetried\",\"Unit\":\"Count\"},"
        + "{\"Name\":\"JobsDiscarded\",\"Unit\":\"Count\"},{\"Name\":\"JobsCancelled\",\"Unit\":\"Count\"},"
        + "{\"Name\":\"JobDurationMs\",\"Unit\":\"Milliseconds\"},{\"Name\":\"ClaimLatencyMs\",\"Unit\":\"Milliseconds\"},"
        + "{\"Name\":\"ConnectionsOpened\",\"Unit\":\"Count\"},{\"Name\":\"Continuations\",\"Unit\":\"Count\"}]}]},"
        + "\"JobsCompleted\":" + ProbeData.JOBS + ".0,\"JobsRetried\":0.0,\"JobsDiscarded\":0.0,\"JobsCancelled\":0.0,"
        + "\"JobDurationMs\":[41.0,38.0,45.0],\"ClaimLatencyMs\":[4.0],\"ConnectionsOpened\":1.0,\"Continuations\":0.0,"
        + "\"tenant\":\"" + tenant + "\",\"queue\":\"" + queue + "\",\"function\":\"" + ProbeData.FUNCTION + "\"}");
    ProbeData.done();
  }
}
