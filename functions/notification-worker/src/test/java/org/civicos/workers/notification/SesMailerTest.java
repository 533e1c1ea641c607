package org.civicos.workers.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Optional;
import java.util.function.Supplier;
import org.civicos.workers.testing.ses.FakeSesServer;
import org.civicos.workers.testing.ses.SesReply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * SES faults injected at the HTTP level (a fake SES v2 endpoint; no local SES can stand in for AWS's error
 * behaviour), through the real SDK client: each is classified by exception type and status code.
 */
class SesMailerTest {
  private FakeSesServer ses;

  @BeforeEach
  void start() {
    ses = FakeSesServer.start();
  }

  @AfterEach
  void stop() {
    ses.close();
  }

  private static Email email() {
    return new Email("\"Civic OS\" <noreply@example.org>", "ann@example.org", Optional.of("help@example.org"),
        "Hello Zoë", "text body", "<p>html body</p>", Optional.of("civic-events"));
  }

  static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> faults() {
    return java.util.stream.Stream.of(
        args("throttled", SesReply::throttled, false),
        args("internal error", SesReply::internalError, false),
        args("service unavailable", SesReply::serviceUnavailable, false),
        args("limit exceeded", SesReply::limitExceeded, false),
        args("dropped connection", SesReply::drop, false),
        args("message rejected", SesReply::messageRejected, true),
        args("mail-from not verified", SesReply::mailFromDomainNotVerified, true),
        args("account suspended", SesReply::accountSuspended, true),
        args("sending paused", SesReply::sendingPaused, true),
        args("configuration set not found", () -> SesReply.notFound("Configuration set civic-events does not exist"), true),
        args("invalid address", () -> SesReply.badRequest("Missing final '@domain'"), true));
  }

  private static org.junit.jupiter.params.provider.Arguments args(String name, Supplier<SesReply> reply, boolean permanent) {
    return org.junit.jupiter.params.provider.Arguments.of(name, reply, permanent);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void classifiesEachFaultByTypeAndStatus(String name, Supplier<SesReply> reply, boolean permanent) {
    ses.otherwise(reply.get());
    Mailer.MailException failure = catchThrowableOfType(Mailer.MailException.class,
        () -> new SesMailer(ses.client()).send(email()));
    assertThat(failure).as(name).isNotNull();
    assertThat(failure.permanent()).as(name).isEqualTo(permanent);
    if (permanent) {
      assertThat(ses.attempts()).as("permanent errors are not retried by the SDK").isEqualTo(1);
    }
  }

  @Test
  void sendsSimpleUtf8ContentWithFromReplyToAndConfigurationSet() {
    ses.otherwise(SesReply.success("msg-1"));
    assertThat(new SesMailer(ses.client()).send(email())).isEqualTo("msg-1");
    var body = ses.lastRequest().json();
    assertThat(body.get("FromEmailAddress").asText()).isEqualTo("\"Civic OS\" <noreply@example.org>");
    assertThat(body.get("Destination").get("ToAddresses").get(0).asText()).isEqualTo("ann@example.org");
    assertThat(body.get("ReplyToAddresses").get(0).asText()).isEqualTo("help@example.org");
    assertThat(body.get("ConfigurationSetName").asText()).isEqualTo("civic-events");
    var simple = body.get("Content").get("Simple");
    assertThat(simple.get("Subject").get("Data").asText()).isEqualTo("Hello Zoë");
    assertThat(simple.get("Subject").get("Charset").asText()).isEqualTo("UTF-8");
    assertThat(simple.get("Body").get("Text").get("Data").asText()).isEqualTo("text body");
    assertThat(simple.get("Body").get("Html").get("Data").asText()).isEqualTo("<p>html body</p>");
  }

  @Test
  void aThrottledSendThatSucceedsOnTheSdksRetryCountsAsSent() {
    ses.enqueue(SesReply.throttled()).otherwise(SesReply.success("msg-2"));
    assertThat(new SesMailer(ses.client()).send(email())).isEqualTo("msg-2");
    assertThat(ses.attempts()).isEqualTo(2);
  }
}
