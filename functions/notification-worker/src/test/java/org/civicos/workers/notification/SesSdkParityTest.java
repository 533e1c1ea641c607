package org.civicos.workers.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.civicos.workers.aws.AwsClients;
import org.civicos.workers.config.Env;
import org.civicos.workers.testing.ses.FakeSesServer;
import org.civicos.workers.testing.ses.RecordedSesRequest;
import org.civicos.workers.testing.ses.SesReply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.auth.aws.scheme.AwsV4AuthScheme;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.scheme.AuthScheme;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignRequest;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignedRequest;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.identity.spi.IdentityProviders;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.endpoints.SesV2EndpointParams;
import software.amazon.awssdk.services.sesv2.endpoints.SesV2EndpointProvider;
import software.amazon.awssdk.services.sesv2.model.AccountSuspendedException;
import software.amazon.awssdk.services.sesv2.model.BadRequestException;
import software.amazon.awssdk.services.sesv2.model.Body;
import software.amazon.awssdk.services.sesv2.model.Content;
import software.amazon.awssdk.services.sesv2.model.LimitExceededException;
import software.amazon.awssdk.services.sesv2.model.MailFromDomainNotVerifiedException;
import software.amazon.awssdk.services.sesv2.model.MessageRejectedException;
import software.amazon.awssdk.services.sesv2.model.NotFoundException;
import software.amazon.awssdk.services.sesv2.model.SendEmailRequest;
import software.amazon.awssdk.services.sesv2.model.SendingPausedException;
import software.amazon.awssdk.services.sesv2.model.SesV2Exception;
import software.amazon.awssdk.services.sesv2.model.TooManyRequestsException;

/**
 * Our SES client against the SDK's {@code SesV2Client} it replaces, both sending to the same fake SES: the same
 * bytes and signature for the same email, credentials, region and clock; the same retries for every kind of error;
 * the same classification as the SDK-based mailer had; the same default endpoint.
 */
class SesSdkParityTest {
  private static final Instant SIGNING_TIME = Instant.parse("2026-11-29T12:34:56Z");
  private static final Clock FIXED = Clock.fixed(SIGNING_TIME, ZoneOffset.UTC);
  private static final ObjectMapper JSON = new ObjectMapper();

  private FakeSesServer ses;

  @BeforeEach
  void start() {
    ses = FakeSesServer.start();
  }

  @AfterEach
  void stop() {
    ses.close();
  }

  /**
   * The SDK's SigV4 scheme with two changes made only here: it signs at {@link #FIXED}, and it first drops the
   * SDK's own bookkeeping headers ({@code amz-sdk-invocation-id}, {@code amz-sdk-request}: a random id and the
   * attempt count), which ours does not send. Everything else it signs is the SDK's request as it is.
   */
  private static final class FixedClockSigV4 implements AuthScheme<AwsCredentialsIdentity> {
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    @Override
    public String schemeId() {
      return AwsV4AuthScheme.SCHEME_ID;
    }

    @Override
    public IdentityProvider<AwsCredentialsIdentity> identityProvider(IdentityProviders providers) {
      return providers.identityProvider(AwsCredentialsIdentity.class);
    }

    @Override
    public HttpSigner<AwsCredentialsIdentity> signer() {
      return new HttpSigner<>() {
        @Override
        public SignedRequest sign(SignRequest<? extends AwsCredentialsIdentity> request) {
          return signer.sign(request.toBuilder()
              .request(request.request().toBuilder().removeHeader("amz-sdk-invocation-id")
                  .removeHeader("amz-sdk-request").build())
              .putProperty(HttpSigner.SIGNING_CLOCK, FIXED)
              .build());
        }

        @Override
        public CompletableFuture<AsyncSignedRequest> signAsync(AsyncSignRequest<? extends AwsCredentialsIdentity> r) {
          throw new UnsupportedOperationException("sync client only");
        }
      };
    }
  }

  static Stream<Arguments> signedEmails() {
    Email full = new Email("\"Civic OS\" <noreply@example.org>", "zoë@example.org", Optional.of("help@example.org"),
        "Straße gesperrt – 5 € \"quoted\" \\ </script> \u2028", "Grüße\n\tline two\r\n\u0001",
        "<p class=\"x\">Grüße &amp; ✓ 😀</p>", Optional.of("civic-events"));
    Email bare = new Email("noreply@example.org", "ann@example.org", Optional.empty(), "Hello", "", "",
        Optional.empty());
    return Stream.of(
        Arguments.of("everything, non-ASCII and escapes", full, StaticCredentialsProvider.create(
            AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")), Region.US_EAST_1),
        Arguments.of("no reply-to or configuration set, session credentials, eu-west-1", bare,
            StaticCredentialsProvider.create(AwsSessionCredentials.create("ASIAEXAMPLE", "secret", "session-token")),
            Region.EU_WEST_1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("signedEmails")
  void signsTheSameRequestAsTheSdksClient(String name, Email email, StaticCredentialsProvider credentials,
      Region region) throws Exception {
    try (SesV2Client sdk = ses.clientBuilder().region(region).credentialsProvider(credentials)
        .putAuthScheme(new FixedClockSigV4())
        .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1))).build()) {
      sdk.sendEmail(sdkRequest(email));
    }
    // Ours as the function wires it (SES_ENDPOINT, the function's region and credentials), at the same time.
    new SesMailer(NotificationWiring.sesClient(new Env(Map.of("SES_ENDPOINT", ses.endpoint().toString())),
        new AwsClients(region, credentials), FIXED)).send(email);

    List<RecordedSesRequest> both = ses.sendEmailRequests();
    assertThat(both).hasSize(2);
    RecordedSesRequest theirs = both.get(0);
    RecordedSesRequest ours = both.get(1);
    assertThat(theirs.header("X-Amz-Date")).isEqualTo("20261129T123456Z");
    assertThat(ours.body()).as("JSON body, byte for byte").isEqualTo(theirs.body());
    assertThat(JSON.readTree(ours.body())).isEqualTo(JSON.readTree(theirs.body()));
    for (String header : List.of("Authorization", "X-Amz-Date", "X-Amz-Content-SHA256", "X-Amz-Security-Token",
        "Content-Type", "Content-Length", "Host")) {
      assertThat(ours.header(header)).as(header).isEqualTo(theirs.header(header));
    }
    assertThat(ours.header("Authorization"))
        .startsWith("AWS4-HMAC-SHA256 Credential=" + credentials.resolveCredentials().accessKeyId() + "/20261129/"
            + region.id() + "/ses/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-content-sha256;"
            + "x-amz-date" + (credentials.resolveCredentials() instanceof AwsSessionCredentials
                ? ";x-amz-security-token" : "") + ", Signature=");
    assertThat(ours.method()).isEqualTo(theirs.method());
    assertThat(ours.path()).isEqualTo(theirs.path());
  }

  private static SendEmailRequest sdkRequest(Email email) {
    SendEmailRequest.Builder request = SendEmailRequest.builder()
        .fromEmailAddress(email.from())
        .destination(d -> d.toAddresses(email.to()))
        .content(c -> c.simple(m -> m
            .subject(utf8(email.subject()))
            .body(Body.builder().text(utf8(email.text())).html(utf8(email.html())).build())));
    email.replyTo().ifPresent(request::replyToAddresses);
    email.configurationSet().ifPresent(request::configurationSetName);
    return request.build();
  }

  private static Content utf8(String data) {
    return Content.builder().charset("UTF-8").data(data).build();
  }

  static Stream<Arguments> errors() {
    List<Supplier<SesReply>> replies = List.of(SesReply::throttled, SesReply::internalError,
        SesReply::serviceUnavailable, SesReply::limitExceeded, SesReply::messageRejected,
        SesReply::mailFromDomainNotVerified, SesReply::accountSuspended, SesReply::sendingPaused,
        () -> SesReply.notFound("Configuration set civic-events does not exist."),
        () -> SesReply.badRequest("Missing final '@domain'"),
        () -> SesReply.error(502, "BadGateway", "upstream"), () -> SesReply.error(504, "GatewayTimeout", "late"),
        () -> SesReply.error(501, "NotImplemented", "no"), () -> SesReply.error(400, "ThrottlingException", "slow"),
        () -> SesReply.error(400, "TooManyRequestsException", "slow"), () -> SesReply.error(429, "Whatever", "slow"),
        () -> SesReply.error(400, "RequestTimeout", "slow"), () -> SesReply.error(400, "InternalError", "oops"),
        () -> SesReply.error(500, "ConcurrentModificationException", "busy"),
        () -> SesReply.error(500, "InternalServiceErrorException", "oops"),
        () -> SesReply.error(409, "ConflictException", "conflict"),
        () -> SesReply.error(403, "AccessDeniedException", "denied"),
        () -> SesReply.error(403, "InvalidSignatureException", "bad signature"),
        () -> SesReply.error(404, "MessageRejected", "odd status, still a rejection"),
        () -> SesReply.error(503, "BadRequestException", "odd status, still a bad request"));
    return replies.stream().flatMap(r -> Stream.of(Arguments.of(r.get()), Arguments.of(r.get().withTypeInBody())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("errors")
  void retriesAndClassifiesEachErrorAsTheSdkBasedMailerDid(SesReply reply) {
    ses.otherwise(reply);
    SdkException sdkError;
    try (SesV2Client sdk = ses.clientBuilder()
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.legacyRetryStrategy().toBuilder()
            .backoffStrategy(BackoffStrategy.retryImmediately())
            .throttlingBackoffStrategy(BackoffStrategy.retryImmediately()).build()))
        .build()) {
      sdkError = catchThrowableOfType(SdkException.class, () -> sdk.sendEmail(sdkRequest(SesMailerTest.email())));
    }
    int sdkAttempts = ses.attempts();
    ses.reset();
    ses.otherwise(reply);
    Mailer.MailException ours = catchThrowableOfType(Mailer.MailException.class,
        () -> new SesMailer(new SesApi(SesMailerTest.api(ses), d -> { }, () -> 0.5)).send(SesMailerTest.email()));

    assertThat(ses.attempts()).as("attempts").isEqualTo(sdkAttempts);
    SesV2Exception sdk = (SesV2Exception) sdkError;
    assertThat(ours.permanent()).as("permanent").isEqualTo(!sdkMailerRetried(sdk));
    String sdkName = sdk.getClass() == SesV2Exception.class ? reply.errorType() : sdk.getClass().getSimpleName();
    assertThat(ours.getMessage()).isEqualTo("SES " + sdk.statusCode() + " " + sdkName + ": "
        + sdk.awsErrorDetails().errorMessage());
  }

  /**
   * The classification of the SDK-based {@code SesMailer} this client replaced, verbatim, as the reference: it
   * read the SDK's exception type and status code.
   */
  private static boolean sdkMailerRetried(SesV2Exception e) {
    if (e instanceof TooManyRequestsException || e instanceof LimitExceededException || e.isThrottlingException()) {
      return true;
    }
    if (e instanceof MessageRejectedException || e instanceof MailFromDomainNotVerifiedException
        || e instanceof AccountSuspendedException || e instanceof SendingPausedException
        || e instanceof NotFoundException || e instanceof BadRequestException) {
      return false;
    }
    return e.statusCode() >= 500;
  }

  @Test
  void theSdksDefaultRetryModeIsLegacyWithFourAttempts() {
    // What production ran with: no AWS_RETRY_MODE, no retry_mode in a profile. SesApi.MAX_ATTEMPTS follows it.
    assertThat(RetryMode.defaultRetryMode()).isEqualTo(RetryMode.LEGACY);
    ses.otherwise(SesReply.internalError());
    try (SesV2Client sdk = ses.client()) {
      catchThrowableOfType(SesV2Exception.class, () -> sdk.sendEmail(sdkRequest(SesMailerTest.email())));
    }
    assertThat(ses.attempts()).isEqualTo(SesApi.MAX_ATTEMPTS).isEqualTo(4);
  }

  @Test
  void aDroppedConnectionIsRetriedAsOftenByBoth() {
    ses.otherwise(SesReply.drop());
    try (SesV2Client sdk = ses.client()) {
      catchThrowableOfType(SdkException.class, () -> sdk.sendEmail(sdkRequest(SesMailerTest.email())));
    }
    int sdkAttempts = ses.attempts();
    ses.reset();
    ses.otherwise(SesReply.drop());
    Mailer.MailException ours = catchThrowableOfType(Mailer.MailException.class,
        () -> new SesMailer(new SesApi(SesMailerTest.api(ses), d -> { }, () -> 0.5)).send(SesMailerTest.email()));
    assertThat(ses.attempts()).isEqualTo(sdkAttempts).isEqualTo(4);
    assertThat(ours.permanent()).isFalse();
    assertThat(ours.getMessage()).startsWith("could not reach SES: ").endsWith("(4 attempts)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"us-east-1", "eu-west-1", "ap-southeast-2", "us-gov-west-1", "cn-north-1", "eu-isoe-west-1"})
  void defaultsToTheEndpointTheSdkResolves(String regionId) {
    Region region = Region.of(regionId);
    String sdk = SesV2EndpointProvider.defaultProvider()
        .resolveEndpoint(SesV2EndpointParams.builder().region(region).build()).join().url().toString();
    AwsClients aws = new AwsClients(region, StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")));
    SesApi ours = NotificationWiring.sesClient(new Env(Map.of()), aws);
    assertThat(ours.endpoint().toString()).isEqualTo(sdk);
    assertThat(NotificationWiring.sesClient(new Env(Map.of("SES_REGION", regionId)),
        new AwsClients(Region.US_WEST_2, aws.credentials())).endpoint().toString()).isEqualTo(sdk);
  }

  @Test
  void sesEndpointWinsOverTheSesv2EndpointVariable() {
    AwsClients aws = new AwsClients(Region.US_EAST_1, StaticCredentialsProvider.create(AwsBasicCredentials.create("a",
        "b")));
    assertThat(NotificationWiring.sesClient(new Env(Map.of("SES_ENDPOINT", "http://localhost:8005",
        "AWS_ENDPOINT_URL_SESV2", "http://localhost:9")), aws).endpoint().toString()).isEqualTo("http://localhost:8005");
    assertThat(NotificationWiring.sesClient(new Env(Map.of("AWS_ENDPOINT_URL_SESV2", "http://localhost:9")), aws)
        .endpoint().toString()).isEqualTo("http://localhost:9");
  }
}
