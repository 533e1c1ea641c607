package org.civicos.workers.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.civicos.workers.notification.NotificationTestSupport.USER;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.civicos.workers.aws.AwsClients;
import org.civicos.workers.config.Env;
import org.civicos.workers.db.DatabaseUrl;
import org.civicos.workers.testing.Sql;
import org.civicos.workers.testing.TestDatabases;
import org.civicos.workers.testing.ses.SentEmail;
import org.civicos.workers.testing.ses.SesEmulator;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The whole path against a real SES v2 API server (the aws-ses-v2-local emulator): create_notification, the
 * Civic OS trigger, the job, Go-template rendering, SendEmail through the wiring's own SES client
 * (SES_ENDPOINT), the notifications row.
 */
class SesEndToEndTest {

  @Test
  void createNotificationToAnEmailInTheSesEmulator() {
    SesEmulator.assumeAvailable();
    DatabaseUrl db = TestDatabases.withCivicOs("ses_e2e");
    String recipient = SesEmulator.uniqueAddress("zoe");
    NotificationTestSupport.user(db, USER, recipient);
    NotificationTestSupport.template(db, "issue_status_changed",
        "Issue #{{.Entity.id}} is now {{.Entity.status.display_name}}",
        "<h1>{{.Entity.display_name}}</h1><p>Status: <b>{{.Entity.status.display_name}}</b></p>"
            + "<a href=\"{{.Metadata.site_url}}/view/issues/{{.Entity.id}}\">View</a>",
        "{{.Entity.display_name}}: {{.Entity.status.display_name}}");
    long id = NotificationTestSupport.createNotification(db, "issue_status_changed",
        "{\"id\": 42, \"display_name\": \"Zoë's pothole ✓\", \"status\": {\"display_name\": \"Fixed\"}}");

    Map<String, String> env = new HashMap<>();
    env.put("SES_ENDPOINT", SesEmulator.endpoint().toString());
    env.put("SES_FROM", "\"Civic OS Demo\" <noreply@example.org>");
    env.put("SES_REPLY_TO", "help@example.org");
    env.put("SITE_URL", "https://civic.example.org");
    AwsClients aws = new AwsClients(Region.US_EAST_1,
        StaticCredentialsProvider.create(AwsBasicCredentials.create(SesEmulator.ACCESS_KEY, SesEmulator.SECRET_KEY)));
    List<org.civicos.workers.runtime.JobWorker<?>> workers = NotificationWiring.workers(new Env(env), aws);
    assertThat(workers).hasSize(3);
    NotificationTestSupport.drain(db, new SesMailer(NotificationWiring.sesClient(new Env(env), aws)), env);

    Map<String, Object> row = NotificationTestSupport.row(db, id);
    assertThat(row.get("status")).isEqualTo("sent");
    assertThat((Object[]) row.get("channels_sent")).containsExactly("email");
    List<SentEmail> received = SesEmulator.messagesTo(recipient);
    assertThat(received).singleElement().satisfies(email -> {
      assertThat(email.from()).isEqualTo("\"Civic OS Demo\" <noreply@example.org>");
      assertThat(email.replyTo()).containsExactly("help@example.org");
      assertThat(email.subject()).isEqualTo("Issue #42 is now Fixed");
      assertThat(email.html()).isEqualTo("<h1>Zoë&#39;s pothole ✓</h1><p>Status: <b>Fixed</b></p>"
          + "<a href=\"https://civic.example.org/view/issues/42\">View</a>");
      assertThat(email.text()).isEqualTo("Zoë's pothole ✓: Fixed");
    });
    assertThat(Sql.row(db, "SELECT state::text AS s FROM metadata.river_job").get("s")).isEqualTo("completed");
  }
}
