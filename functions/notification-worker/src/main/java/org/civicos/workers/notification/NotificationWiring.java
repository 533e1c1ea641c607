package org.civicos.workers.notification;

import java.net.URI;
import java.time.InstantSource;
import java.util.List;
import org.civicos.workers.aws.AwsClients;
import org.civicos.workers.aws.DatabaseCredentials;
import org.civicos.workers.aws.LambdaInvoker;
import org.civicos.workers.config.Env;
import org.civicos.workers.queue.RetryPolicy;
import org.civicos.workers.runtime.HandlerConfig;
import org.civicos.workers.runtime.HandlerParts;
import org.civicos.workers.runtime.Invoker;
import org.civicos.workers.runtime.JobWorker;
import org.civicos.workers.runtime.QueueCatalog;
import org.civicos.workers.runtime.QueueHandler;
import org.civicos.workers.notification.template.GoTemplateEngine;
import org.civicos.workers.notification.template.Limits;
import org.civicos.workers.tenant.TenantDatabases;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/** Builds the notification-worker handler by hand from the environment. */
public final class NotificationWiring {
  public static final String FUNCTION = "notification-worker";
  static final int DEFAULT_BATCH_SIZE = 20;
  static final int DEFAULT_PARALLELISM = 8;

  private NotificationWiring() {
  }

  /** As Lambda runs it: continuations are asynchronous Lambda invocations of itself. */
  public static HandlerParts forLambda(Env env) {
    AwsClients aws = AwsClients.fromEnv(env);
    Invoker invoker = new LambdaInvoker(aws.lambda(env.optional("AWS_ENDPOINT_URL_LAMBDA").map(URI::create)));
    return create(env, invoker, aws);
  }

  public static HandlerParts create(Env env, Invoker invoker, AwsClients aws) {
    HandlerConfig config = HandlerConfig.fromEnv(env, FUNCTION, DEFAULT_BATCH_SIZE, DEFAULT_PARALLELISM);
    TenantDatabases databases = new TenantDatabases(config.db(), DatabaseCredentials.forSettings(config.db(), aws));
    List<JobWorker<?>> workers = workers(env, aws);
    QueueHandler handler = new QueueHandler(FUNCTION, QueueCatalog.byQueue(QueueCatalog.NOTIFICATIONS).orElseThrow().spec(),
        config.tenants(), databases, config.schema(), workers, config.drain(), invoker, InstantSource.system(),
        RetryPolicy.standard());
    return new HandlerParts(handler, databases);
  }

  static List<JobWorker<?>> workers(Env env, AwsClients aws) {
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
