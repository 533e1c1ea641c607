package org.civicos.workers.poller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.civicos.workers.db.CredentialSource;
import org.civicos.workers.db.DatabaseUrl;
import org.civicos.workers.db.DbSettings;
import org.civicos.workers.queue.MaintenanceSettings;
import org.civicos.workers.queue.QueueDepth;
import org.civicos.workers.queue.RetryPolicy;
import org.civicos.workers.queue.RiverSchema;
import org.civicos.workers.runtime.Activation;
import org.civicos.workers.runtime.QueueCatalog;
import org.civicos.workers.tenant.Tenant;
import org.civicos.workers.tenant.TenantDatabases;
import org.civicos.workers.tenant.TenantDirectory;
import org.civicos.workers.testing.Sql;
import org.civicos.workers.testing.StatementCounter;
import org.civicos.workers.testing.TestDatabases;
import org.junit.jupiter.api.Test;

class PollerTest {
  private static final RiverSchema SCHEMA = new RiverSchema("metadata");
  private static final String APP = "civic-workers/poller-test";

  private record Sent(String function, Activation activation) {
  }

  private static PollerConfig config(List<Tenant> tenants, int jobsPerInvocation, int maxConcurrency) {
    List<PollerConfig.QueueTarget> targets = QueueCatalog.all().stream()
        .map(e -> new PollerConfig.QueueTarget(e, e.function() + "-fn", jobsPerInvocation, maxConcurrency))
        .toList();
    return new PollerConfig(SCHEMA, DbSettings.local(APP, 1), MaintenanceSettings.defaults(), 2, targets,
        new TenantDirectory(tenants));
  }

  @Test
  void fanOutIsDepthOverJobsPerInvocationCappedByFreeConcurrency() {
    PollerConfig.QueueTarget target = new PollerConfig.QueueTarget(QueueCatalog.all().get(0), "f", 10, 5);
    assertThat(Poller.fanOut(depth(0, 0, false), target)).isZero();
    assertThat(Poller.fanOut(depth(1, 0, false), target)).isEqualTo(1);
    assertThat(Poller.fanOut(depth(10, 0, false), target)).isEqualTo(1);
    assertThat(Poller.fanOut(depth(11, 0, false), target)).isEqualTo(2);
    assertThat(Poller.fanOut(depth(1000, 0, false), target)).isEqualTo(5);
    assertThat(Poller.fanOut(depth(1000, 3, false), target)).isEqualTo(2);
    assertThat(Poller.fanOut(depth(1000, 9, false), target)).isZero();
    assertThat(Poller.fanOut(depth(1000, 0, true), target)).as("paused").isZero();
  }

  private static QueueDepth depth(long available, long runningInvocations, boolean paused) {
    return new QueueDepth("s3_signer", available, 0, runningInvocations, runningInvocations, paused, null);
  }

  @Test
  void invokesHandlersOnlyForBusyTenantsAndHoldsNoConnectionAfterTheTick() {
    DatabaseUrl busy = TestDatabases.withCivicOs("poll_busy");
    DatabaseUrl idleA = TestDatabases.withCivicOs("poll_idle_a");
    DatabaseUrl idleB = TestDatabases.withCivicOs("poll_idle_b");
    Sql.insertJobs(busy, "metadata", "thumbnails", "thumbnail_generate", 25, "{\"file_id\": \"x\"}");
    Sql.insertJobs(busy, "metadata", "s3_signer", "s3_presign", 3, "{}");
    Sql.insertJobs(busy, "metadata", "notifications", "some_go_only_kind", 40, "{}");
    List<Tenant> tenants = List.of(new Tenant("busy", busy), new Tenant("idle-a", idleA), new Tenant("idle-b", idleB));
    List<Sent> sent = Collections.synchronizedList(new ArrayList<>());
    try (TenantDatabases dbs = new TenantDatabases(DbSettings.local(APP, 1), CredentialSource.fromUrl())) {
      Poller poller = new Poller(config(tenants, 10, 2), dbs, (f, a) -> sent.add(new Sent(f, a)),
          InstantSource.system(), RetryPolicy.standard());

      TickReport report = poller.tick("tick-1");

      assertThat(report.tenantsChecked()).isEqualTo(3);
      assertThat(report.tenantsFailed()).isZero();
      assertThat(sent).extracting(s -> s.activation().tenant()).containsOnly("busy");
      // thumbnails: ceil(25 / 10) = 3, capped at max concurrency 2; s3_signer: 1; notifications: not our kind
      assertThat(sent).extracting(s -> s.function() + ":" + s.activation().queue() + ":" + s.activation().reason())
          .containsExactlyInAnyOrder("thumbnail-worker-fn:thumbnails:poll", "thumbnail-worker-fn:thumbnails:poll",
              "s3-signer-fn:s3_signer:poll");
      for (DatabaseUrl url : List.of(busy, idleA, idleB)) {
        assertThat(Sql.connectionsOf(url, APP)).isZero();
      }
      // First tick on a new database creates our river_queue rows (maintenance under the lease).
      assertThat(Sql.count(idleA, "SELECT count(*) FROM metadata.river_queue")).isEqualTo(3);
      assertThat(Sql.count(idleA, "SELECT count(*) FROM metadata.river_leader")).isZero();
    }
  }

  @Test
  void anIdleTenantCostsOneStatementPerTick() {
    assumeTrue(StatementCounter.available(), "pg_stat_statements is preloaded in the embedded server");
    DatabaseUrl idle = TestDatabases.withCivicOs("poll_cost");
    List<Tenant> tenants = List.of(new Tenant("idle", idle));
    try (TenantDatabases dbs = new TenantDatabases(DbSettings.local(APP, 1), CredentialSource.fromUrl())) {
      Poller poller = new Poller(config(tenants, 10, 2), dbs, (f, a) -> {
        throw new AssertionError("no invocation expected");
      }, InstantSource.system(), RetryPolicy.standard());
      poller.tick("warm-up"); // creates the river_queue rows
      StatementCounter counter = new StatementCounter(idle);
      counter.reset();
      TickReport report = poller.tick("tick-2");
      assertThat(report.tenantsIdle()).isEqualTo(1);
      List<Map<String, Object>> statements = Sql.rows(idle, """
          SELECT query, calls FROM pg_stat_statements
          WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
            AND query NOT LIKE '%pg_stat_statements%'""");
      assertThat(statements).hasSize(1);
      assertThat((String) statements.get(0).get("query")).contains("WITH spec AS");
      assertThat(((Number) statements.get(0).get("calls")).longValue()).isEqualTo(1);
    }
  }

  @Test
  void aTenantWhoseDatabaseIsDownDoesNotStopTheOthers() {
    DatabaseUrl busy = TestDatabases.withCivicOs("poll_partial");
    Sql.insertJobs(busy, "metadata", "s3_signer", "s3_presign", 1, "{}");
    DatabaseUrl missing = busy.withDatabase("no_such_database");
    List<Sent> sent = Collections.synchronizedList(new ArrayList<>());
    try (TenantDatabases dbs = new TenantDatabases(DbSettings.local(APP, 1), CredentialSource.fromUrl())) {
      Poller poller = new Poller(config(List.of(new Tenant("gone", missing), new Tenant("busy", busy)), 10, 2), dbs,
          (f, a) -> sent.add(new Sent(f, a)), InstantSource.system(), RetryPolicy.standard());
      TickReport report = poller.tick("tick-3");
      assertThat(report.tenantsFailed()).isEqualTo(1);
      assertThat(report.tenants()).filteredOn(t -> t.tenant().equals("gone")).first()
          .extracting(TickReport.TenantResult::error).asString().contains("no_such_database");
      assertThat(sent).hasSize(1);
    }
  }
}
