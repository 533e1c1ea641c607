package org.civicos.workers.testing.ses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.AccountSuspendedException;
import software.amazon.awssdk.services.sesv2.model.BadRequestException;
import software.amazon.awssdk.services.sesv2.model.LimitExceededException;
import software.amazon.awssdk.services.sesv2.model.MailFromDomainNotVerifiedException;
import software.amazon.awssdk.services.sesv2.model.MessageRejectedException;
import software.amazon.awssdk.services.sesv2.model.NotFoundException;
import software.amazon.awssdk.services.sesv2.model.SendEmailRequest;
import software.amazon.awssdk.services.sesv2.model.SendingPausedException;
import software.amazon.awssdk.services.sesv2.model.SesV2Exception;
import software.amazon.awssdk.services.sesv2.model.TooManyRequestsException;

class FakeSesServerTest {
  private FakeSesServer ses;

  @BeforeEach
  void start() {
    ses = FakeSesServer.start();
  }

  @AfterEach
  void stop() {
    ses.close();
  }

  @Test
  void successRecordsTheRequest() {
    String messageId;
    try (SesV2Client client = ses.client()) {
      messageId = client.sendEmail(email()
          .replyToAddresses("clerk@example.org")
          .configurationSetName("civic-notifications")
          .emailTags(t -> t.name("kind").value("permit"))
          .build()).messageId();
    }

    assertThat(messageId).matches("0100019[0-9a-f]{9}-[0-9a-f-]{36}-000000");
    assertThat(ses.attempts()).isEqualTo(1);
    RecordedSesRequest r = ses.lastRequest();
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.path()).isEqualTo(FakeSesServer.SEND_EMAIL_PATH);
    assertThat(r.fromEmailAddress()).isEqualTo("\"Civic OS\" <noreply@example.org>");
    assertThat(r.toAddresses()).containsExactly("resident@example.org");
    assertThat(r.ccAddresses()).isEmpty();
    assertThat(r.replyToAddresses()).containsExactly("clerk@example.org");
    assertThat(r.configurationSetName()).isEqualTo("civic-notifications");
    assertThat(r.subject()).isEqualTo(new RecordedSesRequest.Content("UTF-8", "Straße gesperrt – 5 €"));
    assertThat(r.text()).isEqualTo(new RecordedSesRequest.Content("UTF-8", "Grüße"));
    assertThat(r.html()).isEqualTo(new RecordedSesRequest.Content("UTF-8", "<p>Grüße</p>"));
    assertThat(r.emailHeaders()).containsExactly(new MessageHeader("X-Civic-Notification", "7"));
    assertThat(r.emailTags()).containsExactly(new MessageHeader("kind", "permit"));
    assertThat(r.header("Authorization")).startsWith("AWS4-HMAC-SHA256 ");
    assertThat(r.header("content-type")).startsWith("application/json");
    assertThat(r.sdkAttempt()).isEqualTo(1);
    assertThat(r.reply().status()).isEqualTo(200);
  }

  @Test
  void successCanNameTheMessageId() {
    ses.enqueue(SesReply.success("m-1"));
    try (SesV2Client client = ses.client()) {
      assertThat(client.sendEmail(email().build()).messageId()).isEqualTo("m-1");
      assertThat(client.sendEmail(email().build()).messageId()).isNotEqualTo("m-1");
    }
  }

  static Stream<Arguments> errors() {
    return Stream.of(
        Arguments.of(SesReply.throttled(), TooManyRequestsException.class, 429),
        Arguments.of(SesReply.messageRejected(), MessageRejectedException.class, 400),
        Arguments.of(SesReply.mailFromDomainNotVerified(), MailFromDomainNotVerifiedException.class, 400),
        Arguments.of(SesReply.accountSuspended(), AccountSuspendedException.class, 400),
        Arguments.of(SesReply.sendingPaused(), SendingPausedException.class, 400),
        Arguments.of(SesReply.limitExceeded(), LimitExceededException.class, 400),
        Arguments.of(SesReply.notFound("Configuration set civic-notifications does not exist."),
            NotFoundException.class, 404),
        Arguments.of(SesReply.badRequest("Missing final '@domain'"), BadRequestException.class, 400),
        Arguments.of(SesReply.internalError(), SesV2Exception.class, 500),
        Arguments.of(SesReply.serviceUnavailable(), SesV2Exception.class, 503));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("errors")
  void eachErrorIsTheSdksModeledException(SesReply reply, Class<? extends SesV2Exception> type, int status) {
    assertMapsTo(reply, type, status);
  }

  @ParameterizedTest(name = "{0}, type in the body")
  @MethodSource("errors")
  void theTypeInTheBodyMapsTheSameWay(SesReply reply, Class<? extends SesV2Exception> type, int status) {
    assertMapsTo(reply.withTypeInBody(), type, status);
  }

  private void assertMapsTo(SesReply reply, Class<? extends SesV2Exception> type, int status) {
    ses.otherwise(reply); // every attempt, retries included
    try (SesV2Client client = noRetries()) {
      SesV2Exception e = catchThrowableOfType(SesV2Exception.class, () -> client.sendEmail(email().build()));
      assertThat(e).isExactlyInstanceOf(type);
      assertThat(e.statusCode()).isEqualTo(status);
      assertThat(e.awsErrorDetails().errorCode()).isEqualTo(reply.errorType());
      assertThat(e.awsErrorDetails().errorMessage()).isNotBlank();
      assertThat(e.requestId()).isNotBlank();
    }
    assertThat(ses.attempts()).isEqualTo(1);
  }

  @Test
  void theErrorMessageReachesTheException() {
    ses.enqueue(SesReply.messageRejected("Email address is not verified: x@example.org"));
    try (SesV2Client client = noRetries()) {
      assertThatThrownBy(() -> client.sendEmail(email().build()))
          .isInstanceOf(MessageRejectedException.class)
          .hasMessageStartingWith("Email address is not verified: x@example.org")
          .hasMessageContaining("Status Code: 400");
    }
  }

  @Test
  void throttlingAndServerErrorsAreRetriedAndCounted() {
    ses.enqueue(SesReply.throttled(), SesReply.serviceUnavailable(), SesReply.success("third-time"));
    try (SesV2Client client = standardRetries()) {
      assertThat(client.sendEmail(email().build()).messageId()).isEqualTo("third-time");
    }

    assertThat(ses.attempts()).isEqualTo(3);
    assertThat(ses.requests()).extracting(RecordedSesRequest::sdkAttempt).containsExactly(1, 2, 3);
    assertThat(ses.requests()).extracting(RecordedSesRequest::invocationId).doesNotContainNull().containsOnly(
        ses.requests().get(0).invocationId());
    assertThat(ses.requests()).extracting(r -> r.reply().status()).containsExactly(429, 503, 200);
    assertThat(ses.requests()).extracting(RecordedSesRequest::toAddresses)
        .allSatisfy(to -> assertThat(to).containsExactly("resident@example.org"));
    assertThat(ses.pendingReplies()).isZero();
  }

  @Test
  void standardRetriesGiveUpAfterThreeAttempts() {
    ses.otherwise(SesReply.internalError());
    try (SesV2Client client = standardRetries()) {
      SesV2Exception e = catchThrowableOfType(SesV2Exception.class, () -> client.sendEmail(email().build()));
      assertThat(e.statusCode()).isEqualTo(500);
    }
    assertThat(ses.attempts()).isEqualTo(3);
  }

  @Test
  void theDefaultClientRetriesThrottlingToo() {
    ses.enqueue(SesReply.throttled());
    try (SesV2Client client = ses.client()) {
      client.sendEmail(email().build());
    }
    assertThat(ses.attempts()).isEqualTo(2);
  }

  @Test
  void clientErrorsAreNotRetried() {
    ses.otherwise(SesReply.messageRejected());
    try (SesV2Client client = ses.client()) {
      assertThatThrownBy(() -> client.sendEmail(email().build())).isInstanceOf(MessageRejectedException.class);
    }
    assertThat(ses.attempts()).isEqualTo(1);
  }

  @Test
  void aDroppedConnectionIsAClientExceptionAndRetried() {
    ses.enqueue(SesReply.drop(), SesReply.success("after-drop"));
    try (SesV2Client client = standardRetries()) {
      assertThat(client.sendEmail(email().build()).messageId()).isEqualTo("after-drop");
    }
    assertThat(ses.attempts()).isEqualTo(2);

    ses.reset();
    ses.otherwise(SesReply.drop());
    try (SesV2Client client = noRetries()) {
      assertThatThrownBy(() -> client.sendEmail(email().build()))
          .isInstanceOf(SdkClientException.class)
          .isNotInstanceOf(SesV2Exception.class);
    }
    assertThat(ses.attempts()).isEqualTo(1);
  }

  @Test
  void aDelayLongerThanTheAttemptTimeoutTimesOut() {
    ses.enqueue(SesReply.delayed(Duration.ofSeconds(10)));
    long start = System.nanoTime();
    try (SesV2Client client = ses.clientBuilder()
        .overrideConfiguration(o -> o.apiCallAttemptTimeout(Duration.ofMillis(300)).retryStrategy(RetryMode.STANDARD))
        .build()) {
      // The first attempt times out; the retry gets the default success.
      assertThat(client.sendEmail(email().build()).messageId()).isNotBlank();
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(ses.attempts()).isEqualTo(2);

    ses.reset();
    ses.otherwise(SesReply.delayed(Duration.ofSeconds(10)));
    try (SesV2Client client = ses.clientBuilder()
        .overrideConfiguration(o -> o.apiCallAttemptTimeout(Duration.ofMillis(300)).retryStrategy(r -> r.maxAttempts(1)))
        .build()) {
      assertThatThrownBy(() -> client.sendEmail(email().build())).isInstanceOf(ApiCallAttemptTimeoutException.class);
    }
  }

  @Test
  void aDelayLongerThanTheSocketTimeoutFailsTheRead() {
    ses.otherwise(SesReply.delayed(Duration.ofSeconds(10)));
    try (SesV2Client client = ses.clientBuilder()
        .httpClient(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofMillis(300)).build())
        .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1)))
        .build()) {
      assertThatThrownBy(() -> client.sendEmail(email().build()))
          .isInstanceOf(SdkClientException.class)
          .hasRootCauseInstanceOf(java.net.SocketTimeoutException.class);
    }
  }

  @Test
  void aDelayedErrorIsStillThatError() {
    ses.enqueue(SesReply.sendingPaused().after(Duration.ofMillis(200)));
    try (SesV2Client client = noRetries()) {
      assertThatThrownBy(() -> client.sendEmail(email().build())).isInstanceOf(SendingPausedException.class);
    }
  }

  @Test
  void otherPathsAreUnknownOperations() {
    try (SesV2Client client = noRetries()) {
      assertThatThrownBy(() -> client.getAccount(r -> { }))
          .isInstanceOf(SesV2Exception.class)
          .satisfies(e -> assertThat(((SesV2Exception) e).statusCode()).isEqualTo(404));
    }
    assertThat(ses.attempts()).isZero();
    assertThat(ses.requests()).singleElement().satisfies(r -> assertThat(r.path()).isEqualTo("/v2/email/account"));
  }

  @Test
  void resetForgetsRequestsAndQueue() {
    ses.enqueue(SesReply.messageRejected(), SesReply.messageRejected());
    try (SesV2Client client = noRetries()) {
      assertThatThrownBy(() -> client.sendEmail(email().build())).isInstanceOf(MessageRejectedException.class);
      ses.reset();
      assertThat(ses.requests()).isEmpty();
      assertThat(ses.pendingReplies()).isZero();
      client.sendEmail(email().build());
    }
    assertThat(ses.attempts()).isEqualTo(1);
  }

  private SesV2Client noRetries() {
    return ses.clientBuilder().overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1))).build();
  }

  private SesV2Client standardRetries() {
    return ses.clientBuilder().overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD)).build();
  }

  private static SendEmailRequest.Builder email() {
    return SendEmailRequest.builder()
        .fromEmailAddress("\"Civic OS\" <noreply@example.org>")
        .destination(d -> d.toAddresses("resident@example.org"))
        .content(c -> c.simple(m -> m
            .subject(s -> s.data("Straße gesperrt – 5 €").charset("UTF-8"))
            .body(b -> b
                .text(t -> t.data("Grüße").charset("UTF-8"))
                .html(h -> h.data("<p>Grüße</p>").charset("UTF-8")))
            .headers(h -> h.name("X-Civic-Notification").value("7"))));
  }
}
