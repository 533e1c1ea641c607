package org.civicos.workers.notification;

import java.net.URI;
import java.time.Clock;
import java.util.List;
import org.civicos.workers.aws.AwsClients;
import org.civicos.workers.aws.AwsJsonApi;
import org.civicos.workers.config.Env;
import org.civicos.workers.notification.template.GoTemplateEngine;
import org.civicos.workers.notification.template.Limits;
import org.civicos.workers.runtime.FunctionDefinition;
import org.civicos.workers.runtime.JobWorker;
import org.civicos.workers.runtime.QueueCatalog;
import software.amazon.awssdk.regions.Region;

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

  /**
   * SES v2 in {@code SES_REGION} (else the function's region), at {@code SES_ENDPOINT} or
   * {@code AWS_ENDPOINT_URL_SESV2} (a local emulator), else AWS's {@code email.<region>} endpoint, as the SDK's
   * client resolved it.
   */
  static SesApi sesClient(Env env, AwsClients aws) {
    return sesClient(env, aws, Clock.systemUTC());
  }

  /** @param clock the signing time (fixed in a test that compares signatures with the SDK's) */
  static SesApi sesClient(Env env, AwsClients aws, Clock clock) {
    Region region = Region.of(env.optional("SES_REGION").orElse(aws.region().id()));
    URI endpoint = env.optional("SES_ENDPOINT").or(() -> env.optional("AWS_ENDPOINT_URL_SESV2")).map(URI::create)
        .orElseGet(() -> AwsJsonApi.regionalEndpoint("email", region));
    return new SesApi(new AwsJsonApi(aws.http(), aws.credentials(), "ses", region, endpoint, clock));
  }
}
