package org.civicos.workers.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Locale;
import org.slf4j.Logger;

/**
 * Logging without an XML file, found by logback's ServiceLoader (a {@code logback.xml} or
 * {@code logback-test.xml} on the classpath still wins): one JSON object per line on stdout, which is what
 * Lambda's JSON log format and CloudWatch Logs Insights want, or readable lines when stdout is a terminal.
 * {@code LOG_FORMAT=json|text} forces either; {@code LOG_LEVEL} sets the level (default INFO).
 */
@ConfiguratorRank(ConfiguratorRank.NOMINAL - 5)
public final class LogConfigurator extends ContextAwareBase implements Configurator {

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    // logback asks ServiceLoader configurators before looking for files: step aside when a file exists.
    ClassLoader loader = LogConfigurator.class.getClassLoader();
    if (System.getProperty("logback.configurationFile") != null || loader.getResource("logback-test.xml") != null
        || loader.getResource("logback.xml") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    String format = System.getenv().getOrDefault("LOG_FORMAT", System.console() != null ? "text" : "json")
        .toLowerCase(Locale.ROOT);
    Encoder<ILoggingEvent> encoder = format.equals("text") ? new TextLogEncoder() : new JsonLogEncoder();
    encoder.setContext(context);
    encoder.start();
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("stdout");
    console.setEncoder(encoder);
    console.start();
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(System.getenv().getOrDefault("LOG_LEVEL", "INFO"), Level.INFO));
    root.addAppender(console);
    // Hikari logs pool start/stop at INFO; with DB_RELEASE=evict that is every invocation.
    context.getLogger("com.zaxxer.hikari").setLevel(Level.WARN);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
