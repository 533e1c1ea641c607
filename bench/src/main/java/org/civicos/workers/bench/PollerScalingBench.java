package org.civicos.workers.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.time.InstantSource;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.civicos.workers.db.CredentialSource;
import org.civicos.workers.db.Database;
import org.civicos.workers.db.DatabaseUrl;
import org.civicos.workers.db.DbSettings;
import org.civicos.workers.queue.MaintenanceSettings;
import org.civicos.workers.queue.QueueDepthReader;
import org.civicos.workers.queue.QueueSpec;
import org.civicos.workers.poller.TickReport;
import org.civicos.workers.runtime.DrainSettings;
import org.civicos.workers.runtime.QueueCatalog;
import org.civicos.workers.tenant.Tenant;
import org.civicos.workers.tenant.TenantDirectory;
import org.civicos.workers.testing.PostgresServer;
import org.civicos.workers.testing.Sql;

/**
 * Goal 3: poller tick time over 1, 10, 100 and 500 idle tenant databases on one server, statements per tenant
 * from pg_stat_statements (server side), at the default parallelism and, for the larger fleets, at 1 and 16.
 * Beside every row, in the same run and at the same parallelism, two baselines without the poller: pgjdbc
 * connect + the poller's depth statement + close, and connect + a one-line count + close (the floor).
 */
final class PollerScalingBench {
  private final Bench bench;

  PollerScalingBench(Bench bench) {
    this.bench = bench;
  }

  void run() throws Exception {
    Map<String, Object> out = bench.section("poller");
    PostgresServer.execute(Pg.admin(), "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
    int ticks = bench.pick(4, 3);
    out.put("measured_ticks", ticks);
    List<DatabaseUrl> dbs = new ArrayList<>();
    List<Map<String, Object>> rows = new ArrayList<>();
    long createStart = System.nanoTime();
    int warmTicks = bench.pick(40, 15);
    out.put("jit_warmup_ticks", warmTicks);
    warmUp(warmTicks);
    for (int n : bench.quick ? new int[] {1, 10, 100} : new int[] {1, 10, 100, 500}) {
      while (dbs.size() < n) {
        dbs.add(Pg.riverDatabase("scale"));
      }
      Bench.log("poller: %d tenant databases ready (%.0f s creating)", n, (System.nanoTime() - createStart) / 1e9);
      List<Integer> parallelisms = n >= 100 ? List.of(1, 4, 16) : List.of(4);
      for (int p : parallelisms) {
        Map<String, Object> row = measure(dbs, p, ticks);
        row.put("baseline_depth_ms_per_tenant", baseline(dbs, p, true));
        row.put("baseline_floor_ms_per_tenant", baseline(dbs, p, false));
        Bench.log("poller: baselines %s / %s", row.get("baseline_depth_ms_per_tenant"),
            row.get("baseline_floor_ms_per_tenant"));
        rows.add(row);
      }
    }
    out.put("rows", rows);
    out.put("database_creation_s", (System.nanoTime() - createStart) / 1e9);
  }

  /**
   * The small fleets are measured first; without this their ticks would run on a cold JIT and look slower per
   * tenant than the large ones. Ticks over 10 throw-away tenant databases, not measured.
   */
  private static void warmUp(int ticks) throws Exception {
    List<Tenant> list = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      list.add(new Tenant("w" + i, Pg.riverDatabase("warm")));
    }
    try (Fleet fleet = new Fleet(new TenantDirectory(list), QueueCatalog.all(), 2, 4, 0,
        new DrainSettings(10, 2, Duration.ZERO))) {
      for (int t = 0; t < ticks; t++) {
        fleet.poller.tick("warm-" + t);
      }
    }
    for (int pass = 0; pass < 3; pass++) {
      baselinePass(list.stream().map(Tenant::database).toList(), 4, true);
      baselinePass(list.stream().map(Tenant::database).toList(), 4, false);
    }
    Bench.log("poller: JIT warm-up done (%d ticks over 10 tenants)", ticks);
  }

  /**
   * Without the poller, on {@code parallelism} threads: pgjdbc connect, one statement, close, for every tenant.
   * {@code depth}: the poller's own depth statement through {@link QueueDepthReader} on a connection of its own
   * (what a tenant check costs the server and the driver); otherwise a one-line count (the floor: connection
   * setup and teardown). Median of 3 passes, ms per tenant.
   */
  private static Map<String, Object> baseline(List<DatabaseUrl> urls, int parallelism, boolean depth)
      throws Exception {
    List<Double> perTenant = new ArrayList<>();
    for (int pass = 0; pass < 3; pass++) {
      perTenant.add(baselinePass(urls, parallelism, depth) / urls.size());
    }
    return Stats.summary(perTenant);
  }

  private static double baselinePass(List<DatabaseUrl> urls, int parallelism, boolean depth) throws Exception {
    List<QueueSpec> specs = QueueCatalog.all().stream().map(QueueCatalog.Entry::spec).toList();
    DbSettings settings = DbSettings.local("civic-workers/bench-baseline", 1);
    long start = System.nanoTime();
    try (ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, urls.size()))) {
      List<Future<?>> done = new ArrayList<>();
      for (DatabaseUrl url : urls) {
        done.add(pool.submit(() -> {
          if (depth) {
            try (Database database = new Database("baseline", url, settings, CredentialSource.fromUrl())) {
              new QueueDepthReader(database, Pg.SCHEMA, InstantSource.system(), MaintenanceSettings.defaults())
                  .read(specs);
            }
          } else {
            try (java.sql.Connection c = Pg.connect(url); java.sql.Statement st = c.createStatement();
                java.sql.ResultSet rs = st.executeQuery(
                    "SELECT count(*) FROM metadata.river_job WHERE state = 'available'")) {
              rs.next();
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    }
    return (System.nanoTime() - start) / 1e6;
  }

  private Map<String, Object> measure(List<DatabaseUrl> urls, int parallelism, int ticks) throws Exception {
    List<Tenant> list = new ArrayList<>();
    for (int i = 0; i < urls.size(); i++) {
      list.add(new Tenant("t" + i, urls.get(i)));
    }
    Map<String, Object> row = new LinkedHashMap<>();
    try (Fleet fleet = new Fleet(new TenantDirectory(list), QueueCatalog.all(), 2, parallelism, 0,
        new DrainSettings(10, 2, Duration.ZERO))) {
      TickReport first = fleet.poller.tick("warm");
      Sql.rows(Pg.admin(), "SELECT pg_stat_statements_reset()");
      long openedBefore = fleet.pollerConnectionsOpened();
      List<Double> millis = new ArrayList<>();
      for (int t = 0; t < ticks; t++) {
        TickReport r = fleet.poller.tick("scale-" + t);
        if (r.tenantsFailed() > 0 || r.invocationsRequested() > 0) {
          throw new IllegalStateException("tick over idle tenants failed or invoked: " + r.tenantsFailed() + " failed");
        }
        millis.add((double) r.durationMillis());
      }
      long statements = Sql.count(Pg.admin(), """
          SELECT coalesce(sum(s.calls), 0)::bigint FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
          WHERE d.datname LIKE 'b_scale_%'""");
      int n = urls.size();
      row.put("tenants", n);
      row.put("parallelism", parallelism);
      row.put("first_tick_ms", first.durationMillis());
      row.put("tick_ms", Stats.summary(millis));
      row.put("ms_per_tenant", Stats.median(millis) / n);
      row.put("statements_per_tenant", statements / (double) (n * ticks));
      row.put("connections_per_tenant", (fleet.pollerConnectionsOpened() - openedBefore) / (double) (n * ticks));
    }
    Bench.log("poller: %s", row);
    return row;
  }
}
