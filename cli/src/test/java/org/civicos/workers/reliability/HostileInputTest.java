package org.civicos.workers.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.civicos.workers.aws.AwsClients;
import org.civicos.workers.aws.Handlers;
import org.civicos.workers.config.Env;
import org.civicos.workers.db.DatabaseUrl;
import org.civicos.workers.notification.NotificationWiring;
import org.civicos.workers.runtime.Activation;
import org.civicos.workers.runtime.Deadline;
import org.civicos.workers.runtime.FunctionDefinition;
import org.civicos.workers.runtime.HandlerParts;
import org.civicos.workers.runtime.QueueHandler;
import org.civicos.workers.s3.S3SignerWiring;
import org.civicos.workers.testing.S3TestServer;
import org.civicos.workers.testing.Sql;
import org.civicos.workers.testing.TestDatabases;
import org.civicos.workers.testing.ses.FakeSesServer;
import org.civicos.workers.testing.ses.RecordedSesRequest;
import org.civicos.workers.thumbnail.ThumbnailWiring;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.regions.Region;

/**
 * Hostile input on the full path: job rows as a careless or malicious writer could leave them (args of the wrong
 * shape or type, huge args, injection strings in every text field, unknown kinds in our queues), templates that
 * loop or explode, recipient addresses with CR/LF, Unicode edge cases in file names and subjects. Each ends in a
 * recorded state with its reason in {@code errors} or the domain row; the invocation returns normally and the
 * valid jobs of the same batches complete.
 */
class HostileInputTest {
  private static final String INJECTION = "x'); DROP TABLE metadata.files; --\"}{\\u0000\"";
  private static DatabaseUrl url;
  private static FakeSesServer ses;
  private static Env env;
  private static final String USER = new UUID(0, 1).toString();

  @BeforeAll
  static void setUp() {
    S3TestServer.bucket("civic-os-files");
    url = TestDatabases.withCivicOs("hostile");
    ses = FakeSesServer.start();
    Map<String, String> values = new HashMap<>();
    values.put("DATABASE_URL", "postgres://" + url.user() + ":" + url.password() + "@" + url.host() + ":"
        + url.port() + "/" + url.database());
    values.put("S3_ENDPOINT", S3TestServer.endpoint().toString());
    values.put("S3_ACCESS_KEY_ID", S3TestServer.ACCESS_KEY);
    values.put("S3_SECRET_ACCESS_KEY", S3TestServer.SECRET_KEY);
    values.put("SES_ENDPOINT", ses.endpoint().toString());
    values.put("JOB_TIMEOUT", "20s");
    env = new Env(values);
    Sql.update(url, "INSERT INTO metadata.civic_os_users (id, display_name) VALUES (?::uuid, 'Ann')", USER);
    Sql.update(url, "INSERT INTO metadata.civic_os_users_private (id, display_name, email) VALUES (?::uuid, 'Ann', "
        + "'ann@example.org')", USER);
  }

  @AfterAll
  static void tearDown() {
    ses.close();
  }

  /** Runs one function until its queue is drained; the invocation must return normally, never throw. */
  private static QueueHandler.Result drain(FunctionDefinition definition, String queue) {
    AwsClients aws = new AwsClients(Region.US_EAST_1, StaticCredentialsProvider.create(
        AwsBasicCredentials.create("AKIDHOSTILE", "secret")));
    try (HandlerParts parts = Handlers.create(definition, env, (f, a) -> { }, aws)) {
      long started = System.nanoTime();
      QueueHandler.Result result = parts.handler().handle(new Activation("default", queue, "manual"),
          Deadline.after(Duration.ofMinutes(2), InstantSource.system()), "hostile", Optional.empty());
      assertThat(result.isRejected()).isFalse();
      assertThat(Duration.ofNanos(System.nanoTime() - started)).as("bounded").isLessThan(Duration.ofSeconds(60));
      return result;
    }
  }

  private static String json(Object value) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long job(String kind, String queue, String argsJson) {
    return Sql.insertJobs(url, "metadata", queue, kind, 1, argsJson);
  }

  private static Map<String, Object> row(long id) {
    return Sql.row(url, "SELECT state::text AS state, attempt, errors[cardinality(errors)]->>'error' AS error "
        + "FROM metadata.river_job WHERE id = ?", id);
  }

  /** Ends in {@code state} with a reason containing {@code reason}. */
  private static void assertEnded(long id, String state, String reason) {
    Map<String, Object> row = row(id);
    assertThat(row.get("state")).as("job %d: %s", id, row).isEqualTo(state);
    assertThat((String) row.get("error")).as("job %d reason", id).containsIgnoringCase(reason);
  }

  @Test
  void argsOfTheWrongShapeOrTypeAreRecordedWithTheReasonAndDoNotBlockTheBatch() {
    List<Long> canaries = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String request = (String) Sql.row(url, "SELECT request_upload_url('Issue', ?, 'a.jpg', 'image/jpeg')::text AS id",
          Integer.toString(i)).get("id");
      canaries.add(((Number) Sql.row(url, "SELECT id FROM metadata.river_job WHERE args->>'request_id' = ?", request)
          .get("id")).longValue());
    }
    long jsonNull = job("s3_presign", "s3_signer", "null");
    long string = job("s3_presign", "s3_signer", "\"just a string\"");
    long array = job("s3_presign", "s3_signer", "[1, 2, 3]");
    long number = job("s3_presign", "s3_signer", "42");
    long wrongTypes = job("s3_presign", "s3_signer", "{\"request_id\": true, \"file_name\": 7, \"entity_type\": []}");
    long notAUuid = job("s3_presign", "s3_signer", json(Map.of("request_id", INJECTION)));
    long thumbWrong = job("thumbnail_generate", "thumbnails", "{\"file_id\": 123}");
    long thumbInjection = job("thumbnail_generate", "thumbnails", json(Map.of("file_id", INJECTION)));
    long notifWrong = job("send_notification", "notifications", "{\"notification_id\": {\"a\": 1}}");
    long checkWrong = job("validate_template_parts", "notifications", "{\"validation_id\": [], \"html_template\": 5}");

    QueueHandler.Result s3 = drain(S3SignerWiring.DEFINITION, "s3_signer");
    drain(ThumbnailWiring.DEFINITION, "thumbnails");
    drain(NotificationWiring.DEFINITION, "notifications");

    assertThat(s3.report().completed()).isEqualTo(3);
    canaries.forEach(id -> assertThat(row(id).get("state")).isEqualTo("completed"));
    assertEnded(jsonNull, "cancelled", "args must be a JSON object");
    for (long id : List.of(string, array, number, wrongTypes, notAUuid, thumbWrong, thumbInjection, notifWrong,
        checkWrong)) {
      Map<String, Object> r = row(id);
      assertThat(r.get("state")).as("job %d %s", id, r).isIn("cancelled", "discarded");
      assertThat((String) r.get("error")).as("job %d", id).containsIgnoringCase("invalid");
    }
    assertThat(Sql.count(url, "SELECT count(*) FROM pg_tables WHERE schemaname = 'metadata' AND tablename = 'files'"))
        .as("the injection string was data, not SQL").isEqualTo(1);
  }

  @Test
  void unknownKindsInOurQueuesAreLeftUntouched() {
    List<Long> foreign = new ArrayList<>();
    for (String queue : List.of("s3_signer", "thumbnails", "notifications")) {
      foreign.add(job("go_only_kind", queue, "{\"x\": 1}"));
    }
    drain(S3SignerWiring.DEFINITION, "s3_signer");
    drain(ThumbnailWiring.DEFINITION, "thumbnails");
    drain(NotificationWiring.DEFINITION, "notifications");
    for (long id : foreign) {
      assertThat(Sql.row(url, "SELECT state::text AS s, attempt, attempted_by, errors FROM metadata.river_job "
          + "WHERE id = ?", id)).containsEntry("s", "available").containsEntry("attempt", 0)
          .containsEntry("attempted_by", null).containsEntry("errors", null);
    }
  }

  @Test
  void injectionStringsAndOversizedValuesInEveryTextFieldEndAsRecordedFailures() {
    String big = "A".repeat(1_000_000);
    String[] hostile = {INJECTION, "../../etc/passwd", "Issue/../../x", "a\r\nb", "\u0000", big,
        "{{.Entity}}", "$(rm -rf /)", "%s%n%x", "<script>alert(1)</script>"};
    List<String> requests = new ArrayList<>();
    for (String value : hostile) {
      String sqlSafe = value.replace("\u0000", "\\0"); // PostgreSQL text cannot hold NUL at all
      requests.add((String) Sql.row(url, "SELECT request_upload_url(?, '1', 'a.jpg', 'image/jpeg')::text AS id",
          sqlSafe).get("id"));
      requests.add((String) Sql.row(url, "SELECT request_upload_url('Issue', ?, 'a.jpg', 'image/jpeg')::text AS id",
          sqlSafe).get("id"));
      requests.add((String) Sql.row(url, "SELECT request_upload_url('Issue', '1', ?, ?)::text AS id", sqlSafe,
          sqlSafe).get("id"));
    }
    drain(S3SignerWiring.DEFINITION, "s3_signer");
    for (String request : requests) {
      Map<String, Object> r = Sql.row(url, "SELECT status, error_message, s3_key, presigned_url FROM "
          + "metadata.file_upload_requests WHERE id = ?::uuid", request);
      Map<String, Object> j = Sql.row(url, "SELECT state::text AS s, errors[1]->>'error' AS e FROM metadata.river_job "
          + "WHERE args->>'request_id' = ?", request);
      if ("completed".equals(r.get("status"))) {
        // Accepted values became a safe key: letters, digits, '_', '-', '.', '/' only.
        assertThat((String) r.get("s3_key")).matches("[A-Za-z0-9_./-]+").doesNotContain("..");
        assertThat(j.get("s")).isEqualTo("completed");
      } else {
        assertThat(r.get("status")).as("request %s", r).isEqualTo("failed");
        assertThat((String) r.get("error_message")).isNotBlank().hasSizeLessThan(2_000);
        assertThat(j.get("s")).isEqualTo("cancelled");
        assertThat((String) j.get("e")).hasSizeLessThan(2_000);
      }
    }
    // Thumbnails: a files row written by a client with hostile bucket and key.
    for (String[] bad : new String[][] {{"civic-os-files", "../../etc/passwd"}, {"civic-os-files", "a//b/original.jpg"},
        {"other-bucket", "Issue/1/x/original.jpg"}, {"civic-os-files", "Issue/1/x/" + INJECTION},
        {"civic-os-files", "Issue/1/x/\u202Egpj.exe"}, {"civic-os-files", "Issue/1/" + "k".repeat(2_000)}}) {
      Sql.update(url, "INSERT INTO metadata.files (entity_type, entity_id, file_name, file_type, file_size, s3_bucket, "
          + "s3_original_key) VALUES ('Issue', '1', 'x.jpg', 'image/jpeg', 1, ?, ?)", bad[0], bad[1]);
    }
    drain(ThumbnailWiring.DEFINITION, "thumbnails");
    assertThat(Sql.rows(url, "SELECT thumbnail_status, thumbnail_error FROM metadata.files"))
        .as("%s", Sql.rows(url, "SELECT state, errors::text FROM metadata.river_job WHERE kind = 'thumbnail_generate'"))
        .allSatisfy(f -> {
      assertThat(f.get("thumbnail_status")).isEqualTo("failed");
      assertThat((String) f.get("thumbnail_error")).isNotBlank();
    });
    assertThat(Sql.count(url, "SELECT count(*) FROM metadata.river_job WHERE kind = 'thumbnail_generate' "
        + "AND state <> 'cancelled'")).isZero();
  }

  @Test
  void templatesThatLoopOrExplodeAreStoppedWithinBoundsAndReported() {
    Map<String, String> templates = Map.of(
        "recursion", "{{define \"a\"}}{{template \"a\" .}}{{end}}{{template \"a\" .}}",
        "explode", "{{range .Entity.list}}{{range $.Entity.list}}{{range $.Entity.list}}{{$.Entity.long}}"
            + "{{end}}{{end}}{{end}}",
        "steps", "{{range .Entity.list}}{{range $.Entity.list}}{{range $.Entity.list}}{{range $.Entity.list}}x"
            + "{{end}}{{end}}{{end}}{{end}}",
        "unterminated", "<a href=\"{{.Entity.url}}>",
        "injection", INJECTION + "{{.Entity.name}}");
    String entity = "{\"list\": [" + "1,".repeat(199) + "1], \"long\": \"" + "L".repeat(2_000) + "\", \"name\": \""
        + INJECTION.replace("\\", "\\\\").replace("\"", "\\\"") + "\", \"url\": \"javascript:alert(1)\"}";
    for (var t : templates.entrySet()) {
      Sql.update(url, "INSERT INTO metadata.notification_templates (name, subject_template, html_template, "
          + "text_template) VALUES (?, 'S', ?, ?)", "hostile-" + t.getKey(), t.getValue(), t.getValue());
      Sql.rows(url, "SELECT create_notification(?::uuid, ?, 'Issue', ?, ?::jsonb)", USER, "hostile-" + t.getKey(),
          t.getKey(), entity);
      Sql.rows(url, "SELECT validate_template_parts(p_html_template => ?, p_text_template => ?)", t.getValue(),
          t.getValue());
      Sql.rows(url, "SELECT preview_template_parts(p_html_template => ?, p_text_template => ?, "
          + "p_sample_entity_data => ?::jsonb)", t.getValue(), t.getValue(), entity);
    }
    long started = System.nanoTime();
    drain(NotificationWiring.DEFINITION, "notifications");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));

    assertThat(Sql.rows(url, "SELECT kind, state::text, args::text, errors::text FROM metadata.river_job "
        + "WHERE queue = 'notifications' AND kind <> 'go_only_kind' AND state NOT IN ('completed', 'cancelled')"))
        .isEmpty();
    for (String name : List.of("recursion", "explode", "steps", "unterminated")) {
      Map<String, Object> n = Sql.row(url, "SELECT status, error_message FROM metadata.notifications WHERE "
          + "entity_id = ?", name);
      assertThat(n.get("status")).as(name).isEqualTo("failed");
      assertThat((String) n.get("error_message")).as(name).startsWith("Rendering error").hasSizeLessThan(4_000);
    }
    // The injection text is data: it renders verbatim (escaped in HTML) and is sent.
    assertThat(Sql.row(url, "SELECT status FROM metadata.notifications WHERE entity_id = 'injection'"))
        .containsEntry("status", "sent");
    assertThat(Sql.count(url, "SELECT count(*) FROM metadata.template_validation_results WHERE status <> "
        + "'completed'")).isZero();
    assertThat(Sql.count(url, "SELECT count(*) FROM metadata.template_part_validation_results WHERE NOT valid "
        + "AND (error_message IS NULL OR length(error_message) > 4000)")).isZero();
    assertThat(Sql.count(url, "SELECT count(*) FROM metadata.template_part_validation_results WHERE NOT valid"))
        .isPositive();
  }

  @Test
  void recipientAddressesWithLineBreaksAndUnicodeSubjectsCannotForgeHeaders() {
    String crlfUser = new UUID(0, 2).toString();
    Sql.update(url, "INSERT INTO metadata.civic_os_users (id, display_name) VALUES (?::uuid, 'Eve')", crlfUser);
    Sql.update(url, "INSERT INTO metadata.civic_os_users_private (id, display_name, email) VALUES (?::uuid, 'Eve', "
        + "'eve@example.org')", crlfUser);
    // A profile edited behind the domain check, and no preference row: the fallback address is hostile.
    Sql.update(url, "DELETE FROM metadata.notification_preferences WHERE user_id = ?::uuid", crlfUser);
    Sql.update(url, "UPDATE metadata.civic_os_users_private SET email = ? WHERE id = ?::uuid",
        "eve@example.org\r\nBcc: all@evil.example", crlfUser);
    Sql.update(url, "INSERT INTO metadata.notification_templates (name, subject_template, html_template, "
        + "text_template) VALUES ('unicode', '{{.Entity.subject}}', '<p>{{.Entity.subject}}</p>', "
        + "'{{.Entity.subject}}')");
    String subject = "Grüße ✓ 🏛️ e\u0301 \u202Eevil\u202C\r\nBcc: all@evil.example\u2028next \uFEFF\u200D";
    String entity = "{\"subject\": \"" + subject.replace("\r", "\\r").replace("\n", "\\n") + "\"}";
    Sql.rows(url, "SELECT create_notification(?::uuid, 'unicode', 'Issue', 'crlf', ?::jsonb)", crlfUser, entity);
    Sql.rows(url, "SELECT create_notification(?::uuid, 'unicode', 'Issue', 'ok', ?::jsonb)", USER, entity);
    ses.reset();

    drain(NotificationWiring.DEFINITION, "notifications");

    Map<String, Object> crlf = Sql.row(url, "SELECT status, error_message FROM metadata.notifications "
        + "WHERE entity_id = 'crlf'");
    assertThat(crlf.get("status")).isEqualTo("failed");
    assertThat((String) crlf.get("error_message")).contains("invalid recipient address");
    List<RecordedSesRequest> sent = ses.sendEmailRequests();
    assertThat(sent).singleElement().satisfies(r -> {
      assertThat(r.toAddresses()).containsExactly("ann@example.org");
      assertThat(r.subject().data()).doesNotContain("\r", "\n", "\u2028").contains("Grüße ✓ 🏛️ e\u0301")
          .contains("Bcc: all@evil.example"); // still there, but as text on the one subject line
      assertThat(r.bccAddresses()).isEmpty();
    });
    assertThat(Sql.row(url, "SELECT status FROM metadata.notifications WHERE entity_id = 'ok'"))
        .containsEntry("status", "sent");
  }

  @Test
  void unicodeFileNamesGetSafeKeysOrAReason() {
    String[] names = {"Straße Foto.JPG", "e\u0301.png", "👍🏽.jpeg", "\u202Egnp.exe", "ﷺ.pdf", "zero\u200Dwidth.gif",
        "CON.jpg", "a\uD800.jpg", "   .jpg", ".jpg", "x.JPEG\u0000"};
    List<String> requests = new ArrayList<>();
    for (String name : names) {
      String safe = name.replace("\u0000", "").replace("\uD800", "\uFFFD");
      requests.add((String) Sql.row(url, "SELECT request_upload_url('Issue', '9', ?, 'image/jpeg')::text AS id", safe)
          .get("id"));
    }
    drain(S3SignerWiring.DEFINITION, "s3_signer");
    for (String request : requests) {
      Map<String, Object> r = Sql.row(url, "SELECT status, s3_key, error_message, file_name FROM "
          + "metadata.file_upload_requests WHERE id = ?::uuid", request);
      assertThat(r.get("status")).as("%s", r).isIn("completed", "failed");
      if (r.get("status").equals("completed")) {
        assertThat((String) r.get("s3_key")).matches("Issue/9/[0-9a-f-]{36}/original\\.[a-z0-9]{1,10}");
      } else {
        assertThat((String) r.get("error_message")).isNotBlank();
      }
    }
  }
}
