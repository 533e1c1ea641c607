package org.civicos.workers.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.civicos.workers.queue.RiverSchema;
import org.civicos.workers.testing.PostgresServer;
import org.civicos.workers.testing.TestDatabases;
import org.junit.jupiter.api.Test;

class SchemaInstallerTest {

  @Test
  void appliesRiverAndCivicOsOnceAndLeavesThemAloneAfterwards() throws Exception {
    DatabaseUrl url = PostgresServer.newDatabase("install");
    try (Database db = TestDatabases.database(url, "test", 1)) {
      SchemaInstaller installer = new SchemaInstaller(db, new RiverSchema("metadata"));
      assertThat(installer.apply(true)).containsExactly(
          "river: installed River migrations 1-6 in schema metadata",
          "civic-os: installed the Civic OS tables, triggers and RPCs used by the workers");
      assertThat(installer.apply(true)).containsExactly(
          "river: metadata.river_job exists; left unchanged",
          "civic-os: metadata.files exists; left unchanged");
      assertThat(new SchemaCheck(db, new RiverSchema("metadata")).check(true)).isEmpty();
    }
    try (Connection c = PostgresServer.connect(url); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT array_agg(version ORDER BY version) FROM metadata.river_migration WHERE line = 'main'")) {
      rs.next();
      assertThat((Object[]) rs.getArray(1).getArray()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    }
  }

  @Test
  void installsRiverInAConfiguredSchema() {
    DatabaseUrl url = PostgresServer.newDatabase("custom_schema");
    try (Database db = TestDatabases.database(url, "test", 1)) {
      new SchemaInstaller(db, new RiverSchema("jobs")).apply(false);
      assertThat(new SchemaCheck(db, new RiverSchema("jobs")).check(false)).isEmpty();
      assertThat(new SchemaCheck(db, new RiverSchema("metadata")).check(false))
          .extracting(SchemaCheck.Finding::message)
          .containsExactly("schema 'metadata' does not exist: install River's tables there (river migrate-up "
              + "--schema metadata, or `workers schema apply` on a local database) or set RIVER_SCHEMA");
    }
  }

  @Test
  void insertingAFileCreatesTheThumbnailJobCivicOsWould() throws Exception {
    DatabaseUrl url = TestDatabases.withCivicOs("files_trigger");
    try (Connection c = PostgresServer.connect(url); Statement st = c.createStatement()) {
      st.execute("""
          INSERT INTO metadata.files (id, entity_type, entity_id, file_name, file_type, file_size, s3_original_key)
          VALUES ('019a0000-0000-7000-8000-000000000001', 'Issue', '42', 'a.jpg', 'image/jpeg', 10,
                  'Issue/42/019a0000-0000-7000-8000-000000000001/original.jpg')""");
      st.execute("""
          INSERT INTO metadata.files (entity_type, entity_id, file_name, file_type, file_size, s3_original_key,
                                      thumbnail_status)
          VALUES ('Issue', '42', 'a.txt', 'text/plain', 10, 'Issue/42/x/original.txt', 'not_applicable')""");
      try (ResultSet rs = st.executeQuery("""
          SELECT kind, args::text, queue, priority, max_attempts, state::text, attempt, metadata::text,
                 tags::text, errors IS NULL, attempted_by IS NULL, unique_key IS NULL, finalized_at IS NULL,
                 scheduled_at = created_at
          FROM metadata.river_job""")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("thumbnail_generate");
        assertThat(rs.getString(2)).isEqualTo("{\"file_id\": \"019a0000-0000-7000-8000-000000000001\"}");
        assertThat(rs.getString(3)).isEqualTo("thumbnails");
        assertThat(rs.getInt(4)).isEqualTo(1);
        assertThat(rs.getInt(5)).isEqualTo(25);
        assertThat(rs.getString(6)).isEqualTo("available");
        assertThat(rs.getInt(7)).isZero();
        assertThat(rs.getString(8)).isEqualTo("{}");
        assertThat(rs.getString(9)).isEqualTo("{}");
        for (int column = 10; column <= 14; column++) {
          assertThat(rs.getBoolean(column)).as("column %d", column).isTrue();
        }
        assertThat(rs.next()).as("not_applicable files get no job").isFalse();
      }
    }
  }

  @Test
  void producersCreateCivicOsJobRows() throws Exception {
    DatabaseUrl url = TestDatabases.withCivicOs("producers");
    try (Connection c = PostgresServer.connect(url); Statement st = c.createStatement()) {
      st.execute("SELECT request_upload_url('Issue', '7', 'photo.JPG', 'image/jpeg')");
      st.execute("INSERT INTO metadata.civic_os_users VALUES ('00000000-0000-0000-0000-000000000001', 'Ann')");
      st.execute("INSERT INTO metadata.civic_os_users_private (id, display_name, email) "
          + "VALUES ('00000000-0000-0000-0000-000000000001', 'Ann', 'ann@example.com')");
      st.execute("INSERT INTO metadata.notification_templates (name, subject_template, html_template, text_template) "
          + "VALUES ('hello', 'Hi {{.Entity.name}}', '<p>{{.Entity.name}}</p>', 'Hi')");
      st.execute("SELECT create_notification('00000000-0000-0000-0000-000000000001', 'hello', 'Issue', '7', "
          + "'{\"name\": \"Bo\"}')");
      st.execute("SELECT validate_template_parts(p_subject_template => 'x', p_html_template => NULL)");
      st.execute("SELECT preview_template_parts(p_text_template => 'y')");
      try (ResultSet rs = st.executeQuery("""
          SELECT kind, queue, priority, max_attempts, args - 'request_id' - 'notification_id' - 'validation_id'
          FROM metadata.river_job ORDER BY id""")) {
        assertThat(rows(rs)).containsExactly(
            "s3_presign|s3_signer|1|25|{\"entity_id\": \"7\", \"file_name\": \"photo.JPG\", \"file_type\": \"image/jpeg\", \"entity_type\": \"Issue\"}",
            "send_notification|notifications|1|5|{\"user_id\": \"00000000-0000-0000-0000-000000000001\", \"channels\": [\"email\"], \"entity_id\": \"7\", \"entity_data\": {\"name\": \"Bo\"}, \"entity_type\": \"Issue\", \"template_name\": \"hello\"}",
            "validate_template_parts|notifications|4|3|{\"sms_template\": null, \"html_template\": null, \"text_template\": null, \"subject_template\": \"x\"}",
            "preview_template_parts|notifications|4|3|{\"sms_template\": null, \"html_template\": null, \"text_template\": \"y\", \"subject_template\": null, \"sample_entity_data\": {\"id\": 1, \"display_name\": \"Example Entity\"}}");
      }
      try (ResultSet rs = st.executeQuery(
          "SELECT channel, enabled, email_address FROM metadata.notification_preferences")) {
        assertThat(rows(rs)).containsExactly("email|true|ann@example.com");
      }
    }
  }

  @Test
  void checkReportsWhatAnOldOrPartialDatabaseLacks() {
    DatabaseUrl url = TestDatabases.withSchema("partial", new RiverSchema("metadata"), false);
    PostgresServer.execute(url, "DELETE FROM metadata.river_migration WHERE version = 6");
    PostgresServer.execute(url, "DROP INDEX metadata.river_job_prioritized_fetching_index");
    PostgresServer.execute(url, "ALTER TABLE metadata.river_job DROP COLUMN unique_states CASCADE");
    try (Database db = TestDatabases.database(url, "test", 1)) {
      List<SchemaCheck.Finding> findings = new SchemaCheck(db, new RiverSchema("metadata")).check(true);
      assertThat(findings).extracting(SchemaCheck.Finding::toString).contains(
          "error: metadata.river_job has no column unique_states",
          "error: River migrations are at version 5 in metadata; the workers need 6 or later "
              + "(unique_states and river_job_state_in_bitmask): run river migrate-up --schema metadata",
          "warning: index river_job_prioritized_fetching_index is missing: claims and depth checks will scan "
              + "the whole table",
          "error: table metadata.files is missing");
      assertThat(SchemaCheck.passes(findings)).isFalse();
    }
  }

  @Test
  void acceptsADatabaseAlreadyAtRiverMigration7() {
    DatabaseUrl url = TestDatabases.withSchema("v7", new RiverSchema("metadata"), true);
    // What River's migration 7 changes.
    PostgresServer.execute(url, """
        DROP TABLE metadata.river_client_queue;
        DROP TABLE metadata.river_client;
        ALTER TABLE metadata.river_job ALTER COLUMN max_attempts SET DEFAULT 25;
        ALTER TABLE metadata.river_queue ALTER COLUMN updated_at SET DEFAULT CURRENT_TIMESTAMP;
        CREATE TABLE metadata.river_notification (id bigserial PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now(),
          payload text NOT NULL, topic text NOT NULL);
        INSERT INTO metadata.river_migration (line, version) VALUES ('main', 7);""");
    try (Database db = TestDatabases.database(url, "test", 1)) {
      assertThat(new SchemaInstaller(db, new RiverSchema("metadata")).apply(true))
          .first().isEqualTo("river: metadata.river_job exists; left unchanged");
      assertThat(new SchemaCheck(db, new RiverSchema("metadata")).check(true)).isEmpty();
    }
    // apply did not bring back what migration 7 dropped
    try (Connection c = PostgresServer.connect(url); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT to_regclass('metadata.river_client') IS NULL")) {
      rs.next();
      assertThat(rs.getBoolean(1)).isTrue();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void checkFlagsRowLevelSecurityThatWouldHideRowsFromTheWorkerRole() {
    DatabaseUrl url = TestDatabases.withCivicOs("rls");
    PostgresServer.execute(url, """
        ALTER TABLE metadata.files ENABLE ROW LEVEL SECURITY;
        CREATE ROLE rls_worker LOGIN PASSWORD 'pw';
        GRANT USAGE ON SCHEMA metadata TO rls_worker;
        GRANT SELECT ON ALL TABLES IN SCHEMA metadata TO rls_worker;""");
    try (Database db = TestDatabases.database(url.withUser("rls_worker", "pw"), "test", 1)) {
      assertThat(new SchemaCheck(db, new RiverSchema("metadata")).check(true))
          .extracting(SchemaCheck.Finding::message)
          .contains("row-level security on metadata.files applies to role rls_worker: its updates would silently "
              + "match no rows. Connect as the table owner or a role with BYPASSRLS");
    } finally {
      PostgresServer.execute(url, "DROP OWNED BY rls_worker; DROP ROLE rls_worker");
    }
  }

  private static List<String> rows(ResultSet rs) throws Exception {
    List<String> out = new java.util.ArrayList<>();
    int n = rs.getMetaData().getColumnCount();
    while (rs.next()) {
      StringBuilder row = new StringBuilder();
      for (int i = 1; i <= n; i++) {
        row.append(i > 1 ? "|" : "").append(rs.getString(i));
      }
      out.add(row.toString().replace("|t|", "|true|").replace("|f|", "|false|"));
    }
    return out;
  }
}
