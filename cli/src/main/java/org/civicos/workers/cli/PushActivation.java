package org.civicos.workers.cli;

import java.sql.Connection;
import java.sql.Statement;
import org.civicos.workers.db.Database;
import org.civicos.workers.queue.RiverSchema;

/**
 * The connection guide's solution 4 for the consolidated mode: a statement-level trigger on {@code river_job}
 * that sends one {@code pg_notify} per queue that just received available jobs, so a LISTENing worker starts at
 * once instead of at the next poll. The poll stays as the safety net (notifications are not delivered to nobody,
 * and a missed one costs one tick).
 */
final class PushActivation {
  static final String CHANNEL_SUFFIX = "civic_workers_activate";

  static final String INSTALL = """
      CREATE OR REPLACE FUNCTION ${schema}.civic_workers_notify_insert() RETURNS trigger
      LANGUAGE plpgsql AS $fn$
      BEGIN
        PERFORM pg_notify(${channel}, queue)
        FROM (SELECT DISTINCT queue FROM new_jobs WHERE state = 'available') AS queues;
        RETURN NULL;
      END
      $fn$;
      DROP TRIGGER IF EXISTS civic_workers_notify_insert ON ${schema}.river_job;
      CREATE TRIGGER civic_workers_notify_insert AFTER INSERT ON ${schema}.river_job
        REFERENCING NEW TABLE AS new_jobs
        FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.civic_workers_notify_insert();
      """;

  static final String REMOVE = """
      DROP TRIGGER IF EXISTS civic_workers_notify_insert ON ${schema}.river_job;
      DROP FUNCTION IF EXISTS ${schema}.civic_workers_notify_insert();
      """;

  /** {@code <schema>.civic_workers_activate}, River's naming convention for its own channels. */
  static String channel(RiverSchema schema) {
    return schema.name() + "." + CHANNEL_SUFFIX;
  }

  static void install(Database db, RiverSchema schema) {
    run(db, schema.apply(INSTALL).replace("${channel}", "'" + channel(schema) + "'"));
  }

  static void remove(Database db, RiverSchema schema) {
    run(db, schema.apply(REMOVE));
  }

  private static void run(Database db, String sql) {
    db.inTransaction("push activation", (Connection c) -> {
      try (Statement st = c.createStatement()) {
        st.execute(sql);
      }
      return null;
    });
  }

  private PushActivation() {
  }
}
