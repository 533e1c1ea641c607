package org.civicos.workers.testing;

import java.util.List;
import java.util.Map;
import org.civicos.workers.db.DatabaseUrl;

/**
 * Counts the statements the server executed in one database, from pg_stat_statements (preloaded in the
 * embedded server). Server-side proof, independent of the JDBC code under test.
 */
public final class StatementCounter {
  private final DatabaseUrl url;

  public StatementCounter(DatabaseUrl url) {
    this.url = url;
    PostgresServer.execute(url, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
  }

  public static boolean available() {
    return Sql.count(PostgresServer.admin(),
        "SELECT count(*) FROM pg_settings WHERE name = 'shared_preload_libraries' AND setting LIKE '%pg_stat_statements%'") > 0;
  }

  public void reset() {
    Sql.rows(url, "SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = current_database()), 0)");
  }

  /** Executions per normalised statement text, for statements whose text contains {@code marker}. */
  public long calls(String marker) {
    List<Map<String, Object>> rows = Sql.rows(url, """
        SELECT coalesce(sum(calls), 0) AS calls FROM pg_stat_statements
        WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query LIKE ?""",
        "%" + marker + "%");
    return ((Number) rows.get(0).get("calls")).longValue();
  }
}
