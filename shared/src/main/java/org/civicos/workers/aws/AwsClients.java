package org.civicos.workers.aws;

import java.util.Optional;
import org.civicos.workers.config.Env;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * What our AWS clients share, set up the way a Lambda function should: one HTTP client on the JDK's
 * URLConnection, an explicit region, and the function role's credentials (environment, or container credentials
 * under SnapStart).
 */
public final class AwsClients {
  private final Region region;
  private final SdkHttpClient http;
  private final AwsCredentialsProvider credentials;

  public AwsClients(Region region, AwsCredentialsProvider credentials) {
    this.region = region;
    this.credentials = credentials;
    this.http = new UrlConnectionTransport();
  }

  public static AwsClients fromEnv(Env env) {
    Region region = Region.of(env.string("AWS_REGION", "us-east-1"));
    return new AwsClients(region, credentials(env));
  }

  /**
   * Where a function finds its role's credentials: the environment variables Lambda sets, else the container
   * credentials endpoint (SnapStart), else — on a workstation or EC2, through the CLI — the SDK's whole default
   * chain (profiles, SSO, instance metadata). The SDK's chain answers the first two cases as well, but building it
   * costs over 100 ms of every cold start, so it is only built, on first use, when nothing else applies.
   */
  static AwsCredentialsProvider credentials(Env env) {
    Optional<String> keyId = env.optional("AWS_ACCESS_KEY_ID");
    Optional<String> secret = env.optional("AWS_SECRET_ACCESS_KEY");
    if (keyId.isPresent() && secret.isPresent()) {
      Optional<String> token = env.optional("AWS_SESSION_TOKEN");
      AwsCredentials fixed = token.isPresent()
          ? AwsSessionCredentials.create(keyId.get(), secret.get(), token.get())
          : AwsBasicCredentials.create(keyId.get(), secret.get());
      return () -> fixed;
    }
    Optional<ContainerCredentials> container = ContainerCredentials.fromEnv(env);
    if (container.isPresent()) {
      return container.get();
    }
    return new AwsCredentialsProvider() {
      private volatile AwsCredentialsProvider chain;

      @Override
      public AwsCredentials resolveCredentials() {
        AwsCredentialsProvider c = chain;
        if (c == null) {
          synchronized (this) {
            if (chain == null) {
              chain = DefaultCredentialsProvider.builder().build();
            }
            c = chain;
          }
        }
        return c.resolveCredentials();
      }
    };
  }

  public Region region() {
    return region;
  }

  public AwsCredentialsProvider credentials() {
    return credentials;
  }

  public SdkHttpClient http() {
    return http;
  }
}
