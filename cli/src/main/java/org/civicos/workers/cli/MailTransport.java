package org.civicos.workers.cli;

import java.util.List;
import java.util.Locale;
import org.civicos.workers.aws.AwsClients;
import org.civicos.workers.config.ConfigException;
import org.civicos.workers.config.Env;
import org.civicos.workers.notification.NotificationWiring;
import org.civicos.workers.runtime.FunctionDefinition;
import org.civicos.workers.runtime.JobWorker;

/**
 * Which transport the notification worker uses outside Lambda: {@code MAIL_TRANSPORT=ses} (default, as in AWS)
 * or {@code outbox} (write {@code .eml} files to {@code OUTBOX_DIR}). The other functions' workers are built as
 * in Lambda.
 */
final class MailTransport {
  static List<JobWorker<?>> workers(FunctionDefinition definition, Env env, AwsClients aws) {
    if (!definition.function().equals(NotificationWiring.FUNCTION)) {
      return definition.workers().apply(env, aws);
    }
    String transport = env.string("MAIL_TRANSPORT", "ses").toLowerCase(Locale.ROOT);
    return switch (transport) {
      case "ses" -> definition.workers().apply(env, aws);
      default -> throw new ConfigException("MAIL_TRANSPORT must be ses, got '" + transport + "'");
    };
  }

  private MailTransport() {
  }
}
