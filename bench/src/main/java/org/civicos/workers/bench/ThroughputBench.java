package org.civicos.workers.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.civicos.workers.db.DatabaseUrl;
import org.civicos.workers.queue.QueueSpec;
import org.civicos.workers.runtime.Activation;
import org.civicos.workers.runtime.Deadline;
import org.civicos.workers.runtime.DrainReport;
import org.civicos.workers.runtime.DrainSettings;
import org.civicos.workers.runtime.HandlerParts;
import org.civicos.workers.runtime.JobWorker;
import org.civicos.workers.runtime.QueueHandler;
import org.civicos.workers.tenant.Tenant;
import org.civicos.workers.tenant.TenantDirectory;
import org.civicos.workers.testing.PostgresServer;
import org.civicos.workers.testing.Sql;

/**
 * Goal 1: no-op jobs through one handler and one connection, per claim batch size, against pgbench running the
 * same claim and completion statements with one client on the same database and the same backlog.
 */
public final class ThroughputBench {
  static final String QUEUE = "bench";
  static final String KIND = "bench_noop";
  static final String ARGS = "{\"file_id\": \"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b\", \"entity_type\": \"Issue\","
      + " \"entity_id\": \"12345\", \"attempt_note\": \"no-op benchmark job\"}";
  static final int PARALLELISM = 8;
  private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");

  private final Bench bench;

  ThroughputBench(Bench bench) {
    this.bench = bench;
  }

  void run() throws Exception {
    Map<String, Object> out = bench.section("throughput");
    DatabaseUrl url = Pg.riverDatabase("throughput");
    int[] batches = {1, 10, 100, 1000};
    int reps = bench.pick(5, 2);
    out.put("parallelism", PARALLELISM);
    out.put("repetitions", reps);
    out.put("args_bytes", ARGS.length());
    Path script = writePgbenchScript();
    out.put("pgbench_script", bench.repo.relativize(script).toString());

    // Warm-up (JIT, class loading) on a throwaway backlog; not recorded.
    load(url, bench.pick(20_000, 5_000));
    drain(url, 100);

    List<Map<String, Object>> rows = new ArrayList<>();
    for (int batch : batches) {
      int jobs = switch (batch) {
        case 1 -> bench.pick(3_000, 1_000);
        case 10 -> bench.pick(20_000, 5_000);
        case 100 -> bench.pick(50_000, 15_000);
        default -> bench.pick(100_000, 30_000);
      };
      List<Double> ours = new ArrayList<>();
      List<Double> baseline = new ArrayList<>();
      List<Double> ratios = new ArrayList<>();
      List<Double> storeOnly = new ArrayList<>();
      List<Double> prepared = new ArrayList<>();
      for (int r = 0; r < reps; r++) {
        load(url, jobs);
        double o = drain(url, batch);
        load(url, jobs);
        double b = pgbench(url, script, batch, jobs, "extended");
        load(url, jobs);
        double s = storeLoop(url, batch);
        load(url, jobs);
        double p = pgbench(url, script, batch, jobs, "prepared");
        ours.add(o);
        baseline.add(b);
        ratios.add(o / b);
        storeOnly.add(s);
        prepared.add(p);
        Bench.log("throughput batch %d run %d: ours %.0f jobs/s, pgbench %.0f jobs/s (%.2f); store only %.0f, "
            + "pgbench prepared %.0f", batch, r + 1, o, b, o / b, s, p);
      }
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("batch", batch);
      row.put("jobs_per_run", jobs);
      row.put("ours_jobs_per_s", Stats.summary(ours));
      row.put("pgbench_jobs_per_s", Stats.summary(baseline));
      row.put("ratio", Stats.summary(ratios));
      row.put("store_only_jobs_per_s", Stats.summary(storeOnly));
      row.put("pgbench_prepared_jobs_per_s", Stats.summary(prepared));
      rows.add(row);
    }
    out.put("rows", rows);
    Pg.drop(url);
  }

  /** Empties the table and inserts {@code n} available jobs in one statement (ids 1..n in claim order). */
  static void load(DatabaseUrl url, int n) {
    PostgresServer.execute(url, "TRUNCATE metadata.river_job RESTART IDENTITY");
    Sql.insertJobs(url, "metadata", QUEUE, KIND, n, ARGS);
    PostgresServer.execute(url, "VACUUM ANALYZE metadata.river_job");
    PostgresServer.execute(url, "CHECKPOINT");
  }

  /** One invocation of a handler wired like the functions; jobs/s over the whole invocation. */
  double drain(DatabaseUrl url, int batch) {
    TenantDirectory tenants = new TenantDirectory(List.of(new Tenant("bench", url)));
    List<JobWorker<?>> workers = List.of(new NoopWorker(KIND, 0));
    try (HandlerParts parts = Handlers.build("bench-throughput", new QueueSpec(QUEUE, List.of(KIND)), tenants,
        workers, new DrainSettings(batch, PARALLELISM, java.time.Duration.ZERO), (f, a) -> {
        }, "civic-workers/bench-throughput")) {
      long start = System.nanoTime();
      QueueHandler.Result result = parts.handler().handle(new Activation("bench", QUEUE, Activation.POLL),
          Deadline.after(Handlers.budget(), InstantSource.system()), "throughput", Optional.empty());
      long nanos = System.nanoTime() - start;
      DrainReport report = result.report();
      long left = Sql.count(url, "SELECT count(*) FROM metadata.river_job WHERE state <> 'completed'");
      if (left != 0 || report.completed() == 0) {
        throw new IllegalStateException("drain left " + left + " jobs not completed: " + report);
      }
      return report.completed() / (nanos / 1e9);
    }
  }

  /**
   * The production RiverJobStore alone (Hikari pool of 1, pgjdbc, the same two statements), without the drain
   * loop: claim a batch, record every job completed, repeat. Separates driver cost from the runtime's.
   */
  double storeLoop(DatabaseUrl url, int batch) {
    try (org.civicos.workers.db.Database db = org.civicos.workers.testing.TestDatabases.database(url,
        "civic-workers/bench-store", 1)) {
      org.civicos.workers.queue.RiverJobStore store = new org.civicos.workers.queue.RiverJobStore(db, Pg.SCHEMA,
          InstantSource.system());
      List<String> kinds = List.of(KIND);
      long done = 0;
      long start = System.nanoTime();
      while (true) {
        List<org.civicos.workers.queue.ClaimedJob> jobs = store.claim(QUEUE, kinds, batch, "civic-workers/bench-store");
        if (jobs.isEmpty()) {
          break;
        }
        List<org.civicos.workers.queue.StateChange> changes = new ArrayList<>(jobs.size());
        for (org.civicos.workers.queue.ClaimedJob job : jobs) {
          changes.add(new org.civicos.workers.queue.StateChange(job.id(), job.attempt(),
              org.civicos.workers.queue.JobState.COMPLETED, null, null, 0, null));
        }
        done += store.complete(changes).size();
      }
      long nanos = System.nanoTime() - start;
      return done / (nanos / 1e9);
    }
  }

  /** pgbench, one client, -M extended (pgjdbc with prepareThreshold=0 also parses unnamed statements). */
  double pgbench(DatabaseUrl url, Path script, int batch, int jobs, String mode) {
    String pgbench = Bench.tool("pgbench");
    int transactions = jobs / batch;
    Proc.Result r = Proc.check(List.of(pgbench, "-n", "-c", "1", "-j", "1", "-M", mode, "-t",
        Integer.toString(transactions), "-D", "batch=" + batch, "-D", "next=1", "-D", "queue=" + QUEUE,
        "-D", "kinds={" + KIND + "}", "-D", "client=civic-workers/pgbench/1", "-f", script.toString()),
        Pg.libpqEnv(url), 600);
    Matcher m = TPS.matcher(r.output());
    if (!m.find()) {
      throw new IllegalStateException("no tps in pgbench output:\n" + r.output());
    }
    long done = Sql.count(url, "SELECT count(*) FROM metadata.river_job WHERE state = 'completed'");
    if (done != (long) transactions * batch) {
      throw new IllegalStateException("pgbench completed " + done + " jobs, expected " + transactions * batch
          + ":\n" + r.output());
    }
    return Double.parseDouble(m.group(1)) * batch;
  }

  /**
   * The claim and completion statements of RiverJobStore, verbatim apart from the schema and the parameters.
   * Claim parameters are pgbench variables. pgbench cannot carry the claimed ids into the next statement, so
   * the completion's array parameters are built on the server from the id range the claim took (jobs are
   * inserted in one statement and claimed in id order by one client, so claim k takes ids
   * next..next+batch-1); everything else in the completion, join and update included, runs as written.
   */
  Path writePgbenchScript() throws Exception {
    String claim = fill(Pg.SCHEMA.apply(readConstant("CLAIM")), List.of(":queue", ":kinds", ":queue", ":batch",
        ":client"));
    String n = "ARRAY[:batch::int]";
    String complete = fill(Pg.SCHEMA.apply(readConstant("COMPLETE")), List.of(
        "(SELECT array_agg(g) FROM generate_series(:next::bigint, :next::bigint + :batch::int - 1) g)",
        "array_fill(1, " + n + ")",
        "array_fill('completed'::text, " + n + ")",
        "array_fill(NULL::text, " + n + ")",
        "array_fill(NULL::text, " + n + ")",
        "array_fill(0, " + n + ")",
        "array_fill(NULL::text, " + n + ")",
        "now()"));
    String text = "-- generated by bench ThroughputBench from RiverJobStore.CLAIM and .COMPLETE\n"
        + oneLine(claim) + ";\n" + oneLine(complete) + ";\n\\set next :next + :batch\n";
    Path file = bench.work.resolve("pgbench-claim-complete.sql");
    Files.writeString(file, text);
    return file;
  }

  /** Replaces each JDBC '?' placeholder in order. */
  static String fill(String sql, List<String> values) {
    StringBuilder out = new StringBuilder();
    int next = 0;
    for (int i = 0; i < sql.length(); i++) {
      char c = sql.charAt(i);
      if (c == '?') {
        out.append(values.get(next++));
      } else {
        out.append(c);
      }
    }
    if (next != values.size()) {
      throw new IllegalStateException("expected " + values.size() + " placeholders, found " + next);
    }
    return out.toString();
  }

  /** pgbench reads one SQL command per line unless it ends with ';' — fold the statement onto one line. */
  static String oneLine(String sql) {
    return sql.strip().replaceAll("\\s*\n\\s*", " ");
  }

  static String readConstant(String name) throws Exception {
    var field = Class.forName("org.civicos.workers.queue.RiverJobStore").getDeclaredField(name);
    field.setAccessible(true);
    return (String) field.get(null);
  }
}
