package org.civicos.workers.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.civicos.workers.db.Database;
import org.civicos.workers.db.DatabaseUrl;
import org.civicos.workers.queue.JobOutcome;
import org.civicos.workers.queue.RetryPolicy;
import org.civicos.workers.queue.RiverJobStore;
import org.civicos.workers.queue.RiverSchema;
import org.civicos.workers.testing.Sql;
import org.civicos.workers.testing.StatementCounter;
import org.civicos.workers.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DrainLoopTest {
  private static final RiverSchema SCHEMA = new RiverSchema("metadata");

  /** Args of the test kinds; unknown keys in the row are ignored. */
  public record EchoArgs(String mode, int n) {
  }

  /** Completes, fails, cancels or stalls depending on its args. */
  static final class EchoWorker implements JobWorker<EchoArgs> {
    final AtomicInteger runs = new AtomicInteger();
    final AtomicInteger concurrent = new AtomicInteger();
    final AtomicInteger maxConcurrent = new AtomicInteger();
    final AtomicBoolean letStallEnd = new AtomicBoolean();
    private final Duration timeout;

    EchoWorker(Duration timeout) {
      this.timeout = timeout;
    }

    @Override
    public String kind() {
      return "echo";
    }

    @Override
    public Class<EchoArgs> argsType() {
      return EchoArgs.class;
    }

    @Override
    public Duration timeout() {
      return timeout;
    }

    @Override
    public JobOutcome execute(JobContext context, EchoArgs args) throws Exception {
      runs.incrementAndGet();
      maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
      try {
        return switch (args.mode() == null ? "ok" : args.mode()) {
          case "fail" -> throw new IllegalStateException("upstream said no");
          case "permanent" -> throw new PermanentJobException("the request row is gone");
          case "stall" -> {
            // Ignores interruption, like a native image decoder would.
            long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < end) {
              Thread.onSpinWait();
            }
            yield JobOutcome.completed();
          }
          case "sleep" -> {
            Thread.sleep(50);
            yield JobOutcome.completed();
          }
          case "stall-first" -> {
            // Ignores interruption on its first attempt only, until the test lets it stop.
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (context.job().attempt() == 1 && !letStallEnd.get() && System.nanoTime() < end) {
              Thread.onSpinWait();
            }
            yield JobOutcome.completed();
          }
          case "nap" -> {
            Thread.sleep(10_000); // interrupted at the timeout
            yield JobOutcome.completed();
          }
          case "sql" -> {
            int value = context.database().withConnection("echo sql", c -> {
              try (var st = c.createStatement(); var rs = st.executeQuery("SELECT 41 + 1")) {
                rs.next();
                return rs.getInt(1);
              }
            });
            yield value == 42 ? JobOutcome.completed() : JobOutcome.failed("bad sum");
          }
          default -> JobOutcome.completed();
        };
      } finally {
        concurrent.decrementAndGet();
      }
    }
  }

  private DatabaseUrl url;
  private Database db;

  @BeforeEach
  void setUp() {
    url = TestDatabases.withSchema("drain", SCHEMA, false);
    db = TestDatabases.database(url, "drain-test", 1);
  }

  @AfterEach
  void tearDown() {
    db.close();
  }

  private DrainLoop loop(JobWorker<?> worker, int batch, int parallelism) {
    return loop(worker, batch, parallelism, new RunawayJobs());
  }

  private DrainLoop loop(JobWorker<?> worker, int batch, int parallelism, RunawayJobs runaways) {
    return new DrainLoop("t1", new RiverJobStore(db, SCHEMA, InstantSource.system()), db, List.of(worker),
        new DrainSettings(batch, parallelism, Duration.ofSeconds(1)), InstantSource.system(), RetryPolicy.standard(),
        runaways);
  }

  private static Deadline plenty() {
    return Deadline.after(Duration.ofMinutes(10), InstantSource.system());
  }

  @Test
  void drainsTheQueueWithOneClaimStatementPerBatchAndOneCompletionStatementPerBatch() {
    assumeTrue(StatementCounter.available(), "pg_stat_statements is preloaded in the embedded server");
    StatementCounter counter = new StatementCounter(url);
    Sql.insertJobs(url, "metadata", "q", "echo", 250, "{\"mode\": \"ok\"}");
    counter.reset();

    DrainReport report = loop(new EchoWorker(Duration.ofSeconds(5)), 100, 8).drain("q", plenty(), "client");

    assertThat(report.claimed()).isEqualTo(250);
    assertThat(report.completed()).isEqualTo(250);
    assertThat(report.claims()).isEqualTo(4); // 100 + 100 + 50 + the empty claim that ends the loop
    assertThat(report.stopReason()).isEqualTo(DrainReport.StopReason.DRAINED);
    assertThat(report.workRemains()).isFalse();
    assertThat(counter.calls("FOR UPDATE SKIP LOCKED")).isEqualTo(4);
    assertThat(counter.calls("unnest($1::bigint[]")).isEqualTo(3);
    assertThat(Sql.count(url, "SELECT count(*) FROM metadata.river_job WHERE state = 'completed'")).isEqualTo(250);
  }

  @Test
  void badArgsAreDiscardedWithAClearErrorWhileTheRestOfTheBatchCompletes() {
    Sql.insertJobs(url, "metadata", "q", "echo", 3, "{\"mode\": \"ok\", \"legacy_key\": true}");
    long wrongType = Sql.insertJobs(url, "metadata", "q", "echo", 1, "{\"mode\": {\"nested\": 1}}");
    long notObject = Sql.insertJobs(url, "metadata", "q", "echo", 1, "[1, 2]");
    long badNumber = Sql.insertJobs(url, "metadata", "q", "echo", 1, "{\"n\": \"many\"}");

    DrainReport report = loop(new EchoWorker(Duration.ofSeconds(5)), 10, 4).drain("q", plenty(), "client");

    assertThat(report.completed()).isEqualTo(3);
    assertThat(report.discarded()).isEqualTo(3);
    Map<String, Object> row = Sql.row(url, "SELECT state::text AS s, errors[1]->>'error' AS e FROM metadata.river_job WHERE id = ?", wrongType);
    assertThat(row.get("s")).isEqualTo("discarded");
    assertThat((String) row.get("e")).startsWith("invalid args for echo: Cannot deserialize value of type `java.lang.String`")
        .endsWith("(at $.mode)");
    assertThat((String) Sql.row(url, "SELECT errors[1]->>'error' AS e FROM metadata.river_job WHERE id = ?", notObject).get("e"))
        .startsWith("invalid args for echo: Cannot deserialize value of type");
    assertThat((String) Sql.row(url, "SELECT errors[1]->>'error' AS e FROM metadata.river_job WHERE id = ?", badNumber).get("e"))
        .contains("(at $.n)");
  }

  @Test
  void exceptionsRetryAndPermanentFailuresCancel() {
    long failing = Sql.insertJobs(url, "metadata", "q", "echo", 1, "{\"mode\": \"fail\"}");
    long permanent = Sql.insertJobs(url, "metadata", "q", "echo", 1, "{\"mode\": \"permanent\"}");

    DrainReport report = loop(new EchoWorker(Duration.ofSeconds(5)), 10, 4).drain("q", plenty(), "client");
    assertThat(report.retried()).isEqualTo(1);
    assertThat(report.cancelled()).isEqualTo(1);

    Map<String, Object> failed = Sql.row(url, "SELECT state::text AS s, errors[1]->>'error' AS e, errors[1]->>'trace' AS t, scheduled_at > now() AS later FROM metadata.river_job WHERE id = ?", failing);
    assertThat(failed).containsEntry("s", "available").containsEntry("e", "upstream said no").containsEntry("later", true);
    assertThat((String) failed.get("t")).startsWith("java.lang.IllegalStateException: upstream said no");
    assertThat(Sql.row(url, "SELECT state::text AS s, errors[1]->>'error' AS e FROM metadata.river_job WHERE id = ?", permanent))
        .containsEntry("s", "cancelled").containsEntry("e", "the request row is gone");
  }

  @Test
  void aJobThatOverrunsItsTimeoutIsRecordedAsARetryableTimeoutOnceItStops() {
    long slow = Sql.insertJobs(url, "metadata", "q", "echo", 1, "{\"mode\": \"nap\"}");
    Sql.insertJobs(url, "metadata", "q", "echo", 2, "{\"mode\": \"ok\"}");

    DrainReport report = loop(new EchoWorker(Duration.ofMillis(300)), 10, 4).drain("q", plenty(), "client");
    assertThat(report.completed()).isEqualTo(2);
    assertThat(report.retried()).isEqualTo(1);
    assertThat(Sql.row(url, "SELECT state::text AS s, errors[1]->>'error' AS e FROM metadata.river_job WHERE id = ?", slow))
        .containsEntry("s", "available").containsEntry("e", "job timed out after 300ms");
  }

  @Test
  void aJobThatIgnoresInterruptionIsRecordedAsATimeoutWhoseRetryIsHeldWhileItStillRuns() {
    // A retry due in seconds would let another invocation run the job beside the thread that is still going.
    long stalled = Sql.insertJobs(url, "metadata", "q", "echo", 1, "{\"mode\": \"stall\"}");
    Sql.insertJobs(url, "metadata", "q", "echo", 2, "{\"mode\": \"ok\"}");

    DrainReport report = loop(new EchoWorker(Duration.ofMillis(300)), 10, 4).drain("q", plenty(), "client");
    assertThat(report.claimed()).isEqualTo(3);
    assertThat(report.completed()).isEqualTo(2);
    assertThat(report.retried()).isEqualTo(1);
    Map<String, Object> row = Sql.row(url, "SELECT state::text AS s, attempt, errors[1]->>'error' AS e, "
        + "scheduled_at > now() + interval '55 minutes' AS held FROM metadata.river_job WHERE id = ?", stalled);
    assertThat(row).containsEntry("s", "retryable").containsEntry("attempt", 1).containsEntry("held", true);
    assertThat((String) row.get("e")).isEqualTo("job timed out after 300ms and ignored interruption; "
        + "its retry is held until the run stops (at most 1h)");
  }

  @Test
  void theHeldRetryIsReleasedByALaterDrainInTheSameProcessOnceTheRunStops() throws InterruptedException {
    long id = Sql.insertJobs(url, "metadata", "q", "echo", 1, "{\"mode\": \"stall-first\"}");
    EchoWorker worker = new EchoWorker(Duration.ofMillis(300));
    RunawayJobs runaways = new RunawayJobs();

    loop(worker, 10, 4, runaways).drain("q", plenty(), "first");
    assertThat(runaways.running()).isEqualTo(1);
    // Another process knows nothing of the run: the hold stands.
    assertThat(loop(worker, 10, 4, new RunawayJobs()).drain("q", plenty(), "other").claimed()).isZero();
    worker.letStallEnd.set(true);
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (runaways.running() > 0 && System.nanoTime() < end) {
      Thread.sleep(20);
    }
    assertThat(Sql.row(url, "SELECT state::text AS s FROM metadata.river_job WHERE id = ?", id))
        .containsEntry("s", "retryable");

    DrainReport report = loop(worker, 10, 4, runaways).drain("q", plenty(), "second");
    assertThat(report.completed()).isEqualTo(1);
    assertThat(Sql.row(url, "SELECT state::text AS s, attempt, cardinality(errors) AS errors "
        + "FROM metadata.river_job WHERE id = ?", id))
        .containsEntry("s", "completed").containsEntry("attempt", 2).containsEntry("errors", 1);
  }

  @Test
  void runsJobsInParallelUpToTheLimitSharingTheOneConnection() {
    Sql.insertJobs(url, "metadata", "q", "echo", 12, "{\"mode\": \"sleep\"}");
    Sql.insertJobs(url, "metadata", "q", "echo", 12, "{\"mode\": \"sql\"}");
    EchoWorker worker = new EchoWorker(Duration.ofSeconds(5));
    DrainReport report = loop(worker, 24, 4).drain("q", plenty(), "client");
    assertThat(report.completed()).isEqualTo(24);
    assertThat(worker.maxConcurrent.get()).isBetween(2, 4);
    assertThat(db.connectionsOpened()).isEqualTo(1);
  }

  @Test
  void stopsWhenTheRemainingTimeCannotFitAJobAndSaysWorkRemains() {
    Sql.insertJobs(url, "metadata", "q", "echo", 30, "{\"mode\": \"ok\"}");
    EchoWorker worker = new EchoWorker(Duration.ofSeconds(10));
    // 25 s left, 1 s margin, 10 s per job, 2 at a time: two rounds of 2 jobs fit.
    DrainLoop loop = loop(worker, 10, 2);
    assertThat(loop.claimLimit(() -> Duration.ofSeconds(25))).isEqualTo(4);
    assertThat(loop.claimLimit(() -> Duration.ofSeconds(10))).isZero();

    AtomicInteger calls = new AtomicInteger();
    Deadline shrinking = () -> calls.getAndIncrement() < 2 ? Duration.ofSeconds(25) : Duration.ofSeconds(5);
    DrainReport report = loop.drain("q", shrinking, "client");
    assertThat(report.claimed()).isEqualTo(8);
    assertThat(report.stopReason()).isEqualTo(DrainReport.StopReason.DEADLINE);
    assertThat(report.workRemains()).isTrue();
    assertThat(Sql.count(url, "SELECT count(*) FROM metadata.river_job WHERE state = 'available'")).isEqualTo(22);
  }

  @Test
  void neverTouchesKindsItDoesNotRun() {
    long foreign = Sql.insertJobs(url, "metadata", "q", "go_only_kind", 1, "{}");
    Sql.insertJobs(url, "metadata", "q", "echo", 1, "{}");
    DrainReport report = loop(new EchoWorker(Duration.ofSeconds(5)), 10, 4).drain("q", plenty(), "client");
    assertThat(report.completed()).isEqualTo(1);
    assertThat(Sql.row(url, "SELECT state::text AS s, attempt FROM metadata.river_job WHERE id = ?", foreign))
        .containsEntry("s", "available").containsEntry("attempt", 0);
  }
}
