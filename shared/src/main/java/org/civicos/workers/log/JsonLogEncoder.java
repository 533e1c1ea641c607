package org.civicos.workers.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import org.slf4j.event.KeyValuePair;

/**
 * One flat JSON object per log line, as CloudWatch Logs Insights likes it: {@code timestamp}, {@code level},
 * {@code logger}, {@code message}, then every MDC entry ({@code tenant}, {@code queue}, {@code job_id},
 * {@code kind}, {@code attempt}, ...) and every key-value pair of the event at the top level, then
 * {@code error}/{@code stack} for an exception. Every string passes through {@link Secrets#mask}.
 */
public final class JsonLogEncoder extends LineEncoder {
  private static final JsonFactory FACTORY = new JsonFactory();
  private static final int STACK_FRAMES = 30;
  /** MDC only holds strings; these keys are numbers in the JSON so queries can compare them. */
  private static final java.util.Set<String> NUMERIC_KEYS = java.util.Set.of("job_id", "attempt");

  @Override
  String line(ILoggingEvent event) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator json = FACTORY.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("timestamp", Instant.ofEpochMilli(event.getTimeStamp()).toString());
      json.writeStringField("level", event.getLevel().toString());
      json.writeStringField("logger", shortName(event.getLoggerName()));
      json.writeStringField("message", Secrets.mask(event.getFormattedMessage()));
      for (Map.Entry<String, String> entry : event.getMDCPropertyMap().entrySet()) {
        writeValue(json, entry.getKey(), NUMERIC_KEYS.contains(entry.getKey()) ? number(entry.getValue()) : entry.getValue());
      }
      if (event.getKeyValuePairs() != null) {
        for (KeyValuePair pair : event.getKeyValuePairs()) {
          writeValue(json, pair.key, pair.value);
        }
      }
      IThrowableProxy error = event.getThrowableProxy();
      if (error != null) {
        json.writeStringField("error", Secrets.mask(error.getClassName() + ": " + error.getMessage()));
        StringBuilder stack = new StringBuilder();
        StackTraceElementProxy[] frames = error.getStackTraceElementProxyArray();
        for (int i = 0; i < Math.min(frames.length, STACK_FRAMES); i++) {
          stack.append(frames[i].getSTEAsString()).append('\n');
        }
        json.writeStringField("stack", stack.toString());
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void writeValue(JsonGenerator json, String key, Object value) throws IOException {
    if (value == null) {
      json.writeNullField(key);
    } else if (value instanceof Integer || value instanceof Long || value instanceof Short) {
      json.writeNumberField(key, ((Number) value).longValue());
    } else if (value instanceof Double || value instanceof Float) {
      json.writeNumberField(key, ((Number) value).doubleValue());
    } else if (value instanceof Boolean b) {
      json.writeBooleanField(key, b);
    } else {
      json.writeStringField(key, Secrets.mask(value.toString()));
    }
  }

  private static Object number(String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      return value;
    }
  }

  private static String shortName(String logger) {
    int dot = logger.lastIndexOf('.');
    return dot < 0 ? logger : logger.substring(dot + 1);
  }
}
