package org.civicos.workers.notification;

import java.net.URI;
import java.util.List;
import org.civicos.workers.aws.AwsClients;
import org.civicos.workers.config.Env;
import org.civicos.workers.notification.template.GoTemplateEngine;
import org.civicos.workers.notification.template.Limits;
import org.civicos.workers.runtime.FunctionDefinition;
import org.civicos.workers.runtime.JobWorker;
import org.civicos.workers.runtime.QueueCatalog;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/** The notification-worker function: queue {@code notifications}, its drain defaults, and its workers built by hand. */
public final class NotificationWiring {
  public static final String FUNCTION = "notification-worker";
  public static final FunctionDefinition DEFINITION = new FunctionDefinition(FUNCTION, QueueCatalog.NOTIFICATIONS, 20,
      8, NotificationWiring::workers);

  private NotificationWiring() {
  }

  public static List<JobWorker<?>> workers(Env env, AwsClients aws) {
    return workers(env, new SesMailer(sesClient(env, aws)));
  }

  /** The three workers around any {@link Mailer} (SES in Lambda; an outbox or SMTP in local modes). */
  public static List<JobWorker<?>> workers(Env env, Mailer mailer) {
    NotificationSettings settings = NotificationSettings.fromEnv(env);
    NotificationRenderer renderer = new NotificationRenderer(
        new GoTemplateEngine(settings.zone(), Limits.defaults()), settings.siteUrl());
    return List.of(new SendNotificationWorker(settings, renderer, mailer), TemplateCheckWorker.validation(renderer),
        TemplateCheckWorker.preview(renderer));
  }

  static SesV2Client sesClient(Env env, AwsClients aws) {
    var builder = SesV2Client.builder()
        .region(Region.of(env.optional("SES_REGION").orElse(aws.region().id())))
        .credentialsProvider(aws.credentials())
        .httpClient(aws.http());
    env.optional("SES_ENDPOINT").or(() -> env.optional("AWS_ENDPOINT_URL_SESV2")).map(URI::create)
        .ifPresent(builder::endpointOverride);
    return builder.build();
  }
}
