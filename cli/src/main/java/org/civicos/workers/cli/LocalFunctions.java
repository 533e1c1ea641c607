package org.civicos.workers.cli;

import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import org.civicos.workers.aws.AwsClients;
import org.civicos.workers.aws.Handlers;
import org.civicos.workers.config.Env;
import org.civicos.workers.log.EmfMetrics;
import org.civicos.workers.notification.NotificationWiring;
import org.civicos.workers.poller.PollerConfig;
import org.civicos.workers.runtime.FunctionDefinition;
import org.civicos.workers.runtime.HandlerConfig;
import org.civicos.workers.runtime.HandlerParts;
import org.civicos.workers.runtime.JobWorker;
import org.civicos.workers.runtime.LocalInvoker;
import org.civicos.workers.runtime.QueueCatalog;
import org.civicos.workers.runtime.QueueHandler;
import org.civicos.workers.s3.S3SignerWiring;
import org.civicos.workers.tenant.TenantDatabases;
import org.civicos.workers.thumbnail.ThumbnailWiring;

/**
 * The three handler functions run in this process through a {@link LocalInvoker}, each at most at its reserved
 * concurrency. Two ways to hold connections: {@code Lambda-like} (every sandbox its own pool of one connection
 * per tenant, released after each invocation, exactly as in AWS) or {@code shared} (the consolidated mode: all
 * handlers borrow from one pool of {@code DB_MAX_CONNS} per tenant, kept open).
 */
final class LocalFunctions implements AutoCloseable {
  static final List<FunctionDefinition> DEFINITIONS = List.of(
      S3SignerWiring.DEFINITION, ThumbnailWiring.DEFINITION, NotificationWiring.DEFINITION);

  /** The Lambda timeouts template.yaml sets, standing in for them here. */
  static final Map<String, Duration> TIMEOUTS = Map.of(
      QueueCatalog.S3_SIGNER, Duration.ofSeconds(60),
      QueueCatalog.THUMBNAILS, Duration.ofSeconds(300),
      QueueCatalog.NOTIFICATIONS, Duration.ofSeconds(120));

  /** What the handlers did, per queue, since start. */
  static final class Stats {
    final Map<String, AtomicLong> invocations = new ConcurrentHashMap<>();
    final Map<String, AtomicLong> completed = new ConcurrentHashMap<>();
    final Map<String, AtomicLong> failed = new ConcurrentHashMap<>();
    final Map<String, AtomicLong> continuations = new ConcurrentHashMap<>();

    void record(QueueHandler.Result result) {
      String queue = result.activation().queue();
      add(invocations, queue, 1);
      if (result.report() != null) {
        add(completed, queue, result.report().completed());
        add(failed, queue, result.report().retried() + result.report().discarded() + result.report().cancelled());
      }
      if (result.continued()) {
        add(continuations, queue, 1);
      }
    }

    long get(Map<String, AtomicLong> map, String queue) {
      AtomicLong value = map.get(queue);
      return value == null ? 0 : value.get();
    }

    private static void add(Map<String, AtomicLong> map, String queue, long n) {
      map.computeIfAbsent(queue, q -> new AtomicLong()).addAndGet(n);
    }
  }

  private final LocalInvoker invoker = new LocalInvoker(InstantSource.system());
  private final Stats stats = new Stats();
  private final Optional<TenantDatabases> shared;

  /**
   * @param shared pools all handlers share (consolidated mode), or empty for one pool per sandbox
   * @param workers builds a function's workers (so local modes can swap the mail transport)
   */
  LocalFunctions(Env env, AwsClients aws, PollerConfig poller, Optional<TenantDatabases> shared,
      BiFunction<FunctionDefinition, Env, List<JobWorker<?>>> workers) {
    this.shared = shared;
    Duration override = env.optional("FUNCTION_TIMEOUT").map(v -> env.duration("FUNCTION_TIMEOUT", Duration.ZERO,
        Duration.ofSeconds(1))).orElse(null);
    for (PollerConfig.QueueTarget target : poller.queues()) {
      FunctionDefinition definition = DEFINITIONS.stream().filter(d -> d.queue().equals(target.queue()))
          .findFirst().orElseThrow();
      Duration timeout = override != null ? override : TIMEOUTS.get(target.queue());
      invoker.register(target.function(), () -> sandbox(definition, target.function(), env, aws, workers),
          Math.max(1, target.maxConcurrency()), timeout);
    }
  }

  private LocalInvoker.Sandbox sandbox(FunctionDefinition definition, String name, Env env, AwsClients aws,
      BiFunction<FunctionDefinition, Env, List<JobWorker<?>>> workers) {
    HandlerConfig config = Handlers.config(definition, env);
    TenantDatabases pools = shared.orElseGet(() -> new TenantDatabases(config.db(),
        org.civicos.workers.aws.DatabaseCredentials.forSettings(config.db(), aws)));
    QueueHandler handler = Handlers.handler(definition, config, pools, workers.apply(definition, env), invoker,
        EmfMetrics.fromEnv(env, definition.function()));
    HandlerParts parts = new HandlerParts(handler, pools);
    return new LocalInvoker.Sandbox() {
      @Override
      public void invoke(org.civicos.workers.runtime.Activation activation, org.civicos.workers.runtime.Deadline deadline,
          String invocationId) {
        stats.record(handler.handle(activation, deadline, invocationId, Optional.of(name)));
      }

      @Override
      public void close() {
        if (shared.isEmpty()) {
          parts.close();
        }
      }
    };
  }

  LocalInvoker invoker() {
    return invoker;
  }

  Stats stats() {
    return stats;
  }

  @Override
  public void close() {
    invoker.close();
  }
}
