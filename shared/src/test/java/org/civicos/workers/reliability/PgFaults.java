package org.civicos.workers.reliability;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.civicos.workers.db.DatabaseUrl;
import org.civicos.workers.testing.PostgresServer;

/**
 * Database faults for the reliability tests: {@code pg_terminate_backend} on the worker's own backends, either at
 * once or at a precise point. A {@link Trap} holds a lock the worker's next statement of one kind must wait for
 * (the claim reads {@code river_queue}; the completion updates the running rows; a job's own SQL updates its
 * domain row), so the test can terminate the worker's backend exactly while that statement is in flight.
 */
public final class PgFaults {
  private PgFaults() {
  }

  /** Terminates every backend whose application_name is LIKE {@code applicationLike}; returns how many. */
  public static int terminate(DatabaseUrl url, String applicationLike) {
    try (Connection c = PostgresServer.connect(url); PreparedStatement st = c.prepareStatement(
        "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
            + "WHERE application_name LIKE ? AND pid <> pg_backend_pid()")) {
      st.setString(1, applicationLike);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Backends of {@code applicationLike} that are running a statement right now (not idle in the pool). */
  public static List<Integer> active(DatabaseUrl url, String applicationLike) {
    try (Connection c = PostgresServer.connect(url); PreparedStatement st = c.prepareStatement(
        "SELECT pid FROM pg_stat_activity WHERE application_name LIKE ? AND state = 'active' "
            + "AND pid <> pg_backend_pid()")) {
      st.setString(1, applicationLike);
      List<Integer> pids = new ArrayList<>();
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          pids.add(rs.getInt(1));
        }
      }
      return pids;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public static boolean terminatePid(DatabaseUrl url, int pid) {
    try (Connection c = PostgresServer.connect(url); PreparedStatement st = c.prepareStatement(
        "SELECT pg_terminate_backend(?)")) {
      st.setInt(1, pid);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Opens a transaction holding the locks {@code lockSql} takes, until {@link Trap#close()}. */
  public static Trap trap(DatabaseUrl url, String lockSql) {
    try {
      Connection c = PostgresServer.connect(url);
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        st.execute(lockSql);
      }
      int pid;
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
        rs.next();
        pid = rs.getInt(1);
      }
      return new Trap(url, c, pid);
    } catch (SQLException e) {
      throw new IllegalStateException(lockSql + ": " + e.getMessage(), e);
    }
  }

  /** A held lock and the backends caught waiting on it. */
  public static final class Trap implements AutoCloseable {
    private final DatabaseUrl url;
    private final Connection connection;
    private final int pid;

    Trap(DatabaseUrl url, Connection connection, int pid) {
      this.url = url;
      this.connection = connection;
      this.pid = pid;
    }

    /**
     * Waits until a backend of {@code applicationLike} is blocked by this trap, then terminates it.
     *
     * @return the query it was running, or null if none got caught within {@code timeout}
     */
    public String awaitAndTerminate(String applicationLike, Duration timeout) throws InterruptedException {
      long end = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < end) {
        try (Connection c = PostgresServer.connect(url); PreparedStatement st = c.prepareStatement(
            "SELECT pid, query FROM pg_stat_activity WHERE application_name LIKE ? AND ? = ANY (pg_blocking_pids(pid))")) {
          st.setString(1, applicationLike);
          st.setInt(2, pid);
          try (ResultSet rs = st.executeQuery()) {
            if (rs.next()) {
              int victim = rs.getInt(1);
              String query = rs.getString(2);
              if (terminatePid(url, victim)) {
                return query;
              }
            }
          }
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
        Thread.sleep(20);
      }
      return null;
    }

    /** Rolls back and so releases the locks. */
    @Override
    public void close() {
      try {
        connection.rollback();
        connection.close();
      } catch (SQLException ignored) {
        // gone already
      }
    }
  }
}
