package org.civicos.workers.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.civicos.workers.db.DatabaseUrl;
import org.civicos.workers.queue.RiverSchema;
import org.civicos.workers.testing.PostgresServer;
import org.civicos.workers.testing.Sql;
import org.civicos.workers.testing.TestDatabases;

/** The PostgreSQL server of the run (embedded, or TEST_DATABASE_URL) and fast database creation. */
public final class Pg {
  public static final RiverSchema SCHEMA = new RiverSchema("metadata");
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static DatabaseUrl template;
  private static DatabaseUrl civicTemplate;

  private Pg() {
  }

  public static DatabaseUrl admin() {
    return PostgresServer.admin();
  }

  /** A new database with River's tables in {@code metadata}, copied from a template made once. */
  public static synchronized DatabaseUrl riverDatabase(String prefix) {
    if (template == null) {
      template = TestDatabases.withSchema("bench_tpl_river", SCHEMA, false);
    }
    return copy(template, prefix);
  }

  /** A new database with River's tables and the Civic OS objects. */
  public static synchronized DatabaseUrl civicDatabase(String prefix) {
    if (civicTemplate == null) {
      civicTemplate = TestDatabases.withSchema("bench_tpl_civic", SCHEMA, true);
    }
    return copy(civicTemplate, prefix);
  }

  private static DatabaseUrl copy(DatabaseUrl from, String prefix) {
    String name = "b_" + prefix + "_" + COUNTER.incrementAndGet();
    PostgresServer.execute(admin(), "CREATE DATABASE " + name + " TEMPLATE " + from.database()
        + " STRATEGY FILE_COPY");
    return admin().withDatabase(name);
  }

  public static void drop(DatabaseUrl url) {
    PostgresServer.execute(admin(), "DROP DATABASE IF EXISTS " + url.database() + " WITH (FORCE)");
  }

  /** libpq environment for pgbench and psql. */
  public static Map<String, String> libpqEnv(DatabaseUrl url) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PGHOST", url.host());
    env.put("PGPORT", Integer.toString(url.port()));
    env.put("PGUSER", url.user());
    if (url.password() != null) {
      env.put("PGPASSWORD", url.password());
    }
    env.put("PGDATABASE", url.database());
    return env;
  }

  public static String version() {
    return (String) Sql.row(admin(), "SELECT version() AS v").get("v");
  }

  public static String setting(String name) {
    return (String) Sql.row(admin(), "SELECT current_setting(?) AS v", name).get("v");
  }

  /** A connection of the benchmark's own (application name civic-workers-bench), never the code's. */
  public static Connection connect(DatabaseUrl url) throws SQLException {
    Connection c = PostgresServer.connect(url);
    return c;
  }

  public static long queryLong(Connection c, String sql) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(sql); ResultSet rs = st.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
