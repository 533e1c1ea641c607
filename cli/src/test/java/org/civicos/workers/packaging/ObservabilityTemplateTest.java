package org.civicos.workers.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The alarms and the dashboard in template.yaml watch metrics the code actually emits. */
class ObservabilityTemplateTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Cfn template = Cfn.load(Cfn.repoRoot().resolve("template.yaml"));

  private Map<String, Object> alarm(String id) {
    Map<String, Object> resource = template.resource(id);
    assertThat(Cfn.type(resource)).isEqualTo("AWS::CloudWatch::Alarm");
    return Cfn.properties(resource);
  }

  @Test
  void alarmsCoverDeadLettersDiscardsBackupsPollerErrorsAndThrottles() {
    assertThat(alarm("DeadLetterQueueAlarm")).containsEntry("MetricName", "ApproximateNumberOfMessagesVisible");
    assertThat(alarm("DiscardedJobsAlarm")).containsEntry("MetricName", "JobsDiscarded");
    assertThat(alarm("OldestAvailableJobAlarm")).containsEntry("MetricName", "OldestAvailableAgeSeconds");
    assertThat(Cfn.isRef(alarm("OldestAvailableJobAlarm").get("Threshold"), "OldestJobAlarmSeconds")).isTrue();
    assertThat(alarm("PollerErrorsAlarm")).containsEntry("MetricName", "Errors");
    assertThat(alarm("PollerTenantFailuresAlarm")).containsEntry("MetricName", "TenantsFailed");
    for (String fn : List.of("S3SignerFunction", "ThumbnailFunction", "NotificationFunction")) {
      assertThat(alarm(fn + "ThrottlesAlarm")).containsEntry("MetricName", "Throttles");
    }
    template.resources().forEach((id, resource) -> {
      if ("AWS::CloudWatch::Alarm".equals(Cfn.type(Cfn.cast(resource)))) {
        Object actions = Cfn.properties(Cfn.cast(resource)).get("AlarmActions");
        assertThat(Cfn.ifParts(actions)).as(id + " notifies the optional topic").isPresent();
        assertThat(Cfn.render(actions)).contains("HasAlarmTopic").contains("AlarmTopicArn");
      }
    });
  }

  @Test
  void everyCustomMetricTheTemplateWatchesIsEmittedByTheCode() throws Exception {
    String code = javaSources();
    String body = Cfn.subTemplate(Cfn.properties(template.resource("OperationsDashboard")).get("DashboardBody"))
        .orElseThrow();
    JsonNode dashboard = JSON.readTree(body.replaceAll("\\$\\{[^}]+}", "x"));
    assertThat(dashboard.get("widgets")).hasSizeGreaterThanOrEqualTo(6);
    for (String metric : List.of("QueueDepth", "OldestAvailableAgeSeconds", "JobsCompleted", "JobsRetried",
        "JobsDiscarded", "JobsCancelled", "ConnectionsOpened", "TenantsChecked", "InvocationsRequested",
        "TickDurationMs", "TenantsFailed")) {
      assertThat(body + Cfn.render(template.resources())).as("template watches " + metric).contains(metric);
      assertThat(code).as("code emits " + metric).contains("\"" + metric + "\"");
    }
  }

  private static String javaSources() throws Exception {
    StringBuilder all = new StringBuilder();
    for (String module : List.of("shared", "functions/poller")) {
      try (Stream<Path> files = Files.walk(Cfn.repoRoot().resolve(module).resolve("src/main/java"))) {
        for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          all.append(Files.readString(file));
        }
      }
    }
    return all.toString();
  }
}
