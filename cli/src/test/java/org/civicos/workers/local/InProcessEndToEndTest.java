package org.civicos.workers.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.civicos.workers.db.CredentialSource;
import org.civicos.workers.db.DatabaseUrl;
import org.civicos.workers.db.DbSettings;
import org.civicos.workers.poller.Poller;
import org.civicos.workers.poller.PollerConfig;
import org.civicos.workers.poller.TickReport;
import org.civicos.workers.queue.JobOutcome;
import org.civicos.workers.queue.MaintenanceSettings;
import org.civicos.workers.queue.RetryPolicy;
import org.civicos.workers.queue.RiverSchema;
import org.civicos.workers.runtime.DrainSettings;
import org.civicos.workers.runtime.JobContext;
import org.civicos.workers.runtime.JobWorker;
import org.civicos.workers.runtime.LocalInvoker;
import org.civicos.workers.runtime.QueueCatalog;
import org.civicos.workers.runtime.QueueHandler;
import org.civicos.workers.tenant.Tenant;
import org.civicos.workers.tenant.TenantDatabases;
import org.civicos.workers.tenant.TenantDirectory;
import org.civicos.workers.testing.Sql;
import org.civicos.workers.testing.TestDatabases;
import org.junit.jupiter.api.Test;

/**
 * The whole activation path in one process: three tenants (two idle) on one PostgreSQL, jobs created by the
 * Civic OS triggers and RPCs, one poller tick, handlers started through the in-process invoker with each
 * function's reserved concurrency, continuations until the queues are empty, and no connection left behind.
 */
class InProcessEndToEndTest {
  private static final RiverSchema SCHEMA = new RiverSchema("metadata");

  /** Stands in for the real workers: completes after a short pause and counts concurrent runs per tenant. */
  static final class CountingWorker implements JobWorker<Object> {
    private final String kind;
    private final ConcurrentHashMap<String, AtomicInteger> runsByTenant;

    CountingWorker(String kind, ConcurrentHashMap<String, AtomicInteger> runsByTenant) {
      this.kind = kind;
      this.runsByTenant = runsByTenant;
    }

    @Override
    public String kind() {
      return kind;
    }

    @Override
    public Class<Object> argsType() {
      return Object.class;
    }

    @Override
    public Duration timeout() {
      return Duration.ofMillis(300);
    }

    @Override
    public JobOutcome execute(JobContext context, Object args) throws Exception {
      Thread.sleep(100);
      runsByTenant.computeIfAbsent(context.tenant(), t -> new AtomicInteger()).incrementAndGet();
      return JobOutcome.completed();
    }
  }

  @Test
  void oneTickDrainsTheBusyTenantThroughContinuationsAndLeavesNoConnections() throws Exception {
    DatabaseUrl busy = TestDatabases.withCivicOs("e2e_busy");
    DatabaseUrl idleA = TestDatabases.withCivicOs("e2e_idle_a");
    DatabaseUrl idleB = TestDatabases.withCivicOs("e2e_idle_b");
    seedThroughCivicOs(busy);
    TenantDirectory tenants = new TenantDirectory(List.of(
        new Tenant("busy", busy), new Tenant("idle-a", idleA), new Tenant("idle-b", idleB)));

    ConcurrentHashMap<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    AtomicInteger continuations = new AtomicInteger();
    DbSettings handlerDb = DbSettings.local("civic-workers/e2e-handler", 1);
    try (LocalInvoker invoker = new LocalInvoker(InstantSource.system());
        TenantDatabases pollerPools = new TenantDatabases(DbSettings.local("civic-workers/e2e-poller", 1),
            CredentialSource.fromUrl())) {
      for (QueueCatalog.Entry entry : QueueCatalog.all()) {
        List<JobWorker<?>> workers = entry.spec().kinds().stream()
            .<JobWorker<?>>map(kind -> new CountingWorker(kind, runs)).toList();
        // Like a Lambda sandbox: each one its own pool of one connection per tenant.
        invoker.register(entry.function(), () -> {
          TenantDatabases pools = new TenantDatabases(handlerDb, CredentialSource.fromUrl());
          QueueHandler handler = new QueueHandler(entry.function(), entry.spec(), tenants, pools, SCHEMA,
              workers, new DrainSettings(4, 2, Duration.ofMillis(100)), invoker, InstantSource.system(),
              RetryPolicy.standard());
          return new LocalInvoker.Sandbox() {
            @Override
            public void invoke(org.civicos.workers.runtime.Activation activation,
                org.civicos.workers.runtime.Deadline deadline, String id) {
              if (activation.reason().equals("continuation")) {
                continuations.incrementAndGet();
              }
              handler.handle(activation, deadline, id, Optional.of(entry.function()));
            }

            @Override
            public void close() {
              pools.close();
            }
          };
        }, 2, Duration.ofSeconds(1));
      }
      List<PollerConfig.QueueTarget> targets = QueueCatalog.all().stream()
          .map(e -> new PollerConfig.QueueTarget(e, e.function(), 10, 2)).toList();
      Poller poller = new Poller(new PollerConfig(SCHEMA, DbSettings.local("civic-workers/e2e-poller", 1),
          MaintenanceSettings.defaults(), 2, targets, tenants), pollerPools, invoker, InstantSource.system(),
          RetryPolicy.standard());

      TickReport tick = poller.tick("e2e");
      assertThat(invoker.awaitIdle(Duration.ofSeconds(60))).isTrue();

      assertThat(tick.tenantsIdle()).isEqualTo(2);
      assertThat(tick.tenants()).filteredOn(t -> !t.tenant().equals("busy"))
          .allSatisfy(t -> assertThat(t.invocations()).containsOnly(0));
      assertThat(tick.invocationsRequested()).isEqualTo(2 + 1 + 2); // thumbnails 2 (cap), s3 1, notifications 2 (cap)
      assertThat(continuations.get()).as("the backlog needs more than one invocation's time").isPositive();
      assertThat(invoker.failures()).isZero();
      assertThat(runs.keySet()).containsExactly("busy");
      assertThat(runs.get("busy").get()).isEqualTo(40 + 5 + 20 + 2);
      assertThat(Sql.count(busy, "SELECT count(*) FROM metadata.river_job WHERE state <> 'completed'")).isZero();
      for (DatabaseUrl url : List.of(busy, idleA, idleB)) {
        assertThat(Sql.count(url, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            + "AND application_name LIKE 'civic-workers/e2e%'")).isZero();
      }
    }
  }

  private static void seedThroughCivicOs(DatabaseUrl url) {
    for (int i = 0; i < 40; i++) {
      Sql.update(url, "INSERT INTO metadata.files (entity_type, entity_id, file_name, file_type, file_size, s3_original_key) "
          + "VALUES ('Issue', ?, 'p.jpg', 'image/jpeg', 1, 'Issue/1/x/original.jpg')", Integer.toString(i));
    }
    for (int i = 0; i < 5; i++) {
      Sql.rows(url, "SELECT request_upload_url('Issue', '1', 'photo.jpg', 'image/jpeg')");
    }
    Sql.update(url, "INSERT INTO metadata.civic_os_users VALUES ('00000000-0000-0000-0000-000000000001', 'Ann')");
    Sql.update(url, "INSERT INTO metadata.notification_templates (name, subject_template, html_template, text_template) "
        + "VALUES ('t', 's', 'h', 'x')");
    for (int i = 0; i < 20; i++) {
      Sql.rows(url, "SELECT create_notification('00000000-0000-0000-0000-000000000001', 't')");
    }
    Sql.rows(url, "SELECT validate_template_parts(p_subject_template => 'x')");
    Sql.rows(url, "SELECT preview_template_parts(p_subject_template => 'x')");
  }
}
