package org.civicos.workers.aws;

import java.net.URI;
import java.time.Clock;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** Our S3 client and presigner built from {@link S3Settings} on the shared HTTP client. */
public final class S3Clients {
  private S3Clients() {
  }

  public static S3ObjectClient client(S3Settings settings, AwsClients aws) {
    return new S3ObjectClient(aws.http(), S3Addressing.of(settings.endpoint(), settings.region(), settings.pathStyle()),
        signer(settings, aws));
  }

  /** Signs URLs for the host browsers reach: the public endpoint if set, else the internal one, else AWS. */
  public static S3UrlPresigner presigner(S3Settings settings, AwsClients aws) {
    Optional<URI> endpoint = settings.publicEndpoint().or(settings::endpoint);
    return new S3UrlPresigner(S3Addressing.of(endpoint, settings.region(), settings.pathStyle()),
        signer(settings, aws));
  }

  private static S3RequestSigner signer(S3Settings settings, AwsClients aws) {
    return new S3RequestSigner(credentials(settings, aws), settings.region(), Clock.systemUTC());
  }

  private static AwsCredentialsProvider credentials(S3Settings settings, AwsClients aws) {
    if (settings.accessKeyId().isPresent()) {
      return StaticCredentialsProvider.create(
          AwsBasicCredentials.create(settings.accessKeyId().get(), settings.secretAccessKey().orElseThrow()));
    }
    return aws.credentials();
  }
}
