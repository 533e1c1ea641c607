package org.civicos.workers.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.civicos.workers.aws.AwsJsonApi;
import org.civicos.workers.testing.ses.FakeSesServer;
import org.civicos.workers.testing.ses.SesEmulator;
import org.civicos.workers.testing.ses.SesReply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * SES faults injected at the HTTP level (a fake SES v2 endpoint; no local SES can stand in for AWS's error
 * behaviour), through our own SES client: each is classified by error name and status code, and retried as the
 * SDK's client retried it. The waits between attempts are recorded instead of slept.
 */
class SesMailerTest {
  private FakeSesServer ses;
  private final List<Duration> pauses = new ArrayList<>();

  @BeforeEach
  void start() {
    ses = FakeSesServer.start();
  }

  @AfterEach
  void stop() {
    ses.close();
  }

  /** Our client against the fake, recording its waits; jitter fixed at half the range. */
  private SesMailer mailer() {
    return new SesMailer(new SesApi(api(ses), pauses::add, () -> 0.5));
  }

  static AwsJsonApi api(FakeSesServer ses) {
    return new AwsJsonApi(new org.civicos.workers.aws.UrlConnectionTransport(), StaticCredentialsProvider.create(
        AwsBasicCredentials.create(SesEmulator.ACCESS_KEY, SesEmulator.SECRET_KEY)), "ses", Region.US_EAST_1,
        ses.endpoint(), Clock.systemUTC());
  }

  static Email email() {
    return new Email("\"Civic OS\" <noreply@example.org>", "ann@example.org", Optional.of("help@example.org"),
        "Hello Zoë", "text body", "<p>html body</p>", Optional.of("civic-events"));
  }

  static Stream<Arguments> faults() {
    return Stream.of(
        args("throttled", SesReply::throttled, false, 4, "SES 429 TooManyRequestsException: Too many requests"),
        args("internal error", SesReply::internalError, false, 4, "SES 500 InternalFailure: The request processing"),
        args("service unavailable", SesReply::serviceUnavailable, false, 4, "SES 503 ServiceUnavailable: Service"),
        args("limit exceeded", SesReply::limitExceeded, false, 1, "SES 400 LimitExceededException: Maximum sending"),
        args("dropped connection", SesReply::drop, false, 4, "could not reach SES: "),
        args("message rejected", SesReply::messageRejected, true, 1, "SES 400 MessageRejectedException: Email address"),
        args("mail-from not verified", SesReply::mailFromDomainNotVerified, true, 1,
            "SES 400 MailFromDomainNotVerifiedException: The message couldn't"),
        args("account suspended", SesReply::accountSuspended, true, 1, "SES 400 AccountSuspendedException: "),
        args("sending paused", SesReply::sendingPaused, true, 1, "SES 400 SendingPausedException: "),
        args("configuration set not found", () -> SesReply.notFound("Configuration set civic-events does not exist"),
            true, 1, "SES 404 NotFoundException: Configuration set civic-events does not exist"),
        args("invalid address", () -> SesReply.badRequest("Missing final '@domain'"), true, 1,
            "SES 400 BadRequestException: Missing final '@domain'"),
        args("throttling name on a 400", () -> SesReply.error(400, "ThrottlingException", "Rate exceeded"), false, 4,
            "SES 400 ThrottlingException: Rate exceeded"),
        args("unmodeled 501", () -> SesReply.error(501, "NotImplemented", "no"), false, 1, "SES 501 NotImplemented: no"),
        args("access denied", () -> SesReply.error(403, "AccessDeniedException", "not allowed"), true, 1,
            "SES 403 AccessDeniedException: not allowed"),
        args("request timeout (SDK retried it, 400 is still permanent)", () -> SesReply.error(400, "RequestTimeout",
            "slow"), true, 4, "SES 400 RequestTimeout: slow"),
        args("no message", () -> SesReply.error(400, "LimitExceededException", null), false, 1,
            "SES 400 LimitExceededException: (no message)"));
  }

  private static Arguments args(String name, Supplier<SesReply> reply, boolean permanent, int attempts,
      String messageStart) {
    return Arguments.of(name, reply, permanent, attempts, messageStart);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void classifiesEachFaultByNameAndStatus(String name, Supplier<SesReply> reply, boolean permanent, int attempts,
      String messageStart) {
    ses.otherwise(reply.get());
    Mailer.MailException failure = catchThrowableOfType(Mailer.MailException.class, () -> mailer().send(email()));
    assertThat(failure).as(name).isNotNull();
    assertThat(failure.permanent()).as(name).isEqualTo(permanent);
    assertThat(failure.getMessage()).as(name).startsWith(messageStart);
    assertThat(ses.attempts()).as(name + ": attempts").isEqualTo(attempts);
    assertThat(pauses).as(name + ": waits").hasSize(attempts - 1);
  }

  @ParameterizedTest(name = "{0}, name in the body")
  @MethodSource("faults")
  void theErrorNameInTheBodyClassifiesTheSame(String name, Supplier<SesReply> reply, boolean permanent, int attempts,
      String messageStart) {
    SesReply r = reply.get();
    if (r.errorType() == null) {
      return; // a dropped connection has no body
    }
    ses.otherwise(r.withTypeInBody());
    Mailer.MailException failure = catchThrowableOfType(Mailer.MailException.class, () -> mailer().send(email()));
    assertThat(failure.permanent()).as(name).isEqualTo(permanent);
    assertThat(failure.getMessage()).as(name).startsWith(messageStart);
    assertThat(ses.attempts()).as(name).isEqualTo(attempts);
  }

  @Test
  void sendsSimpleUtf8ContentWithFromReplyToAndConfigurationSet() {
    ses.otherwise(SesReply.success("msg-1"));
    assertThat(mailer().send(email())).isEqualTo("msg-1");
    var request = ses.lastRequest();
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo(SesApi.SEND_EMAIL_PATH);
    assertThat(request.header("Authorization")).startsWith("AWS4-HMAC-SHA256 Credential=" + SesEmulator.ACCESS_KEY + "/")
        .contains("/us-east-1/ses/aws4_request");
    var body = request.json();
    assertThat(body.get("FromEmailAddress").asText()).isEqualTo("\"Civic OS\" <noreply@example.org>");
    assertThat(body.get("Destination").get("ToAddresses").get(0).asText()).isEqualTo("ann@example.org");
    assertThat(body.get("ReplyToAddresses").get(0).asText()).isEqualTo("help@example.org");
    assertThat(body.get("ConfigurationSetName").asText()).isEqualTo("civic-events");
    var simple = body.get("Content").get("Simple");
    assertThat(simple.get("Subject").get("Data").asText()).isEqualTo("Hello Zoë");
    assertThat(simple.get("Subject").get("Charset").asText()).isEqualTo("UTF-8");
    assertThat(simple.get("Body").get("Text").get("Data").asText()).isEqualTo("text body");
    assertThat(simple.get("Body").get("Text").get("Charset").asText()).isEqualTo("UTF-8");
    assertThat(simple.get("Body").get("Html").get("Data").asText()).isEqualTo("<p>html body</p>");
    assertThat(simple.get("Body").get("Html").get("Charset").asText()).isEqualTo("UTF-8");
  }

  @Test
  void leavesOutReplyToAndConfigurationSetWhenNotSet() {
    new SesMailer(new SesApi(api(ses))).send(new Email("noreply@example.org", "ann@example.org", Optional.empty(),
        "s", "t", "<p>h</p>", Optional.empty()));
    var body = ses.lastRequest().json();
    assertThat(body.has("ReplyToAddresses")).isFalse();
    assertThat(body.has("ConfigurationSetName")).isFalse();
    assertThat(body.path("Destination").path("ToAddresses")).hasSize(1);
  }

  @Test
  void aThrottledSendThatSucceedsOnARetryCountsAsSent() {
    ses.enqueue(SesReply.throttled()).otherwise(SesReply.success("msg-2"));
    assertThat(mailer().send(email())).isEqualTo("msg-2");
    assertThat(ses.attempts()).isEqualTo(2);
  }

  @Test
  void retriesThrottlingServerErrorsAndDropsWithTheSdksBackoffThenSucceeds() {
    ses.enqueue(SesReply.throttled(), SesReply.internalError(), SesReply.drop()).otherwise(SesReply.success("msg-3"));
    assertThat(mailer().send(email())).isEqualTo("msg-3");
    assertThat(ses.attempts()).isEqualTo(4);
    // jitter 0.5: throttled after attempt 1, ceiling 500 ms -> 250 + 125; then ceilings 200 and 400 ms, full jitter
    assertThat(pauses).containsExactly(Duration.ofMillis(375), Duration.ofMillis(100), Duration.ofMillis(200));
    assertThat(ses.requests()).extracting(r -> r.body()).containsOnly(ses.requests().get(0).body());
  }

  @Test
  void theWaitsStayWithinTheSdksRanges() {
    List<Duration> waits = new ArrayList<>();
    for (double r : new double[] {0.0, 0.999999}) {
      SesApi api = new SesApi(api(ses), waits::add, () -> r);
      waits.add(api.delayBeforeRetry(1, false));
      waits.add(api.delayBeforeRetry(3, false));
      waits.add(api.delayBeforeRetry(1, true));
      waits.add(api.delayBeforeRetry(3, true));
    }
    assertThat(waits).containsExactly(
        Duration.ZERO, Duration.ZERO, Duration.ofMillis(250), Duration.ofMillis(1000),
        Duration.ofMillis(99), Duration.ofMillis(399), Duration.ofMillis(499), Duration.ofMillis(1999));
  }

  @Test
  void anInterruptWhileWaitingToRetryStopsAtOnceAsATransientFailure() {
    ses.otherwise(SesReply.serviceUnavailable());
    SesMailer interrupted = new SesMailer(new SesApi(api(ses), d -> {
      throw new InterruptedException();
    }, () -> 0.5));
    try {
      Mailer.MailException failure = catchThrowableOfType(Mailer.MailException.class,
          () -> interrupted.send(email()));
      assertThat(failure.permanent()).isFalse();
      assertThat(failure.getMessage()).startsWith("could not reach SES: interrupted while waiting to retry");
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(ses.attempts()).isEqualTo(1);
  }

  @Test
  void theDefaultClientReallyWaitsBetweenAttempts() {
    ses.enqueue(SesReply.serviceUnavailable(), SesReply.serviceUnavailable()).otherwise(SesReply.success("msg-4"));
    assertThat(new SesMailer(new SesApi(api(ses))).send(email())).isEqualTo("msg-4");
    var requests = ses.sendEmailRequests();
    assertThat(requests).hasSize(3);
    assertThat(Duration.between(requests.get(0).receivedAt(), requests.get(2).receivedAt()))
        .isLessThan(Duration.ofSeconds(2));
  }
}
