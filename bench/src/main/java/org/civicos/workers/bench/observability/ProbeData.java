package org.civicos.workers.bench.observability;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every observability probe emits: one INFO line with the MDC keys {@code tenant} and {@code queue}, and one
 * metric set like {@code QueueHandler}'s at the end of an invocation (three jobs completed).
 */
final class ProbeData {
  static final String FUNCTION = "thumbnail-worker";
  static final String TENANT = "tenant-a";
  static final String QUEUE = "thumbnails";
  static final String MESSAGE = "invocation done: {} claimed, {} completed";
  static final int JOBS = 3;

  private ProbeData() {
  }

  /** QueueHandler's metric set, in its order: counts, then one value per job for the timings. */
  static Map<String, Object> values() {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("JobsCompleted", JOBS);
    values.put("JobsRetried", 0);
    values.put("JobsDiscarded", 0);
    values.put("JobsCancelled", 0);
    values.put("JobDurationMs", List.of(41L, 38L, 45L));
    values.put("ClaimLatencyMs", List.of(4L));
    values.put("ConnectionsOpened", 1);
    values.put("Continuations", 0);
    return values;
  }

  /** The probe is done once both lines are out: leave without shutdown hooks, as InitProbe does. */
  static void done() {
    System.out.flush();
    Runtime.getRuntime().halt(0);
  }
}
