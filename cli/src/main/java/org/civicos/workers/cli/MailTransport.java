package org.civicos.workers.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.civicos.workers.aws.AwsClients;
import org.civicos.workers.cli.mail.OutboxMailer;
import org.civicos.workers.cli.mail.SmtpMailer;
import org.civicos.workers.cli.mail.SmtpSettings;
import org.civicos.workers.config.ConfigException;
import org.civicos.workers.config.Env;
import org.civicos.workers.notification.NotificationWiring;
import org.civicos.workers.runtime.FunctionDefinition;
import org.civicos.workers.runtime.JobWorker;

/**
 * Which transport the notification worker uses outside Lambda: {@code MAIL_TRANSPORT=ses} (default, as in AWS),
 * {@code smtp} (any SMTP server, {@code SMTP_*} settings) or {@code outbox} (write {@code .eml} files to
 * {@code OUTBOX_DIR}). The other functions' workers are built as in Lambda.
 */
final class MailTransport {
  static List<JobWorker<?>> workers(FunctionDefinition definition, Env env, AwsClients aws) {
    if (!definition.function().equals(NotificationWiring.FUNCTION)) {
      return definition.workers().apply(env, aws);
    }
    String transport = env.string("MAIL_TRANSPORT", "ses").toLowerCase(Locale.ROOT);
    return switch (transport) {
      case "ses" -> definition.workers().apply(env, aws);
      case "smtp" -> NotificationWiring.workers(env, new SmtpMailer(SmtpSettings.fromEnv(env)));
      case "outbox" -> NotificationWiring.workers(env, new OutboxMailer(Path.of(env.string("OUTBOX_DIR", "outbox"))));
      default -> throw new ConfigException("MAIL_TRANSPORT must be ses, smtp or outbox, got '" + transport + "'");
    };
  }

  private MailTransport() {
  }
}
