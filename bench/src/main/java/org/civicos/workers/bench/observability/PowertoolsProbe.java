package org.civicos.workers.bench.observability;

import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * ObservabilityBench (b): Powertools for AWS Lambda (Java) v2 through its functional API, no AspectJ and no
 * annotations. Logging: powertools-logging-log4j (SLF4J on log4j2, {@code JsonTemplateLayout} with Powertools'
 * {@code LambdaJsonLayout.json}, the log4j2.xml of bench/src/observability/powertools), the Lambda context keys set
 * by {@code PowertoolsLogging.initializeLogging}; metrics: {@code MetricsFactory.getMetricsInstance()} with the
 * same metric set and dimension sets as EmfMetrics, then {@code flush()}.
 */
public final class PowertoolsProbe {
  private PowertoolsProbe() {
  }

  public static void main(String[] args) {
    PowertoolsLogging.initializeLogging(new ProbeContext());
    Logger log = LoggerFactory.getLogger(PowertoolsProbe.class);
    MDC.put("tenant", ProbeData.TENANT);
    MDC.put("queue", ProbeData.QUEUE);
    log.info(ProbeData.MESSAGE, ProbeData.JOBS, ProbeData.JOBS);
    Metrics metrics = MetricsFactory.getMetricsInstance();
    metrics.addDimension(DimensionSet.of("tenant", ProbeData.TENANT, "queue", ProbeData.QUEUE));
    metrics.addDimension(DimensionSet.of("queue", ProbeData.QUEUE));
    metrics.addMetadata("function", ProbeData.FUNCTION);
    for (Map.Entry<String, Object> value : ProbeData.values().entrySet()) {
      MetricUnit unit = value.getKey().endsWith("Ms") ? MetricUnit.MILLISECONDS : MetricUnit.COUNT;
      if (value.getValue() instanceof List<?> list) {
        for (Object v : list) {
          metrics.addMetric(value.getKey(), ((Number) v).doubleValue(), unit);
        }
      } else {
        metrics.addMetric(value.getKey(), ((Number) value.getValue()).doubleValue(), unit);
      }
    }
    metrics.flush();
    ProbeData.done();
  }
}
