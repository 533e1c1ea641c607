package org.civicos.workers.poller;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.civicos.workers.WorkersException;
import org.civicos.workers.db.Database;
import org.civicos.workers.log.Metrics;
import org.civicos.workers.queue.Maintenance;
import org.civicos.workers.queue.QueueDepth;
import org.civicos.workers.queue.QueueDepthReader;
import org.civicos.workers.queue.QueueSpec;
import org.civicos.workers.queue.RetryPolicy;
import org.civicos.workers.queue.TenantSnapshot;
import org.civicos.workers.runtime.Activation;
import org.civicos.workers.runtime.Invoker;
import org.civicos.workers.tenant.Tenant;
import org.civicos.workers.tenant.TenantDatabases;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One tick: for every tenant (at most {@code parallelism} at once) borrow one connection, read depth with one
 * statement, run the maintenance that statement says is due, release the connection; then start
 * {@code min(ceil(depth / jobsPerInvocation), maxConcurrency - running)} handler invocations per queue. An idle
 * tenant costs one statement and no invocation.
 */
public final class Poller {
  private static final Logger LOG = LoggerFactory.getLogger(Poller.class);

  private final PollerConfig config;
  private final TenantDatabases databases;
  private final Invoker invoker;
  private final InstantSource clock;
  private final RetryPolicy retryPolicy;
  private final List<QueueSpec> specs;
  private final Map<String, PollerConfig.QueueTarget> targets;
  private final Metrics metrics;

  public Poller(PollerConfig config, TenantDatabases databases, Invoker invoker, InstantSource clock,
      RetryPolicy retryPolicy) {
    this(config, databases, invoker, clock, retryPolicy, Metrics.NONE);
  }

  public Poller(PollerConfig config, TenantDatabases databases, Invoker invoker, InstantSource clock,
      RetryPolicy retryPolicy, Metrics metrics) {
    this.config = config;
    this.databases = databases;
    this.invoker = invoker;
    this.clock = clock;
    this.retryPolicy = retryPolicy;
    this.specs = config.queues().stream().map(t -> t.entry().spec()).toList();
    this.targets = config.queues().stream().collect(Collectors.toMap(PollerConfig.QueueTarget::queue, Function.identity()));
    this.metrics = metrics;
  }

  public TenantDatabases databases() {
    return databases;
  }

  public TickReport tick(String tickId) {
    long started = System.nanoTime();
    List<Tenant> tenants = config.tenants().all();
    List<TickReport.TenantResult> results = new ArrayList<>(tenants.size());
    try (ExecutorService pool = Executors.newFixedThreadPool(Math.min(config.parallelism(), tenants.size()),
        Thread.ofPlatform().daemon().name("poll-", 0).factory())) {
      List<Future<TickReport.TenantResult>> futures = new ArrayList<>();
      for (Tenant tenant : tenants) {
        futures.add(pool.submit(() -> checkTenant(tenant, tickId)));
      }
      for (Future<TickReport.TenantResult> future : futures) {
        results.add(future.get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WorkersException("poller tick interrupted", e);
    } catch (ExecutionException e) {
      throw new WorkersException("poller tick failed", e.getCause());
    }
    int idle = (int) results.stream().filter(TickReport.TenantResult::idle).count();
    int failed = (int) results.stream().filter(r -> r.error() != null).count();
    int requested = results.stream().mapToInt(r -> r.invocations().stream().mapToInt(Integer::intValue).sum()).sum();
    int invokeFailures = results.stream().mapToInt(TickReport.TenantResult::invocationsFailed).sum();
    long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
    metrics.record(null, null, Map.of("TenantsChecked", results.size(), "TenantsFailed", failed,
        "InvocationsRequested", requested, "TickDurationMs", millis));
    LOG.atInfo()
        .addKeyValue("tenants_checked", results.size())
        .addKeyValue("tenants_idle", idle)
        .addKeyValue("tenants_failed", failed)
        .addKeyValue("invocations_requested", requested)
        .addKeyValue("duration_ms", millis)
        .log("tick done: {} tenants, {} idle, {} invocations", results.size(), idle, requested);
    return new TickReport(results.size(), idle, failed, requested, invokeFailures, millis, results);
  }

  TickReport.TenantResult checkTenant(Tenant tenant, String tickId) {
    MDC.put("tenant", tenant.id());
    try {
      Database database = databases.of(tenant);
      TenantSnapshot snapshot;
      Maintenance.Report maintenance = null;
      try {
        QueueDepthReader reader = new QueueDepthReader(database, config.schema(), clock, config.maintenance());
        snapshot = reader.read(specs);
        if (snapshot.needs().any()) {
          maintenance = new Maintenance(database, config.schema(), config.maintenance(), clock, retryPolicy)
              .run(snapshot.needs(), targets.keySet(), leaderId(tickId));
          if (maintenance.promoted() + maintenance.rescued() > 0) {
            snapshot = reader.read(specs);
          }
        }
      } finally {
        database.release();
      }
      List<Integer> invocations = new ArrayList<>();
      int failures = 0;
      for (QueueDepth depth : snapshot.queues()) {
        PollerConfig.QueueTarget target = targets.get(depth.queue());
        int wanted = fanOut(depth, target);
        int sent = 0;
        for (int i = 0; i < wanted; i++) {
          try {
            invoker.invokeAsync(target.function(), new Activation(tenant.id(), depth.queue(), Activation.POLL));
            sent++;
          } catch (RuntimeException e) {
            failures++;
            LOG.atError().addKeyValue("queue", depth.queue()).setCause(e)
                .log("could not invoke {} for {}", target.function(), depth.queue());
          }
        }
        invocations.add(sent);
        Map<String, Object> values = new java.util.LinkedHashMap<>();
        values.put("QueueDepth", depth.availableNow());
        values.put("InvocationsRequested", sent);
        if (depth.oldestAvailable() != null) {
          values.put("OldestAvailableAgeSeconds",
              Math.max(0, Duration.between(depth.oldestAvailable(), clock.instant()).toSeconds()));
        }
        metrics.record(tenant.id(), depth.queue(), values);
        if (depth.availableNow() > 0 || depth.runningJobs() > 0) {
          LOG.atInfo().addKeyValue("queue", depth.queue())
              .addKeyValue("available", depth.availableNow())
              .addKeyValue("due_soon", depth.dueSoon())
              .addKeyValue("running", depth.runningJobs())
              .addKeyValue("running_invocations", depth.runningInvocations())
              .addKeyValue("paused", depth.paused())
              .addKeyValue("invocations", sent)
              .log("queue {}: {} available, {} invocations", depth.queue(), depth.availableNow(), sent);
        }
      }
      return new TickReport.TenantResult(tenant.id(), snapshot.queues(), maintenance, invocations, failures, null);
    } catch (RuntimeException e) {
      LOG.atError().setCause(e).log("tenant {} could not be checked: {}", tenant.id(), e.getMessage());
      return new TickReport.TenantResult(tenant.id(), List.of(), null, List.of(), 0, e.getMessage());
    } finally {
      MDC.remove("tenant");
    }
  }

  /** {@code min(ceil(depth / jobsPerInvocation), maxConcurrency - running)}, never negative, 0 when paused. */
  static int fanOut(QueueDepth depth, PollerConfig.QueueTarget target) {
    if (!depth.hasWork()) {
      return 0;
    }
    long byDepth = (depth.availableNow() + target.jobsPerInvocation() - 1) / target.jobsPerInvocation();
    long headroom = target.maxConcurrency() - depth.runningInvocations();
    return (int) Math.max(0, Math.min(byDepth, headroom));
  }

  private static String leaderId(String tickId) {
    String id = "civic-workers-poller_" + tickId;
    return id.length() > 127 ? id.substring(0, 127) : id;
  }
}
