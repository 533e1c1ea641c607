package org.civicos.workers.notification;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.civicos.workers.db.CredentialSource;
import org.civicos.workers.db.DatabaseUrl;
import org.civicos.workers.db.DbSettings;
import org.civicos.workers.config.Env;
import org.civicos.workers.queue.QueueSpec;
import org.civicos.workers.queue.RetryPolicy;
import org.civicos.workers.queue.RiverSchema;
import org.civicos.workers.runtime.Activation;
import org.civicos.workers.runtime.Deadline;
import org.civicos.workers.runtime.DrainSettings;
import org.civicos.workers.runtime.QueueCatalog;
import org.civicos.workers.runtime.QueueHandler;
import org.civicos.workers.tenant.Tenant;
import org.civicos.workers.tenant.TenantDatabases;
import org.civicos.workers.tenant.TenantDirectory;
import org.civicos.workers.testing.Sql;

/** Drains the notifications queue of a test database with the real workers around a given mailer. */
final class NotificationTestSupport {
  static final String USER = "00000000-0000-0000-0000-0000000000a1";

  /** Records what would be sent; answers with queued failures first. */
  static class RecordingMailer implements Mailer {
    final List<Email> sent = Collections.synchronizedList(new ArrayList<>());
    final ConcurrentLinkedDeque<MailException> failures = new ConcurrentLinkedDeque<>();

    @Override
    public String send(Email email) {
      MailException failure = failures.poll();
      if (failure != null) {
        throw failure;
      }
      sent.add(email);
      return "msg-" + sent.size();
    }
  }

  static QueueHandler.Result drain(DatabaseUrl db, Mailer mailer, Map<String, String> extraEnv) {
    Map<String, String> env = new HashMap<>(extraEnv);
    env.putIfAbsent("SES_FROM", "\"Civic OS\" <noreply@example.org>");
    env.putIfAbsent("SITE_URL", "https://civic.example.org");
    QueueSpec spec = QueueCatalog.byQueue(QueueCatalog.NOTIFICATIONS).orElseThrow().spec();
    try (TenantDatabases pools = new TenantDatabases(DbSettings.local("civic-workers/notification-test", 1),
        CredentialSource.fromUrl())) {
      QueueHandler handler = new QueueHandler("notification-worker", spec,
          new TenantDirectory(List.of(new Tenant("default", db))), pools, new RiverSchema("metadata"),
          NotificationWiring.workers(new Env(env), mailer), new DrainSettings(10, 4, Duration.ofSeconds(1)),
          (f, a) -> { }, InstantSource.system(), RetryPolicy.standard());
      return handler.handle(new Activation("default", "notifications", "poll"),
          Deadline.after(Duration.ofMinutes(2), InstantSource.system()), "test", Optional.empty());
    }
  }

  static void user(DatabaseUrl db, String id, String email) {
    Sql.update(db, "INSERT INTO metadata.civic_os_users (id, display_name) VALUES (?::uuid, 'Ann')", id);
    Sql.update(db, "INSERT INTO metadata.civic_os_users_private (id, display_name, email) VALUES (?::uuid, 'Ann', ?)",
        id, email);
  }

  static void template(DatabaseUrl db, String name, String subject, String html, String text) {
    Sql.update(db, "INSERT INTO metadata.notification_templates (name, subject_template, html_template, text_template) "
        + "VALUES (?, ?, ?, ?)", name, subject, html, text);
  }

  static long createNotification(DatabaseUrl db, String template, String entityJson, String... channels) {
    String array = "{" + String.join(",", channels.length == 0 ? new String[] {"email"} : channels) + "}";
    return ((Number) Sql.row(db, "SELECT create_notification(?::uuid, ?, 'Issue', '7', ?::jsonb, ?::text[]) AS id",
        USER, template, entityJson, array).get("id")).longValue();
  }

  static Map<String, Object> row(DatabaseUrl db, long id) {
    return Sql.row(db, "SELECT status, error_message, channels_sent, channels_failed, sent_at IS NOT NULL AS sent "
        + "FROM metadata.notifications WHERE id = ?", id);
  }

  static String jobState(DatabaseUrl db, long notificationId) {
    return (String) Sql.row(db, "SELECT state::text AS s FROM metadata.river_job WHERE args->>'notification_id' = ?",
        Long.toString(notificationId)).get("s");
  }

  private NotificationTestSupport() {
  }
}
