package org.civicos.workers.db;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.civicos.workers.config.ConfigException;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;

/**
 * RDS IAM authentication tokens: the SigV4-presigned {@code connect} request that RDS and RDS Proxy accept as
 * a password. The token is exactly what the SDK's {@code RdsUtilities.generateAuthenticationToken} returns
 * (a test compares the two) without pulling the 6 MB RDS service module into every function. A token is
 * signed for every new physical connection; it only authenticates the connect, so a pooled connection
 * outliving it is fine.
 */
public final class RdsIamTokenSource implements CredentialSource {
  static final Duration TOKEN_LIFETIME = Duration.ofMinutes(15);

  private final AwsCredentialsProvider credentials;
  private final Region region;
  private final Clock clock;
  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
  private final AtomicLong issued = new AtomicLong();

  public RdsIamTokenSource(AwsCredentialsProvider credentials, Region region, Clock clock) {
    this.credentials = credentials;
    this.region = region;
    this.clock = clock;
  }

  @Override
  public String password(DatabaseUrl target) {
    if (target.user() == null || target.user().isBlank()) {
      throw new ConfigException("DATABASE_URL must name a user for IAM authentication (DB_AUTH=iam)");
    }
    return token(target.host(), target.port(), target.user());
  }

  public String token(String host, int port, String user) {
    SdkHttpFullRequest request = SdkHttpFullRequest.builder()
        .method(SdkHttpMethod.GET)
        .protocol("https")
        .host(host)
        .port(port)
        .encodedPath("/")
        .putRawQueryParameter("DBUser", user)
        .putRawQueryParameter("Action", "connect")
        .build();
    AwsCredentialsIdentity identity = credentials.resolveCredentials();
    SignedRequest signed = signer.sign(r -> r
        .identity(identity)
        .request(request)
        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "rds-db")
        .putProperty(AwsV4HttpSigner.REGION_NAME, region.id())
        .putProperty(AwsV4HttpSigner.AUTH_LOCATION, AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
        .putProperty(AwsV4HttpSigner.EXPIRATION_DURATION, TOKEN_LIFETIME)
        .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, clock));
    issued.incrementAndGet();
    String uri = signed.request().getUri().toString();
    return uri.substring("https://".length());
  }

  /** How many tokens this source has signed: one per physical connection. */
  public long tokensIssued() {
    return issued.get();
  }
}
