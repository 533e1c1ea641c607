package org.civicos.workers.db;

import java.sql.SQLException;
import org.civicos.workers.WorkersException;

/** A database call failed. Carries the SQLSTATE so callers can tell a lost connection from a bad row. */
public final class DatabaseException extends WorkersException {
  private final String sqlState;

  public DatabaseException(String message, SQLException cause) {
    super(message + ": " + cause.getMessage(), cause);
    this.sqlState = cause.getSQLState();
  }

  public String sqlState() {
    return sqlState;
  }

  /** Connection lost or server shutting down (class 08, 57P01-57P03): worth a retry on a new connection. */
  public boolean isConnectionFailure() {
    return sqlState != null && (sqlState.startsWith("08") || sqlState.startsWith("57P"));
  }
}
