package org.civicos.workers.db;

import java.sql.Connection;
import java.sql.SQLException;

/** Work done with a borrowed connection; SQLExceptions become {@link DatabaseException}s at the boundary. */
@FunctionalInterface
public interface SqlWork<T> {
  T apply(Connection connection) throws SQLException;
}
