package org.civicos.workers.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.civicos.workers.db.DatabaseUrl;
import org.civicos.workers.poller.TickReport;
import org.civicos.workers.runtime.DrainSettings;
import org.civicos.workers.runtime.QueueCatalog;
import org.civicos.workers.tenant.Tenant;
import org.civicos.workers.tenant.TenantDirectory;
import org.civicos.workers.testing.Sql;

/**
 * Goal 2: worker connections seen by the server (pg_stat_activity every 50 ms) with 50 idle tenants, with every
 * queue loaded, and the same through PgBouncer in transaction mode.
 */
final class ConnectionsBench {
  static final int TENANTS = 50;
  static final int POLLER_PARALLELISM = 4;
  static final int RESERVED = 2;
  static final long SAMPLE_MS = 50;
  private static final String PREFIX = "conn";
  private static final String SAMPLE_SQL = """
      SELECT count(*) FILTER (WHERE application_name = 'civic-workers/bench-poller'),
             count(*) FILTER (WHERE application_name LIKE 'civic-workers/bench-h-%'),
             count(*) FILTER (WHERE application_name LIKE 'civic-workers/bench-%'),
             count(*) FILTER (WHERE datname LIKE 'b_conn_%' AND backend_type = 'client backend'
                              AND application_name <> 'civic-workers-tests' AND pid <> pg_backend_pid()),
             count(*) FILTER (WHERE application_name = 'civic-workers/bench-h-s3-signer'),
             count(*) FILTER (WHERE application_name = 'civic-workers/bench-h-thumbnail-worker'),
             count(*) FILTER (WHERE application_name = 'civic-workers/bench-h-notification-worker'),
             (SELECT coalesce(max(c), 0) FROM (SELECT count(*) AS c FROM pg_stat_activity a
               WHERE a.datname LIKE 'b_conn_%' AND a.backend_type = 'client backend'
                 AND a.application_name <> 'civic-workers-tests' GROUP BY a.datname) per_db)
      FROM pg_stat_activity""";
  static final int POLLER = 0;
  static final int HANDLERS = 1;
  static final int WORKERS = 2;
  static final int SERVER = 3;
  /** Client-side gauges after the 8 server columns: poller, handlers (physical connections we hold open). */
  static final int CLIENT_POLLER = 8;
  static final int CLIENT_HANDLERS = 9;
  static final int CLIENT_ALL = 10;

  private final Bench bench;

  ConnectionsBench(Bench bench) {
    this.bench = bench;
  }

  void run() throws Exception {
    Map<String, Object> out = bench.section("connections");
    out.put("tenants", TENANTS);
    out.put("poller_parallelism", POLLER_PARALLELISM);
    out.put("reserved_concurrency_per_handler", RESERVED);
    out.put("handlers", QueueCatalog.all().size());
    out.put("sample_ms", SAMPLE_MS);
    List<DatabaseUrl> direct = new ArrayList<>();
    for (int i = 0; i < TENANTS; i++) {
      direct.add(Pg.riverDatabase(PREFIX));
    }
    int ticks = 10;
    out.put("idle_direct", idle(direct, ticks));
    out.put("busy_direct", busy(direct));
    Map<String, Object> viaBouncer = new LinkedHashMap<>();
    viaBouncer.put("pool_mode", "transaction");
    viaBouncer.put("default_pool_size", 20);
    viaBouncer.put("server_idle_timeout_s", "600 (default)");
    // A fresh PgBouncer for each scenario, so the busy run does not inherit the idle run's server connections.
    try (PgBouncer bouncer = new PgBouncer(Pg.admin(), bench.work, 20)) {
      viaBouncer.put("idle", idle(direct.stream().map(bouncer::route).toList(), ticks));
    }
    Thread.sleep(300);
    try (PgBouncer bouncer = new PgBouncer(Pg.admin(), bench.work, 20)) {
      viaBouncer.put("busy", busy(direct.stream().map(bouncer::route).toList()));
    }
    out.put("pgbouncer", viaBouncer);
    Map<String, Object> go = new LinkedHashMap<>();
    go.put("explicit_limits_per_instance", 12);
    go.put("consolidated_per_instance", 4);
    go.put("default_per_instance", "~40+");
    go.put("idle_per_instance", "held always (MinConns 1 per service, River's LISTEN connection)");
    out.put("go_workers_reference", go);
    for (DatabaseUrl url : direct) {
      Pg.drop(url);
    }
  }

  private static TenantDirectory tenants(List<DatabaseUrl> urls) {
    List<Tenant> list = new ArrayList<>();
    for (int i = 0; i < urls.size(); i++) {
      list.add(new Tenant("t" + i, urls.get(i)));
    }
    return new TenantDirectory(list);
  }

  private static DrainSettings drain() {
    return new DrainSettings(10, 2, Duration.ZERO);
  }

  Map<String, Object> idle(List<DatabaseUrl> urls, int ticks) throws Exception {
    AtomicReference<String> phase = new AtomicReference<>("before");
    Map<String, Object> m = new LinkedHashMap<>();
    List<Double> tickMillis = new ArrayList<>();
    long invocations = 0;
    try (Fleet fleet = new Fleet(tenants(urls), QueueCatalog.all(), RESERVED, POLLER_PARALLELISM, 0, drain());
        ActivitySampler sampler = new ActivitySampler(Pg.admin(), SAMPLE_SQL, 8, SAMPLE_MS, phase::get,
            fleet::pollerConnectionsOpen, fleet::handlerConnectionsOpen,
            () -> fleet.pollerConnectionsOpen() + fleet.handlerConnectionsOpen())) {
      Thread.sleep(300);
      for (int i = 1; i <= ticks; i++) {
        phase.set("tick");
        TickReport report = fleet.poller.tick("idle-" + i);
        phase.set("settle");
        Thread.sleep(100);
        phase.set("between");
        tickMillis.add((double) report.durationMillis());
        invocations += report.invocationsRequested();
        Thread.sleep(bench.pick(700, 300));
      }
      fleet.awaitIdle(Duration.ofSeconds(30));
      m.put("ticks", ticks);
      m.put("tick_ms", Stats.summary(tickMillis));
      m.put("invocations", invocations);
      m.put("poller_connections_opened", fleet.pollerConnectionsOpened());
      m.put("samples", sampler.samples());
      phase.set(null);
      for (String label : List.of("before", "tick", "settle", "between")) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("max_worker_connections", sampler.max(label, WORKERS));
        p.put("max_poller_connections", sampler.max(label, POLLER));
        p.put("max_server_connections_on_tenant_dbs", sampler.max(label, SERVER));
        p.put("max_server_connections_one_db", sampler.max(label, 7));
        p.put("max_client_poller_connections", sampler.max(label, CLIENT_POLLER));
        p.put("max_client_handler_connections", sampler.max(label, CLIENT_HANDLERS));
        p.put("max_client_worker_connections", sampler.max(label, CLIENT_ALL));
        m.put(label, p);
      }
    }
    Bench.log("connections idle: %s", m);
    return m;
  }

  Map<String, Object> busy(List<DatabaseUrl> urls) throws Exception {
    int perQueue = bench.pick(20, 10);
    long jobMillis = 10;
    long total = 0;
    for (DatabaseUrl url : urls) {
      for (QueueCatalog.Entry e : QueueCatalog.all()) {
        Sql.insertJobs(directOf(url), "metadata", e.queue(), e.spec().kinds().get(0), perQueue, "{}");
        total += perQueue;
      }
    }
    long sessionsBefore = sessions();
    AtomicReference<String> phase = new AtomicReference<>("busy");
    Map<String, Object> m = new LinkedHashMap<>();
    long start = System.nanoTime();
    try (Fleet fleet = new Fleet(tenants(urls), QueueCatalog.all(), RESERVED, POLLER_PARALLELISM, jobMillis, drain());
        ActivitySampler sampler = new ActivitySampler(Pg.admin(), SAMPLE_SQL, 8, SAMPLE_MS, phase::get,
            fleet::pollerConnectionsOpen, fleet::handlerConnectionsOpen,
            () -> fleet.pollerConnectionsOpen() + fleet.handlerConnectionsOpen())) {
      int tick = 0;
      while (fleet.jobsCompleted.get() < total && tick < 120) {
        fleet.poller.tick("busy-" + ++tick);
        Thread.sleep(bench.pick(1000, 500));
      }
      if (!fleet.awaitIdle(Duration.ofMinutes(2))) {
        throw new IllegalStateException("invocations still running after 2 minutes");
      }
      phase.set("after");
      Thread.sleep(1000);
      phase.set(null);
      long sessionsAfter = sessions();
      m.put("jobs", total);
      m.put("jobs_completed", fleet.jobsCompleted.get());
      m.put("job_ms", jobMillis);
      m.put("ticks", tick);
      m.put("seconds", (System.nanoTime() - start) / 1e9);
      m.put("invocations", fleet.invocations.get());
      m.put("handler_connections_opened", fleet.connectionsOpened.get());
      m.put("connections_per_invocation", fleet.connectionsOpened.get() / (double) fleet.invocations.get());
      m.put("invocations_not_exactly_one_connection", fleet.invocationsWithOtherThanOne.get());
      m.put("max_connections_in_one_invocation", fleet.maxPerInvocation.get());
      m.put("poller_connections_opened", fleet.pollerConnectionsOpened());
      m.put("server_sessions_started", sessionsAfter - sessionsBefore);
      m.put("samples", sampler.samples());
      m.put("max_worker_connections", sampler.max("busy", WORKERS));
      m.put("max_poller_connections", sampler.max("busy", POLLER));
      m.put("max_handler_connections", sampler.max("busy", HANDLERS));
      m.put("max_per_handler", List.of(sampler.max("busy", 4), sampler.max("busy", 5), sampler.max("busy", 6)));
      m.put("max_server_connections_on_tenant_dbs", sampler.max("busy", SERVER));
      m.put("max_server_connections_one_db", sampler.max("busy", 7));
      m.put("server_connections_still_open_1s_after", sampler.max("after", SERVER));
      m.put("max_client_poller_connections", sampler.max("busy", CLIENT_POLLER));
      m.put("max_client_handler_connections", sampler.max("busy", CLIENT_HANDLERS));
      m.put("max_client_worker_connections", sampler.max("busy", CLIENT_ALL));
      m.put("ceiling", RESERVED * QueueCatalog.all().size() + POLLER_PARALLELISM);
    }
    Bench.log("connections busy: %s", m);
    return m;
  }

  /** Our own setup connections always go straight to PostgreSQL. */
  private static DatabaseUrl directOf(DatabaseUrl url) {
    DatabaseUrl admin = Pg.admin();
    return url.withEndpoint(admin.host(), admin.port());
  }

  private static long sessions() {
    return Sql.count(Pg.admin(), "SELECT coalesce(sum(sessions), 0)::bigint FROM pg_stat_database WHERE datname LIKE 'b_conn_%'");
  }
}
