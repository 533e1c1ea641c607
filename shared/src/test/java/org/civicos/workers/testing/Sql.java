package org.civicos.workers.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.civicos.workers.db.DatabaseUrl;

/** Small SQL helpers for assertions, on a connection of their own (never the code under test's). */
public final class Sql {
  private Sql() {
  }

  public static List<Map<String, Object>> rows(DatabaseUrl url, String sql, Object... params) {
    try (Connection c = PostgresServer.connect(url); PreparedStatement st = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        st.setObject(i + 1, params[i]);
      }
      List<Map<String, Object>> out = new ArrayList<>();
      try (ResultSet rs = st.executeQuery()) {
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          Map<String, Object> row = new LinkedHashMap<>();
          for (int i = 1; i <= n; i++) {
            Object value = rs.getObject(i);
            if (value instanceof java.sql.Array array) {
              value = array.getArray();
            } else if (value instanceof java.sql.Timestamp timestamp) {
              value = timestamp.toInstant();
            }
            row.put(rs.getMetaData().getColumnLabel(i), value);
          }
          out.add(row);
        }
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  public static Map<String, Object> row(DatabaseUrl url, String sql, Object... params) {
    List<Map<String, Object>> rows = rows(url, sql, params);
    if (rows.size() != 1) {
      throw new IllegalStateException("expected one row, got " + rows.size() + ": " + sql);
    }
    return rows.get(0);
  }

  public static long count(DatabaseUrl url, String sql, Object... params) {
    Object value = row(url, sql, params).values().iterator().next();
    return ((Number) value).longValue();
  }

  public static int update(DatabaseUrl url, String sql, Object... params) {
    try (Connection c = PostgresServer.connect(url); PreparedStatement st = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        st.setObject(i + 1, params[i]);
      }
      return st.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  /** Inserts {@code n} available jobs of one kind, as a River or trigger insert would. Returns the first id. */
  public static long insertJobs(DatabaseUrl url, String schema, String queue, String kind, int n, String argsJson) {
    return ((Number) row(url, "WITH ins AS (INSERT INTO \"" + schema + "\".river_job (kind, queue, args, max_attempts) "
        + "SELECT ?, ?, ?::jsonb, 25 FROM generate_series(1, ?) RETURNING id) SELECT min(id) FROM ins",
        kind, queue, argsJson, n).values().iterator().next()).longValue();
  }

  /** Connections the given application holds right now, from the server's own view. */
  public static long connectionsOf(DatabaseUrl url, String applicationName) {
    return count(url, "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?", applicationName);
  }
}
