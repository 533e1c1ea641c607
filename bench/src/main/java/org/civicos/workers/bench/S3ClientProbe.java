package org.civicos.workers.bench;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.civicos.workers.aws.AwsClients;
import org.civicos.workers.aws.S3Clients;
import org.civicos.workers.aws.S3Settings;
import org.civicos.workers.config.Env;

/**
 * InitProbe's {@code s3-client} step, kept in its own class so the probe loads it only for that step: the file
 * functions' S3 client and presigner built from the environment as the wiring builds them, and one URL signed.
 */
public final class S3ClientProbe {
  private S3ClientProbe() {
  }

  public static void run() {
    Env env = new Env(Map.of("AWS_REGION", "us-east-1", "S3_ACCESS_KEY_ID", "AKIDPROBE", "S3_SECRET_ACCESS_KEY", "probe"));
    AwsClients aws = AwsClients.fromEnv(env);
    S3Settings settings = S3Settings.fromEnv(env);
    S3Clients.client(settings, aws);
    S3Clients.presigner(settings, aws).presignPut("civic-os-files", "Issue/1/probe.jpg", Optional.of("image/jpeg"),
        false, Duration.ofMinutes(15));
  }
}
