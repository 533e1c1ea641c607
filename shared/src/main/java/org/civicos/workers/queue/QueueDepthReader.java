package org.civicos.workers.queue;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.civicos.workers.db.Database;

/**
 * The poller's one statement per tenant: per queue, how many of our jobs are claimable now or soon, how many
 * invocations are already at work, whether the queue is paused; and tenant-wide, whether any maintenance
 * task has work. Each count is capped and each probe walks River's fetch index, so the cost stays flat
 * however large the backlog grows.
 */
public final class QueueDepthReader {
  /** Counting stops here; the poller never needs more to size its fan-out. */
  public static final int DEFAULT_COUNT_CAP = 10_000;

  static final String DEPTH = """
      WITH spec AS (
        SELECT k.queue, array_agg(k.kind) AS kinds
        FROM unnest(?::text[], ?::text[]) AS k(queue, kind)
        GROUP BY k.queue
      ), needs AS (
        SELECT
          EXISTS (SELECT 1 FROM ${schema}.river_job
                  WHERE state IN ('scheduled', 'retryable') AND scheduled_at <= ?::timestamptz) AS promote,
          EXISTS (SELECT 1 FROM ${schema}.river_job
                  WHERE state = 'running' AND attempted_at < ?::timestamptz) AS rescue,
          EXISTS (SELECT 1 FROM ${schema}.river_job
                  WHERE state IN ('completed', 'cancelled', 'discarded') AND finalized_at < ?::timestamptz) AS clean,
          EXISTS (SELECT 1 FROM spec
                  WHERE NOT EXISTS (SELECT 1 FROM ${schema}.river_queue rq
                                    WHERE rq.name = spec.queue AND rq.updated_at >= ?::timestamptz)) AS refresh
      )
      SELECT spec.queue,
        (SELECT count(*) FROM (SELECT 1 FROM ${schema}.river_job j
           WHERE j.state = 'available' AND j.queue = spec.queue AND j.scheduled_at <= now()
             AND j.kind = ANY (spec.kinds) LIMIT ?) a) AS available_now,
        (SELECT count(*) FROM (SELECT 1 FROM ${schema}.river_job j
           WHERE j.state IN ('available', 'scheduled', 'retryable') AND j.queue = spec.queue
             AND j.scheduled_at > now() AND j.scheduled_at <= now() + ?::interval
             AND j.kind = ANY (spec.kinds) LIMIT ?) s) AS due_soon,
        (SELECT count(*) FROM (SELECT 1 FROM ${schema}.river_job j
           WHERE j.state = 'running' AND j.queue = spec.queue LIMIT ?) r) AS running_jobs,
        (SELECT count(DISTINCT j.attempted_by[cardinality(j.attempted_by)]) FROM ${schema}.river_job j
           WHERE j.state = 'running' AND j.queue = spec.queue) AS running_invocations,
        EXISTS (SELECT 1 FROM ${schema}.river_queue rq WHERE rq.name = spec.queue AND rq.paused_at IS NOT NULL)
          AS paused,
        (SELECT min((SELECT j.scheduled_at FROM ${schema}.river_job j
                     WHERE j.state = 'available' AND j.queue = spec.queue AND j.priority = p
                       AND j.kind = ANY (spec.kinds)
                     ORDER BY j.scheduled_at LIMIT 1))
         FROM generate_series(1, 4) AS p) AS oldest_available,
        needs.promote, needs.rescue, needs.clean, needs.refresh
      FROM spec CROSS JOIN needs
      ORDER BY spec.queue
      """;

  private final Database database;
  private final InstantSource clock;
  private final MaintenanceSettings maintenance;
  private final String sql;
  private final int countCap;

  public QueueDepthReader(Database database, RiverSchema schema, InstantSource clock,
      MaintenanceSettings maintenance) {
    this(database, schema, clock, maintenance, DEFAULT_COUNT_CAP);
  }

  public QueueDepthReader(Database database, RiverSchema schema, InstantSource clock,
      MaintenanceSettings maintenance, int countCap) {
    this.database = database;
    this.clock = clock;
    this.maintenance = maintenance;
    this.sql = schema.apply(DEPTH);
    this.countCap = countCap;
  }

  public TenantSnapshot read(List<QueueSpec> specs) {
    List<String> queues = new ArrayList<>();
    List<String> kinds = new ArrayList<>();
    for (QueueSpec spec : specs) {
      for (String kind : spec.kinds()) {
        queues.add(spec.queue());
        kinds.add(kind);
      }
    }
    Instant now = clock.instant();
    return database.withConnection("read queue depth", connection -> {
      try (PreparedStatement st = connection.prepareStatement(sql)) {
        st.setArray(1, connection.createArrayOf("text", queues.toArray()));
        st.setArray(2, connection.createArrayOf("text", kinds.toArray()));
        st.setString(3, now.plus(MaintenanceSettings.PROMOTE_LOOK_AHEAD).toString());
        st.setString(4, now.minus(maintenance.rescueAfter()).toString());
        st.setString(5, now.minus(maintenance.shortestRetention()).toString());
        st.setString(6, now.minus(MaintenanceSettings.QUEUE_REFRESH).toString());
        st.setInt(7, countCap);
        st.setString(8, MaintenanceSettings.PROMOTE_LOOK_AHEAD.toSeconds() + " seconds");
        st.setInt(9, countCap);
        st.setInt(10, countCap);
        List<QueueDepth> depths = new ArrayList<>();
        MaintenanceNeeds needs = MaintenanceNeeds.NONE;
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            Timestamp oldest = rs.getTimestamp(7);
            depths.add(new QueueDepth(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                rs.getBoolean(6), oldest == null ? null : oldest.toInstant()));
            needs = new MaintenanceNeeds(rs.getBoolean(8), rs.getBoolean(9), rs.getBoolean(10), rs.getBoolean(11));
          }
        }
        return new TenantSnapshot(depths, needs);
      }
    });
  }
}
