package org.civicos.workers.queue;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.civicos.workers.db.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * River's leader-only maintenance, run by the poller because no long-running River client exists: promote due
 * scheduled/retryable jobs, rescue jobs stuck in {@code running}, delete finalized jobs after retention, keep
 * {@code river_queue} rows fresh. Runs only under the {@code river_leader} lease and only the tasks that have
 * work; each task is bounded to {@code maxBatches} statements of {@code batchSize} rows per tick.
 */
public final class Maintenance {
  private static final Logger LOG = LoggerFactory.getLogger(Maintenance.class);

  /** River's scheduler, including its unique-key rule: a promotion that would clash is discarded instead. */
  static final String PROMOTE = """
      WITH due AS (
        SELECT id, unique_key, unique_states, priority, scheduled_at
        FROM ${schema}.river_job
        WHERE state IN ('retryable', 'scheduled') AND scheduled_at <= ?::timestamptz
        ORDER BY priority, scheduled_at, id
        LIMIT ?
        FOR UPDATE SKIP LOCKED
      ), decided AS (
        SELECT due.id,
               due.unique_key IS NOT NULL AND due.unique_states IS NOT NULL AND (
                 EXISTS (SELECT 1 FROM ${schema}.river_job other
                         WHERE other.unique_key = due.unique_key AND other.id <> due.id
                           AND other.unique_states IS NOT NULL
                           AND ${schema}.river_job_state_in_bitmask(other.unique_states, other.state))
                 OR row_number() OVER (PARTITION BY due.unique_key
                                       ORDER BY due.priority, due.scheduled_at, due.id) > 1) AS conflict
        FROM due
      )
      UPDATE ${schema}.river_job AS j SET
        state = (CASE WHEN d.conflict THEN 'discarded' ELSE 'available' END)::${schema}.river_job_state,
        finalized_at = CASE WHEN d.conflict THEN ?::timestamptz END,
        metadata = CASE WHEN d.conflict
                        THEN j.metadata || '{"unique_key_conflict": "scheduler_discarded"}'::jsonb
                        ELSE j.metadata END
      FROM decided d
      WHERE j.id = d.id
      RETURNING d.conflict
      """;

  static final String CLEAN = """
      DELETE FROM ${schema}.river_job WHERE id IN (
        SELECT id FROM ${schema}.river_job
        WHERE (state = 'completed' AND finalized_at < ?::timestamptz)
           OR (state = 'cancelled' AND finalized_at < ?::timestamptz)
           OR (state = 'discarded' AND finalized_at < ?::timestamptz)
        ORDER BY id
        LIMIT ?)
      """;

  static final String REFRESH_QUEUES = """
      INSERT INTO ${schema}.river_queue (name, created_at, metadata, updated_at)
      SELECT q, ?::timestamptz, '{}', ?::timestamptz FROM unnest(?::text[]) AS q
      ON CONFLICT (name) DO UPDATE SET updated_at = EXCLUDED.updated_at
      """;

  static final String CLEAN_QUEUES = "DELETE FROM ${schema}.river_queue WHERE updated_at < ?::timestamptz";

  /** What one run did. {@code skipped} names the reason when nothing ran. */
  public record Report(String skipped, int promoted, int uniqueDiscarded, int rescued, int deleted,
      int queuesRefreshed) {
    static Report skipped(String reason) {
      return new Report(reason, 0, 0, 0, 0, 0);
    }

    public boolean ran() {
      return skipped == null;
    }
  }

  private final Database database;
  private final RiverSchema schema;
  private final RiverJobStore jobs;
  private final LeaderLease lease;
  private final MaintenanceSettings settings;
  private final InstantSource clock;
  private final RetryPolicy retryPolicy;

  public Maintenance(Database database, RiverSchema schema, MaintenanceSettings settings, InstantSource clock,
      RetryPolicy retryPolicy) {
    this.database = database;
    this.schema = schema;
    this.jobs = new RiverJobStore(database, schema, clock);
    this.lease = new LeaderLease(database, schema);
    this.settings = settings;
    this.clock = clock;
    this.retryPolicy = retryPolicy;
  }

  /** Runs the tasks {@code needs} says have work, under the leader lease; skips if another leader is live. */
  public Report run(MaintenanceNeeds needs, Collection<String> ourQueues, String leaderId) {
    if (!needs.any()) {
      return Report.skipped("nothing due");
    }
    LeaderLease.Election election = lease.tryAcquire(leaderId, settings.leaseTtl());
    if (!election.won()) {
      LOG.info("maintenance skipped: river_leader is held by {} until {}", election.holder(),
          election.holderExpiresAt());
      return Report.skipped("leader " + election.holder());
    }
    try {
      int[] promoted = needs.promote() ? promote() : new int[] {0, 0};
      int rescued = needs.rescue() ? rescue() : 0;
      int deleted = needs.clean() ? clean() : 0;
      int refreshed = needs.refreshQueues() ? refreshQueues(ourQueues) : 0;
      return new Report(null, promoted[0], promoted[1], rescued, deleted, refreshed);
    } finally {
      lease.resign(election.lease().orElseThrow());
    }
  }

  /** Returns {promoted to available, discarded for a unique clash}. */
  public int[] promote() {
    String sql = schema.apply(PROMOTE);
    int promoted = 0;
    int discarded = 0;
    for (int batch = 0; batch < settings.maxBatches(); batch++) {
      Instant now = clock.instant();
      int[] counts = database.withConnection("promote due jobs", connection -> {
        try (PreparedStatement st = connection.prepareStatement(sql)) {
          st.setString(1, now.plus(MaintenanceSettings.PROMOTE_LOOK_AHEAD).toString());
          st.setInt(2, settings.batchSize());
          st.setString(3, now.toString());
          int ok = 0;
          int clash = 0;
          try (ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
              if (rs.getBoolean(1)) {
                clash++;
              } else {
                ok++;
              }
            }
          }
          return new int[] {ok, clash};
        }
      });
      promoted += counts[0];
      discarded += counts[1];
      if (counts[0] + counts[1] < settings.batchSize()) {
        break;
      }
    }
    if (discarded > 0) {
      LOG.warn("discarded {} scheduled jobs whose unique key is already taken", discarded);
    }
    return new int[] {promoted, discarded};
  }

  /**
   * Running rows older than {@code rescueAfter} belong to an invocation that died or overran: they are
   * retried (or discarded at max_attempts, or cancelled if a cancel was requested) through the same guarded
   * completion statement a handler uses, with River's {@code river:rescue_count} bumped.
   */
  public int rescue() {
    int rescued = 0;
    for (int batch = 0; batch < settings.maxBatches(); batch++) {
      Instant now = clock.instant();
      List<ClaimedJob> stuck = jobs.stuck(now.minus(settings.rescueAfter()), settings.batchSize());
      if (stuck.isEmpty()) {
        break;
      }
      List<StateChange> changes = new ArrayList<>(stuck.size());
      for (ClaimedJob job : stuck) {
        String error = "stuck job rescued by civic-workers: running since " + job.attemptedAt()
            + ", longer than the rescue threshold " + settings.rescueAfter();
        changes.add(StateChange.failure(job, error, "", now, now, retryPolicy, "river:rescue_count"));
      }
      int done = jobs.complete(changes).size();
      rescued += done;
      LOG.warn("rescued {} stuck jobs (ids {})", done, stuck.stream().map(ClaimedJob::id).toList());
      if (stuck.size() < settings.batchSize()) {
        break;
      }
    }
    return rescued;
  }

  public int clean() {
    String sql = schema.apply(CLEAN);
    int deleted = 0;
    for (int batch = 0; batch < settings.maxBatches(); batch++) {
      Instant now = clock.instant();
      int count = database.withConnection("delete finalized jobs", connection -> {
        try (PreparedStatement st = connection.prepareStatement(sql)) {
          st.setString(1, now.minus(settings.completedRetention()).toString());
          st.setString(2, now.minus(settings.cancelledRetention()).toString());
          st.setString(3, now.minus(settings.discardedRetention()).toString());
          st.setInt(4, settings.batchSize());
          return st.executeUpdate();
        }
      });
      deleted += count;
      if (count < settings.batchSize()) {
        break;
      }
    }
    return deleted;
  }

  /** Upserts our queues' rows (River UI lists queues from them) and drops rows nobody refreshed for 24 h. */
  public int refreshQueues(Collection<String> queues) {
    Instant now = clock.instant();
    return database.inTransaction("refresh river_queue", connection -> {
      int refreshed;
      try (PreparedStatement st = connection.prepareStatement(schema.apply(REFRESH_QUEUES))) {
        st.setString(1, now.toString());
        st.setString(2, now.toString());
        st.setArray(3, connection.createArrayOf("text", queues.toArray()));
        refreshed = st.executeUpdate();
      }
      try (PreparedStatement st = connection.prepareStatement(schema.apply(CLEAN_QUEUES))) {
        st.setString(1, now.minus(MaintenanceSettings.QUEUE_RETENTION).toString());
        st.executeUpdate();
      }
      return refreshed;
    });
  }
}
