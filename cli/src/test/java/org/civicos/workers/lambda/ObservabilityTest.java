package org.civicos.workers.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.civicos.workers.db.DatabaseUrl;
import org.civicos.workers.testing.PostgresServer;
import org.civicos.workers.testing.Sql;
import org.civicos.workers.testing.TestDatabases;
import org.civicos.workers.testing.lambda.RuntimeApiHarness;
import org.junit.jupiter.api.Test;

/**
 * The log and metric lines of a known run, read back from what a function prints under the real runtime
 * interface client: a completed job, a retried job, a discarded job; then an idle poller tick. Every line is one
 * JSON object with stable keys; metrics are CloudWatch embedded metric format; no line holds a secret.
 */
class ObservabilityTest {
  private static final String PASSWORD = "Obs-s3cret-Pa55word";

  private static List<JsonNode> lines(String output) {
    return LambdaRuntimeTest.jsonLines(output);
  }

  private static Map<String, String> env(DatabaseUrl db, String function) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("DATABASE_URL", "postgres://obs_worker:" + PASSWORD + "@" + db.host() + ":" + db.port() + "/" + db.database());
    env.put("AWS_LAMBDA_FUNCTION_NAME", function);
    env.put("JOB_TIMEOUT", "30s");
    env.put("SES_ENDPOINT", "http://127.0.0.1:1");
    return env;
  }

  @Test
  void jobLinesInvocationSummaryAndMetricsOfAKnownRun() throws Exception {
    DatabaseUrl db = TestDatabases.withCivicOs("observability");
    PostgresServer.execute(db, "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'obs_worker') THEN "
        + "CREATE ROLE obs_worker LOGIN SUPERUSER PASSWORD '" + PASSWORD + "'; END IF; END $$");
    Sql.update(db, "INSERT INTO metadata.civic_os_users VALUES ('00000000-0000-0000-0000-0000000000b1', 'Bo')");
    Sql.update(db, "INSERT INTO metadata.civic_os_users_private (id, display_name, email) "
        + "VALUES ('00000000-0000-0000-0000-0000000000b1', 'Bo', 'bo@example.org')");
    Sql.update(db, "INSERT INTO metadata.notification_templates (name, subject_template, html_template, text_template) "
        + "VALUES ('t', 'Hi', '<p>Hi</p>', 'Hi')");
    Sql.rows(db, "SELECT validate_template_parts(p_subject_template => 'ok {{.Entity.x}}')");
    Sql.rows(db, "SELECT create_notification('00000000-0000-0000-0000-0000000000b1', 't')");
    Sql.rows(db, "SELECT create_notification('00000000-0000-0000-0000-0000000000b1', 't')");
    Sql.update(db, "UPDATE metadata.river_job SET max_attempts = 1 WHERE id = (SELECT max(id) FROM metadata.river_job)");

    List<JsonNode> logs;
    try (RuntimeApiHarness harness = new RuntimeApiHarness()) {
      harness.start(LambdaRuntimeTest.artifact("notification-worker"),
          "org.civicos.workers.notification.NotificationFunction::handleRequest", env(db, "notification-worker"));
      harness.invoke("{\"tenant\":\"default\",\"queue\":\"notifications\",\"reason\":\"poll\"}", Duration.ofSeconds(90));
      assertThat(harness.output()).doesNotContain(PASSWORD);
      logs = lines(harness.output());
    }

    List<JsonNode> jobLines = logs.stream().filter(l -> l.has("job_id")).toList();
    assertThat(jobLines).hasSize(3).allSatisfy(line -> {
      for (String key : List.of("timestamp", "level", "message", "tenant", "queue", "job_id", "kind", "attempt",
          "outcome", "duration_ms", "request_id", "cold_start", "function")) {
        assertThat(line.has(key)).as(key + " in " + line).isTrue();
      }
      assertThat(line.get("job_id").isNumber()).isTrue();
      assertThat(line.get("attempt").asInt()).isEqualTo(1);
      assertThat(line.get("tenant").asText()).isEqualTo("default");
    });
    assertThat(jobLines).extracting(l -> l.get("kind").asText() + ":" + l.get("outcome").asText())
        .containsExactlyInAnyOrder("validate_template_parts:completed", "send_notification:available",
            "send_notification:discarded");

    JsonNode summary = logs.stream().filter(l -> l.path("message").asText().startsWith("invocation done"))
        .findFirst().orElseThrow();
    assertThat(summary.get("claimed").asInt()).isEqualTo(3);
    assertThat(summary.get("completed").asInt()).isEqualTo(1);
    assertThat(summary.get("retried").asInt()).isEqualTo(1);
    assertThat(summary.get("discarded").asInt()).isEqualTo(1);
    assertThat(summary.get("cancelled").asInt()).isZero();
    assertThat(summary.get("continuation").asBoolean()).isFalse();
    assertThat(summary.get("connection_opened").asBoolean()).isTrue();
    assertThat(summary.get("cold_start").asText()).isEqualTo("true");

    JsonNode emf = logs.stream().filter(l -> l.has("_aws")).findFirst().orElseThrow();
    JsonNode directive = emf.get("_aws").get("CloudWatchMetrics").get(0);
    assertThat(directive.get("Namespace").asText()).isEqualTo("CivicWorkers");
    assertThat(directive.get("Dimensions").toString()).isEqualTo("[[\"tenant\",\"queue\"],[\"queue\"],[]]");
    assertThat(emf.get("tenant").asText()).isEqualTo("default");
    assertThat(emf.get("queue").asText()).isEqualTo("notifications");
    assertThat(emf.get("JobsCompleted").asInt()).isEqualTo(1);
    assertThat(emf.get("JobsRetried").asInt()).isEqualTo(1);
    assertThat(emf.get("JobsDiscarded").asInt()).isEqualTo(1);
    assertThat(emf.get("JobsCancelled").asInt()).isZero();
    assertThat(emf.get("JobDurationMs")).hasSize(3);
    assertThat(emf.get("ClaimLatencyMs").size()).isGreaterThanOrEqualTo(1);
    assertThat(emf.get("ConnectionsOpened").asInt()).isEqualTo(1);
    assertThat(emf.get("Continuations").asInt()).isZero();
    assertThat(directive.get("Metrics").toString()).contains("{\"Name\":\"JobDurationMs\",\"Unit\":\"Milliseconds\"}");

    // An idle tick: no jobs left to claim, one statement, metrics per queue and per tick.
    Sql.update(db, "DELETE FROM metadata.river_job");
    try (RuntimeApiHarness harness = new RuntimeApiHarness()) {
      harness.start(LambdaRuntimeTest.artifact("poller"), "org.civicos.workers.poller.PollerHandler::handleRequest",
          env(db, "poller"));
      harness.invoke(LambdaRuntimeTest.event("schedule.json"), Duration.ofSeconds(90));
      assertThat(harness.output()).doesNotContain(PASSWORD);
      List<JsonNode> poller = lines(harness.output());
      JsonNode tick = poller.stream().filter(l -> l.has("_aws") && l.has("TenantsChecked")).findFirst().orElseThrow();
      assertThat(tick.get("TenantsChecked").asInt()).isEqualTo(1);
      assertThat(tick.get("InvocationsRequested").asInt()).isZero();
      assertThat(tick.get("TickDurationMs").isNumber()).isTrue();
      assertThat(tick.get("_aws").get("CloudWatchMetrics").get(0).get("Dimensions").toString()).isEqualTo("[[]]");
      assertThat(poller.stream().filter(l -> l.has("QueueDepth")).map(l -> l.get("queue").asText()))
          .containsExactlyInAnyOrder("s3_signer", "thumbnails", "notifications");
      assertThat(poller.stream().filter(l -> l.has("QueueDepth")).mapToInt(l -> l.get("QueueDepth").asInt()).sum()).isZero();
      JsonNode tickLine = poller.stream().filter(l -> l.path("message").asText().startsWith("tick done")).findFirst().orElseThrow();
      assertThat(tickLine.get("tenants_idle").asInt()).isEqualTo(1);
    }
  }
}
