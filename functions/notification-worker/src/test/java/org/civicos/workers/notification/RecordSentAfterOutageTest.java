package org.civicos.workers.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.civicos.workers.notification.NotificationTestSupport.USER;
import static org.civicos.workers.notification.NotificationTestSupport.createNotification;
import static org.civicos.workers.notification.NotificationTestSupport.row;
import static org.civicos.workers.notification.NotificationTestSupport.template;
import static org.civicos.workers.notification.NotificationTestSupport.user;

import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.civicos.workers.config.Env;
import org.civicos.workers.db.CredentialSource;
import org.civicos.workers.db.DatabaseUrl;
import org.civicos.workers.db.DbSettings;
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
import org.civicos.workers.testing.TcpGate;
import org.civicos.workers.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SES has accepted an email and then the database goes away for longer than the job has left before its timeout.
 * Recording {@code sent} must outlast the timeout: a job that gave up would be retried and send a second copy.
 */
class RecordSentAfterOutageTest {
  private static final Duration JOB_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration OUTAGE = Duration.ofMillis(1500);

  private DatabaseUrl direct;
  private TcpGate gate;

  @BeforeEach
  void setUp() {
    direct = TestDatabases.withCivicOs("record_sent");
    gate = TcpGate.start(direct.host(), direct.port());
    user(direct, USER, "ann@example.org");
    template(direct, "issue_created", "New issue", "<p>{{.Entity.display_name}}</p>", "{{.Entity.display_name}}");
  }

  @AfterEach
  void tearDown() {
    gate.close();
  }

  @Test
  void anEmailAcceptedJustBeforeADatabaseOutageIsRecordedAsSentOnceAndNeverSentAgain() throws Exception {
    long id = createNotification(direct, "issue_created", "{\"display_name\": \"Pothole\"}");
    AtomicBoolean outageDone = new AtomicBoolean();
    NotificationTestSupport.RecordingMailer mailer = new NotificationTestSupport.RecordingMailer() {
      @Override
      public String send(Email email) {
        String messageId = super.send(email);
        if (outageDone.compareAndSet(false, true)) {
          gate.down(); // the database drops right after SES accepted
          Thread.ofVirtual().start(() -> {
            try {
              Thread.sleep(OUTAGE);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            gate.up();
          });
        }
        return messageId;
      }
    };

    QueueSpec spec = QueueCatalog.byQueue(QueueCatalog.NOTIFICATIONS).orElseThrow().spec();
    Env env = new Env(Map.of("SES_FROM", "noreply@example.org", "SITE_URL", "https://civic.example.org"));
    DatabaseUrl throughGate = direct.withEndpoint("127.0.0.1", gate.port());
    try (TenantDatabases databases = new TenantDatabases(DbSettings.local("civic-workers/record-sent-test", 1),
        CredentialSource.fromUrl())) {
      // One handler for every invocation, as one Lambda environment serves them.
      QueueHandler handler = new QueueHandler("notification-worker", spec,
          new TenantDirectory(List.of(new Tenant("default", throughGate))), databases, new RiverSchema("metadata"),
          NotificationWiring.workers(env, mailer),
          new DrainSettings(10, 1, Duration.ofSeconds(1), Optional.of(JOB_TIMEOUT)),
          (f, a) -> { }, InstantSource.system(), RetryPolicy.standard());
      long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!"completed".equals(jobState(id)) && System.nanoTime() < end) {
        try {
          handler.handle(new Activation("default", "notifications", "poll"),
              Deadline.after(Duration.ofMinutes(1), InstantSource.system()), "test", Optional.empty());
        } catch (RuntimeException e) {
          // an invocation that met the outage fails as a whole, as in Lambda; the next one carries on
        }
        Thread.sleep(200);
      }
    }

    assertThat(mailer.sent).as("emails sent").hasSize(1);
    assertThat(row(direct, id).get("status")).isEqualTo("sent");
    assertThat(jobState(id)).isEqualTo("completed");
    // The first attempt overran its timeout while it waited for the database: recorded as such, then the
    // retry found the notification sent and did nothing.
    assertThat(Sql.row(direct, "SELECT attempt, errors[1]->>'error' AS e FROM metadata.river_job "
        + "WHERE args->>'notification_id' = ?", Long.toString(id)))
        .containsEntry("attempt", 2)
        .hasEntrySatisfying("e", e -> assertThat((String) e).startsWith("job timed out after 1s"));
  }

  private String jobState(long notificationId) {
    return (String) Sql.row(direct, "SELECT state::text AS s FROM metadata.river_job "
        + "WHERE args->>'notification_id' = ?", Long.toString(notificationId)).get("s");
  }
}
