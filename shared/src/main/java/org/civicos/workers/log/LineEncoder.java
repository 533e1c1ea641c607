package org.civicos.workers.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;

/** An encoder that writes each event as one UTF-8 line, with no header or footer. */
abstract class LineEncoder extends EncoderBase<ILoggingEvent> {
  private static final byte[] EMPTY = new byte[0];

  /** The event as one line, without the line break. */
  abstract String line(ILoggingEvent event);

  @Override
  public final byte[] headerBytes() {
    return EMPTY;
  }

  @Override
  public final byte[] footerBytes() {
    return EMPTY;
  }

  @Override
  public final byte[] encode(ILoggingEvent event) {
    return (line(event) + "\n").getBytes(StandardCharsets.UTF_8);
  }
}
