package org.civicos.workers.bench.observability;

import org.civicos.workers.config.Env;
import org.civicos.workers.log.EmfMetrics;
import org.civicos.workers.log.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * ObservabilityBench (a): what the functions do. SLF4J on logback, configured by shared's {@code LogConfigurator}
 * (found by logback's ServiceLoader, {@code LOG_FORMAT=json} → {@code JsonLogEncoder} on stdout), and
 * {@code EmfMetrics.fromEnv} as {@code Handlers} builds it, recording QueueHandler's metric set.
 */
public final class OursProbe {
  private OursProbe() {
  }

  public static void main(String[] args) {
    Logger log = LoggerFactory.getLogger(OursProbe.class);
    MDC.put("tenant", ProbeData.TENANT);
    MDC.put("queue", ProbeData.QUEUE);
    log.info(ProbeData.MESSAGE, ProbeData.JOBS, ProbeData.JOBS);
    Metrics metrics = EmfMetrics.fromEnv(Env.system(), ProbeData.FUNCTION);
    metrics.record(ProbeData.TENANT, ProbeData.QUEUE, ProbeData.values());
    ProbeData.done();
  }
}
