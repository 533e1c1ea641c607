package org.civicos.workers.db;

import java.sql.SQLException;
import org.civicos.workers.WorkersException;

/** A database call failed. Carries the SQLSTATE so callers can tell a lost connection from a bad row. */
public final class DatabaseException extends WorkersException {
  private final String sqlState;

  public DatabaseException(String message, SQLException cause) {
    super(message + ": " + describe(cause), cause);
    this.sqlState = rootState(cause);
  }

  /** The pool's "connection is not available" wraps the real reason (refused, no such database, bad password). */
  private static String describe(SQLException error) {
    String text = error.getMessage();
    Throwable root = root(error);
    if (root != error && root.getMessage() != null && !text.contains(root.getMessage())) {
      text += " (" + root.getMessage() + ")";
    }
    return org.civicos.workers.log.Secrets.mask(text);
  }

  private static String rootState(SQLException error) {
    Throwable root = root(error);
    if (root instanceof SQLException sql && sql.getSQLState() != null) {
      return sql.getSQLState();
    }
    return error.getSQLState();
  }

  private static Throwable root(SQLException error) {
    Throwable current = error;
    if (error.getNextException() != null) {
      current = error.getNextException();
    }
    while (current.getCause() != null && current.getCause() != current) {
      current = current.getCause();
    }
    return current;
  }

  public String sqlState() {
    return sqlState;
  }

  /** Connection lost or server shutting down (class 08, 57P01-57P03): worth a retry on a new connection. */
  public boolean isConnectionFailure() {
    return sqlState != null && (sqlState.startsWith("08") || sqlState.startsWith("57P"));
  }
}
