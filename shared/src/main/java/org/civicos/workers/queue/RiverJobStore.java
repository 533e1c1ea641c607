package org.civicos.workers.queue;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.civicos.workers.db.Database;

/**
 * River's job table through reviewed SQL: the claim and the batched completion the drain loop runs, and the
 * row selection the rescuer needs. Every statement is a single autocommit statement with no session state,
 * so it is safe behind RDS Proxy and PgBouncer in transaction mode.
 */
public final class RiverJobStore implements JobStore {

  /** River's fetch: lock in priority order, skip rows other claimers hold, mark running in the same statement. */
  static final String CLAIM = """
      WITH locked AS (
        SELECT id FROM ${schema}.river_job
        WHERE state = 'available' AND queue = ? AND scheduled_at <= now() AND kind = ANY (?::text[])
          AND NOT EXISTS (SELECT 1 FROM ${schema}.river_queue q WHERE q.name = ? AND q.paused_at IS NOT NULL)
        ORDER BY priority, scheduled_at, id
        LIMIT ?
        FOR UPDATE SKIP LOCKED
      )
      UPDATE ${schema}.river_job AS j SET
        state = 'running',
        attempt = j.attempt + 1,
        attempted_at = now(),
        attempted_by = array_append(
          CASE WHEN cardinality(j.attempted_by) >= 100
               THEN j.attempted_by[cardinality(j.attempted_by) - 98:] ELSE j.attempted_by END,
          ?::text)
      FROM locked
      WHERE j.id = locked.id
      RETURNING j.id, j.kind, j.queue, j.attempt, j.max_attempts, j.priority,
                coalesce(cardinality(j.errors), 0), j.args::text, j.attempted_at, j.created_at, j.scheduled_at
      """;

  /**
   * River's JobSetStateIfRunningMany: one row per outcome, applied only where the row is still running at the
   * attempt we claimed. A requested cancel ({@code metadata.cancel_attempted_at}) turns any retry or snooze
   * into {@code cancelled}.
   */
  static final String COMPLETE = """
      WITH change AS (
        SELECT * FROM unnest(?::bigint[], ?::int[], ?::text[], ?::text[], ?::text[], ?::int[], ?::text[])
          AS c(id, attempt, state, scheduled_at, error, attempt_delta, increment_key)
      ), decided AS (
        SELECT c.*, c.state IN ('available', 'retryable', 'scheduled') AND (j.metadata -> 'cancel_attempted_at') IS NOT NULL
                    AS cancel
        FROM change c JOIN ${schema}.river_job j ON j.id = c.id
      )
      UPDATE ${schema}.river_job AS j SET
        state = (CASE WHEN d.cancel THEN 'cancelled' ELSE d.state END)::${schema}.river_job_state,
        attempt = CASE WHEN d.cancel THEN j.attempt ELSE j.attempt + d.attempt_delta END,
        scheduled_at = CASE WHEN d.cancel OR d.scheduled_at IS NULL THEN j.scheduled_at
                            ELSE d.scheduled_at::timestamptz END,
        finalized_at = CASE WHEN d.cancel OR d.state IN ('cancelled', 'completed', 'discarded')
                            THEN ?::timestamptz END,
        errors = CASE WHEN d.error IS NULL THEN j.errors ELSE array_append(j.errors, d.error::jsonb) END,
        metadata = CASE WHEN d.increment_key IS NULL THEN j.metadata
                        ELSE j.metadata || jsonb_build_object(d.increment_key,
                               CASE WHEN jsonb_typeof(j.metadata -> d.increment_key) = 'number'
                                    THEN (j.metadata ->> d.increment_key)::numeric::bigint ELSE 0 END + 1) END
      FROM decided d
      WHERE j.id = d.id AND j.state = 'running' AND j.attempt = d.attempt
      RETURNING j.id, j.state::text
      """;

  /**
   * A timed-out job that ignored interruption is recorded {@code retryable} far in the future so no retry can
   * run beside its still-running thread; once that thread stops, this makes the retry due now.
   */
  static final String RELEASE_HELD = """
      UPDATE ${schema}.river_job AS j SET state = 'available', scheduled_at = now()
      FROM unnest(?::bigint[], ?::int[]) AS h(id, attempt)
      WHERE j.id = h.id AND j.attempt = h.attempt AND j.state = 'retryable' AND j.scheduled_at > now()
      """;

  /** Rows left running past the rescue threshold (their invocation died or overran). */
  static final String SELECT_STUCK = """
      SELECT id, kind, queue, attempt, max_attempts, priority, coalesce(cardinality(errors), 0), args::text,
             attempted_at, created_at, scheduled_at
      FROM ${schema}.river_job
      WHERE state = 'running' AND attempted_at < ?::timestamptz
      ORDER BY id
      LIMIT ?
      """;

  private final Database database;
  private final InstantSource clock;
  private final String claimSql;
  private final String completeSql;
  private final String stuckSql;
  private final String releaseHeldSql;

  public RiverJobStore(Database database, RiverSchema schema, InstantSource clock) {
    this.database = database;
    this.clock = clock;
    this.claimSql = schema.apply(CLAIM);
    this.completeSql = schema.apply(COMPLETE);
    this.stuckSql = schema.apply(SELECT_STUCK);
    this.releaseHeldSql = schema.apply(RELEASE_HELD);
  }

  @Override
  public List<ClaimedJob> claim(String queue, Collection<String> kinds, int limit, String clientId) {
    return database.withConnection("claim " + queue, connection -> {
      try (PreparedStatement st = connection.prepareStatement(claimSql)) {
        st.setString(1, queue);
        st.setArray(2, connection.createArrayOf("text", kinds.toArray(String[]::new)));
        st.setString(3, queue);
        st.setInt(4, limit);
        st.setString(5, clientId);
        return readJobs(st);
      }
    });
  }

  @Override
  public Map<Long, JobState> complete(List<StateChange> changes) {
    if (changes.isEmpty()) {
      return Map.of();
    }
    Instant now = clock.instant();
    return database.withConnection("complete " + changes.size() + " jobs", connection -> {
      try (PreparedStatement st = connection.prepareStatement(completeSql)) {
        int n = changes.size();
        Long[] ids = new Long[n];
        Integer[] attempts = new Integer[n];
        String[] states = new String[n];
        String[] scheduled = new String[n];
        String[] errors = new String[n];
        Integer[] deltas = new Integer[n];
        String[] increments = new String[n];
        for (int i = 0; i < n; i++) {
          StateChange c = changes.get(i);
          ids[i] = c.id();
          attempts[i] = c.attempt();
          states[i] = c.state().sql();
          scheduled[i] = c.scheduledAt() == null ? null : c.scheduledAt().toString();
          errors[i] = c.errorJson();
          deltas[i] = c.attemptDelta();
          increments[i] = c.incrementKey();
        }
        st.setArray(1, array(connection, "int8", ids));
        st.setArray(2, array(connection, "int4", attempts));
        st.setArray(3, array(connection, "text", states));
        st.setArray(4, array(connection, "text", scheduled));
        st.setArray(5, array(connection, "text", errors));
        st.setArray(6, array(connection, "int4", deltas));
        st.setArray(7, array(connection, "text", increments));
        st.setString(8, now.toString());
        Map<Long, JobState> result = new LinkedHashMap<>();
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            result.put(rs.getLong(1), JobState.fromSql(rs.getString(2)));
          }
        }
        return result;
      }
    });
  }

  @Override
  public int releaseHeld(Map<Long, Integer> attemptById) {
    if (attemptById.isEmpty()) {
      return 0;
    }
    return database.withConnection("release " + attemptById.size() + " held retries", connection -> {
      try (PreparedStatement st = connection.prepareStatement(releaseHeldSql)) {
        st.setArray(1, array(connection, "int8", attemptById.keySet().toArray(Long[]::new)));
        st.setArray(2, array(connection, "int4", attemptById.values().toArray(Integer[]::new)));
        return st.executeUpdate();
      }
    });
  }

  /** Running rows whose attempt started before {@code cutoff}. */
  public List<ClaimedJob> stuck(Instant cutoff, int limit) {
    return database.withConnection("select stuck jobs", connection -> {
      try (PreparedStatement st = connection.prepareStatement(stuckSql)) {
        st.setString(1, cutoff.toString());
        st.setInt(2, limit);
        return readJobs(st);
      }
    });
  }

  private static List<ClaimedJob> readJobs(PreparedStatement st) throws SQLException {
    record Row(ClaimedJob job, Instant scheduledAt) {
    }
    List<Row> rows = new ArrayList<>();
    try (ResultSet rs = st.executeQuery()) {
      while (rs.next()) {
        ClaimedJob job = new ClaimedJob(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getInt(5),
            rs.getInt(6), rs.getInt(7), rs.getString(8), instant(rs.getTimestamp(9)), instant(rs.getTimestamp(10)));
        rows.add(new Row(job, instant(rs.getTimestamp(11))));
      }
    }
    // RETURNING order is unspecified: run in River's fetch order.
    rows.sort(Comparator.comparingInt((Row r) -> r.job().priority())
        .thenComparing(Row::scheduledAt)
        .thenComparingLong(r -> r.job().id()));
    return rows.stream().map(Row::job).toList();
  }

  private static Array array(Connection connection, String type, Object[] values) throws SQLException {
    return connection.createArrayOf(type, values);
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }
}
