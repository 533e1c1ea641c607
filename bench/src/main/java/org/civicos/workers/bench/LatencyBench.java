package org.civicos.workers.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.civicos.workers.db.DatabaseUrl;
import org.civicos.workers.runtime.Activation;
import org.civicos.workers.runtime.DrainSettings;
import org.civicos.workers.runtime.QueueCatalog;
import org.civicos.workers.tenant.Tenant;
import org.civicos.workers.tenant.TenantDirectory;
import org.civicos.workers.testing.PostgresServer;
import org.civicos.workers.testing.Sql;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Goal 6: local mode, job insert to completed (server's created_at to the recorded finalized_at), p50/p95 over
 * 200 jobs inserted at a steady pace: (a) an in-process poller ticking every second through the LocalInvoker;
 * (b) push: a pg_notify statement trigger and a LISTEN loop of the benchmark's own that invokes the handler at
 * once (the product has no push activation yet).
 */
final class LatencyBench {
  static final String CHANNEL = "civic_workers_bench_jobs";
  private final Bench bench;

  LatencyBench(Bench bench) {
    this.bench = bench;
  }

  void run() throws Exception {
    Map<String, Object> out = bench.section("latency");
    int jobs = 200;
    long gapMillis = bench.pick(100, 25);
    int runs = bench.pick(3, 1);
    out.put("jobs_per_run", jobs);
    out.put("insert_every_ms", gapMillis);
    out.put("runs", runs);
    out.put("push_exists_in_product", false);
    DatabaseUrl url = Pg.riverDatabase("latency");
    out.put("poll_1s", measure(url, jobs, gapMillis, runs, false));
    PostgresServer.execute(url, """
        CREATE FUNCTION metadata.bench_notify_insert() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          PERFORM pg_notify('%s', q) FROM (SELECT DISTINCT queue AS q FROM new_rows) s;
          RETURN NULL;
        END $$""".formatted(CHANNEL));
    PostgresServer.execute(url, "CREATE TRIGGER bench_notify_insert AFTER INSERT ON metadata.river_job "
        + "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION metadata.bench_notify_insert()");
    out.put("push", measure(url, jobs, gapMillis, runs, true));
    Pg.drop(url);
  }

  private Map<String, Object> measure(DatabaseUrl url, int jobs, long gapMillis, int runs, boolean push) throws Exception {
    QueueCatalog.Entry entry = QueueCatalog.byQueue(QueueCatalog.S3_SIGNER).orElseThrow();
    TenantDirectory tenants = new TenantDirectory(List.of(new Tenant("default", url)));
    List<Double> p50 = new ArrayList<>();
    List<Double> p95 = new ArrayList<>();
    List<Double> max = new ArrayList<>();
    long invocations = 0;
    for (int run = 0; run < runs; run++) {
      Sql.update(url, "DELETE FROM metadata.river_job");
      AtomicBoolean stop = new AtomicBoolean();
      ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
      Thread listener = null;
      try (Fleet fleet = new Fleet(tenants, List.of(entry), 2, 4, 0, new DrainSettings(20, 8, Duration.ZERO));
          Connection inserts = Pg.connect(url)) {
        if (push) {
          Connection listen = Pg.connect(url);
          try (Statement st = listen.createStatement()) {
            st.execute("LISTEN " + CHANNEL);
          }
          listener = Thread.ofPlatform().daemon().name("bench-listen").start(() -> {
            try (listen) {
              PGConnection pg = listen.unwrap(PGConnection.class);
              while (!stop.get()) {
                PGNotification[] notes = pg.getNotifications(200);
                if (notes != null) {
                  for (PGNotification n : notes) {
                    fleet.invoker.invokeAsync(entry.function(), new Activation("default", n.getParameter(), "push"));
                  }
                }
              }
            } catch (Exception e) {
              Bench.log("listen loop ended: %s", e);
            }
          });
        } else {
          ticker.scheduleAtFixedRate(() -> {
            try {
              fleet.poller.tick("latency");
            } catch (RuntimeException e) {
              Bench.log("tick failed: %s", e);
            }
          }, 0, 1, TimeUnit.SECONDS);
        }
        try (PreparedStatement st = inserts.prepareStatement("INSERT INTO metadata.river_job (kind, queue, args, "
            + "max_attempts) VALUES ('s3_presign', 's3_signer', '{}', 25)")) {
          long next = System.nanoTime();
          for (int i = 0; i < jobs; i++) {
            st.executeUpdate();
            next += gapMillis * 1_000_000L;
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
              Thread.sleep(sleep / 1_000_000L, (int) (sleep % 1_000_000L));
            }
          }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (Sql.count(url, "SELECT count(*) FROM metadata.river_job WHERE state <> 'completed'") > 0) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("jobs not completed 30 s after the last insert");
          }
          Thread.sleep(100);
        }
        stop.set(true);
        ticker.shutdownNow();
        fleet.awaitIdle(Duration.ofSeconds(30));
        invocations += fleet.invocations.get();
      } finally {
        stop.set(true);
        ticker.shutdownNow();
        if (listener != null) {
          listener.join(2_000);
        }
      }
      List<Double> latencies = new ArrayList<>();
      for (Map<String, Object> row : Sql.rows(url, "SELECT extract(epoch FROM finalized_at - created_at) * 1000 AS ms "
          + "FROM metadata.river_job")) {
        latencies.add(((Number) row.get("ms")).doubleValue());
      }
      p50.add(Stats.percentile(latencies, 50));
      p95.add(Stats.percentile(latencies, 95));
      max.add(Stats.max(latencies));
      Bench.log("latency %s run %d: p50 %.1f ms, p95 %.1f ms, max %.1f ms", push ? "push" : "poll 1s", run + 1,
          Stats.percentile(latencies, 50), Stats.percentile(latencies, 95), Stats.max(latencies));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("p50_ms", Stats.summary(p50));
    m.put("p95_ms", Stats.summary(p95));
    m.put("max_ms", Stats.summary(max));
    m.put("invocations", invocations);
    return m;
  }
}
