package org.civicos.workers.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.civicos.workers.notification.NotificationTestSupport.USER;
import static org.civicos.workers.notification.NotificationTestSupport.drain;
import static org.civicos.workers.notification.NotificationTestSupport.jobState;
import static org.civicos.workers.notification.NotificationTestSupport.createNotification;
import static org.civicos.workers.notification.NotificationTestSupport.row;
import static org.civicos.workers.notification.NotificationTestSupport.template;
import static org.civicos.workers.notification.NotificationTestSupport.user;

import java.util.Map;
import java.util.Optional;
import org.civicos.workers.db.DatabaseUrl;
import org.civicos.workers.testing.Sql;
import org.civicos.workers.testing.TestDatabases;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SendNotificationWorkerTest {
  private DatabaseUrl db;
  private NotificationTestSupport.RecordingMailer mailer;

  @BeforeEach
  void setUp() {
    db = TestDatabases.withCivicOs("notify");
    mailer = new NotificationTestSupport.RecordingMailer();
    user(db, USER, "ann@example.org");
    template(db, "issue_created", "New issue: {{.Entity.display_name}}",
        "<p>{{.Entity.display_name}} at <a href=\"{{.Metadata.site_url}}/view/issues/{{.Entity.id}}\">link</a></p>",
        "Issue {{.Entity.display_name}} ({{.Entity.missing}})");
  }

  @Test
  void rendersAndSendsAndRecordsTheRowAsCivicOsReadsIt() {
    long id = createNotification(db, "issue_created", "{\"display_name\": \"Pothole <Main & 1st>\", \"id\": 42}");
    drain(db, mailer, Map.of());

    assertThat(mailer.sent).singleElement().satisfies(email -> {
      assertThat(email.from()).isEqualTo("\"Civic OS\" <noreply@example.org>");
      assertThat(email.to()).isEqualTo("ann@example.org");
      assertThat(email.subject()).isEqualTo("New issue: Pothole <Main & 1st>");
      assertThat(email.html()).isEqualTo("<p>Pothole &lt;Main &amp; 1st&gt; at "
          + "<a href=\"https://civic.example.org/view/issues/42\">link</a></p>");
      assertThat(email.text()).isEqualTo("Issue Pothole <Main & 1st> (<no value>)");
    });
    Map<String, Object> row = row(db, id);
    assertThat(row.get("status")).isEqualTo("sent");
    assertThat(row.get("sent")).isEqualTo(true);
    assertThat((Object[]) row.get("channels_sent")).containsExactly("email");
    assertThat(row.get("channels_failed")).isNull();
    assertThat(row.get("error_message")).isNull();
    assertThat(jobState(db, id)).isEqualTo("completed");
  }

  @Test
  void fallsBackToThePrivateProfileAddressWhenThePreferenceHasNone() {
    Sql.update(db, "UPDATE metadata.notification_preferences SET email_address = NULL");
    Sql.update(db, "UPDATE metadata.civic_os_users_private SET email = 'ann.private@example.org'");
    createNotification(db, "issue_created", "{\"display_name\": \"x\"}");
    Sql.update(db, "DELETE FROM metadata.notification_preferences"); // users from before the preferences table
    createNotification(db, "issue_created", "{\"display_name\": \"y\"}");
    drain(db, mailer, Map.of());
    assertThat(mailer.sent).extracting(Email::to).containsExactly("ann.private@example.org", "ann.private@example.org");
  }

  @Test
  void anOptOutIsRecordedAsSuchAndIsNotAFailure() {
    Sql.update(db, "UPDATE metadata.notification_preferences SET enabled = false");
    long id = createNotification(db, "issue_created", "{\"display_name\": \"x\"}");
    drain(db, mailer, Map.of());
    assertThat(mailer.sent).isEmpty();
    Map<String, Object> row = row(db, id);
    assertThat(row.get("status")).isEqualTo("failed");
    assertThat(row.get("error_message")).isEqualTo("not sent: every requested channel is disabled by the recipient (email)");
    assertThat(row.get("channels_failed")).isNull();
    assertThat(jobState(db, id)).isEqualTo("completed");
  }

  @Test
  void aTemplateThatCannotRenderFailsTheRowAndCancelsTheJobAtOnce() {
    template(db, "broken", "s", "<p>{{.Entity.a.b}}</p>", "t");
    long id = createNotification(db, "broken", "{}");
    long ok = createNotification(db, "issue_created", "{\"display_name\": \"fine\"}");
    drain(db, mailer, Map.of());
    assertThat(row(db, id).get("status")).isEqualTo("failed");
    assertThat((String) row(db, id).get("error_message")).isEqualTo("Rendering error: template execution error: "
        + "template: html:1:12: executing \"html\" at <.Entity.a.b>: nil pointer evaluating interface {}.b");
    assertThat(jobState(db, id)).isEqualTo("cancelled");
    assertThat(row(db, ok).get("status")).isEqualTo("sent");
  }

  @Test
  void lineBreaksInTheRenderedSubjectCannotInjectHeaders() {
    createNotification(db, "issue_created", "{\"display_name\": \"x\\r\\nBcc: victim@example.org\\nX-Evil: 1\"}");
    drain(db, mailer, Map.of());
    assertThat(mailer.sent.get(0).subject()).isEqualTo("New issue: x Bcc: victim@example.org X-Evil: 1")
        .doesNotContain("\r").doesNotContain("\n");
  }

  @Test
  void permanentSesErrorsFailAndCancelTransientOnesRetryUntilTheLastAttempt() {
    long rejected = createNotification(db, "issue_created", "{\"display_name\": \"x\"}");
    mailer.failures.add(new Mailer.MailException("SES 400 MessageRejectedException: Email address is not verified",
        true, null));
    drain(db, mailer, Map.of());
    assertThat(row(db, rejected).get("status")).isEqualTo("failed");
    assertThat(row(db, rejected).get("error_message"))
        .isEqualTo("All channels failed: email: SES 400 MessageRejectedException: Email address is not verified");
    assertThat((Object[]) row(db, rejected).get("channels_failed")).containsExactly("email");
    assertThat(jobState(db, rejected)).isEqualTo("cancelled");

    long throttled = createNotification(db, "issue_created", "{\"display_name\": \"y\"}");
    mailer.failures.add(new Mailer.MailException("SES 429 TooManyRequestsException: slow down", false, null));
    drain(db, mailer, Map.of());
    assertThat(row(db, throttled).get("status")).as("not marked failed before a retry").isEqualTo("pending");
    assertThat(jobState(db, throttled)).isEqualTo("available");

    Sql.update(db, "UPDATE metadata.river_job SET scheduled_at = now(), attempt = max_attempts - 1 WHERE args->>'notification_id' = ?",
        Long.toString(throttled));
    mailer.failures.add(new Mailer.MailException("SES 503 ServiceUnavailable", false, null));
    drain(db, mailer, Map.of());
    assertThat(jobState(db, throttled)).isEqualTo("discarded");
    assertThat(row(db, throttled).get("status")).isEqualTo("failed");
    assertThat(row(db, throttled).get("error_message")).isEqualTo("All channels failed: email: SES 503 ServiceUnavailable");
  }

  @Test
  void aNotificationAlreadySentIsNeverSentAgain() {
    long id = createNotification(db, "issue_created", "{\"display_name\": \"x\"}");
    drain(db, mailer, Map.of());
    // The outcome was lost (e.g. the invocation died after sending): the job runs again.
    Sql.update(db, "UPDATE metadata.river_job SET state = 'available', finalized_at = NULL");
    drain(db, mailer, Map.of());
    assertThat(mailer.sent).hasSize(1);
    assertThat(jobState(db, id)).isEqualTo("completed");
  }

  @Test
  void smsIsRecordedAsUnsupportedWithoutFailingEmailAndDuplicateChannelsSendOnce() {
    long both = createNotification(db, "issue_created", "{\"display_name\": \"x\"}", "email", "sms", "email");
    long smsOnly = createNotification(db, "issue_created", "{\"display_name\": \"y\"}", "sms");
    drain(db, mailer, Map.of());
    assertThat(mailer.sent).hasSize(1);
    assertThat(row(db, both).get("status")).isEqualTo("sent");
    assertThat((Object[]) row(db, both).get("channels_failed")).containsExactly("sms");
    assertThat(row(db, both).get("error_message")).isEqualTo(SendNotificationWorker.SMS_UNSUPPORTED);
    assertThat(row(db, smsOnly).get("status")).isEqualTo("failed");
    assertThat(jobState(db, smsOnly)).isEqualTo("cancelled");
  }

  @Test
  void aMissingAddressAndAMissingTemplateAreRecorded() {
    Sql.update(db, "UPDATE metadata.notification_preferences SET email_address = NULL");
    Sql.update(db, "UPDATE metadata.civic_os_users_private SET email = NULL");
    long noAddress = createNotification(db, "issue_created", "{\"display_name\": \"x\"}");
    Sql.update(db, "INSERT INTO metadata.notification_templates (name, subject_template, html_template, text_template) "
        + "VALUES ('temp', 's', 'h', 't')");
    long noTemplate = createNotification(db, "temp", "{}");
    Sql.update(db, "ALTER TABLE metadata.notifications DROP CONSTRAINT notifications_template_name_fkey");
    Sql.update(db, "DELETE FROM metadata.notification_templates WHERE name = 'temp'");
    drain(db, mailer, Map.of());
    assertThat(row(db, noAddress).get("error_message")).isEqualTo("All channels failed: email: the user has no email address");
    assertThat(row(db, noTemplate).get("error_message")).isEqualTo("Template error: no notification template named 'temp'");
    assertThat(mailer.sent).isEmpty();
    assertThat(Optional.ofNullable(jobState(db, noTemplate))).contains("cancelled");
  }

  @Test
  void subjectLinesAreSingleLinesOfBoundedLength() {
    assertThat(SendNotificationWorker.subjectLine("a\r\n\tb\u2028c")).isEqualTo("a b c");
    assertThat(SendNotificationWorker.subjectLine("x".repeat(2000))).hasSize(998);
  }
}
