package org.civicos.workers.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.civicos.workers.db.DatabaseUrl;
import org.civicos.workers.testing.PostgresServer;
import org.civicos.workers.testing.S3TestServer;
import org.civicos.workers.testing.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** poll, drain, status and enqueue against a plain PostgreSQL set up with `schema apply --civic-os`. */
class OperationsCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Map<String, String> env(DatabaseUrl db) {
    Map<String, String> env = CliTestSupport.env(db);
    env.put("S3_ENDPOINT", S3TestServer.endpoint().toString());
    env.put("S3_ACCESS_KEY_ID", S3TestServer.ACCESS_KEY);
    env.put("S3_SECRET_ACCESS_KEY", S3TestServer.SECRET_KEY);
    env.put("S3_BUCKET", "ops-files");
    return env;
  }

  @Test
  void pollOnceDrainsWorkCreatedThroughCivicOsAndStatusReportsIt(@TempDir Path dir) throws Exception {
    S3TestServer.bucket("ops-files");
    DatabaseUrl db = PostgresServer.newDatabase("cli_ops");
    Map<String, String> env = env(db);
    assertThat(CliTestSupport.run(env, "schema", "apply", "--civic-os").exit()).isZero();

    CliTestSupport.Run upload = CliTestSupport.run(env, "enqueue", "upload", "--file-name", "a.png", "--file-type", "image/png");
    assertThat(upload.exit()).as(upload.err()).isZero();
    String requestId = upload.out().trim();
    Path photo = dir.resolve("photo.png");
    ImageIO.write(new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB), "png", photo.toFile());
    CliTestSupport.Run file = CliTestSupport.run(env, "enqueue", "file", "--upload", photo.toString());
    assertThat(file.exit()).as(file.err()).isZero();
    String fileId = file.out().trim();
    Sql.rows(db, "SELECT validate_template_parts(p_subject_template => 'Hi {{.Entity.x}}')");

    CliTestSupport.Run before = CliTestSupport.run(env, "status", "--json");
    JsonNode depth = JSON.readTree(before.out()).get(0).get("depth");
    assertThat(depth.toString()).contains("\"queue\":\"s3_signer\",\"state\":\"available\",\"jobs\":1");

    CliTestSupport.Run poll = CliTestSupport.run(env, "poll", "--once");
    assertThat(poll.exit()).as(poll.out() + poll.err()).isZero();
    assertThat(poll.out()).contains("s3_signer: 1 invocations (0 continuations), 1 completed, 0 failed")
        .contains("thumbnails: 1 invocations (0 continuations), 1 completed, 0 failed")
        .contains("notifications: 1 invocations (0 continuations), 1 completed, 0 failed");
    assertThat(Sql.count(db, "SELECT count(*) FROM metadata.river_job WHERE state <> 'completed'")).isZero();
    assertThat(Sql.row(db, "SELECT status FROM metadata.file_upload_requests WHERE id = ?::uuid", requestId).get("status"))
        .isEqualTo("completed");
    assertThat(Sql.row(db, "SELECT thumbnail_status FROM metadata.files WHERE id = ?::uuid", fileId).get("thumbnail_status"))
        .isEqualTo("completed");
    assertThat(Sql.count(db, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        + "AND application_name LIKE 'civic-workers/%'")).isZero();

    JsonNode counters = JSON.readTree(CliTestSupport.run(env, "status", "--json").out()).get(0).get("counters");
    assertThat(counters).hasSize(3).allSatisfy(q -> {
      assertThat(q.get("JobsCompleted").asInt()).isEqualTo(1);
      assertThat(q.get("QueueDepth").asInt()).isZero();
    });

    CliTestSupport.Run after = CliTestSupport.run(env, "status");
    assertThat(after.exit()).isZero();
    assertThat(after.out()).contains("== tenant default").contains("queue=thumbnails  state=completed  jobs=1")
        .contains("failing: none").contains("connections by application:");
  }

  @Test
  void drainRunsOneInvocationAndStatusShowsFailingJobsWithTheirLastError() throws Exception {
    DatabaseUrl db = PostgresServer.newDatabase("cli_drain");
    Map<String, String> env = env(db);
    CliTestSupport.run(env, "schema", "apply", "--civic-os");
    Sql.update(db, "INSERT INTO metadata.river_job (kind, queue, args, max_attempts) VALUES ('thumbnail_generate', "
        + "'thumbnails', '{\"file_id\": \"019a0000-0000-7000-8000-000000000077\"}', 1)");
    Sql.update(db, "INSERT INTO metadata.files (id, entity_type, entity_id, file_name, file_type, file_size, s3_original_key, "
        + "s3_bucket, thumbnail_status) VALUES ('019a0000-0000-7000-8000-000000000077', 'Issue', '1', 'x', 'image/png', 1, "
        + "'Issue/1/x/original.png', 'ops-files', 'not_applicable')");
    Sql.update(db, "UPDATE metadata.files SET thumbnail_status = 'pending'");
    env.put("S3_ENDPOINT", "http://127.0.0.1:1");

    CliTestSupport.Run drain = CliTestSupport.run(env, "drain", "thumbnails");
    assertThat(drain.exit()).as(drain.err()).isZero();
    JsonNode result = JSON.readTree(drain.out().lines().findFirst().orElseThrow());
    assertThat(result.get("claimed").asInt()).isEqualTo(1);
    assertThat(result.get("discarded").asInt()).isEqualTo(1);

    CliTestSupport.Run status = CliTestSupport.run(env, "status", "--json");
    JsonNode failing = JSON.readTree(status.out()).get(0).get("failing").get(0);
    assertThat(failing.get("state").asText()).isEqualTo("discarded");
    assertThat(failing.get("last_error").asText()).isNotEmpty();

    assertThat(CliTestSupport.run(env, "drain", "nope").exit()).isEqualTo(64);
    Sql.update(db, "INSERT INTO metadata.civic_os_users VALUES ('00000000-0000-0000-0000-00000000c0c0', 'Cy')");
    Sql.update(db, "INSERT INTO metadata.notification_templates (name, subject_template, html_template, text_template) "
        + "VALUES ('hello', 'Hi', '<p>Hi</p>', 'Hi')");
    CliTestSupport.Run notification = CliTestSupport.run(env, "enqueue", "notification", "--user",
        "00000000-0000-0000-0000-00000000c0c0", "--template", "hello", "--data", "{\"x\": 1}", "--channels", "email,sms");
    assertThat(notification.exit()).as(notification.err()).isZero();
    assertThat(Sql.row(db, "SELECT args->'channels' AS c, args->'entity_data' AS d FROM metadata.river_job "
        + "WHERE kind = 'send_notification'").toString()).contains("[\"email\", \"sms\"]").contains("{\"x\": 1}");
    assertThat(CliTestSupport.run(env, "drain", "thumbnails", "--tenant", "ghost").exit()).isEqualTo(1);
  }
}
