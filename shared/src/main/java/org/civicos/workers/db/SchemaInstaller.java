package org.civicos.workers.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.civicos.workers.queue.RiverSchema;

/**
 * Installs the schema for local and test use: River's tables (migrations 1-6, as Civic OS installs them) in
 * the configured schema, and optionally the Civic OS tables, triggers and RPCs the workers touch. Idempotent,
 * and conservative: a part that already exists (River at any migration, or a real Civic OS) is left exactly
 * as it is. Use {@link SchemaCheck} to find out whether an existing database has what the workers need.
 */
public final class SchemaInstaller {
  private final Database database;
  private final RiverSchema schema;

  public SchemaInstaller(Database database, RiverSchema schema) {
    this.database = database;
    this.schema = schema;
  }

  /** Returns one line per part saying what was done. */
  public List<String> apply(boolean civicOs) {
    return database.inTransaction("schema apply", connection -> {
      List<String> actions = new ArrayList<>();
      // Serialises concurrent installers on one database; released at commit.
      try (Statement lock = connection.createStatement()) {
        lock.execute("SELECT pg_advisory_xact_lock(hashtext('civic-workers schema apply'))");
      }
      if (exists(connection, schema.quoted() + ".river_job")) {
        actions.add("river: " + schema.name() + ".river_job exists; left unchanged");
      } else {
        run(connection, "db/river.sql");
        actions.add("river: installed River migrations 1-6 in schema " + schema.name());
      }
      if (civicOs) {
        if (exists(connection, "metadata.files")) {
          actions.add("civic-os: metadata.files exists; left unchanged");
        } else {
          run(connection, "db/civic-os.sql");
          actions.add("civic-os: installed the Civic OS tables, triggers and RPCs used by the workers");
        }
      }
      return actions;
    });
  }

  private void run(Connection connection, String resource) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(schema.apply(read(resource)));
    }
  }

  private static boolean exists(Connection connection, String relation) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      statement.setString(1, relation);
      try (ResultSet rs = statement.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  static String read(String resource) {
    try (InputStream in = SchemaInstaller.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
