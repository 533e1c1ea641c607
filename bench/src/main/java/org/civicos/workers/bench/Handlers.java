package org.civicos.workers.bench;

import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import org.civicos.workers.db.CredentialSource;
import org.civicos.workers.db.DbSettings;
import org.civicos.workers.queue.QueueSpec;
import org.civicos.workers.queue.RetryPolicy;
import org.civicos.workers.runtime.Activation;
import org.civicos.workers.runtime.Deadline;
import org.civicos.workers.runtime.DrainSettings;
import org.civicos.workers.runtime.HandlerParts;
import org.civicos.workers.runtime.Invoker;
import org.civicos.workers.runtime.JobWorker;
import org.civicos.workers.runtime.LocalInvoker;
import org.civicos.workers.runtime.QueueHandler;
import org.civicos.workers.tenant.TenantDatabases;
import org.civicos.workers.tenant.TenantDirectory;

/** Handlers wired as the function wirings do (QueueHandler, one pool of 1 per tenant, evict on release). */
public final class Handlers {
  private Handlers() {
  }

  public static HandlerParts build(String function, QueueSpec spec, TenantDirectory tenants, List<JobWorker<?>> workers,
      DrainSettings drain, Invoker invoker, String applicationName) {
    TenantDatabases pools = new TenantDatabases(DbSettings.local(applicationName, 1), CredentialSource.fromUrl());
    QueueHandler handler = new QueueHandler(function, spec, tenants, pools, Pg.SCHEMA, workers, drain, invoker,
        InstantSource.system(), RetryPolicy.standard());
    return new HandlerParts(handler, pools);
  }

  /** A LocalInvoker sandbox around a freshly built handler; continuations go back to the same function. */
  public static LocalInvoker.Sandbox sandbox(String function, QueueSpec spec, TenantDirectory tenants,
      List<JobWorker<?>> workers, DrainSettings drain, Invoker invoker, String applicationName,
      java.util.function.Consumer<TenantDatabases> pools, SandboxObserver observer) {
    HandlerParts parts = build(function, spec, tenants, workers, drain, invoker, applicationName);
    pools.accept(parts.databases());
    return new LocalInvoker.Sandbox() {
      @Override
      public void invoke(Activation activation, Deadline deadline, String id) {
        long before = opened(parts);
        QueueHandler.Result result = parts.handler().handle(activation, deadline, id, Optional.of(function));
        observer.invoked(function, activation, result, opened(parts) - before);
      }

      @Override
      public void close() {
        parts.close();
      }
    };
  }

  static long opened(HandlerParts parts) {
    return parts.databases().all().stream().mapToLong(d -> d.connectionsOpened()).sum();
  }

  /** Told after every invocation how many physical connections it opened. */
  @FunctionalInterface
  public interface SandboxObserver {
    void invoked(String function, Activation activation, QueueHandler.Result result, long connectionsOpened);
  }

  public static Duration budget() {
    return Duration.ofMinutes(15);
  }
}
