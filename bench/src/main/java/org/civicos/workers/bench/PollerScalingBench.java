package org.civicos.workers.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.civicos.workers.db.DatabaseUrl;
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
    for (int n : bench.quick ? new int[] {1, 10, 100} : new int[] {1, 10, 100, 500}) {
      while (dbs.size() < n) {
        dbs.add(Pg.riverDatabase("scale"));
      }
      Bench.log("poller: %d tenant databases ready (%.0f s creating)", n, (System.nanoTime() - createStart) / 1e9);
      List<Integer> parallelisms = n >= 100 ? List.of(1, 4, 16) : List.of(4);
      for (int p : parallelisms) {
        rows.add(measure(dbs, p, ticks));
      }
    }
    out.put("rows", rows);
    out.put("raw_connect_query_close_ms_per_tenant", rawConnect(dbs.subList(0, Math.min(100, dbs.size()))));
    out.put("database_creation_s", (System.nanoTime() - createStart) / 1e9);
  }

  /** Without HikariCP: pgjdbc connect, the one-row depth-sized query, close; serial over the tenants. */
  private static Map<String, Object> rawConnect(List<DatabaseUrl> urls) throws Exception {
    List<Double> perTenant = new ArrayList<>();
    for (int pass = 0; pass < 3; pass++) {
      long start = System.nanoTime();
      for (DatabaseUrl url : urls) {
        try (java.sql.Connection c = Pg.connect(url); java.sql.Statement st = c.createStatement();
            java.sql.ResultSet rs = st.executeQuery("SELECT count(*) FROM metadata.river_job WHERE state = 'available'")) {
          rs.next();
        }
      }
      perTenant.add((System.nanoTime() - start) / 1e6 / urls.size());
    }
    Map<String, Object> m = Stats.summary(perTenant);
    m.put("tenants", urls.size());
    return m;
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
