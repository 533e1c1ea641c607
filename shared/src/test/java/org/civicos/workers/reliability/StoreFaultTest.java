package org.civicos.workers.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.civicos.workers.db.Database;
import org.civicos.workers.db.DatabaseException;
import org.civicos.workers.db.DatabaseUrl;
import org.civicos.workers.queue.ClaimedJob;
import org.civicos.workers.queue.JobOutcome;
import org.civicos.workers.queue.JobState;
import org.civicos.workers.queue.JobStore;
import org.civicos.workers.queue.Maintenance;
import org.civicos.workers.queue.MaintenanceSettings;
import org.civicos.workers.queue.RetryPolicy;
import org.civicos.workers.queue.RiverJobStore;
import org.civicos.workers.queue.RiverSchema;
import org.civicos.workers.queue.StateChange;
import org.civicos.workers.runtime.Deadline;
import org.civicos.workers.runtime.DrainLoop;
import org.civicos.workers.runtime.DrainReport;
import org.civicos.workers.runtime.DrainSettings;
import org.civicos.workers.runtime.JobContext;
import org.civicos.workers.runtime.JobWorker;
import org.civicos.workers.runtime.RunawayJobs;
import org.civicos.workers.testing.Sql;
import org.civicos.workers.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Store-level faults, each planted at an exact point: the worker's backend terminated while its claim, a job's
 * own SQL or the batch completion is in flight; a completion that committed but whose answer was lost; a job
 * that overruns its timeout and ignores interruption. Afterwards every job ends recorded exactly once and none
 * ran twice at the same time.
 */
class StoreFaultTest {
  private static final RiverSchema SCHEMA = new RiverSchema("metadata");
  private static final String APP = "civic-workers/store-fault";

  /** Counts runs per job and catches two runs of one job at the same time. */
  static final class Probe implements JobWorker<JsonNode> {
    final Map<Long, AtomicInteger> runs = new ConcurrentHashMap<>();
    final Set<Long> inFlight = ConcurrentHashMap.newKeySet();
    final AtomicInteger overlaps = new AtomicInteger();
    volatile CountDownLatch started = new CountDownLatch(0);
    volatile CountDownLatch release = new CountDownLatch(0);
    private final Duration timeout;

    Probe(Duration timeout) {
      this.timeout = timeout;
    }

    @Override
    public String kind() {
      return "probe";
    }

    @Override
    public Class<JsonNode> argsType() {
      return JsonNode.class;
    }

    @Override
    public Duration timeout() {
      return timeout;
    }

    @Override
    public JobOutcome execute(JobContext context, JsonNode args) throws Exception {
      long id = context.job().id();
      if (!inFlight.add(id)) {
        overlaps.incrementAndGet();
      }
      try {
        runs.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
        started.countDown();
        release.await(30, TimeUnit.SECONDS);
        String mode = args.path("mode").asText("ok");
        if (mode.equals("sql")) {
          // The job's own SQL: a domain row, idempotent.
          context.database().withConnection("probe side effect", c -> {
            try (var st = c.prepareStatement("INSERT INTO public.side_effect (job_id) VALUES (?) "
                + "ON CONFLICT (job_id) DO UPDATE SET writes = side_effect.writes + 1")) {
              st.setLong(1, id);
              return st.executeUpdate();
            }
          });
        } else if (mode.equals("stall")) {
          long end = System.nanoTime() + Duration.ofMillis(2500).toNanos();
          while (System.nanoTime() < end) {
            Thread.onSpinWait(); // ignores interruption, like a native decoder
          }
        }
        return JobOutcome.completed();
      } finally {
        inFlight.remove(id);
      }
    }
  }

  private DatabaseUrl url;
  private Database db;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  /** One process's runaway registry, so held retries are released between the drains of a test. */
  private final RunawayJobs runaways = new RunawayJobs();

  @BeforeEach
  void setUp() {
    url = TestDatabases.withSchema("store_fault", SCHEMA, false);
    Sql.update(url, "CREATE TABLE public.side_effect (job_id bigint PRIMARY KEY, writes int NOT NULL DEFAULT 1)");
    db = TestDatabases.database(url, APP, 1);
  }

  @AfterEach
  void tearDown() {
    threads.shutdownNow();
    db.close();
  }

  private DrainLoop loop(JobStore store, Probe probe) {
    return new DrainLoop("t", store, db, List.of(probe), new DrainSettings(10, 4, Duration.ofMillis(100)),
        InstantSource.system(), RetryPolicy.standard(), runaways);
  }

  private DrainLoop loop(Probe probe) {
    return loop(new RiverJobStore(db, SCHEMA, InstantSource.system()), probe);
  }

  private static Deadline plenty() {
    return Deadline.after(Duration.ofMinutes(2), InstantSource.system());
  }

  private long count(String where) {
    return Sql.count(url, "SELECT count(*) FROM metadata.river_job WHERE " + where);
  }

  @Test
  void backendTerminatedDuringTheClaimLosesNoJob() throws Exception {
    Sql.insertJobs(url, "metadata", "q", "probe", 10, "{}");
    Probe probe = new Probe(Duration.ofSeconds(5));
    Future<DrainReport> drain;
    // The claim reads river_queue (pause check): an exclusive lock holds it right there.
    try (PgFaults.Trap trap = PgFaults.trap(url, "LOCK TABLE metadata.river_queue IN ACCESS EXCLUSIVE MODE")) {
      drain = threads.submit(() -> loop(probe).drain("q", plenty(), "victim"));
      assertThat(trap.awaitAndTerminate(APP, Duration.ofSeconds(20))).contains("FOR UPDATE SKIP LOCKED");
    }
    assertThatThrownBy(() -> drain.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(DatabaseException.class)
        .cause().satisfies(e -> assertThat(((DatabaseException) e).isConnectionFailure()).isTrue());
    // Nothing was claimed: the statement died before it committed.
    assertThat(count("state = 'available' AND attempt = 0")).isEqualTo(10);
    assertThat(probe.runs).isEmpty();

    DrainReport next = loop(probe).drain("q", plenty(), "next");
    assertThat(next.completed()).isEqualTo(10);
    assertThat(probe.runs.values()).allSatisfy(r -> assertThat(r.get()).isEqualTo(1));
    assertThat(count("state = 'completed' AND attempt = 1")).isEqualTo(10);
  }

  @Test
  void backendTerminatedDuringTheJobsOwnSqlFailsOnlyThatAttempt() throws Exception {
    long id = Sql.insertJobs(url, "metadata", "q", "probe", 1, "{\"mode\": \"sql\"}");
    Sql.update(url, "INSERT INTO public.side_effect (job_id, writes) VALUES (?, 0)", id);
    Probe probe = new Probe(Duration.ofSeconds(10));
    probe.started = new CountDownLatch(1);
    probe.release = new CountDownLatch(1);
    Future<DrainReport> drain = threads.submit(() -> loop(probe).drain("q", plenty(), "victim"));
    assertThat(probe.started.await(20, TimeUnit.SECONDS)).isTrue();
    try (PgFaults.Trap trap = PgFaults.trap(url, "SELECT * FROM public.side_effect FOR UPDATE")) {
      probe.release.countDown();
      assertThat(trap.awaitAndTerminate(APP, Duration.ofSeconds(20))).contains("side_effect");
    }
    DrainReport report = drain.get(30, TimeUnit.SECONDS);
    // The job saw the lost connection as a transient error; the completion ran on a fresh connection.
    assertThat(report.retried()).isEqualTo(1);
    Map<String, Object> row = Sql.row(url, "SELECT state::text AS state, attempt, errors[1]->>'error' AS error "
        + "FROM metadata.river_job WHERE id = ?", id);
    assertThat(row.get("state")).isIn("available", "retryable");
    assertThat((String) row.get("error")).contains("probe side effect failed");
    assertThat(db.connectionsOpened()).isEqualTo(2);

    Sql.update(url, "UPDATE metadata.river_job SET state = 'available', scheduled_at = now() WHERE id = ?", id);
    assertThat(loop(probe).drain("q", plenty(), "next").completed()).isEqualTo(1);
    assertThat(Sql.count(url, "SELECT writes FROM public.side_effect WHERE job_id = ?", id)).isEqualTo(1);
    assertThat(probe.overlaps.get()).isZero();
  }

  @Test
  void backendTerminatedDuringTheCompletionIsRetriedOnAFreshConnection() throws Exception {
    Sql.insertJobs(url, "metadata", "q", "probe", 6, "{}");
    Probe probe = new Probe(Duration.ofSeconds(10));
    probe.started = new CountDownLatch(6);
    probe.release = new CountDownLatch(1);
    Future<DrainReport> drain = threads.submit(() -> loop(probe).drain("q", plenty(), "victim"));
    // After the claim and before the completion: lock the running rows, then let the jobs finish.
    awaitRunning(6);
    try (PgFaults.Trap trap = PgFaults.trap(url,
        "SELECT id FROM metadata.river_job WHERE state = 'running' FOR UPDATE")) {
      probe.release.countDown();
      assertThat(trap.awaitAndTerminate(APP, Duration.ofSeconds(20))).contains("unnest");
    }
    DrainReport report = drain.get(30, TimeUnit.SECONDS);
    assertThat(report.completed()).isEqualTo(6);
    assertThat(report.stale()).isZero();
    assertThat(count("state = 'completed' AND attempt = 1 AND errors IS NULL")).isEqualTo(6);
    assertThat(probe.runs.values()).allSatisfy(r -> assertThat(r.get()).isEqualTo(1));
  }

  @Test
  void completionThatNeverGetsThroughLeavesRowsRunningUntilTheRescuerRetriesThem() throws Exception {
    Sql.insertJobs(url, "metadata", "q", "probe", 4, "{}");
    Probe probe = new Probe(Duration.ofSeconds(10));
    probe.started = new CountDownLatch(4);
    probe.release = new CountDownLatch(1);
    Future<DrainReport> drain = threads.submit(() -> loop(probe).drain("q", plenty(), "victim"));
    awaitRunning(4);
    try (PgFaults.Trap trap = PgFaults.trap(url,
        "SELECT id FROM metadata.river_job WHERE state = 'running' FOR UPDATE")) {
      probe.release.countDown();
      // The drain loop tries the completion three times; all three die.
      for (int i = 0; i < 3; i++) {
        assertThat(trap.awaitAndTerminate(APP, Duration.ofSeconds(20))).as("completion attempt %d", i + 1)
            .contains("unnest");
      }
    }
    assertThatThrownBy(() -> drain.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(DatabaseException.class);
    assertThat(count("state = 'running'")).isEqualTo(4);

    // The poller's rescuer (short RESCUE_AFTER) turns them into retries; the next drain finishes them.
    Thread.sleep(1100);
    MaintenanceSettings settings = MaintenanceSettings.defaults().withRescueAfter(Duration.ofSeconds(1));
    try (Database maintenanceDb = TestDatabases.database(url, "civic-workers/store-fault-poller", 1)) {
      Maintenance maintenance = new Maintenance(maintenanceDb, SCHEMA, settings, InstantSource.system(),
          RetryPolicy.standard());
      assertThat(maintenance.rescue()).isEqualTo(4);
      Sql.update(url, "UPDATE metadata.river_job SET scheduled_at = now() WHERE state IN ('available', 'retryable')");
      maintenance.promote();
    }
    assertThat(loop(probe).drain("q", plenty(), "next").completed()).isEqualTo(4);
    assertThat(Sql.rows(url, "SELECT state::text AS s, attempt, (metadata->>'river:rescue_count')::int AS rescues "
        + "FROM metadata.river_job")).allSatisfy(r -> {
          assertThat(r.get("s")).isEqualTo("completed");
          assertThat(r.get("attempt")).isEqualTo(2);
          assertThat(r.get("rescues")).isEqualTo(1);
        });
    assertThat(probe.overlaps.get()).isZero();
  }

  @Test
  void completionThatCommittedButWhoseAnswerWasLostIsNotAppliedTwice() {
    Sql.insertJobs(url, "metadata", "q", "probe", 5, "{}");
    RiverJobStore real = new RiverJobStore(db, SCHEMA, InstantSource.system());
    AtomicBoolean lose = new AtomicBoolean(true);
    JobStore lossy = new JobStore() {
      @Override
      public List<ClaimedJob> claim(String queue, Collection<String> kinds, int limit, String clientId) {
        return real.claim(queue, kinds, limit, clientId);
      }

      @Override
      public Map<Long, JobState> complete(List<StateChange> changes) {
        Map<Long, JobState> written = real.complete(changes);
        if (lose.getAndSet(false)) {
          throw new DatabaseException("complete", new SQLException("connection lost after commit", "08006"));
        }
        return written;
      }

      @Override
      public int releaseHeld(Map<Long, Integer> attemptById) {
        return real.releaseHeld(attemptById);
      }
    };
    Probe probe = new Probe(Duration.ofSeconds(5));
    DrainReport report = loop(lossy, probe).drain("q", plenty(), "client");
    // The retry finds no row still running at our attempt: the outcomes count as stale, nothing is written twice.
    assertThat(report.stale()).isEqualTo(5);
    assertThat(count("state = 'completed' AND attempt = 1 AND errors IS NULL")).isEqualTo(5);
  }

  @Test
  void aJobThatOverrunsItsTimeoutAndIgnoresInterruptionIsNeverRunTwiceAtOnce() throws Exception {
    long id = Sql.insertJobs(url, "metadata", "q", "probe", 1, "{\"mode\": \"stall\"}");
    Probe probe = new Probe(Duration.ofMillis(300));
    long end = System.nanoTime() + Duration.ofSeconds(6).toNanos();
    // Other invocations keep draining (and the scheduler keeps promoting) while the first run still spins.
    Maintenance maintenance = new Maintenance(db, SCHEMA, MaintenanceSettings.defaults(), InstantSource.system(),
        RetryPolicy.standard());
    while (System.nanoTime() < end) {
      loop(probe).drain("q", plenty(), "client-" + System.nanoTime());
      maintenance.promote();
      Thread.sleep(100);
    }
    assertThat(probe.overlaps.get()).as("runs of job %d overlapping in time", id).isZero();
  }

  private void awaitRunning(int n) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (count("state = 'running'") < n && System.nanoTime() < end) {
      Thread.sleep(20);
    }
    assertThat(count("state = 'running'")).isEqualTo(n);
  }
}
