package org.civicos.workers.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

class LogEncodersTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static LoggingEvent event(String message, Map<String, String> mdc, List<KeyValuePair> pairs, Throwable error) {
    LoggerContext context = new LoggerContext();
    LoggingEvent event = new LoggingEvent("x", context.getLogger("org.civicos.workers.runtime.DrainLoop"), Level.INFO,
        message, error, null);
    event.setMDCPropertyMap(mdc);
    event.setKeyValuePairs(pairs);
    return event;
  }

  @Test
  void writesOneFlatJsonObjectPerLineWithContextKeysAsTheirTypes() throws Exception {
    LoggingEvent event = event("job 7 -> completed", Map.of("tenant", "demo", "queue", "thumbnails", "job_id", "7",
        "kind", "thumbnail_generate", "attempt", "2"), List.of(new KeyValuePair("outcome", "completed"),
        new KeyValuePair("duration_ms", 41L), new KeyValuePair("continuation", false)), null);
    byte[] bytes = new JsonLogEncoder().encode(event);
    String line = new String(bytes, StandardCharsets.UTF_8);
    assertThat(line).endsWith("\n").doesNotContain("\n{");
    JsonNode json = JSON.readTree(line);
    assertThat(json.get("level").asText()).isEqualTo("INFO");
    assertThat(json.get("logger").asText()).isEqualTo("DrainLoop");
    assertThat(json.get("message").asText()).isEqualTo("job 7 -> completed");
    assertThat(json.get("tenant").asText()).isEqualTo("demo");
    assertThat(json.get("job_id").isNumber()).isTrue();
    assertThat(json.get("attempt").asInt()).isEqualTo(2);
    assertThat(json.get("duration_ms").asLong()).isEqualTo(41);
    assertThat(json.get("continuation").isBoolean()).isTrue();
    assertThat(json.get("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
  }

  @Test
  void masksPasswordsTokensAndSignaturesEverywhere() throws Exception {
    String secretUrl = "postgres://worker:hunter2@db:5432/civic";
    String presigned = "http://s3/b/k?X-Amz-Credential=AKID%2F20261129&X-Amz-Signature=abcdef0123&X-Amz-Expires=900";
    LoggingEvent event = event("connecting to " + secretUrl + " with password=hunter2", Map.of("url", presigned),
        List.of(new KeyValuePair("token", "host:5432/?Action=connect&X-Amz-Signature=deadbeef")),
        new IllegalStateException("login failed for " + secretUrl));
    String json = new String(new JsonLogEncoder().encode(event), StandardCharsets.UTF_8);
    String text = new String(new TextLogEncoder().encode(event), StandardCharsets.UTF_8);
    for (String line : List.of(json, text)) {
      assertThat(line).doesNotContain("hunter2").doesNotContain("abcdef0123").doesNotContain("deadbeef")
          .doesNotContain("AKID").contains("****");
    }
    assertThat(JSON.readTree(json).get("error").asText()).startsWith("java.lang.IllegalStateException: login failed");
  }

  @Test
  void secretsMaskerKeepsOrdinaryText() {
    assertThat(Secrets.mask("claimed 10 jobs in queue thumbnails")).isEqualTo("claimed 10 jobs in queue thumbnails");
    assertThat(Secrets.mask("jdbc:postgresql://h/db?user=a&password=p4ss&ssl=true"))
        .isEqualTo("jdbc:postgresql://h/db?user=a&password=****&ssl=true");
  }
}
