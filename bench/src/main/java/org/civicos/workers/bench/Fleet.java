package org.civicos.workers.bench;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.civicos.workers.db.CredentialSource;
import org.civicos.workers.db.DbSettings;
import org.civicos.workers.poller.Poller;
import org.civicos.workers.poller.PollerConfig;
import org.civicos.workers.queue.MaintenanceSettings;
import org.civicos.workers.queue.RetryPolicy;
import org.civicos.workers.runtime.DrainSettings;
import org.civicos.workers.runtime.JobWorker;
import org.civicos.workers.runtime.LocalInvoker;
import org.civicos.workers.runtime.QueueCatalog;
import org.civicos.workers.tenant.TenantDatabases;
import org.civicos.workers.tenant.TenantDirectory;

/**
 * Local mode as the tests wire it: the real Poller and the real QueueHandlers behind the LocalInvoker (one
 * sandbox per concurrent invocation, reserved concurrency per function, each sandbox with its own pools of one),
 * with no-op workers for the real kinds so that only the activation and connection machinery is measured.
 */
public final class Fleet implements AutoCloseable {
  public static final String POLLER_APP = "civic-workers/bench-poller";
  public static final String HANDLER_APP_PREFIX = "civic-workers/bench-h-";

  public final LocalInvoker invoker = new LocalInvoker(InstantSource.system());
  public final TenantDatabases pollerPools;
  public final Poller poller;
  public final AtomicLong invocations = new AtomicLong();
  public final AtomicLong connectionsOpened = new AtomicLong();
  public final AtomicLong invocationsWithOtherThanOne = new AtomicLong();
  public final AtomicLong maxPerInvocation = new AtomicLong();
  public final AtomicLong jobsCompleted = new AtomicLong();
  private final java.util.Queue<TenantDatabases> handlerPools = new java.util.concurrent.ConcurrentLinkedQueue<>();

  public Fleet(TenantDirectory tenants, List<QueueCatalog.Entry> queues, int reserved, int pollerParallelism,
      long jobMillis, DrainSettings drain) {
    for (QueueCatalog.Entry entry : queues) {
      List<JobWorker<?>> workers = new ArrayList<>();
      for (String kind : entry.spec().kinds()) {
        workers.add(new NoopWorker(kind, jobMillis));
      }
      invoker.register(entry.function(), () -> Handlers.sandbox(entry.function(), entry.spec(), tenants, workers, drain,
          invoker, HANDLER_APP_PREFIX + entry.function(), handlerPools::add, (function, activation, result, opened) -> {
            invocations.incrementAndGet();
            connectionsOpened.addAndGet(opened);
            maxPerInvocation.accumulateAndGet(opened, Math::max);
            if (opened != 1) {
              invocationsWithOtherThanOne.incrementAndGet();
            }
            if (result.report() != null) {
              jobsCompleted.addAndGet(result.report().completed());
            }
          }), reserved, Handlers.budget());
    }
    List<PollerConfig.QueueTarget> targets = queues.stream()
        .map(e -> new PollerConfig.QueueTarget(e, e.function(), jobsPerInvocation(e), reserved)).toList();
    DbSettings pollerDb = DbSettings.local(POLLER_APP, 1);
    pollerPools = new TenantDatabases(pollerDb, CredentialSource.fromUrl());
    poller = new Poller(new PollerConfig(Pg.SCHEMA, pollerDb, MaintenanceSettings.defaults(), pollerParallelism,
        targets, tenants), pollerPools, invoker, InstantSource.system(), RetryPolicy.standard());
  }

  /** The production defaults (PollerConfig): 50, 10, 25. */
  static int jobsPerInvocation(QueueCatalog.Entry e) {
    return switch (e.queue()) {
      case QueueCatalog.S3_SIGNER -> 50;
      case QueueCatalog.THUMBNAILS -> 10;
      default -> 25;
    };
  }

  public long pollerConnectionsOpened() {
    return pollerPools.all().stream().mapToLong(d -> d.connectionsOpened()).sum();
  }

  /** Physical connections the poller holds open right now, counted on our side. */
  public long pollerConnectionsOpen() {
    return pollerPools.all().stream().mapToLong(d -> d.physicalConnections()).sum();
  }

  /** Physical connections the handler sandboxes hold open right now, counted on our side. */
  public long handlerConnectionsOpen() {
    return handlerPools.stream().flatMap(p -> p.all().stream()).mapToLong(d -> d.physicalConnections()).sum();
  }

  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    return invoker.awaitIdle(timeout);
  }

  @Override
  public void close() {
    invoker.close();
    pollerPools.close();
  }
}
