package org.civicos.workers.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.civicos.workers.db.Database;
import org.civicos.workers.db.DatabaseUrl;
import org.civicos.workers.lambda.LambdaRuntimeTest;
import org.civicos.workers.queue.Maintenance;
import org.civicos.workers.queue.MaintenanceSettings;
import org.civicos.workers.queue.RetryPolicy;
import org.civicos.workers.queue.RiverSchema;
import org.civicos.workers.testing.Sql;
import org.civicos.workers.testing.TestDatabases;
import org.civicos.workers.testing.lambda.RuntimeApiHarness;
import org.civicos.workers.testing.ses.FakeSesServer;
import org.civicos.workers.testing.ses.RecordedSesRequest;
import org.civicos.workers.testing.ses.SesReply;
import org.junit.jupiter.api.Test;

/**
 * The notification function's real Lambda artifact under Amazon's runtime interface client (child JVM), killed
 * with SIGKILL in the middle of a batch: the rows it had claimed stay {@code running}, the rescuer (short
 * RESCUE_AFTER) turns them into retries, a fresh sandbox finishes them, and no email that had been recorded as sent
 * goes out again.
 */
class RuntimeKillTest {
  private static final int NOTIFICATIONS = 40;

  @Test
  void killedSandboxLeavesItsBatchToTheRescuerAndNoRecordedEmailIsSentTwice() throws Exception {
    DatabaseUrl url = TestDatabases.withCivicOs("ric_kill");
    String user = new UUID(0, 1).toString();
    Sql.update(url, "INSERT INTO metadata.civic_os_users (id, display_name) VALUES (?::uuid, 'Ann')", user);
    Sql.update(url, "INSERT INTO metadata.civic_os_users_private (id, display_name, email) VALUES (?::uuid, 'Ann', "
        + "'ann@example.org')", user);
    Sql.update(url, "INSERT INTO metadata.notification_templates (name, subject_template, html_template, "
        + "text_template) VALUES ('kill', 'Kill {{.Entity.n}}', '<p>{{.Entity.n}}</p>', '{{.Entity.n}}')");
    for (int i = 0; i < NOTIFICATIONS; i++) {
      Sql.rows(url, "SELECT create_notification(?::uuid, 'kill', 'Issue', ?, ?::jsonb)", user, Integer.toString(i),
          "{\"n\": " + i + "}");
    }
    try (FakeSesServer ses = FakeSesServer.start()) {
      ses.otherwise(SesReply.success().after(Duration.ofMillis(300)));
      Map<String, String> env = new LinkedHashMap<>();
      env.put("DATABASE_URL", "postgres://" + url.user() + ":" + url.password() + "@" + url.host() + ":" + url.port()
          + "/" + url.database());
      env.put("AWS_LAMBDA_FUNCTION_NAME", "notification-worker");
      env.put("SES_ENDPOINT", ses.endpoint().toString());
      env.put("JOB_TIMEOUT", "20s");
      String handler = "org.civicos.workers.notification.NotificationFunction::handleRequest";

      Set<String> recordedAtKill;
      long runningAtKill;
      try (RuntimeApiHarness first = new RuntimeApiHarness()) {
        first.start(LambdaRuntimeTest.artifact("notification-worker"), handler, env);
        CompletableFuture.runAsync(() -> {
          try {
            first.invoke(LambdaRuntimeTest.event("notifications.json"), Duration.ofSeconds(60));
          } catch (Throwable ignored) {
            // it never answers: it is killed
          }
        });
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (Sql.count(url, "SELECT count(*) FROM metadata.notifications WHERE status = 'sent'") < 6
            && System.nanoTime() < end) {
          Thread.sleep(20);
        }
        first.process().destroyForcibly().waitFor();
        recordedAtKill = Sql.rows(url, "SELECT entity_id FROM metadata.notifications WHERE status = 'sent'").stream()
            .map(r -> "Kill " + r.get("entity_id")).collect(Collectors.toSet());
        runningAtKill = Sql.count(url, "SELECT count(*) FROM metadata.river_job WHERE state = 'running'");
      }
      int sendsAtKill = ses.sendEmailRequests().size();
      assertThat(recordedAtKill).isNotEmpty();
      assertThat(runningAtKill).as("the killed invocation's batch is left running").isPositive();

      // The poller's rescuer, with a short RESCUE_AFTER, turns the stuck rows into retries.
      Thread.sleep(1_200);
      try (Database db = TestDatabases.database(url, "civic-workers/kill-poller", 1)) {
        Maintenance maintenance = new Maintenance(db, new RiverSchema("metadata"),
            MaintenanceSettings.defaults().withRescueAfter(Duration.ofSeconds(1)), InstantSource.system(),
            RetryPolicy.standard());
        assertThat(maintenance.rescue()).isEqualTo((int) runningAtKill);
      }
      Thread.sleep(1_500); // the first retry is due after about one second
      try (RuntimeApiHarness second = new RuntimeApiHarness()) {
        second.start(LambdaRuntimeTest.artifact("notification-worker"), handler, env);
        RuntimeApiHarness.Outcome outcome = second.invoke(LambdaRuntimeTest.event("notifications.json"),
            Duration.ofSeconds(90));
        assertThat(outcome.error()).as(second.output()).isFalse();
      }

      assertThat(Sql.count(url, "SELECT count(*) FROM metadata.river_job WHERE state <> 'completed'")).isZero();
      assertThat(Sql.count(url, "SELECT count(*) FROM metadata.notifications WHERE status <> 'sent'")).isZero();
      assertThat(Sql.count(url, "SELECT coalesce(sum((metadata->>'river:rescue_count')::int), 0) "
          + "FROM metadata.river_job")).isEqualTo(runningAtKill);
      Map<String, Integer> sends = new HashMap<>();
      for (RecordedSesRequest r : ses.sendEmailRequests()) {
        sends.merge(r.subject().data(), 1, Integer::sum);
      }
      assertThat(sends).hasSize(NOTIFICATIONS);
      Set<String> twice = sends.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
          .collect(Collectors.toSet());
      // Only an email SES accepted in the instant between its answer and the UPDATE can go out twice.
      assertThat(twice).as("sent twice").doesNotContainAnyElementsOf(recordedAtKill);
      assertThat((long) twice.size()).isLessThanOrEqualTo(sendsAtKill - recordedAtKill.size());
      System.out.printf("runtime kill: %d notifications, %d running at the kill, %d recorded sent, %d sends, "
          + "%d rescued, %d sent twice (accepted by SES but not yet recorded when killed)%n", NOTIFICATIONS,
          runningAtKill, recordedAtKill.size(), sendsAtKill, runningAtKill, twice.size());
    }
  }
}
