package org.civicos.workers.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.civicos.workers.config.Env;
import org.civicos.workers.runtime.Activation;
import org.civicos.workers.runtime.QueueCatalog;
import org.civicos.workers.tenant.TenantDirectory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The sample payloads under events/ that docs/deploying.md tells operators to use with sam local invoke. */
class EventsTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static Path events;

  @BeforeAll
  static void locate() {
    events = Cfn.repoRoot().resolve("events");
  }

  static Stream<Path> eventFiles() throws IOException {
    locate();
    try (Stream<Path> files = Files.list(events)) {
      return files.filter(p -> p.toString().endsWith(".json")).sorted().toList().stream();
    }
  }

  @Test
  void theDocumentedEventsExist() {
    assertThat(events).isDirectory();
    for (String name : List.of("schedule.json", "s3-signer.json", "thumbnails.json", "notifications.json",
        "continuation.json", "rejected-unknown-tenant.json")) {
      assertThat(events.resolve(name)).isRegularFile();
    }
  }

  @ParameterizedTest
  @MethodSource("eventFiles")
  void everyEventIsAJsonObjectTheGuideExplains(Path file) throws IOException {
    JsonNode node = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
    assertThat(node).isNotNull();
    assertThat(node.isObject()).as("%s is a JSON object", file.getFileName()).isTrue();
    String guide = Files.readString(Cfn.repoRoot().resolve("docs/deploying.md"), StandardCharsets.UTF_8);
    assertThat(guide).contains("events/" + file.getFileName());
  }

  @Test
  void scheduleIsAnEventBridgeScheduledEvent() throws IOException {
    JsonNode event = read("schedule.json");
    assertThat(event.path("version").asText()).isEqualTo("0");
    assertThat(event.path("id").asText()).isNotBlank();
    assertThat(event.path("detail-type").asText()).isEqualTo("Scheduled Event");
    assertThat(event.path("source").asText()).isEqualTo("aws.events");
    assertThat(event.path("account").asText()).matches("\\d{12}");
    assertThatCode(() -> Instant.parse(event.path("time").asText())).doesNotThrowAnyException();
    assertThat(event.path("region").asText()).isNotBlank();
    assertThat(event.path("resources").isArray()).isTrue();
    assertThat(event.path("resources").get(0).asText()).startsWith("arn:aws:events:").contains(":rule/");
    assertThat(event.path("detail").isObject()).isTrue();
  }

  @Test
  void eachQueueHasAPollActivationForTheDefaultTenant() throws IOException {
    Map<String, String> fileByQueue = Map.of(QueueCatalog.S3_SIGNER, "s3-signer.json", QueueCatalog.THUMBNAILS,
        "thumbnails.json", QueueCatalog.NOTIFICATIONS, "notifications.json");
    assertThat(fileByQueue.keySet())
        .containsExactlyInAnyOrderElementsOf(QueueCatalog.all().stream().map(QueueCatalog.Entry::queue).toList());
    fileByQueue.forEach((queue, name) -> {
      Activation activation = activation(name);
      assertThat(activation.queue()).as(name).isEqualTo(queue);
      assertThat(activation.tenant()).as(name).isEqualTo(TenantDirectory.DEFAULT_TENANT);
      assertThat(activation.reason()).as(name).isEqualTo(Activation.POLL);
    });
  }

  @Test
  void continuationIsWhatAHandlerSendsItself() {
    Activation activation = activation("continuation.json");
    assertThat(activation.reason()).isEqualTo(Activation.CONTINUATION);
    assertThat(QueueCatalog.byQueue(activation.queue())).isPresent();
    assertThat(activation.tenant()).isEqualTo(TenantDirectory.DEFAULT_TENANT);
  }

  @Test
  void rejectedExampleIsWellFormedButNamesATenantTheDirectoryDoesNotKnow() {
    Activation activation = activation("rejected-unknown-tenant.json");
    assertThat(QueueCatalog.byQueue(activation.queue())).isPresent();
    // The deployed default: DATABASE_URL alone, TENANTS unset, is the one tenant "default".
    TenantDirectory tenants = TenantDirectory.fromEnv(
        new Env(Map.of("DATABASE_URL", "postgres://civic_workers@proxy.example:5432/civic_os")));
    assertThat(tenants.find(activation.tenant())).isEmpty();
    assertThat(tenants.find(TenantDirectory.DEFAULT_TENANT)).isPresent();
  }

  private static JsonNode read(String name) throws IOException {
    return JSON.readTree(Files.readString(events.resolve(name), StandardCharsets.UTF_8));
  }

  private static Activation activation(String name) {
    try {
      return Activation.parse(Files.readString(events.resolve(name), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
