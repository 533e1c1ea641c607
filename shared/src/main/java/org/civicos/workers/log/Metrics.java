package org.civicos.workers.log;

import java.util.List;
import java.util.Map;

/**
 * Counters and timings per tenant and queue (the only dimensions: never a job id, so cardinality stays low).
 * In Lambda they are written as CloudWatch embedded metric format lines on stdout, which CloudWatch turns into
 * metrics with no API call; elsewhere they are off unless {@code METRICS=emf}.
 */
public interface Metrics {
  /**
   * @param tenant the tenant dimension, or null for a function-wide figure
   * @param queue the queue dimension, or null
   * @param values metric name → one value, or a list of values (e.g. every job's duration)
   */
  void record(String tenant, String queue, Map<String, Object> values);

  Metrics NONE = (tenant, queue, values) -> { };

  /** The unit CloudWatch shows for a metric, from its name's suffix. */
  static String unit(String name) {
    if (name.endsWith("Ms")) {
      return "Milliseconds";
    }
    if (name.endsWith("Seconds")) {
      return "Seconds";
    }
    return "Count";
  }

  static boolean isList(Object value) {
    return value instanceof List<?>;
  }
}
