package org.civicos.workers.cli;

/**
 * What {@code workers status} reads: queue depth by state, the oldest claimable job, failing jobs with their last
 * error, and the connection guide's three monitoring queries (connections by application, time in each state,
 * connections idle for more than five minutes). Read-only; {@code ${schema}} is the River schema.
 */
final class StatusQueries {
  static final String DEPTH = """
      SELECT queue, state::text AS state, count(*) AS jobs
      FROM ${schema}.river_job GROUP BY queue, state ORDER BY queue, state
      """;
  static final String OLDEST_AVAILABLE = """
      SELECT queue, extract(epoch FROM now() - min(scheduled_at))::bigint AS age_seconds
      FROM ${schema}.river_job WHERE state = 'available' AND scheduled_at <= now() GROUP BY queue ORDER BY queue
      """;
  static final String FAILING = """
      SELECT queue, kind, state::text AS state, count(*) AS jobs,
             (array_agg(errors[cardinality(errors)] ->> 'error'
                        ORDER BY coalesce(finalized_at, attempted_at, scheduled_at) DESC))[1] AS last_error
      FROM ${schema}.river_job WHERE state IN ('retryable', 'discarded')
      GROUP BY queue, kind, state ORDER BY queue, kind, state
      """;
  /** The same counters the functions publish as metrics, read from the table (finalized rows within retention). */
  static final String COUNTERS = """
      SELECT queue,
             count(*) FILTER (WHERE state = 'available' AND scheduled_at <= now()) AS "QueueDepth",
             coalesce(extract(epoch FROM now() - min(scheduled_at)
                        FILTER (WHERE state = 'available' AND scheduled_at <= now()))::bigint, 0)
               AS "OldestAvailableAgeSeconds",
             count(*) FILTER (WHERE state = 'running') AS "JobsRunning",
             count(*) FILTER (WHERE state = 'retryable') AS "JobsRetried",
             count(*) FILTER (WHERE state = 'completed') AS "JobsCompleted",
             count(*) FILTER (WHERE state = 'discarded') AS "JobsDiscarded",
             count(*) FILTER (WHERE state = 'cancelled') AS "JobsCancelled"
      FROM ${schema}.river_job GROUP BY queue ORDER BY queue
      """;
  static final String CONNECTIONS_BY_APPLICATION = """
      SELECT coalesce(nullif(application_name, ''), '(none)') AS application, count(*) AS connections
      FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
      GROUP BY 1 ORDER BY 2 DESC, 1
      """;
  static final String STATE_DURATIONS = """
      SELECT coalesce(nullif(application_name, ''), '(none)') AS application, coalesce(state, '(none)') AS state,
             count(*) AS connections, round(avg(extract(epoch FROM now() - state_change))::numeric, 1) AS avg_seconds
      FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
      GROUP BY 1, 2 ORDER BY 1, 2
      """;
  static final String LONG_IDLE = """
      SELECT pid, coalesce(nullif(application_name, ''), '(none)') AS application, state_change::text AS idle_since,
             left(query, 80) AS last_query
      FROM pg_stat_activity
      WHERE datname = current_database() AND state = 'idle' AND state_change < now() - interval '5 minutes'
      ORDER BY state_change
      """;

  private StatusQueries() {
  }
}
