package org.civicos.workers.queue;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.civicos.workers.db.Database;
import org.civicos.workers.db.DatabaseUrl;
import org.civicos.workers.testing.SettableClock;
import org.civicos.workers.testing.Sql;
import org.civicos.workers.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RiverJobStoreTest {
  private static final RiverSchema SCHEMA = new RiverSchema("metadata");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> KINDS = List.of("noop");

  private DatabaseUrl url;
  private Database db;
  private SettableClock clock;
  private RiverJobStore store;

  @BeforeEach
  void setUp() {
    url = TestDatabases.withSchema("store", SCHEMA, false);
    db = TestDatabases.database(url, "store-test", 1);
    clock = SettableClock.atSystemTime();
    store = new RiverJobStore(db, SCHEMA, clock);
  }

  @AfterEach
  void tearDown() {
    db.close();
  }

  private long insert(String sql) {
    return ((Number) Sql.row(url, sql + " RETURNING id").get("id")).longValue();
  }

  @Test
  void claimsInRiverOrderAndMarksRowsRunning() {
    long p2 = insert("INSERT INTO metadata.river_job (kind, queue, args, max_attempts, priority) VALUES ('noop', 'q', '{}', 25, 2)");
    long late = insert("INSERT INTO metadata.river_job (kind, queue, args, max_attempts, scheduled_at) VALUES ('noop', 'q', '{}', 25, now() - interval '1 minute')");
    long early = insert("INSERT INTO metadata.river_job (kind, queue, args, max_attempts, scheduled_at) VALUES ('noop', 'q', '{}', 25, now() - interval '1 hour')");
    long sameTimeA = insert("INSERT INTO metadata.river_job (kind, queue, args, max_attempts, scheduled_at) VALUES ('noop', 'q', '{}', 25, '2020-01-01Z')");
    long sameTimeB = insert("INSERT INTO metadata.river_job (kind, queue, args, max_attempts, scheduled_at) VALUES ('noop', 'q', '{}', 25, '2020-01-01Z')");

    List<ClaimedJob> first = store.claim("q", KINDS, 4, "client-1");
    assertThat(first).extracting(ClaimedJob::id).containsExactly(sameTimeA, sameTimeB, early, late);
    assertThat(store.claim("q", KINDS, 4, "client-1")).extracting(ClaimedJob::id).containsExactly(p2);

    Map<String, Object> row = Sql.row(url, "SELECT state::text, attempt, attempted_at IS NOT NULL AS at, attempted_by FROM metadata.river_job WHERE id = ?", p2);
    assertThat(row).containsEntry("state", "running").containsEntry("attempt", 1).containsEntry("at", true);
    assertThat((Object[]) row.get("attempted_by")).containsExactly("client-1");
    ClaimedJob claimed = first.get(0);
    assertThat(claimed.attempt()).isEqualTo(1);
    assertThat(claimed.maxAttempts()).isEqualTo(25);
    assertThat(claimed.argsJson()).isEqualTo("{}");
  }

  @Test
  void leavesFutureOtherKindOtherQueueNonAvailableAndPausedRowsAlone() {
    insert("INSERT INTO metadata.river_job (kind, queue, args, max_attempts, scheduled_at) VALUES ('noop', 'q', '{}', 25, now() + interval '3 seconds')");
    long foreign = insert("INSERT INTO metadata.river_job (kind, queue, args, max_attempts) VALUES ('go_only_kind', 'q', '{}', 25)");
    insert("INSERT INTO metadata.river_job (kind, queue, args, max_attempts) VALUES ('noop', 'other', '{}', 25)");
    insert("INSERT INTO metadata.river_job (kind, queue, args, max_attempts, state) VALUES ('noop', 'q', '{}', 25, 'pending')");
    insert("INSERT INTO metadata.river_job (kind, queue, args, max_attempts, state, scheduled_at) VALUES ('noop', 'q', '{}', 25, 'scheduled', now() - interval '1 hour')");
    assertThat(store.claim("q", KINDS, 10, "c")).isEmpty();
    assertThat(Sql.row(url, "SELECT state::text, attempt FROM metadata.river_job WHERE id = ?", foreign))
        .containsEntry("state", "available").containsEntry("attempt", 0);

    insert("INSERT INTO metadata.river_job (kind, queue, args, max_attempts) VALUES ('noop', 'paused_q', '{}', 25)");
    Sql.update(url, "INSERT INTO metadata.river_queue (name, paused_at, updated_at) VALUES ('paused_q', now(), now())");
    assertThat(store.claim("paused_q", KINDS, 10, "c")).isEmpty();
    Sql.update(url, "UPDATE metadata.river_queue SET paused_at = NULL WHERE name = 'paused_q'");
    assertThat(store.claim("paused_q", KINDS, 10, "c")).hasSize(1);
  }

  @Test
  void keepsAttemptedByAtOneHundredEntries() {
    long id = insert("INSERT INTO metadata.river_job (kind, queue, args, max_attempts, attempted_by) "
        + "VALUES ('noop', 'q', '{}', 200, (SELECT array_agg('old-' || i) FROM generate_series(1, 100) i))");
    store.claim("q", KINDS, 1, "newest");
    Object[] by = (Object[]) Sql.row(url, "SELECT attempted_by FROM metadata.river_job WHERE id = ?", id).get("attempted_by");
    assertThat(by).hasSize(100);
    assertThat(by[0]).isEqualTo("old-2");
    assertThat(by[99]).isEqualTo("newest");
  }

  @Test
  void recordsEachOutcomeInRiversFormatsInOneStatement() throws Exception {
    Sql.insertJobs(url, "metadata", "q", "noop", 5, "{\"x\": 1}");
    long maxed = insert("INSERT INTO metadata.river_job (kind, queue, args, max_attempts) VALUES ('noop', 'q', '{}', 1)");
    List<ClaimedJob> jobs = store.claim("q", KINDS, 10, "c");
    assertThat(jobs).hasSize(6);
    RetryPolicy noJitter = new RetryPolicy(() -> 0.5);
    clock.set(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS)); // PostgreSQL keeps microseconds
    Instant now = clock.instant();
    Instant started = now.minusSeconds(2);
    List<StateChange> changes = new ArrayList<>();
    changes.add(StateChange.of(jobs.get(0), JobOutcome.completed(), now, started, noJitter));
    changes.add(StateChange.of(jobs.get(1), JobOutcome.failed("boom"), now, started, noJitter));
    changes.add(StateChange.of(jobs.get(2), JobOutcome.cancelled("no such row"), now, started, noJitter));
    changes.add(StateChange.of(jobs.get(3), JobOutcome.discarded("bad args"), now, started, noJitter));
    changes.add(StateChange.of(jobs.get(4), JobOutcome.snoozed(Duration.ofMinutes(5)), now, started, noJitter));
    ClaimedJob last = jobs.stream().filter(j -> j.id() == maxed).findFirst().orElseThrow();
    changes.add(StateChange.of(last, JobOutcome.failed("final straw"), now, started, noJitter));

    Map<Long, JobState> written = store.complete(changes);
    assertThat(written).containsEntry(jobs.get(0).id(), JobState.COMPLETED)
        .containsEntry(jobs.get(1).id(), JobState.AVAILABLE) // first retry is 1 s away: River writes available
        .containsEntry(jobs.get(2).id(), JobState.CANCELLED)
        .containsEntry(jobs.get(3).id(), JobState.DISCARDED)
        .containsEntry(jobs.get(4).id(), JobState.SCHEDULED)
        .containsEntry(maxed, JobState.DISCARDED);

    Map<String, Object> retried = Sql.row(url, "SELECT attempt, scheduled_at, finalized_at, errors FROM metadata.river_job WHERE id = ?", jobs.get(1).id());
    assertThat((Instant) retried.get("scheduled_at")).isEqualTo(now.plusSeconds(1));
    assertThat(retried.get("finalized_at")).isNull();
    Object[] errors = (Object[]) retried.get("errors");
    assertThat(errors).hasSize(1);
    JsonNode element = JSON.readTree(errors[0].toString());
    assertThat(element.get("at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");
    assertThat(Instant.parse(element.get("at").asText())).isEqualTo(started);
    assertThat(element.get("attempt").isInt()).isTrue();
    assertThat(element.get("attempt").asInt()).isEqualTo(1);
    assertThat(element.get("error").asText()).isEqualTo("boom");
    assertThat(element.get("trace").asText()).isEmpty();

    Map<String, Object> snoozed = Sql.row(url, "SELECT attempt, metadata::text AS metadata, errors FROM metadata.river_job WHERE id = ?", jobs.get(4).id());
    assertThat(snoozed).containsEntry("attempt", 0).containsEntry("metadata", "{\"snoozes\": 1}");
    assertThat(snoozed.get("errors")).isNull();

    assertThat(Sql.count(url, "SELECT count(*) FROM metadata.river_job WHERE state IN ('completed', 'cancelled', 'discarded') AND finalized_at IS NOT NULL")).isEqualTo(4);
    assertThat(Sql.row(url, "SELECT errors[1]->>'error' AS e FROM metadata.river_job WHERE id = ?", jobs.get(2).id())).containsEntry("e", "no such row");
  }

  @Test
  void dropsResultsForRowsNoLongerRunningAtTheClaimedAttempt() {
    Sql.insertJobs(url, "metadata", "q", "noop", 2, "{}");
    List<ClaimedJob> jobs = store.claim("q", KINDS, 2, "c");
    // Rescued and reclaimed by someone else meanwhile / cancelled by an operator.
    Sql.update(url, "UPDATE metadata.river_job SET attempt = attempt + 1 WHERE id = ?", jobs.get(0).id());
    Sql.update(url, "UPDATE metadata.river_job SET state = 'cancelled', finalized_at = now() WHERE id = ?", jobs.get(1).id());
    Instant now = clock.instant();
    Map<Long, JobState> written = store.complete(List.of(
        StateChange.of(jobs.get(0), JobOutcome.completed(), now, now, RetryPolicy.standard()),
        StateChange.of(jobs.get(1), JobOutcome.completed(), now, now, RetryPolicy.standard())));
    assertThat(written).isEmpty();
    assertThat(Sql.rows(url, "SELECT state::text AS s FROM metadata.river_job ORDER BY id"))
        .extracting(r -> r.get("s")).containsExactly("running", "cancelled");
  }

  @Test
  void aCancelRequestedWhileRunningWinsOverARetry() {
    Sql.insertJobs(url, "metadata", "q", "noop", 2, "{}");
    List<ClaimedJob> jobs = store.claim("q", KINDS, 2, "c");
    Sql.update(url, "UPDATE metadata.river_job SET metadata = jsonb_set(metadata, '{cancel_attempted_at}', to_jsonb('2026-01-01T00:00:00Z'::text))");
    Instant now = clock.instant();
    Map<Long, JobState> written = store.complete(List.of(
        StateChange.of(jobs.get(0), JobOutcome.failed("transient"), now, now, RetryPolicy.standard()),
        StateChange.of(jobs.get(1), JobOutcome.completed(), now, now, RetryPolicy.standard())));
    assertThat(written).containsEntry(jobs.get(0).id(), JobState.CANCELLED).containsEntry(jobs.get(1).id(), JobState.COMPLETED);
    assertThat(Sql.row(url, "SELECT finalized_at IS NOT NULL AS f, cardinality(errors) AS n FROM metadata.river_job WHERE id = ?", jobs.get(0).id()))
        .containsEntry("f", true).containsEntry("n", 1);
  }

  @Test
  void retryDelaysFollowRiversScheduleOnTheInjectedClock() {
    long id = insert("INSERT INTO metadata.river_job (kind, queue, args, max_attempts, errors) VALUES ('noop', 'q', '{}', 25, "
        + "ARRAY['{\"at\":\"2026-01-01T00:00:00Z\",\"attempt\":1,\"error\":\"e\",\"trace\":\"\"}',"
        + "'{\"at\":\"2026-01-01T00:00:01Z\",\"attempt\":2,\"error\":\"e\",\"trace\":\"\"}',"
        + "'{\"at\":\"2026-01-01T00:00:17Z\",\"attempt\":3,\"error\":\"e\",\"trace\":\"\"}']::jsonb[])");
    clock.set(Instant.parse("2030-06-01T12:00:00Z"));
    ClaimedJob job = store.claim("q", KINDS, 1, "c").get(0);
    assertThat(job.errorCount()).isEqualTo(3);
    for (double jitter : new double[] {0.0, 0.999999}) {
      StateChange change = StateChange.of(job, JobOutcome.failed("again"), clock.instant(), clock.instant(), new RetryPolicy(() -> jitter));
      // 4th error: 4^4 = 256 s, times a factor in [0.9, 1.1)
      Duration delay = Duration.between(clock.instant(), change.scheduledAt());
      assertThat(delay).isBetween(Duration.ofMillis(230_400), Duration.ofMillis(281_600));
      assertThat(change.state()).isEqualTo(JobState.RETRYABLE);
    }
    store.complete(List.of(StateChange.of(job, JobOutcome.failed("again"), clock.instant(), clock.instant(), new RetryPolicy(() -> 0.5))));
    Map<String, Object> row = Sql.row(url, "SELECT state::text AS s, scheduled_at, cardinality(errors) AS n FROM metadata.river_job WHERE id = ?", id);
    assertThat(row).containsEntry("s", "retryable").containsEntry("n", 4);
    assertThat((Instant) row.get("scheduled_at")).isEqualTo(Instant.parse("2030-06-01T12:04:16Z"));
  }

  @Test
  void eightConcurrentClaimersNeverClaimAJobTwiceAndLoseNone() throws Exception {
    int total = 20_000;
    Sql.insertJobs(url, "metadata", "q", "noop", total, "{}");
    List<Long> claimedIds = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<Integer>> results = new ArrayList<>();
    for (int w = 0; w < 8; w++) {
      String client = "claimer-" + w;
      results.add(pool.submit(() -> {
        try (Database own = TestDatabases.database(url, client, 1)) {
          RiverJobStore mine = new RiverJobStore(own, SCHEMA, clock);
          int done = 0;
          while (true) {
            List<ClaimedJob> batch = mine.claim("q", KINDS, 100, client);
            if (batch.isEmpty()) {
              return done;
            }
            batch.forEach(j -> claimedIds.add(j.id()));
            List<StateChange> changes = batch.stream()
                .map(j -> StateChange.of(j, JobOutcome.completed(), clock.instant(), clock.instant(), RetryPolicy.standard()))
                .toList();
            done += mine.complete(changes).size();
          }
        }
      }));
    }
    int completed = 0;
    for (Future<Integer> f : results) {
      completed += f.get();
    }
    pool.shutdown();
    Set<Long> unique = new HashSet<>(claimedIds);
    assertThat(claimedIds).hasSize(total);
    assertThat(unique).hasSize(total);
    assertThat(completed).isEqualTo(total);
    assertThat(Sql.count(url, "SELECT count(*) FROM metadata.river_job WHERE state = 'completed' AND attempt = 1")).isEqualTo(total);
    assertThat(Sql.count(url, "SELECT count(DISTINCT attempted_by[1]) FROM metadata.river_job")).isGreaterThan(1);
  }
}
