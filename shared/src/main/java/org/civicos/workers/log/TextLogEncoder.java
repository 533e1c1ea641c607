package org.civicos.workers.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import org.slf4j.event.KeyValuePair;

/**
 * The same events as {@link JsonLogEncoder}, for a person at a terminal: time, level, logger, message, then the
 * context keys as {@code key=value}. Secrets are masked the same way.
 */
public final class TextLogEncoder extends LineEncoder {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

  @Override
  String line(ILoggingEvent event) {
    StringBuilder line = new StringBuilder(160);
    line.append(LocalTime.ofInstant(java.time.Instant.ofEpochMilli(event.getTimeStamp()), ZoneId.systemDefault())
        .format(TIME));
    line.append(' ').append(String.format("%-5s", event.getLevel()));
    String logger = event.getLoggerName();
    line.append(' ').append(logger.substring(logger.lastIndexOf('.') + 1)).append(": ");
    line.append(Secrets.mask(event.getFormattedMessage()));
    for (Map.Entry<String, String> entry : event.getMDCPropertyMap().entrySet()) {
      line.append(' ').append(entry.getKey()).append('=').append(Secrets.mask(entry.getValue()));
    }
    if (event.getKeyValuePairs() != null) {
      for (KeyValuePair pair : event.getKeyValuePairs()) {
        line.append(' ').append(pair.key).append('=').append(Secrets.mask(String.valueOf(pair.value)));
      }
    }
    if (event.getThrowableProxy() != null) {
      line.append(" error=").append(Secrets.mask(event.getThrowableProxy().getClassName() + ": "
          + event.getThrowableProxy().getMessage()));
    }
    return line.toString();
  }
}
