package org.civicos.workers.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.civicos.workers.db.DatabaseUrl;
import org.civicos.workers.local.LocalPostgres;

/**
 * The PostgreSQL server the tests use: {@code TEST_DATABASE_URL} when set (any PostgreSQL 15+ the tests may
 * create databases on), otherwise one embedded PostgreSQL 17 per test JVM (zonky binaries). Each test class
 * gets its own fresh database, so tests never see each other's rows.
 */
public final class PostgresServer {
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static volatile DatabaseUrl admin;
  private static LocalPostgres embedded;

  private PostgresServer() {
  }

  /** The maintenance database of the server, as a superuser (or the TEST_DATABASE_URL user). */
  public static synchronized DatabaseUrl admin() {
    if (admin == null) {
      String external = System.getenv("TEST_DATABASE_URL");
      if (external != null && !external.isBlank()) {
        admin = DatabaseUrl.parse("TEST_DATABASE_URL", external);
      } else {
        admin = startEmbedded();
      }
    }
    return admin;
  }

  /** Creates an empty database and returns its URL. */
  public static DatabaseUrl newDatabase(String prefix) {
    DatabaseUrl server = admin();
    String name = "t_" + prefix.toLowerCase().replaceAll("[^a-z0-9_]", "_") + "_" + ProcessHandle.current().pid()
        + "_" + COUNTER.incrementAndGet();
    execute(server, "CREATE DATABASE " + name);
    return server.withDatabase(name);
  }

  public static void execute(DatabaseUrl url, String sql) {
    try (Connection c = connect(url); Statement st = c.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  public static Connection connect(DatabaseUrl url) throws SQLException {
    Properties props = new Properties();
    if (url.user() != null) {
      props.setProperty("user", url.user());
    }
    if (url.password() != null) {
      props.setProperty("password", url.password());
    }
    props.setProperty("ApplicationName", "civic-workers-tests");
    return DriverManager.getConnection(url.jdbcUrl(), props);
  }

  private static DatabaseUrl startEmbedded() {
    embedded = LocalPostgres.start(Path.of(System.getProperty("java.io.tmpdir"), "civic-workers-pg"));
    Runtime.getRuntime().addShutdownHook(new Thread(embedded::close));
    return embedded.adminUrl();
  }
}
