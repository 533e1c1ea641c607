package org.civicos.workers.bench;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.civicos.workers.aws.AwsClients;
import org.civicos.workers.aws.LambdaInvoker;
import org.civicos.workers.aws.S3Clients;
import org.civicos.workers.aws.S3Settings;
import org.civicos.workers.config.Env;
import org.civicos.workers.notification.NotificationWiring;

/**
 * InitProbe's AWS steps, kept in their own class so the probe loads them only for those steps: each builds what a
 * function's wiring builds at init, from the environment, on the artifact that ships it.
 */
public final class AwsClientProbes {
  /** As Lambda sets it: region and the role's credentials in the environment. */
  private static final Env ENV = new Env(Map.of("AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", "AKIDPROBE",
      "AWS_SECRET_ACCESS_KEY", "probe", "AWS_SESSION_TOKEN", "probe-token", "S3_ACCESS_KEY_ID", "AKIDPROBE",
      "S3_SECRET_ACCESS_KEY", "probe", "SES_FROM", "noreply@example.org", "SITE_URL", "https://civic.example.org"));

  private AwsClientProbes() {
  }

  /** Every handler: the continuation invoker (SigV4-signed Lambda Invoke on the shared HTTP client). */
  public static void lambdaInvoker() {
    new LambdaInvoker(AwsClients.fromEnv(ENV), Optional.empty());
  }

  /** The file functions: S3 client and presigner, and one URL signed. */
  public static void s3() {
    AwsClients aws = AwsClients.fromEnv(ENV);
    S3Settings settings = S3Settings.fromEnv(ENV);
    S3Clients.client(settings, aws);
    S3Clients.presigner(settings, aws).presignPut("civic-os-files", "Issue/1/probe.jpg", Optional.of("image/jpeg"),
        false, Duration.ofMinutes(15));
  }

  /** The notification worker: its workers with the SES client (SigV4-signed SendEmail), as its wiring builds them. */
  public static void ses() {
    NotificationWiring.workers(ENV, AwsClients.fromEnv(ENV));
  }
}
