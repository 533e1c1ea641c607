package org.civicos.workers.log;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.civicos.workers.config.Env;

/**
 * CloudWatch embedded metric format: one JSON object per line with an {@code _aws} block declaring the
 * namespace, the dimension sets and the metrics, and the values at the top level. Each record is published with
 * three dimension sets — {@code [tenant, queue]}, {@code [queue]} and none — so an alarm can watch the total
 * without naming every tenant.
 */
public final class EmfMetrics implements Metrics {
  public static final String DEFAULT_NAMESPACE = "CivicWorkers";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PrintStream out;
  private final String namespace;
  private final String function;
  private final InstantSource clock;

  public EmfMetrics(PrintStream out, String namespace, String function, InstantSource clock) {
    this.out = out;
    this.namespace = namespace;
    this.function = function;
    this.clock = clock;
  }

  /** EMF in Lambda (or with {@code METRICS=emf}); nothing with {@code METRICS=off} or outside Lambda. */
  public static Metrics fromEnv(Env env, String function) {
    boolean inLambda = env.optional("AWS_LAMBDA_FUNCTION_NAME").isPresent();
    String mode = env.string("METRICS", inLambda ? "emf" : "off");
    if (!mode.equalsIgnoreCase("emf")) {
      return Metrics.NONE;
    }
    return new EmfMetrics(System.out, env.string("METRICS_NAMESPACE", DEFAULT_NAMESPACE), function,
        InstantSource.system());
  }

  /** EMF takes at most 100 values per metric per line: longer lists go out over several lines. */
  static final int MAX_VALUES = 100;

  @Override
  public void record(String tenant, String queue, Map<String, Object> values) {
    if (values.isEmpty()) {
      return;
    }
    Map<String, Object> first = new java.util.LinkedHashMap<>();
    Map<String, Object> rest = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, Object> value : values.entrySet()) {
      if (value.getValue() instanceof List<?> list) {
        if (list.isEmpty()) {
          continue;
        }
        first.put(value.getKey(), list.subList(0, Math.min(MAX_VALUES, list.size())));
        if (list.size() > MAX_VALUES) {
          rest.put(value.getKey(), list.subList(MAX_VALUES, list.size()));
        }
      } else {
        first.put(value.getKey(), value.getValue());
      }
    }
    write(tenant, queue, first);
    if (!rest.isEmpty()) {
      record(tenant, queue, rest);
    }
  }

  private void write(String tenant, String queue, Map<String, Object> values) {
    if (values.isEmpty()) {
      return;
    }
    ObjectNode line = JSON.createObjectNode();
    ObjectNode aws = line.putObject("_aws");
    aws.put("Timestamp", clock.millis());
    ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
    directive.put("Namespace", namespace);
    ArrayNode dimensionSets = directive.putArray("Dimensions");
    List<String> dims = new ArrayList<>();
    if (tenant != null) {
      dims.add("tenant");
    }
    if (queue != null) {
      dims.add("queue");
    }
    ArrayNode full = dimensionSets.addArray();
    dims.forEach(full::add);
    if (dims.size() == 2) {
      dimensionSets.addArray().add("queue");
    }
    if (!dims.isEmpty()) {
      dimensionSets.addArray();
    }
    ArrayNode metrics = directive.putArray("Metrics");
    for (Map.Entry<String, Object> value : values.entrySet()) {
      metrics.addObject().put("Name", value.getKey()).put("Unit", Metrics.unit(value.getKey()));
      if (value.getValue() instanceof List<?> list) {
        ArrayNode array = line.putArray(value.getKey());
        list.forEach(v -> array.add(((Number) v).doubleValue()));
      } else {
        line.put(value.getKey(), ((Number) value.getValue()).doubleValue());
      }
    }
    if (tenant != null) {
      line.put("tenant", tenant);
    }
    if (queue != null) {
      line.put("queue", queue);
    }
    line.put("function", function);
    synchronized (out) {
      out.println(line);
    }
  }
}
