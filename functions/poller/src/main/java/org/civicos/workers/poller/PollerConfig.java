package org.civicos.workers.poller;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.civicos.workers.config.ConfigException;
import org.civicos.workers.config.Env;
import org.civicos.workers.db.DbSettings;
import org.civicos.workers.queue.MaintenanceSettings;
import org.civicos.workers.queue.RiverSchema;
import org.civicos.workers.runtime.QueueCatalog;
import org.civicos.workers.tenant.TenantDirectory;

/**
 * The poller's settings, read once.
 *
 * @param parallelism tenants checked at once (and so the poller's connection ceiling)
 * @param queues the queues this deployment drains; the others are left to whoever else consumes them
 */
public record PollerConfig(RiverSchema schema, DbSettings db, MaintenanceSettings maintenance, int parallelism,
    List<QueueTarget> queues, TenantDirectory tenants) {

  public static final int DEFAULT_PARALLELISM = 4;

  /**
   * Where one queue's activations go and how many.
   *
   * @param function the handler's Lambda function name or ARN (an alias such as {@code :live} for SnapStart)
   * @param jobsPerInvocation one invocation is started per this many available jobs
   * @param maxConcurrency invocations running at once, at most (the handler's reserved concurrency)
   */
  public record QueueTarget(QueueCatalog.Entry entry, String function, int jobsPerInvocation, int maxConcurrency) {
    public String queue() {
      return entry.queue();
    }
  }

  public static PollerConfig fromEnv(Env env) {
    Set<String> known = QueueCatalog.all().stream().map(QueueCatalog.Entry::queue).collect(Collectors.toSet());
    List<String> enabled = env.optional("ENABLED_QUEUES")
        .map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
        .orElse(List.copyOf(known));
    for (String queue : enabled) {
      if (!known.contains(queue)) {
        throw new ConfigException("ENABLED_QUEUES lists '" + queue + "'; known queues are " + known);
      }
    }
    List<QueueTarget> targets = new ArrayList<>();
    for (QueueCatalog.Entry entry : QueueCatalog.all()) {
      if (!enabled.contains(entry.queue())) {
        continue;
      }
      String prefix = entry.queue().toUpperCase(Locale.ROOT);
      targets.add(new QueueTarget(entry,
          env.string(prefix + "_FUNCTION", entry.function()),
          env.integer(prefix + "_JOBS_PER_INVOCATION", defaultJobsPerInvocation(entry.queue()), 1, 10_000),
          env.integer(prefix + "_MAX_CONCURRENCY", 2, 0, 1_000)));
    }
    return new PollerConfig(RiverSchema.fromEnv(env), DbSettings.fromEnv(env, "poller"),
        MaintenanceSettings.fromEnv(env), env.integer("POLLER_PARALLELISM", DEFAULT_PARALLELISM, 1, 64),
        List.copyOf(targets), TenantDirectory.fromEnv(env));
  }

  static int defaultJobsPerInvocation(String queue) {
    return switch (queue) {
      case QueueCatalog.S3_SIGNER -> 50;
      case QueueCatalog.THUMBNAILS -> 10;
      default -> 25;
    };
  }
}
