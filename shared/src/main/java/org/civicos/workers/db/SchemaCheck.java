package org.civicos.workers.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.civicos.workers.queue.RiverSchema;

/**
 * Read-only inspection of an existing (production) database: does it have the River tables, migration level,
 * columns and privileges the workers rely on? Changes nothing; each finding says what is wrong and what to do.
 */
public final class SchemaCheck {
  public enum Severity { ERROR, WARNING }

  public record Finding(Severity severity, String message) {
    @Override
    public String toString() {
      return severity.name().toLowerCase() + ": " + message;
    }
  }

  /** Column name → type family ("string" accepts text and varchar; anything else is the exact udt name). */
  private static final Map<String, Map<String, String>> RIVER_TABLES = Map.of(
      "river_job", columns(
          "id", "int8", "state", "river_job_state", "attempt", "int2", "max_attempts", "int2",
          "attempted_at", "timestamptz", "created_at", "timestamptz", "finalized_at", "timestamptz",
          "scheduled_at", "timestamptz", "priority", "int2", "args", "jsonb", "attempted_by", "_text",
          "errors", "_jsonb", "kind", "text", "metadata", "jsonb", "queue", "text", "tags", "_varchar",
          "unique_key", "bytea", "unique_states", "bit"),
      "river_queue", columns(
          "name", "text", "created_at", "timestamptz", "metadata", "jsonb", "paused_at", "timestamptz",
          "updated_at", "timestamptz"),
      "river_leader", columns(
          "elected_at", "timestamptz", "expires_at", "timestamptz", "leader_id", "text", "name", "text"),
      "river_migration", columns("line", "text", "version", "int8"));

  private static final Map<String, Map<String, String>> CIVIC_OS_TABLES = Map.of(
      "files", columns(
          "id", "uuid", "s3_bucket", "string", "s3_original_key", "string", "file_type", "string",
          "thumbnail_status", "string", "thumbnail_error", "string", "s3_thumbnail_small_key", "string",
          "s3_thumbnail_medium_key", "string", "s3_thumbnail_large_key", "string", "updated_at", "timestamptz"),
      "file_upload_requests", columns(
          "id", "uuid", "status", "string", "presigned_url", "string", "s3_key", "string", "file_id", "uuid",
          "error_message", "string"),
      "notifications", columns(
          "id", "int8", "user_id", "uuid", "template_name", "string", "status", "string",
          "sent_at", "timestamptz", "error_message", "string", "channels_sent", "_text",
          "channels_failed", "_text"),
      "notification_templates", columns(
          "name", "string", "subject_template", "string", "html_template", "string", "text_template", "string",
          "sms_template", "string"),
      "notification_preferences", columns(
          "user_id", "uuid", "channel", "string", "enabled", "bool", "email_address", "string"),
      "civic_os_users_private", columns("id", "uuid", "email", "string"),
      "template_validation_results", columns("id", "uuid", "status", "string", "completed_at", "timestamptz"),
      "template_part_validation_results", columns(
          "validation_id", "uuid", "part_name", "string", "valid", "bool", "error_message", "string"));

  /** Tables the workers update: row-level security must not hide rows from the worker's role. */
  private static final List<String> WRITTEN_TABLES = List.of(
      "files", "file_upload_requests", "notifications", "template_validation_results",
      "template_part_validation_results");

  private static final Map<String, String> JOB_TRIGGERS = Map.of(
      "insert_thumbnail_job_trigger", "files",
      "insert_s3_presign_job_trigger", "file_upload_requests",
      "enqueue_notification_job_trigger", "notifications");

  private static final Set<String> STATES = Set.of(
      "available", "cancelled", "completed", "discarded", "pending", "retryable", "running", "scheduled");

  private final Database database;
  private final RiverSchema schema;

  public SchemaCheck(Database database, RiverSchema schema) {
    this.database = database;
    this.schema = schema;
  }

  public List<Finding> check(boolean civicOs) {
    return database.withConnection("schema check", connection -> {
      List<Finding> findings = new ArrayList<>();
      if (!schemaExists(connection, schema.name())) {
        findings.add(error("schema '" + schema.name() + "' does not exist: install River's tables there "
            + "(river migrate-up --schema " + schema.name() + ", or `workers schema apply` on a local database) "
            + "or set RIVER_SCHEMA"));
        return findings;
      }
      checkTables(connection, schema.name(), RIVER_TABLES, findings);
      checkRiver(connection, findings);
      if (civicOs) {
        checkTables(connection, "metadata", CIVIC_OS_TABLES, findings);
        checkTriggers(connection, findings);
        checkRowSecurity(connection, findings);
      }
      return findings;
    });
  }

  public static boolean passes(List<Finding> findings) {
    return findings.stream().noneMatch(f -> f.severity() == Severity.ERROR);
  }

  private void checkRiver(Connection connection, List<Finding> findings) throws SQLException {
    String s = schema.quoted();
    if (hasColumn(connection, schema.name(), "river_migration", "line")) {
      Long version = single(connection, "SELECT max(version) FROM " + s + ".river_migration WHERE line = 'main'");
      if (version == null || version < 6) {
        findings.add(error("River migrations are at version " + version + " in " + schema.name()
            + "; the workers need 6 or later (unique_states and river_job_state_in_bitmask): run "
            + "river migrate-up --schema " + schema.name()));
      }
    }
    List<String> states = strings(connection, """
        SELECT e.enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid
        JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = ? AND t.typname = 'river_job_state'""", schema.name());
    if (!states.containsAll(STATES)) {
      List<String> missing = STATES.stream().filter(st -> !states.contains(st)).sorted().toList();
      findings.add(error(schema.name() + ".river_job_state lacks the values " + missing));
    }
    if (strings(connection, """
        SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = ? AND p.proname = 'river_job_state_in_bitmask'""", schema.name()).isEmpty()) {
      findings.add(error(schema.name() + ".river_job_state_in_bitmask is missing (River migration 6)"));
    }
    if (strings(connection, """
        SELECT indexname FROM pg_indexes WHERE schemaname = ?
        AND indexname = 'river_job_prioritized_fetching_index'""", schema.name()).isEmpty()) {
      findings.add(warning("index river_job_prioritized_fetching_index is missing: claims and depth checks "
          + "will scan the whole table"));
    }
  }

  private static void checkTables(Connection connection, String tableSchema,
      Map<String, Map<String, String>> tables, List<Finding> findings) throws SQLException {
    for (var table : new java.util.TreeMap<>(tables).entrySet()) {
      Map<String, String> actual = columnTypes(connection, tableSchema, table.getKey());
      if (actual.isEmpty()) {
        findings.add(error("table " + tableSchema + "." + table.getKey() + " is missing"));
        continue;
      }
      for (var column : table.getValue().entrySet()) {
        String type = actual.get(column.getKey());
        if (type == null) {
          findings.add(error(tableSchema + "." + table.getKey() + " has no column " + column.getKey()));
        } else if (!typeMatches(column.getValue(), type)) {
          findings.add(error(tableSchema + "." + table.getKey() + "." + column.getKey() + " is " + type
              + ", expected " + column.getValue()));
        }
      }
    }
  }

  private void checkTriggers(Connection connection, List<Finding> findings) throws SQLException {
    for (var trigger : JOB_TRIGGERS.entrySet()) {
      List<String> found = strings(connection, """
          SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
          JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'metadata' AND c.relname = ? AND t.tgname = ?""",
          trigger.getValue(), trigger.getKey());
      if (found.isEmpty()) {
        findings.add(warning("trigger " + trigger.getKey() + " on metadata." + trigger.getValue()
            + " is missing: no jobs will be created for that table"));
      }
    }
  }

  private static void checkRowSecurity(Connection connection, List<Finding> findings) throws SQLException {
    for (String table : WRITTEN_TABLES) {
      try (PreparedStatement st = connection.prepareStatement("""
          SELECT c.relrowsecurity AND NOT (r.rolsuper OR r.rolbypassrls OR pg_has_role(c.relowner, 'USAGE'))
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          JOIN pg_roles r ON r.rolname = current_user
          WHERE n.nspname = 'metadata' AND c.relname = ?""")) {
        st.setString(1, table);
        try (ResultSet rs = st.executeQuery()) {
          if (rs.next() && rs.getBoolean(1)) {
            findings.add(error("row-level security on metadata." + table + " applies to role " + currentUser(connection)
                + ": its updates would silently match no rows. Connect as the table owner or a role with BYPASSRLS"));
          }
        }
      }
    }
  }

  private static boolean typeMatches(String expected, String actual) {
    if (expected.equals("string")) {
      return actual.equals("text") || actual.equals("varchar") || actual.equals("bpchar");
    }
    return expected.equals(actual);
  }

  private static Map<String, String> columnTypes(Connection connection, String tableSchema, String table)
      throws SQLException {
    Map<String, String> types = new HashMap<>();
    try (PreparedStatement st = connection.prepareStatement(
        "SELECT column_name, udt_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ?")) {
      st.setString(1, tableSchema);
      st.setString(2, table);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          types.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    return types;
  }

  private static boolean hasColumn(Connection connection, String tableSchema, String table, String column)
      throws SQLException {
    return columnTypes(connection, tableSchema, table).containsKey(column);
  }

  private static boolean schemaExists(Connection connection, String name) throws SQLException {
    return !strings(connection, "SELECT nspname FROM pg_namespace WHERE nspname = ?", name).isEmpty();
  }

  private static String currentUser(Connection connection) throws SQLException {
    return strings(connection, "SELECT current_user::text").get(0);
  }

  private static Long single(Connection connection, String sql) throws SQLException {
    try (PreparedStatement st = connection.prepareStatement(sql); ResultSet rs = st.executeQuery()) {
      rs.next();
      long value = rs.getLong(1);
      return rs.wasNull() ? null : value;
    }
  }

  private static List<String> strings(Connection connection, String sql, String... params) throws SQLException {
    try (PreparedStatement st = connection.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        st.setString(i + 1, params[i]);
      }
      List<String> out = new ArrayList<>();
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    }
  }

  private static Map<String, String> columns(String... pairs) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put(pairs[i], pairs[i + 1]);
    }
    return map;
  }

  private static Finding error(String message) {
    return new Finding(Severity.ERROR, message);
  }

  private static Finding warning(String message) {
    return new Finding(Severity.WARNING, message);
  }
}
