package org.civicos.workers.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.civicos.workers.db.DatabaseUrl;
import org.civicos.workers.testing.Sql;
import org.civicos.workers.testing.TestDatabases;
import org.civicos.workers.testing.lambda.RuntimeApiHarness;
import org.junit.jupiter.api.Test;

/**
 * Each function's Lambda artifact, run by Amazon's runtime interface client in a child JVM against the Runtime
 * API, fed the events/ payloads, against embedded PostgreSQL. Records init and first-response times for
 * scripts/bench.
 */
public class LambdaRuntimeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  static Path repoRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("template.yaml")) && !Files.exists(dir.resolve("functions"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("repository root not found from " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  private static final Map<String, String> LOGICAL_IDS = Map.of("poller", "PollerFunction", "s3-signer",
      "S3SignerFunction", "thumbnail-worker", "ThumbnailFunction", "notification-worker", "NotificationFunction");

  /**
   * The artifact exactly as `sam build` lays it out: the function's Makefile target copies the reactor's build
   * output into ARTIFACTS_DIR (SKIP_BUILD=1: this verify run has just built it).
   */
  public static Path artifact(String function) throws Exception {
    Path built = repoRoot().resolve("functions").resolve(function).resolve("target").resolve(function + "-lambda");
    if (!Files.isDirectory(built.resolve("lib"))) {
      throw new IllegalStateException("no Lambda artifact at " + built + ": run the reactor's package phase first");
    }
    Path out = repoRoot().resolve("cli/target/sam-artifacts").resolve(function);
    Files.createDirectories(out);
    Process make = new ProcessBuilder("make", "-s", "-C", repoRoot().resolve("functions").resolve(function).toString(),
        "build-" + LOGICAL_IDS.get(function), "ARTIFACTS_DIR=" + out, "SKIP_BUILD=1").redirectErrorStream(true).start();
    String log = new String(make.getInputStream().readAllBytes());
    if (make.waitFor() != 0) {
      throw new IllegalStateException("make failed for " + function + ":\n" + log);
    }
    return out;
  }

  public static String event(String name) throws Exception {
    return Files.readString(repoRoot().resolve("events").resolve(name));
  }

  private static Map<String, String> env(DatabaseUrl url, String function) {
    return new LinkedHashMap<>(RuntimeApiHarness.functionEnvironment(url, function));
  }

  private void runHandler(String function, String handler, String queue, String kind, String eventFile) throws Exception {
    DatabaseUrl url = TestDatabases.withCivicOs("ric_" + queue);
    Sql.insertJobs(url, "metadata", queue, kind, 3, "{}");
    try (RuntimeApiHarness harness = new RuntimeApiHarness()) {
      harness.start(artifact(function), handler, env(url, function));
      RuntimeApiHarness.Outcome first = harness.invoke(event(eventFile), TIMEOUT);
      Duration firstResponse = harness.sinceStart();
      assertThat(first.error()).as(harness.output()).isFalse();
      JsonNode body = JSON.readTree(first.body());
      assertThat(body.get("queue").asText()).isEqualTo(queue);
      assertThat(body.get("claimed").asInt()).isEqualTo(3);
      assertThat(body.get("connection_opened").asBoolean()).isTrue();
      assertThat(Sql.count(url, "SELECT count(*) FROM metadata.river_job WHERE state = 'running'")).isZero();
      assertThat(Sql.connectionsOf(url, "civic-workers/" + function)).isZero();

      RuntimeApiHarness.Outcome rejected = harness.invoke(event("rejected-unknown-tenant.json")
          .replace("\"s3_signer\"", "\"" + queue + "\""), TIMEOUT);
      assertThat(JSON.readTree(rejected.body()).get("status").asText()).isEqualTo("rejected");
      assertThat(rejected.error()).isFalse();

      assertJsonLogs(harness.output(), queue);

      RuntimeApiHarness.record(repoRoot().resolve("cli/target/lambda-harness/" + function + ".json"), Map.of(
          "function", function,
          "init_ms", harness.initDuration(TIMEOUT).toMillis(),
          "first_response_ms", firstResponse.toMillis()));
    }
  }

  /** A function's output as JSON objects, one per line; a line that is not JSON fails the test. */
  static java.util.List<JsonNode> jsonLines(String output) {
    java.util.List<JsonNode> lines = new java.util.ArrayList<>();
    for (String line : output.split("\n")) {
      // The JVM's own warnings (JDK 24+ on sun.misc.Unsafe use by libraries) are not ours; Lambda runs 21.
      if (!line.isBlank() && !line.startsWith("WARNING: ")) {
        try {
          lines.add(JSON.readTree(line));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          throw new AssertionError("not a JSON line: " + line + "\nwhole output:\n" + output, e);
        }
      }
    }
    return lines;
  }

  /** Every line the function logs is one JSON object; the invocation summary carries its context keys. */
  private static void assertJsonLogs(String output, String queue) throws Exception {
    java.util.List<JsonNode> lines = jsonLines(output);
    // Log lines carry level and message; embedded-metric lines carry the _aws block instead.
    assertThat(lines).isNotEmpty().allSatisfy(l -> assertThat(l.has("_aws") || l.has("level") && l.has("message")).isTrue());
    assertThat(lines).anySatisfy(l -> {
      assertThat(l.path("message").asText()).startsWith("invocation done");
      assertThat(l.path("queue").asText()).isEqualTo(queue);
      assertThat(l.path("tenant").asText()).isEqualTo("default");
      assertThat(l.path("request_id").asText()).isNotEmpty();
      assertThat(l.path("cold_start").asText()).isEqualTo("true");
      assertThat(l.path("connection_opened").asBoolean()).isTrue();
    });
    assertThat(output).doesNotContain(":postgres@");
  }

  @Test
  void s3SignerFunctionRunsUnderTheRuntimeInterfaceClient() throws Exception {
    runHandler("s3-signer", "org.civicos.workers.s3.S3SignerFunction::handleRequest", "s3_signer", "s3_presign",
        "s3-signer.json");
  }

  @Test
  void thumbnailFunctionRunsUnderTheRuntimeInterfaceClient() throws Exception {
    runHandler("thumbnail-worker", "org.civicos.workers.thumbnail.ThumbnailFunction::handleRequest", "thumbnails",
        "thumbnail_generate", "thumbnails.json");
  }

  @Test
  void notificationFunctionRunsUnderTheRuntimeInterfaceClient() throws Exception {
    runHandler("notification-worker", "org.civicos.workers.notification.NotificationFunction::handleRequest",
        "notifications", "send_notification", "notifications.json");
  }

  @Test
  void pollerInvokesTheHandlerAsynchronouslyThroughTheLambdaApi() throws Exception {
    DatabaseUrl url = TestDatabases.withCivicOs("ric_poller");
    Sql.insertJobs(url, "metadata", "s3_signer", "s3_presign", 2, "{}");
    Map<String, String> env = env(url, "poller");
    env.put("S3_SIGNER_FUNCTION", "arn:aws:lambda:us-east-1:000000000000:function:civic-s3-signer:live");
    try (RuntimeApiHarness harness = new RuntimeApiHarness()) {
      harness.start(artifact("poller"), "org.civicos.workers.poller.PollerHandler::handleRequest", env);
      RuntimeApiHarness.Outcome outcome = harness.invoke(event("schedule.json"), TIMEOUT);
      Duration firstResponse = harness.sinceStart();
      assertThat(outcome.error()).as(harness.output()).isFalse();
      JsonNode body = JSON.readTree(outcome.body());
      assertThat(body.get("tenants_checked").asInt()).isEqualTo(1);
      assertThat(body.get("invocations_requested").asInt()).isEqualTo(1);
      assertThat(harness.invokes()).singleElement().satisfies(invoke -> {
        assertThat(invoke.function()).isEqualTo("arn:aws:lambda:us-east-1:000000000000:function:civic-s3-signer:live");
        assertThat(invoke.invocationType()).isEqualTo("Event");
        assertThat(JSON.readTree(invoke.payload())).isEqualTo(
            JSON.readTree("{\"tenant\":\"default\",\"queue\":\"s3_signer\",\"reason\":\"poll\"}"));
      });
      assertThat(Sql.connectionsOf(url, "civic-workers/poller")).isZero();
      RuntimeApiHarness.record(repoRoot().resolve("cli/target/lambda-harness/poller.json"), Map.of(
          "function", "poller",
          "init_ms", harness.initDuration(TIMEOUT).toMillis(),
          "first_response_ms", firstResponse.toMillis()));
    }
  }
}
