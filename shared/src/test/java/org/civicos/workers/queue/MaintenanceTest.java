package org.civicos.workers.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.civicos.workers.db.Database;
import org.civicos.workers.db.DatabaseUrl;
import org.civicos.workers.testing.SettableClock;
import org.civicos.workers.testing.Sql;
import org.civicos.workers.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MaintenanceTest {
  private static final RiverSchema SCHEMA = new RiverSchema("metadata");
  private static final List<QueueSpec> SPECS = List.of(new QueueSpec("q", List.of("noop")));

  private DatabaseUrl url;
  private Database db;
  private SettableClock clock;
  private MaintenanceSettings settings;

  @BeforeEach
  void setUp() {
    url = TestDatabases.withSchema("maint", SCHEMA, false);
    db = TestDatabases.database(url, "maint-test", 1);
    clock = SettableClock.atSystemTime();
    settings = new MaintenanceSettings(Duration.ofMinutes(20), Duration.ofHours(24), Duration.ofHours(24),
        Duration.ofDays(7), 2, 3, Duration.ofSeconds(60));
  }

  @AfterEach
  void tearDown() {
    db.close();
  }

  private Maintenance maintenance() {
    return new Maintenance(db, SCHEMA, settings, clock, new RetryPolicy(() -> 0.5));
  }

  private long insert(String columns, String values) {
    return ((Number) Sql.row(url, "INSERT INTO metadata.river_job (kind, queue, args, max_attempts, " + columns
        + ") VALUES ('noop', 'q', '{}', 25, " + values + ") RETURNING id").get("id")).longValue();
  }

  private String state(long id) {
    return (String) Sql.row(url, "SELECT state::text AS s FROM metadata.river_job WHERE id = ?", id).get("s");
  }

  @Test
  void promotesDueScheduledAndRetryableJobsWithRiversLookAhead() {
    long due = insert("state, scheduled_at", "'scheduled', now() - interval '1 minute'");
    long retry = insert("state, scheduled_at, errors", "'retryable', now() - interval '1 second', "
        + "ARRAY['{\"at\":\"2026-01-01T00:00:00Z\",\"attempt\":1,\"error\":\"e\",\"trace\":\"\"}'::jsonb]");
    long soon = insert("state, scheduled_at", "'scheduled', now() + interval '3 seconds'");
    long later = insert("state, scheduled_at", "'scheduled', now() + interval '1 hour'");
    long pending = insert("state, scheduled_at", "'pending', now() - interval '1 hour'");

    int[] counts = maintenance().promote();
    assertThat(counts).containsExactly(3, 0);
    assertThat(List.of(state(due), state(retry), state(soon), state(later), state(pending)))
        .containsExactly("available", "available", "available", "scheduled", "pending");
    // A promoted look-ahead row keeps its future scheduled_at, so it is not claimed early.
    assertThat(Sql.count(url, "SELECT count(*) FROM metadata.river_job WHERE id = ? AND scheduled_at > now()", soon)).isEqualTo(1);
  }

  @Test
  void promotionDiscardsAJobWhoseUniqueKeyIsTakenAsRiversSchedulerDoes() {
    // Default unique states (0xF5 without retryable: 11010101) so a retryable row sits outside the index.
    String mask = "B'11010101'";
    long holder = insert("unique_key, unique_states", "'\\x01'::bytea, " + mask);
    long clash = insert("state, scheduled_at, unique_key, unique_states",
        "'retryable', now() - interval '1 minute', '\\x01'::bytea, " + mask);
    long twinA = insert("state, scheduled_at, unique_key, unique_states",
        "'retryable', now() - interval '2 minutes', '\\x02'::bytea, " + mask);
    long twinB = insert("state, scheduled_at, unique_key, unique_states",
        "'retryable', now() - interval '1 minute', '\\x02'::bytea, " + mask);

    settings = new MaintenanceSettings(settings.rescueAfter(), settings.completedRetention(),
        settings.cancelledRetention(), settings.discardedRetention(), 10, 3, settings.leaseTtl());
    int[] counts = maintenance().promote();
    assertThat(counts).containsExactly(1, 2);
    assertThat(List.of(state(holder), state(clash), state(twinA), state(twinB)))
        .containsExactly("available", "discarded", "available", "discarded");
    assertThat(Sql.row(url, "SELECT metadata->>'unique_key_conflict' AS c, finalized_at IS NOT NULL AS f FROM metadata.river_job WHERE id = ?", clash))
        .containsEntry("c", "scheduler_discarded").containsEntry("f", true);
  }

  @Test
  void rescuesJobsStuckInRunningByRetryDiscardOrCancel() {
    long stuck = insert("state, attempt, attempted_at, attempted_by", "'running', 1, now() - interval '30 minutes', '{dead}'");
    long last = insert("state, attempt, attempted_at", "'running', 3, now() - interval '30 minutes'");
    Sql.update(url, "UPDATE metadata.river_job SET max_attempts = 3 WHERE id = ?", last);
    long cancelled = insert("state, attempt, attempted_at, metadata",
        "'running', 1, now() - interval '30 minutes', '{\"cancel_attempted_at\": \"2026-01-01T00:00:00Z\"}'");
    long fresh = insert("state, attempt, attempted_at", "'running', 1, now() - interval '1 minute'");

    assertThat(maintenance().rescue()).isEqualTo(3);
    assertThat(List.of(state(stuck), state(last), state(cancelled), state(fresh)))
        .containsExactly("available", "discarded", "cancelled", "running"); // first retry is 1 s out
    Map<String, Object> row = Sql.row(url, "SELECT metadata->>'river:rescue_count' AS n, errors[1]->>'error' AS e, "
        + "jsonb_typeof(metadata->'river:rescue_count') AS t FROM metadata.river_job WHERE id = ?", stuck);
    assertThat(row).containsEntry("n", "1").containsEntry("t", "number");
    assertThat((String) row.get("e")).startsWith("stuck job rescued by civic-workers");
  }

  @Test
  void deletesFinalizedJobsAfterRetentionInBoundedBatches() {
    for (int i = 0; i < 8; i++) {
      insert("state, finalized_at", "'completed', now() - interval '25 hours'");
    }
    long recent = insert("state, finalized_at", "'completed', now() - interval '1 hour'");
    long discardedRecent = insert("state, finalized_at", "'discarded', now() - interval '3 days'");
    insert("state, finalized_at", "'discarded', now() - interval '8 days'");
    insert("state, finalized_at", "'cancelled', now() - interval '25 hours'");

    // batch 2 x 3 batches per run: at most 6 rows per run
    assertThat(maintenance().clean()).isEqualTo(6);
    assertThat(maintenance().clean()).isEqualTo(4);
    assertThat(Sql.rows(url, "SELECT id FROM metadata.river_job ORDER BY id")).extracting(r -> ((Number) r.get("id")).longValue())
        .containsExactly(recent, discardedRecent);
  }

  @Test
  void refreshesQueueRowsWithoutUnpausing() {
    Sql.update(url, "INSERT INTO metadata.river_queue (name, paused_at, updated_at) VALUES ('q', now(), now() - interval '1 hour')");
    Sql.update(url, "INSERT INTO metadata.river_queue (name, updated_at) VALUES ('abandoned', now() - interval '2 days')");
    assertThat(maintenance().refreshQueues(List.of("q", "fresh"))).isEqualTo(2);
    assertThat(Sql.rows(url, "SELECT name, paused_at IS NOT NULL AS paused FROM metadata.river_queue ORDER BY name"))
        .containsExactly(Map.of("name", "fresh", "paused", false), Map.of("name", "q", "paused", true));
  }

  @Test
  void runsOnlyUnderTheLeaderLeaseAndResignsAfterwards() {
    long due = insert("state, scheduled_at", "'scheduled', now() - interval '1 minute'");
    Sql.update(url, "INSERT INTO metadata.river_leader (leader_id, elected_at, expires_at) "
        + "VALUES ('go-river-client', now(), now() + interval '15 seconds')");
    MaintenanceNeeds needs = new MaintenanceNeeds(true, false, false, false);

    Maintenance.Report report = maintenance().run(needs, List.of("q"), "civic-workers-poller-1");
    assertThat(report.ran()).isFalse();
    assertThat(report.skipped()).isEqualTo("leader go-river-client");
    assertThat(state(due)).isEqualTo("scheduled");

    // The Go leader's lease lapses: we take over, do the work, and hand the lease back.
    Sql.update(url, "UPDATE metadata.river_leader SET expires_at = now() - interval '1 second'");
    report = maintenance().run(needs, List.of("q"), "civic-workers-poller-1");
    assertThat(report.ran()).isTrue();
    assertThat(report.promoted()).isEqualTo(1);
    assertThat(state(due)).isEqualTo("available");
    assertThat(Sql.count(url, "SELECT count(*) FROM metadata.river_leader")).isZero();
  }

  @Test
  void depthReaderCountsOurKindsPerQueueAndReportsDueMaintenance() {
    List<QueueSpec> specs = List.of(new QueueSpec("q", List.of("noop", "noop2")), new QueueSpec("idle", List.of("noop")),
        new QueueSpec("paused", List.of("noop")));
    Sql.insertJobs(url, "metadata", "q", "noop", 3, "{}");
    Sql.insertJobs(url, "metadata", "q", "noop2", 2, "{}");
    Sql.insertJobs(url, "metadata", "q", "go_only_kind", 7, "{}");
    Sql.insertJobs(url, "metadata", "paused", "noop", 1, "{}");
    insert("state, scheduled_at", "'retryable', now() + interval '2 seconds'");
    insert("state, attempted_at, attempted_by", "'running', now(), '{a,inv-1}'");
    insert("state, attempted_at, attempted_by", "'running', now(), '{inv-1}'");
    insert("state, attempted_at, attempted_by", "'running', now(), '{inv-2}'");
    Sql.update(url, "INSERT INTO metadata.river_queue (name, paused_at, updated_at) VALUES ('paused', now(), now())");

    TenantSnapshot snapshot = new QueueDepthReader(db, SCHEMA, clock, settings, 4).read(specs);
    Map<String, QueueDepth> byQueue = new java.util.HashMap<>();
    snapshot.queues().forEach(d -> byQueue.put(d.queue(), d));
    assertThat(byQueue.get("q").availableNow()).as("capped at 4 of our 5").isEqualTo(4);
    assertThat(byQueue.get("q").dueSoon()).isEqualTo(1);
    assertThat(byQueue.get("q").runningJobs()).isEqualTo(3);
    assertThat(byQueue.get("q").runningInvocations()).isEqualTo(2);
    assertThat(byQueue.get("q").oldestAvailable()).isNotNull();
    assertThat(byQueue.get("idle").hasWork()).isFalse();
    assertThat(byQueue.get("paused").paused()).isTrue();
    assertThat(byQueue.get("paused").hasWork()).isFalse();
    assertThat(snapshot.needs()).isEqualTo(new MaintenanceNeeds(true, false, false, true));

    clock.advance(Duration.ofHours(1));
    assertThat(new QueueDepthReader(db, SCHEMA, clock, settings).read(specs).needs().rescue()).isTrue();
  }

  @Test
  void anIdleTenantNeedsNothing() {
    maintenance().refreshQueues(List.of("q"));
    TenantSnapshot snapshot = new QueueDepthReader(db, SCHEMA, clock, settings).read(SPECS);
    assertThat(snapshot.idle()).isTrue();
    assertThat(snapshot.needs().any()).isFalse();
  }
}
