package org.civicos.workers.aws;

import org.civicos.workers.config.Env;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * Builds SDK clients the way a Lambda function should: the small URLConnection HTTP client (shared), an
 * explicit region, the default credential chain (the function's role; container credentials under
 * SnapStart), and an optional endpoint override for local servers.
 */
public final class AwsClients {
  private final Region region;
  private final SdkHttpClient http;
  private final AwsCredentialsProvider credentials;

  public AwsClients(Region region, AwsCredentialsProvider credentials) {
    this.region = region;
    this.credentials = credentials;
    this.http = UrlConnectionHttpClient.builder().build();
  }

  public static AwsClients fromEnv(Env env) {
    Region region = Region.of(env.string("AWS_REGION", "us-east-1"));
    return new AwsClients(region, DefaultCredentialsProvider.builder().build());
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
