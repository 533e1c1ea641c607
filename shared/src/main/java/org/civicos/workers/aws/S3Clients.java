package org.civicos.workers.aws;

import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** S3 clients built from {@link S3Settings} on the shared HTTP client. */
public final class S3Clients {
  private S3Clients() {
  }

  public static S3Client client(S3Settings settings, AwsClients aws) {
    var builder = S3Client.builder()
        .region(Region.of(settings.region()))
        .credentialsProvider(credentials(settings, aws))
        .httpClient(aws.http())
        .forcePathStyle(settings.pathStyle());
    settings.endpoint().ifPresent(builder::endpointOverride);
    return builder.build();
  }

  /** Signs URLs for the host browsers reach: the public endpoint if set, else the internal one, else AWS. */
  public static S3Presigner presigner(S3Settings settings, AwsClients aws) {
    var builder = S3Presigner.builder()
        .region(Region.of(settings.region()))
        .credentialsProvider(credentials(settings, aws))
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(settings.pathStyle()).build());
    Optional<URI> endpoint = settings.publicEndpoint().or(settings::endpoint);
    endpoint.ifPresent(builder::endpointOverride);
    return builder.build();
  }

  private static AwsCredentialsProvider credentials(S3Settings settings, AwsClients aws) {
    if (settings.accessKeyId().isPresent()) {
      return StaticCredentialsProvider.create(
          AwsBasicCredentials.create(settings.accessKeyId().get(), settings.secretAccessKey().orElseThrow()));
    }
    return aws.credentials();
  }
}
